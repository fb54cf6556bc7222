// End to end, hostile input and faults: pasted markup, awkward Unicode, a 10 MB paste, the
// Content-Security-Policy, storage that is missing or full, a crash inside WebAssembly, two
// tabs at once and a file from a newer schema. Every request any page makes is recorded and
// must stay on the page's own origin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { serve, launch, selectText, annotations, download, openTextArea, fillArticle } from './harness.mjs';

let server, origin, context, requests, dir;
const pages = [];

before(async () => {
  ({ server, origin } = await serve());
  ({ context, requests } = await launch());
  dir = await mkdtemp(join(tmpdir(), 'newsmark-hostile-'));
});

after(async () => {
  await context?.close();
  server?.close();
});

/// A new tab on the app, failing the test on any uncaught page error unless `crashes` is set.
async function open({ init, crashes = false } = {}) {
  const page = await context.newPage();
  pages.push(page);
  if (init) await page.addInitScript(init);
  if (!crashes) page.on('pageerror', (e) => { throw e; });
  await page.goto(origin);
  await page.waitForSelector('#reading [data-kind]');
  return page;
}

const viewText = (page) => page.$eval('#reading', (v) => v.textContent);

/// Exports through the Export JSON button and returns the parsed file.
async function exportJson(page) {
  return JSON.parse(await readFile(await (await download(page, 'button:text-is("Export JSON")')).path(), 'utf8'));
}

/// Every exported annotation's code-point offsets select its text (Python's text[start:end]).
function assertCodePointOffsets(exported, text) {
  assert.equal(exported.text, text, 'the export keeps the text exactly');
  const chars = Array.from(text);
  for (const a of exported.annotations) {
    assert.equal(chars.slice(a.start, a.end).join(''), a.text, `offsets of ${a.id}`);
  }
}

async function waitForView(page, text) {
  await page.waitForFunction((t) => document.getElementById('reading').textContent === t, text);
}

test('the Content-Security-Policy is in force and the app runs under it', async () => {
  const page = await open();
  const policy = await page.$eval('meta[http-equiv="Content-Security-Policy"]', (m) => m.content);
  assert.match(policy, /script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
  assert.match(policy, /object-src 'none'/);
  const result = await page.evaluate(async () => {
    const violations = [];
    document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
    const s = document.createElement('script');
    s.textContent = 'window.__inline = 1';
    document.body.append(s);
    // An inline event handler, as pasted markup would carry.
    const button = document.createElement('button');
    button.setAttribute('onclick', 'window.__inline = 2');
    document.body.append(button);
    button.click();
    button.remove();
    await new Promise((ok) => setTimeout(ok, 100));
    return { inline: window.__inline, violations };
  });
  assert.equal(result.inline, undefined, 'an injected inline script does not run');
  assert.ok(result.violations.some((d) => d.startsWith('script-src')), `violations: ${result.violations}`);
  assert.ok(result.violations.some((d) => d.startsWith('script-src-attr') || d === 'script-src'), `violations: ${result.violations}`);
  assert.ok((await annotations(page)).length > 10, 'the app itself runs');
  await page.close();
});

test('pasted markup, scripts, javascript: links and entities are shown as text, never run', async () => {
  const page = await open();
  const hostile = [
    '<script>window.__pwned = 1</script> "We are safe," said <b>Ana Ruiz</b> on Tuesday.',
    '<img src=x onerror="window.__pwned = 2"> <svg onload="window.__pwned = 3"></svg>',
    '<a href="javascript:window.__pwned = 4">click me</a> <iframe srcdoc="<script>parent.__pwned = 5</script>"></iframe>',
    '&lt;b&gt; &amp;amp; &#x41; &quot;quoted&quot; &nbsp; <style>body{display:none}</style>',
  ].join('\n\n');
  await fillArticle(page, hostile);
  await waitForView(page, hostile);
  await page.waitForTimeout(200);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await page.$$eval('#reading script, #reading img, #reading a, #reading svg, #reading iframe, #reading style, #reading b', (e) => e.length), 0);
  assert.equal(await page.isVisible('#reading'), true, 'no pasted style hides the page');
  // Entities stay as typed: nothing was decoded on the way.
  assert.ok((await viewText(page)).includes('&lt;b&gt; &amp;amp; &#x41;'));
  // Mark the script tag itself as a source, by selection: offsets stay exact.
  await selectText(page, '<script>window.__pwned = 1</script>');
  await page.keyboard.press('s');
  const exported = await exportJson(page);
  assertCodePointOffsets(exported, hostile);
  assert.ok(exported.annotations.some((a) => a.kind === 'source' && a.text === '<script>window.__pwned = 1</script>'));
  assert.ok(exported.annotations.some((a) => a.kind === 'quote' && a.text === 'We are safe'));
  await page.click(`#reading [data-kind="source"]`);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  await page.close();
});

