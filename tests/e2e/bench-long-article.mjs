// Times a 100,000-word article in the built page (run trunk build --release first):
//   node tests/e2e/bench-long-article.mjs
// Prints figures; asserts nothing (speed is measured, never tested).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serve, launch, root } from './harness.mjs';

const { server, origin } = await serve();
const { context } = await launch();
const page = await context.newPage();
await page.goto(origin);
await page.waitForSelector('#reading [data-kind="quote"]');
const ref = await readFile(join(root, '../shared/samples/kcna-victory-day.txt'), 'utf8');
let big = ''; let i = 0;
while (big.split(/\s+/).length < 100000) { big += ref.replace('KIM JONG UN', 'KIM JONG UN ' + (i++)) + '\n\n'; }
console.log('words', big.split(/\s+/).length, 'chars', big.length);
const t0 = Date.now();
await page.evaluate((t) => { const a = document.getElementById('article'); a.value = t; a.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' })); }, big);
await page.waitForFunction((n) => document.getElementById('reading').textContent.length === n, big.length, { timeout: 120000 });
console.log('paste → view ms', Date.now() - t0);
const n = await page.$$eval('#reading [data-ann-id]', (e) => e.length);
console.log('highlight elements', n);
const t1 = Date.now();
await page.click('#reading [data-ann-id="q3"]');
await page.keyboard.press('Delete');
await page.waitForFunction(() => !document.querySelector('#reading [data-ann-id="q3"]'));
console.log('delete → view ms', Date.now() - t1);
const t2 = Date.now();
await page.keyboard.press('Control+z');
await page.waitForFunction(() => !!document.querySelector('#reading [data-ann-id="q3"]'));
console.log('undo → view ms', Date.now() - t2);
await context.close(); server.close();
