// Times the built page (run trunk build --release first) in headless Chromium on a
// 5,000-word article and a dense 100,000-word one (over 10,000 annotations):
//   node tests/e2e/bench-long-article.mjs
// For each: paste → highlighted view, and create / delete / undo → updated view, each timed
// inside the page from the event to the first frame after the DOM changed (a
// requestAnimationFrame, then a task so that frame's layout and paint are included); the
// JS heap (CDP Performance.getMetrics) and the WebAssembly memory after each step.
// Prints figures and asserts nothing (speed is measured, never tested); scripts/bench uses
// `measurePage` for its table.
// To see where a create on the long article goes: TRACE=1 sums the DevTools timeline (style,
// layout, pre-paint, paint, script) by event; PROFILE=1 prints the CPU profile's heaviest
// functions (build with data-wasm-opt="0" in index.html to see Rust names).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serve, launch, root, selectText } from './harness.mjs';

/// Words, as the issue counts them.
export const words = (text) => text.split(/\s+/).filter(Boolean).length;

/// A 5,000-word article: the benchmark corpus' articles, in order, paragraph by paragraph.
export function article5k(texts) {
  const paragraphs = texts.join('\n\n').split('\n\n');
  const out = [];
  let n = 0;
  for (const p of paragraphs) {
    if (n >= 5000) break;
    out.push(p);
    n += words(p);
  }
  return out.join('\n\n') + '\n';
}

const first = ['Ana', 'Tomas', 'Leila', 'Kwame', 'Ingrid', 'Rafael', 'Mei', 'Oskar', 'Priya', 'Jonah'];
const last = ['Ortiz', 'Hale', 'Nakamura', 'Mensah', 'Berg', 'Duarte', 'Chen', 'Lind', 'Raman', 'Weiss'];
const orgs = ['the transport ministry', 'the city council', 'the port authority', 'the health agency', 'the central bank'];
const outlets = ['Reuters', 'the Associated Press', 'Agence France-Presse', 'the BBC'];
const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const days = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/// A long article dense in quotes, sources and dates (written for the benchmark): about one
/// annotation every seven or eight words, so 100,000 words carry well over 10,000.
export function denseArticle(wordCount) {
  const paragraphs = ['Published: 2024-05-09', 'Bridge talks drag on as deadline nears'];
  let n = 0;
  for (let i = 0; n < wordCount; i++) {
    const name = `${first[i % 10]} ${last[(i * 7 + 3) % 10]}`;
    const other = `${first[(i + 4) % 10]} ${last[(i * 3 + 1) % 10]}`;
    const month = months[i % 12];
    const p = [
      `"We expect the bridge to reopen by ${month} ${(i % 27) + 1}," ${name} said on ${days[i % 7]}.`,
      `${orgs[i % 5][0].toUpperCase()}${orgs[i % 5].slice(1)} said in a statement last week that talks would resume in ${months[(i + 5) % 12]}, according to ${outlets[i % 4]}.`,
      `"It was never about money," said ${other}, a spokesperson for ${orgs[(i + 2) % 5]}. "We will decide by ${2025 + (i % 4)}."`,
    ][i % 3] + ' Engineers walked the length of the span and checked every joint and cable before leaving.';
    paragraphs.push(p);
    n += words(p);
  }
  return paragraphs.join('\n\n') + '\n';
}