test('emoji, combining marks, CRLF, tabs, zero-width and right-to-left text keep exact offsets', async () => {
  const page = await open();
  const text = '👩‍👩‍👧 Family\u200d news\u200b:\t“Ça va 👍🏽 e\u0301 ok,” said Zoë Ō\u0304tani on Monday.\r\n\r\n' +
    '\u202eRTL override\u202c «שלום עולם» said \u200fמשה כהן\u200f on Tuesday.\r\n\r\n' +
    '\ufeff"مرحبا بالعالم," Ahmed Saleh said\tyesterday.\r\n\r\n' +
    // A lone CR inside a paragraph and a NUL: characters markup would not give back as they are.
    '"Line one\rline two," said Ana Ruiz, and "nul\u0000 here," Ben Ode said on Friday.\r\n';
  // Opened from a file, so the CRLFs stay (a text area's value turns them into LFs).
  const file = join(dir, 'unicode.txt');
  await writeFile(file, text);
  await page.setInputFiles('input[type=file][accept^=".txt"]', file);
  await waitForView(page, text);
  assert.equal(await viewText(page), text, "the view's text is the document's text");
  // Mark a span after every awkward character by selecting it in the view.
  await selectText(page, 'Ahmed Saleh');
  await page.keyboard.press('d');
  await page.keyboard.press('s');
  const exported = await exportJson(page);
  assertCodePointOffsets(exported, text);
  const made = exported.annotations.find((a) => a.text === 'Ahmed Saleh');
  assert.ok(made, JSON.stringify(exported.annotations.map((a) => a.text)));
  assert.equal(made.start, Array.from(text.slice(0, text.indexOf('Ahmed Saleh'))).length);
  assert.equal(made.end, made.start + 'Ahmed Saleh'.length);
  assert.ok(exported.annotations.some((a) => a.kind === 'quote' && a.text === 'Ça va 👍🏽 e\u0301 ok'));
  assert.ok(exported.annotations.some((a) => a.kind === 'quote' && a.text === 'مرحبا بالعالم'));
  assert.ok(exported.annotations.some((a) => a.kind === 'quote' && a.text === 'Line one\rline two'));
  assert.ok(exported.annotations.some((a) => a.kind === 'quote' && a.text === 'nul\u0000 here'));
  // What the view shows for each annotation is its text.
  for (const a of await annotations(page)) {
    const e = exported.annotations.find((x) => x.id === a.id);
    assert.equal(a.text, e.text, `view of ${a.id}`);
  }
  await page.close();
});

