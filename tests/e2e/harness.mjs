// Shared by the end-to-end tests: a static server for dist/ on a free loopback port, and a
// headless Debian Chromium driven by playwright-core that records every request the page makes.
import { createServer } from 'node:http';
import { readFile, mkdtemp } from 'node:fs/promises';
import { join, extname, normalize } from 'node:path';
import { tmpdir } from 'node:os';
import { chromium } from 'playwright-core';

export const root = new URL('../..', import.meta.url).pathname;
const dist = join(root, 'dist');
const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.json': 'application/json', '.txt': 'text/plain; charset=utf-8',
};

/// Serves `dir` (dist/ unless told otherwise).
export async function serve(dir = dist) {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    const file = join(dir, path === '/' ? 'index.html' : path);
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

export async function launch() {
  const userDataDir = await mkdtemp(join(tmpdir(), 'newsmark-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    acceptDownloads: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const requests = [];
  context.on('request', (r) => requests.push(r.url()));
  return { context, requests };
}

/// Selects `phrase` (its `nth` occurrence) in the reading view, as a user dragging would.
export async function selectText(page, phrase, nth = 0) {
  await page.evaluate(([phrase, nth]) => {
    const view = document.getElementById('reading');
    view.focus(); // a mouse selection takes the focus out of the text area
    let at = -1;
    for (let i = 0; i <= nth; i++) at = view.textContent.indexOf(phrase, at + 1);
    if (at < 0) throw new Error(`not in the view: ${phrase}`);
    const walker = document.createTreeWalker(view, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    let pos = 0; let started = false;
    while (walker.nextNode()) {
      const node = walker.currentNode; const len = node.data.length;
      if (!started && at < pos + len) { range.setStart(node, at - pos); started = true; }
      if (started && at + phrase.length <= pos + len) { range.setEnd(node, at + phrase.length - pos); break; }
      pos += len;
    }
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }, [phrase, nth]);
}

export async function annotations(page) {
  return page.$$eval('#reading [data-ann-id]', (els) => {
    const seen = new Map();
    for (const el of els) {
      const id = el.dataset.annId;
      seen.set(id, { id, kind: el.dataset.kind, text: (seen.get(id)?.text ?? '') + el.textContent, title: el.title, user: el.classList.contains('user') });
    }
    return [...seen.values()];
  });
}

// Chromium drops a frame's downloads beyond 10 a second (https://crbug.com/1132485 made it so);
// a person never clicks that fast, a test does. Each page's recent downloads are remembered.
const recentDownloads = new WeakMap();

/// Clicks `selector` and returns the download it starts, waiting first if this page already
/// started 9 downloads in the last second.
export async function download(page, selector) {
  const recent = (recentDownloads.get(page) ?? []).filter((t) => Date.now() - t < 1100);
  if (recent.length >= 9) await new Promise((ok) => setTimeout(ok, 1100 - (Date.now() - recent[0])));
  recentDownloads.set(page, [...recent.filter((t) => Date.now() - t < 1100), Date.now()]);
  const started = page.waitForEvent('download');
  await page.click(selector);
  return started;
}

/// Opens the source pane's text area when the page shows the article's summary: `Edit text`
/// (the article's text in it) or `New article` (empty, for the next one).
export async function openTextArea(page, button = 'Edit text') {
  if (await page.$('#article')) {
    // Either area takes typing; a new article needs the empty one (there is none to close
    // when the page has no article).
    if (button === 'Edit text' || !(await page.$('#close-text'))) return;
    await page.click('#close-text');
  }
  await page.click(`.source-pane button:text-is("${button}")`);
  await page.waitForSelector('#article');
}

/// Puts `text` in the text area as typing would (the page annotates it once typing pauses).
export async function fillArticle(page, text) {
  await openTextArea(page);
  await page.fill('#article', text);
}
