// Throughput of one annotator on the benchmark corpus, in this Node process, printed as JSON:
//   node bench/throughput.mjs wasm|chrono text|articles SIZE
// wasm: newsmark's core as WebAssembly (bench/wasm, nodejs build); chrono: chrono-node's
// casual parser (dates only), with the same reference date. `text` annotates
// target/bench/corpus-SIZE.txt as one text, `articles` the articles of corpus-SIZE.json one
// by one. scripts/bench runs each in a fresh process.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export const REFERENCE_DATE = '2024-05-09';
const root = new URL('..', import.meta.url).pathname;

/// Runs `run` until at least `seconds` have passed (at least once, at most 5 times), after one
/// untimed warm-up run of `warmUp`; returns the median run's wall and CPU milliseconds.
export function timeRuns(run, warmUp, seconds = 2) {
  warmUp();
  const runs = [];
  let found = 0;
  const start = performance.now();
  while (runs.length < 5 && (runs.length === 0 || performance.now() - start < seconds * 1000)) {
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    found = run();
    const used = process.cpuUsage(cpu);
    runs.push({ ms: performance.now() - t0, cpuMs: (used.user + used.system) / 1000 });
  }
  runs.sort((a, b) => a.ms - b.ms);
  return { ...runs[Math.floor(runs.length / 2)], runs: runs.length, found };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [mode, shape, size] = process.argv.slice(2);
  const require = createRequire(import.meta.url);
  let annotate;
  let memory = () => null;
  if (mode === 'wasm') {
    const core = require(join(root, 'target/bench/pkg-node/newsmark_bench_wasm.js'));
    core.warm_up();
    annotate = (t) => core.annotate(t, REFERENCE_DATE);
    memory = () => core.memory_bytes();
  } else if (mode === 'chrono') {
    const chrono = require('chrono-node');
    const ref = new Date(`${REFERENCE_DATE}T12:00:00Z`);
    annotate = (t) => chrono.casual.parse(t, ref).length;
  }
  if (!annotate || !['text', 'articles'].includes(shape) || !size) {
    console.error('usage: node bench/throughput.mjs wasm|chrono text|articles 1mb|10mb');
    process.exit(2);
  }
  const articles = JSON.parse(await readFile(join(root, `target/bench/corpus-${size}.json`), 'utf8'));
  const text = await readFile(join(root, `target/bench/corpus-${size}.txt`), 'utf8');
  const bytes = shape === 'text' ? Buffer.byteLength(text) : articles.reduce((n, a) => n + Buffer.byteLength(a), 0);
  const run = shape === 'text' ? () => annotate(text) : () => articles.reduce((n, a) => n + annotate(a), 0);
  const r = timeRuns(run, () => articles.slice(0, 21).forEach(annotate));
  console.log(JSON.stringify({ mode, shape, size, bytes, ...r, mbPerS: bytes / 1e6 / (r.ms / 1000), mbPerCpuS: bytes / 1e6 / (r.cpuMs / 1000), wasmMemory: memory(), peakRss: process.resourceUsage().maxRSS * 1024 }));
}