/// Runs `act` in the page and resolves with, for each named condition of `until`, the
/// milliseconds from its start to the first frame after the condition holds (checked once per
/// frame, in order, so the check itself stays cheap). Each condition is a function body of
/// `arg`, `seen` (the conditions already met) and what `before` returned before the clock
/// started. The side panel follows the article a frame behind (src/web/panel.rs,
/// `SidePanel`), so its conditions hold a frame or more after the article's.
async function timeFrames(page, { before = 'return null', act, until }, arg = null) {
  return page.evaluate(
    ([before, act, until, arg]) => new Promise((resolve, reject) => {
      const checks = Object.entries(until).map(([name, body]) => [name, new Function('arg', 'seen', 'before', body)]);
      const earlier = new Function('arg', before)(arg);
      const t0 = performance.now();
      new Function('arg', act)(arg);
      const deadline = t0 + 120000;
      const seen = {};
      const out = {};
      const frame = () => {
        for (const [name, holds] of checks) {
          if (seen[name] || !holds(arg, seen, earlier)) continue;
          seen[name] = true;
          // The frame a rAF callback belongs to is laid out and painted before the next task runs.
          setTimeout(() => {
            out[name] = performance.now() - t0;
            if (Object.keys(out).length === checks.length) resolve(out);
          }, 0);
        }
        if (Object.keys(seen).length === checks.length) return;
        if (performance.now() > deadline) reject(new Error(`not within 120 s: ${checks.map(([n]) => n).filter((n) => !seen[n])}`));
        else requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    }),
    [before, act, until, arg],
  );
}

/// The page's own User Timing measures since the last call (the reducer, the view's
/// paragraph chunks): the rest of an edit's time is Yew's rendering and the browser's.
async function parts(page) {
  return page.evaluate(() => {
    const out = {};
    for (const m of performance.getEntriesByType('measure')) {
      const name = m.name.replace('newsmark ', '');
      out[name] = (out[name] ?? 0) + m.duration;
    }
    performance.clearMeasures();
    return out;
  });
}

/// Measures one article in a fresh page; returns the figures.
export async function measurePage(context, origin, text, label) {
  const page = await context.newPage();
  // The WebAssembly memory, kept when Trunk's loader announces the started app.
  await page.addInitScript(() => {
    addEventListener('TrunkApplicationStarted', (e) => { window.__newsmarkWasmMemory = e.detail?.wasm?.memory; });
  });
  await page.goto(origin);
  await page.waitForSelector('#reading [data-kind="quote"]');
  // A user reads the page before pasting into it: the figures are of a page that has
  // settled. In the first few hundred milliseconds the page runs its core on its sample
  // article to get V8 to optimise the code (`warm_up_core` in src/web/mod.rs); a paste
  // meanwhile is as slow as with no warm-up (README, "Speed").
  await page.waitForFunction(() => performance.getEntriesByName('newsmark warmed up').length > 0,
    null, { timeout: 10_000 });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const samples = [];
  const sample = async (step) => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    const jsHeap = metrics.find((m) => m.name === 'JSHeapUsedSize').value;
    const wasm = await page.evaluate(() => window.__newsmarkWasmMemory?.buffer.byteLength ?? null);
    samples.push({ step, jsHeap, wasm });
  };
  await cdp.send('HeapProfiler.collectGarbage');
  await sample('loaded');
  await parts(page);
  const result = { label, words: words(text), bytes: Buffer.byteLength(text) };

  // Three figures from the same paste: the first frame showing the whole text with the first
  // screens highlighted (what the reader sees; the view highlights the rest a few blocks per
  // task), the frame where every block has its highlights, and the frame where the side
  // panel lists the article's annotations (it catches up a frame after the article).
  // Pasted as a user does: New article, then the paste (the clock starts at the paste).
  await page.click('#new-article');
  await page.waitForSelector('#article');
  // The text is handed to the page before the clock starts, as a clipboard holds it before
  // a paste. Then the harness's own garbage is collected, as before the create below:
  // Playwright's click and wait run its script in the page (of the 270-295 KB the page's
  // heap allocated meanwhile, by a sampling heap profile, the page's own code made about
  // 23 KB), and handing over the text leaves a copy of it; so the next sample holds what the
  // page kept and the garbage the page itself made.
  await page.evaluate((t) => { window.__newsmarkPaste = t; }, text);
  await cdp.send('HeapProfiler.collectGarbage');
  Object.assign(result, await timeFrames(page, {
    // The panel's counts before the paste (of the article the page opened on): the panel has
    // caught up when they change.
    before: `return document.querySelector('.panel .counts')?.textContent`,
    act: `const a = document.getElementById('article'); a.value = window.__newsmarkPaste;
          delete window.__newsmarkPaste;
          a.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));`,
    until: {
      // The cheap test first: the whole text is read (a copy the size of the article) only
      // once highlights show. `arg` is the text's length in UTF-16 units.
      pasteMs: `const view = document.getElementById('reading');
                return !!view.querySelector('.block:not(.pending) [data-ann-id]') && view.textContent.length === arg;`,
      pasteAllMs: `return seen.pasteMs && !document.querySelector('#reading .block.pending');`,
      pastePanelMs: `return document.querySelector('.panel .counts')?.textContent !== before;`,
    },
  }, text.length));
  await sample('pasted');
  result.pasteParts = await parts(page);
  result.annotations = await page.$$eval('#reading [data-ann-id]', (els) => new Set(els.map((e) => e.dataset.annId)).size);

  // Create: a quote on a word no annotation covers, selected before the clock starts.
  const { id, free, occurrence } = await page.evaluate(() => {
    const view = document.getElementById('reading');
    const max = Math.max(0, ...[...view.querySelectorAll('[data-kind="quote"]')]
      .map((e) => Number(e.dataset.annId.slice(1)) || 0));
    const walker = document.createTreeWalker(view, NodeFilter.SHOW_TEXT);
    let pos = 0;
    while (walker.nextNode()) {
      const t = walker.currentNode;
      const m = t.data.match(/[A-Za-z]{5,}/);
      if (m && !t.parentElement.closest('[data-ann-id]')) {
        const occurrence = view.textContent.slice(0, pos + m.index).split(m[0]).length - 1;
        return { id: `q${max + 1}`, free: m[0], occurrence };
      }
      pos += t.data.length;
    }
    throw new Error('no free word in the view');
  });
  await selectText(page, free, occurrence);
  // The harness's own garbage (it read the view's text and listed every highlight) is not
  // the page's: collected before the clock starts, so the next sample holds what the page
  // kept and the garbage the page itself made.
  await cdp.send('HeapProfiler.collectGarbage');
  const key = (k, ctrl = false) => `document.getElementById('reading').dispatchEvent(new KeyboardEvent('keydown', { key: ${JSON.stringify(k)}, ctrlKey: ${ctrl}, bubbles: true, cancelable: true }))`;
  let traceEvents = [];
  if (process.env.TRACE && label.startsWith('100')) {
    cdp.on('Tracing.dataCollected', (e) => traceEvents.push(...e.value));
    await cdp.send('Tracing.start', { categories: 'devtools.timeline,blink', transferMode: 'ReportEvents' });
  }
  if (process.env.PROFILE && label.startsWith('100')) { await cdp.send('Profiler.enable'); await cdp.send('Profiler.setSamplingInterval', { interval: 100 }); await cdp.send('Profiler.start'); }
  // The panel has caught up when the new quote is in its editor and in its list.
  Object.assign(result, await timeFrames(page, { act: key('q'), until: {
    createMs: `return !!document.querySelector('#reading [data-ann-id="${id}"]')`,
    createPanelMs: `return /^quote ${id}(?![0-9])/.test(document.querySelector('.panel .selection h2')?.textContent ?? '') && !!document.querySelector('.panel [data-ann-ref="${id}"]')`,
  } }));
  if (process.env.TRACE && label.startsWith('100')) {
    const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
    await cdp.send('Tracing.end'); await done;
    const sum = new Map();
    for (const e of traceEvents) if (e.ph === 'X' && e.dur) sum.set(e.name, (sum.get(e.name) || 0) + e.dur);
    [...sum.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25).forEach(([k, v]) => console.log((v / 1000).toFixed(1).padStart(8), k));
  }
  if (process.env.PROFILE && label.startsWith('100')) {
    const { profile } = await cdp.send('Profiler.stop');
    const self = new Map(); const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const dt = profile.timeDeltas; let total = 0;
    profile.samples.forEach((sid, i) => { const n = byId.get(sid); const k = n.callFrame.functionName || n.callFrame.url || '(anon)'; self.set(k, (self.get(k) || 0) + (dt[i] || 0)); total += dt[i] || 0; });
    console.log('total ms', total / 1000);
    [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40).forEach(([k, v]) => console.log((v / 1000).toFixed(1).padStart(8), k.slice(0, 120)));
  }
  await sample('created');
  result.createParts = await parts(page);

  // Delete: the third detected quote, selected by a click before the clock starts.
  await page.evaluate(() => document.querySelector('#reading [data-ann-id="q3"]').click());
  Object.assign(result, await timeFrames(page, { act: key('Delete'), until: {
    deleteMs: `return !document.querySelector('#reading [data-ann-id="q3"]')`,
    deletePanelMs: `return !document.querySelector('.panel [data-ann-ref="q3"]') && !!document.querySelector('.panel .selection.empty')`,
  } }));
  await sample('deleted');
  result.deleteParts = await parts(page);
  Object.assign(result, await timeFrames(page, { act: key('z', true), until: {
    undoMs: `return !!document.querySelector('#reading [data-ann-id="q3"]')`,
    undoPanelMs: `return !!document.querySelector('.panel [data-ann-ref="q3"]')`,
  } }));
  await sample('undone');
  result.undoParts = await parts(page);

  // Hover: the pointer enters a quote with a speaker; its speaker is marked as linked.
  Object.assign(result, await timeFrames(page, {
    act: `const q = [...document.querySelectorAll('#reading [data-kind="quote"]')].find((e) => !/unknown/.test(e.title));
          document.querySelector('#reading .linked')?.classList.remove('linked');
          q.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));`,
    until: { hoverMs: `return !!document.querySelector('#reading .linked')` },
  }));
  result.hoverParts = await parts(page);

  result.peakJsHeap = Math.max(...samples.map((s) => s.jsHeap));
  result.wasmMemory = Math.max(...samples.map((s) => s.wasm ?? 0)) || null;
  result.baseline = samples[0];
  result.samples = samples;
  await page.close();
  return result;
}