test('a 10 MB paste is refused at once with a message, and nothing changes', async () => {
  const page = await open();
  const before = await viewText(page);
  await openTextArea(page, 'New article');
  const beforeArea = await page.$eval('#article', (t) => t.value);
  const result = await page.evaluate(async () => {
    const line = '“This is line after line of a very long paste 👍🏽,” the clerk said on Monday.\n';
    const big = line.repeat(Math.ceil(10_500_000 / new TextEncoder().encode(line).length));
    const longTasks = [];
    new PerformanceObserver((l) => longTasks.push(...l.getEntries().map((e) => e.duration))).observe({ type: 'longtask', buffered: false });
    const area = document.getElementById('article');
    area.focus();
    const data = new DataTransfer();
    data.setData('text/plain', big);
    const event = new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true });
    const t0 = performance.now();
    area.dispatchEvent(event);
    const handled = performance.now() - t0;
    await new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 0)));
    const settled = performance.now() - t0;
    await new Promise((ok) => setTimeout(ok, 300));
    return { bytes: new TextEncoder().encode(big).length, prevented: event.defaultPrevented, handled, settled, longest: Math.max(0, ...longTasks) };
  });
  console.log(`10 MB paste: ${(result.bytes / 1e6).toFixed(1)} MB, handler ${result.handled.toFixed(0)} ms, ` +
    `until the next frame ${result.settled.toFixed(0)} ms, longest task ${result.longest.toFixed(0)} ms`);
  assert.equal(result.prevented, true, 'the paste never reaches the text area');
  const notice = await page.textContent('.notice');
  assert.match(notice, /This text is 1\d\.\d MB/);
  assert.match(notice, /newsmark annotate FILE/);
  assert.equal(await page.$eval('#article', (t) => t.value), beforeArea);
  assert.equal(await viewText(page), before);

  // The same for a 10 MB file opened or dropped, and a 10 MB file imported.
  const big = join(dir, 'big.txt');
  await writeFile(big, 'x'.repeat(10_000_000));
  await page.setInputFiles('input[type=file][accept^=".txt"]', big);
  await page.waitForFunction(() => /This text is 10\.0 MB/.test(document.querySelector('.notice')?.textContent ?? ''));
  const bigJson = join(dir, 'big.json');
  await writeFile(bigJson, JSON.stringify({ schema: 'newsmark/1', text: 'y'.repeat(9_000_000), published: null, annotations: [] }));
  await page.setInputFiles('input[type=file][accept^=".json"]', bigJson);
  await page.waitForFunction(() => /This file is 9\.0 MB; the page opens files up to 8 MB/.test(document.querySelector('.notice')?.textContent ?? ''));
  // A file small enough to read whose text is still too long for the page.
  const longJson = join(dir, 'long.json');
  await writeFile(longJson, JSON.stringify({ schema: 'newsmark/1', text: 'z'.repeat(2_000_000), published: null, annotations: [] }));
  await page.setInputFiles('input[type=file][accept^=".json"]', longJson);
  await page.waitForFunction(() => /This text is 2\.0 MB/.test(document.querySelector('.notice')?.textContent ?? ''));
  assert.equal(await viewText(page), before);
  await page.close();
});

test('storage full: the user is warned once, keeps working and can export', async () => {
  const page = await open({
    init: () => {
      Storage.prototype.setItem = function () {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      };
    },
  });
  await page.waitForFunction(() => /could not be saved/.test(document.querySelector('.notice')?.textContent ?? ''));
  assert.match(await page.textContent('.notice'), /quota/i);
  const text = '"Storage is full," the engineer said on Friday.';
  await fillArticle(page, text);
  await waitForView(page, text);
  await selectText(page, 'Storage');
  await page.keyboard.press('s');
  const exported = await exportJson(page);
  assertCodePointOffsets(exported, text);
  assert.ok(exported.annotations.some((a) => a.text === 'Storage' && a.origin === 'user'), JSON.stringify(exported.annotations));
  await page.close();
});

test('storage unavailable: the page says so, works and exports', async () => {
  const page = await open({
    init: () => {
      Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('blocked', 'SecurityError'); } });
    },
  });
  assert.match(await page.textContent('.notice'), /does not let the page save|storage is unavailable/);
  const text = 'Officials said on Monday the road reopened.';
  await fillArticle(page, text);
  await waitForView(page, text);
  assertCodePointOffsets(await exportJson(page), text);
  await page.close();
});

