// The benchmark's measuring half (scripts/bench builds everything first, then runs this):
//   node bench/run.mjs
// Measures, on this machine and in this run: the core's throughput native (criterion's
// results, read from target/criterion/), as WebAssembly in Node and in headless Chromium, and
// chrono-node's on the same text; the web app in headless Chromium (paste and edits on a
// 5,000-word and a 100,000-word article, memory); the size of what the page downloads; and
// `newsmark annotate --jsonl` on 1 and 2 threads with its peak memory on growing inputs.
// Prints one table, each figure beside its target, and writes target/bench/results.json.
// BENCH_JSONL_MB (default "10 100") lists the JSONL input sizes in MB; BENCH_NATIVE=0 leaves
// out criterion's figures (scripts/bench --no-native).
import { spawnSync } from 'node:child_process';
import { createWriteStream, openSync, closeSync } from 'node:fs';
import { readFile, writeFile, readdir, stat } from 'node:fs/promises';
import { join, extname } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build as buildCorpus, out, root } from './corpus.mjs';
import { REFERENCE_DATE } from './throughput.mjs';
import { serve, launch } from '../tests/e2e/harness.mjs';
import { measurePage, article5k, denseArticle } from '../tests/e2e/bench-long-article.mjs';

const MB = 1e6;
const results = { machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, date: new Date().toISOString() };
const rows = [];
const row = (figure, value, target, met) => rows.push({ figure, value, target: target ?? '', met: met === undefined ? '' : met ? 'yes' : 'NO' });
const fmt = (x, d = 1) => (x == null ? '?' : x.toFixed(d));

const { texts, files } = await buildCorpus();
const sizes = Object.keys(files); // 1mb, 10mb

// --- the core: native (criterion), WebAssembly in Node and in Chromium, chrono-node ---------
// Each on the corpus as one text and on its articles one by one. Node figures also come per
// CPU-second: on a machine shared with other work, wall time measures the neighbours too.
results.throughput = {};
const shapes = { text: 'corpus', articles: 'articles' };
for (const size of sizes) {
  for (const [shape, criterionName] of Object.entries(shapes)) {
    const r = (results.throughput[`${shape}-${size}`] = { size, shape });
    try {
      if (process.env.BENCH_NATIVE === '0') throw new Error('scripts/bench --no-native');
      const estimates = JSON.parse(await readFile(join(root, `target/criterion/annotate/${criterionName}-${size}/new/estimates.json`), 'utf8'));
      const bench = JSON.parse(await readFile(join(root, `target/criterion/annotate/${criterionName}-${size}/new/benchmark.json`), 'utf8'));
      const bytes = bench.throughput.Bytes;
      r.native = { bytes, ms: estimates.median.point_estimate / 1e6 };
      r.native.mbPerS = bytes / MB / (r.native.ms / 1000);
    } catch {
      r.native = null; // scripts/bench --no-native
    }
    for (const mode of ['wasm', 'chrono']) {
      const p = spawnSync(process.execPath, ['--max-old-space-size=4096', join(root, 'bench/throughput.mjs'), mode, shape, size], { encoding: 'utf8' });
      if (p.status !== 0) throw new Error(`throughput ${mode} ${shape} ${size}: ${p.stderr}`);
      r[mode === 'wasm' ? 'wasmNode' : 'chrono'] = JSON.parse(p.stdout.trim().split('\n').pop());
    }
  }
}