export async function articles() {
  const { articles: corpus } = await import('../../bench/corpus.mjs');
  return { short: article5k(await corpus()), long: denseArticle(100000) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { server, origin } = await serve();
  const { context } = await launch();
  const { short, long } = await articles();
  for (const [label, text] of [['5,000 words', short], ['100,000 words', long]]) {
    const r = await measurePage(context, origin, text, label);
    const mb = (b) => (b / 1e6).toFixed(1);
    console.log(`${label}: ${r.words} words, ${r.annotations} annotations; paste → view ${r.pasteMs.toFixed(0)} ms (all highlighted ${r.pasteAllMs.toFixed(0)} ms, panel ${r.pastePanelMs.toFixed(0)} ms), create ${r.createMs.toFixed(1)} ms (panel ${r.createPanelMs.toFixed(1)}), delete ${r.deleteMs.toFixed(1)} ms (panel ${r.deletePanelMs.toFixed(1)}), undo ${r.undoMs.toFixed(1)} ms (panel ${r.undoPanelMs.toFixed(1)}), hover ${r.hoverMs.toFixed(1)} ms; peak JS heap ${mb(r.peakJsHeap)} MB, wasm memory ${r.wasmMemory ? mb(r.wasmMemory) : '?'} MB`);
    const ms = (o) => Object.entries(o).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ');
    console.log(`  of which, in the page's own measures (ms): paste: ${ms(r.pasteParts)}; create: ${ms(r.createParts)}; delete: ${ms(r.deleteParts)}; undo: ${ms(r.undoParts)}`);
  }
  await context.close();
  server.close();
}