test('a crash inside WebAssembly offers the last saved work and saves nothing after it', async () => {
  const page = await open({ crashes: true });
  const text = '"Keep this," the archivist said on Sunday.';
  await fillArticle(page, text);
  await waitForView(page, text);
  await page.waitForFunction(() => localStorage.getItem('newsmark/state/v1')?.includes('archivist'));
  const saved = await page.evaluate(() => localStorage.getItem('newsmark/state/v1'));
  const crash = await page.evaluate(() => {
    try { window.wasmBindings.newsmark_simulate_crash(); return 'returned'; } catch (e) { return String(e); }
  });
  assert.notEqual(crash, 'returned');
  await page.waitForSelector('.crash[role=alert] button');
  assert.match(await page.textContent('.crash'), /internal error/);
  // Whatever the page does after the crash is not saved over the last good state.
  await fillArticle(page, 'After the crash.').catch(() => {});
  await page.waitForTimeout(1000); // longer than the page's save delay
  assert.equal(await page.evaluate(() => localStorage.getItem('newsmark/state/v1')), saved);
  const recovered = JSON.parse(await readFile(await (await download(page, '.crash button')).path(), 'utf8'));
  assert.equal(recovered.schema, 'newsmark/1');
  assertCodePointOffsets(recovered, text);
  assert.ok(recovered.annotations.some((a) => a.kind === 'quote' && a.text === 'Keep this'));
  await page.close();
});

test('two tabs: the later one is told and does not overwrite the other\'s work', async () => {
  const first = await open();
  const second = await open();
  const mine = '"First tab work," said Ana on Monday.';
  await fillArticle(first, mine);
  await waitForView(first, mine);
  await first.waitForFunction(() => localStorage.getItem('newsmark/state/v1')?.includes('First tab work'));
  await second.waitForFunction(() => /another tab/.test(document.querySelector('.notice')?.textContent ?? ''));
  const theirs = '"Second tab work," said Ben on Tuesday.';
  await fillArticle(second, theirs);
  await waitForView(second, theirs);
  await second.waitForTimeout(1000); // longer than the page's save delay
  const stored = await first.evaluate(() => localStorage.getItem('newsmark/state/v1'));
  assert.ok(stored.includes('First tab work') && !stored.includes('Second tab work'), 'the first tab\'s save stands');
  // The second tab's work is still in its view and can be exported.
  assertCodePointOffsets(await exportJson(second), theirs);
  // Reloading the second tab continues with the first tab's work.
  await second.reload();
  await waitForView(second, mine);
  await first.close();
  await second.close();
});

test('a damaged saved state is set aside, not shown', async () => {
  const page = await open();
  // The page saves once edits pause: let its own first save happen before damaging it.
  await page.waitForTimeout(1000);
  await page.evaluate(() => {
    const saved = JSON.parse(localStorage.getItem('newsmark/state/v1'));
    saved.editor.doc.annotations[0].span.end = 10_000_000; // past the end of the text
    localStorage.setItem('newsmark/state/v1', JSON.stringify(saved));
  });
  await page.reload();
  await page.waitForSelector('#reading [data-kind]');
  assert.match(await page.textContent('.notice'), /could not be read and was set aside/);
  assert.ok(await page.evaluate(() => localStorage.getItem('newsmark/state/v1/unreadable')?.includes('10000000')));
  await page.close();
});

test('a file from a newer schema version is refused clearly', async () => {
  const page = await open();
  const before = await annotations(page);
  const file = join(dir, 'newer.json');
  await writeFile(file, JSON.stringify({ schema: 'newsmark/2', text: 'From the future', annotations: [], spans: {} }));
  await page.setInputFiles('input[type=file][accept^=".json"]', file);
  await page.waitForSelector('.notice-error');
  assert.match(await page.textContent('.notice'), /"newsmark\/2" is not supported by this version of newsmark/);
  assert.deepEqual(await annotations(page), before);
  await page.close();
});

test('no page made a request outside its own origin', () => {
  const outside = requests.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:'));
  assert.deepEqual(outside, []);
  assert.ok(requests.length > 0);
});