const { server: benchServer, origin: benchOrigin } = await serve(out);
await writeFile(join(out, 'index.html'), '<!DOCTYPE html><meta charset="utf-8"><title>newsmark core benchmark</title>');
const { context } = await launch();
{
  const page = await context.newPage();
  await page.goto(benchOrigin);
  for (const r of Object.values(results.throughput)) {
    r.wasmChromium = await page.evaluate(async ([shape, size, published]) => {
      const core = await import('/pkg-web/newsmark_bench_wasm.js');
      await core.default();
      core.warm_up();
      const articles = await (await fetch(`/corpus-${size}.json`)).json();
      const text = await (await fetch(`/corpus-${size}.txt`)).text();
      const annotate = (t) => core.annotate(t, published);
      const run = shape === 'text' ? () => annotate(text) : () => articles.reduce((n, a) => n + annotate(a), 0);
      const utf8 = new TextEncoder();
      const bytes = shape === 'text' ? utf8.encode(text).length : articles.reduce((n, a) => n + utf8.encode(a).length, 0);
      // The same policy as bench/throughput.mjs: one warm-up, then runs for 2 s (1 to 5).
      articles.slice(0, 21).forEach(annotate);
      const times = [];
      let found = 0;
      const start = performance.now();
      while (times.length < 5 && (times.length === 0 || performance.now() - start < 2000)) {
        const t0 = performance.now();
        found = run();
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      const ms = times[Math.floor(times.length / 2)];
      return { bytes, ms, runs: times.length, found, mbPerS: bytes / 1e6 / (ms / 1000), wasmMemory: core.memory_bytes() };
    }, [r.shape, r.size, REFERENCE_DATE]);
  }
  await page.close();
}
benchServer.close();

for (const r of Object.values(results.throughput)) {
  const label = `${fmt(r.chrono.bytes / MB)} MB ${r.shape === 'text' ? 'as one text' : 'article by article'}`;
  row(`core native (criterion), ${label}`, r.native ? `${fmt(r.native.mbPerS, 2)} MB/s` : 'not run', '≥ 50 MB/s', r.native ? r.native.mbPerS >= 50 : undefined);
  row(`chrono-node casual.parse, ${label}`, `${fmt(r.chrono.mbPerS, 2)} MB/s, ${fmt(r.chrono.mbPerCpuS, 2)} per CPU-s (${r.chrono.found} dates)`, 'the peer');
  r.wasmNode.vsChrono = r.wasmNode.mbPerCpuS / r.chrono.mbPerCpuS;
  row(`core wasm in Node, ${label}`, `${fmt(r.wasmNode.mbPerS, 2)} MB/s, ${fmt(r.wasmNode.mbPerCpuS, 2)} per CPU-s = ${fmt(r.wasmNode.vsChrono, 2)}× chrono (${r.wasmNode.found} annotations)`, '≥ 10× chrono per CPU-s', r.wasmNode.vsChrono >= 10);
  r.wasmChromium.vsChrono = r.wasmChromium.mbPerS / r.chrono.mbPerS;
  row(`core wasm in Chromium, ${label}`, `${fmt(r.wasmChromium.mbPerS, 2)} MB/s = ${fmt(r.wasmChromium.vsChrono, 2)}× chrono's wall MB/s`, '≥ 10× chrono', r.wasmChromium.vsChrono >= 10);
}

// --- the web app in headless Chromium --------------------------------------------------------
const { server: appServer, origin: appOrigin } = await serve();
results.page = [];
for (const [label, text, pasteTarget] of [['5,000 words', article5k(texts), 50], ['100,000 words', denseArticle(100000), 500]]) {
  const r = await measurePage(context, appOrigin, text, label);
  results.page.push(r);
  row(`page ${label} (${r.annotations} annotations): paste → view (first screens highlighted)`, `${fmt(r.pasteMs, 0)} ms`, `≤ ${pasteTarget} ms`, r.pasteMs <= pasteTarget);
  row(`page ${label}: paste → every block highlighted`, `${fmt(r.pasteAllMs, 0)} ms`, '');
  row(`page ${label}: paste → side panel listing it`, `${fmt(r.pastePanelMs, 0)} ms`, '');
  for (const edit of ['create', 'delete', 'undo']) {
    row(`page ${label}: ${edit} → view`, `${fmt(r[`${edit}Ms`])} ms`, '≤ 16 ms', r[`${edit}Ms`] <= 16);
    row(`page ${label}: ${edit} → side panel`, `${fmt(r[`${edit}PanelMs`])} ms`, '');
  }
  row(`page ${label}: hover a quote → its speaker marked`, `${fmt(r.hoverMs)} ms`, '≤ 16 ms', r.hoverMs <= 16);
  const total = r.peakJsHeap + (r.wasmMemory ?? 0);
  const base = r.baseline.jsHeap + (r.baseline.wasm ?? 0);
  r.memoryGrowth = total - base;
  row(`page ${label}: peak JS heap + wasm memory`, `${fmt(r.peakJsHeap / MB)} + ${fmt((r.wasmMemory ?? 0) / MB)} MB = ${fmt(total / r.bytes, 0)}× the article (${fmt(r.bytes / 1e3, 0)} KB)`, '');
  row(`page ${label}: memory grown since load`, `${fmt(r.memoryGrowth / MB)} MB = ${fmt(r.memoryGrowth / r.bytes, 0)}× the article`, '≤ 20×', r.memoryGrowth <= 20 * r.bytes);
  if (label.startsWith('100')) row(`page ${label}: annotations`, `${r.annotations}`, '≥ 10,000', r.annotations >= 10000);
}
appServer.close();
await context.close();

// --- what the page downloads -----------------------------------------------------------------
results.download = {};
for (const name of await readdir(join(root, 'dist'))) {
  const ext = extname(name).slice(1);
  if (!['wasm', 'js', 'css', 'html'].includes(ext)) continue;
  const body = await readFile(join(root, 'dist', name));
  results.download[name] = { raw: body.length, gzip: gzipSync(body, { level: 9 }).length };
}
{
  const files = Object.entries(results.download);
  const sum = (pick, filter) => files.filter(([n]) => filter(n)).reduce((s, [, f]) => s + f[pick], 0);
  const assets = (n) => /\.(wasm|js|css)$/.test(n);
  for (const [n, f] of files) row(`download ${n.replace(/-[0-9a-f]{16}(?=[._])/, '')}`, `${fmt(f.raw / 1e3)} KB raw, ${fmt(f.gzip / 1e3)} KB gzip`, '');
  results.download.total = { raw: sum('raw', assets), gzip: sum('gzip', assets) };
  row('download wasm + js + css', `${fmt(results.download.total.raw / 1e3)} KB raw, ${fmt(results.download.total.gzip / 1e3)} KB gzip`, '≤ 250 KB gzip', results.download.total.gzip <= 250e3);
}

// --- newsmark annotate --jsonl: throughput on 1 and 2 threads, memory on growing inputs ----
async function jsonl(mb) {
  const file = join(out, `batch-${mb}mb.jsonl`);
  try {
    if ((await stat(file)).size >= mb * MB) return file;
  } catch {}
  const stream = createWriteStream(file);
  let written = 0;
  for (let i = 0; written < mb * MB; i++) {
    const line = JSON.stringify({ id: i, text: texts[i % texts.length], published: REFERENCE_DATE }) + '\n';
    written += Buffer.byteLength(line);
    if (!stream.write(line)) await new Promise((ok) => stream.once('drain', ok));
  }
  await new Promise((ok) => stream.end(ok));
  return file;
}
results.jsonl = [];
const jsonlSizes = (process.env.BENCH_JSONL_MB ?? '10 100').split(/\s+/).filter(Boolean).map(Number);
for (const mb of jsonlSizes) {
  const file = await jsonl(mb);
  const bytes = (await stat(file)).size;
  for (const threads of [1, 2]) {
    const devNull = openSync('/dev/null', 'w');
    const t0 = performance.now();
    const p = spawnSync('/usr/bin/time', ['-v', join(root, 'target/release/newsmark'), 'annotate', '--jsonl', file, '--threads', String(threads)], { stdio: ['ignore', devNull, 'pipe'], encoding: 'utf8' });
    const seconds = (performance.now() - t0) / 1000;
    closeSync(devNull);
    if (p.status !== 0) throw new Error(`newsmark annotate --jsonl: ${p.stderr}`);
    const field = (name) => p.stderr.match(new RegExp(`${name}: ([0-9.]+)`))[1];
    const rss = Number(field('Maximum resident set size \\(kbytes\\)')) * 1024;
    // The CPU share it got says whether a second thread had a core to run on: on a machine
    // shared with other work, wall-clock throughput alone cannot show the scaling.
    const cpuSeconds = Number(field('User time \\(seconds\\)')) + Number(field('System time \\(seconds\\)'));
    const r = { mb, bytes, threads, seconds, cpuSeconds, mbPerS: bytes / MB / seconds, mbPerCpuS: bytes / MB / cpuSeconds, cpuShare: cpuSeconds / seconds, peakRss: rss };
    results.jsonl.push(r);
    row(`annotate --jsonl ${fmt(bytes / MB, 0)} MB, ${threads} thread${threads > 1 ? 's' : ''}`, `${fmt(r.mbPerS, 2)} MB/s on ${fmt(r.cpuShare, 2)} cores (${fmt(r.mbPerCpuS, 2)} per CPU-s), peak RSS ${fmt(rss / MB)} MB`, '');
  }
}
if (results.jsonl.length) {
  const rss = results.jsonl.map((r) => r.peakRss);
  const flat = Math.max(...rss) <= 1.5 * Math.min(...rss);
  row(`annotate --jsonl peak RSS over ${jsonlSizes.join(', ')} MB inputs`, `${fmt(Math.min(...rss) / MB)}–${fmt(Math.max(...rss) / MB)} MB`, 'flat (max ≤ 1.5× min)', flat);
}

// --- the table and the JSON ------------------------------------------------------------------
const widths = ['figure', 'value', 'target', 'met'].map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)));
const line = (r) => ['figure', 'value', 'target', 'met'].map((k, i) => String(r[k]).padEnd(widths[i])).join(' | ');
console.log(line({ figure: 'figure', value: 'value', target: 'target', met: 'met' }));
console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
rows.forEach((r) => console.log(line(r)));
results.table = rows;
await writeFile(join(out, 'results.json'), JSON.stringify(results, null, 2) + '\n');
console.log(`\nwritten: ${join(out, 'results.json')}`);
