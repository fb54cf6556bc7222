// End to end: other tools' formats from the page. Each export equals what
// `newsmark annotate --format F` prints for the same text, imports back to the same
// annotations, and a bad file is refused with nothing changed. Run after `trunk build --release`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { serve, launch, annotations, download, root } from './harness.mjs';

// Emoji, CRLF (brat counts it as one), a combining mark and right-to-left text.
const text = 'Published: 2024-05-09\r\n\r\n"Olé 👍🏽 e\u0301 שלום," said Ana Ruiz on Tuesday.\r\n\r\n' +
  '"We will rebuild," the mayor told Reuters, citing a report from last week.\r\n';
const newsmark = join(root, 'target/release/newsmark');
const formats = ['label-studio', 'doccano', 'brat', 'w3c', 'spacy'];
let server, origin, context, page, dir;

before(async () => {
  ({ server, origin } = await serve());
  ({ context } = await launch());
  page = await context.newPage();
  page.on('pageerror', (e) => { throw e; });
  await page.goto(origin);
  await page.waitForSelector('#reading [data-kind="quote"]');
  dir = await mkdtemp(join(tmpdir(), 'newsmark-formats-'));
  // Opened from a file, so the CRLFs stay (a text area's value turns them into LFs).
  await writeFile(join(dir, 'article.txt'), text);
  await page.setInputFiles('input[type=file][accept^=".txt"]', join(dir, 'article.txt'));
  await page.waitForFunction((t) => document.getElementById('reading').textContent === t, text);
});

after(async () => {
  await context?.close();
  server?.close();
});

async function exportJson() {
  return JSON.parse(await readFile(await (await download(page, 'button:text-is("Export JSON")')).path(), 'utf8'));
}

const spans = (doc) => doc.annotations.map((a) => [a.kind, a.start, a.end, a.text]);

for (const format of formats) {
  test(`${format}: the page exports what the CLI prints, and imports it back`, async () => {
    const original = await exportJson();
    await page.selectOption('#export-format', format);
    const exportedFile = await download(page, 'button:text-is("Export")');
    const file = await exportedFile.path();
    const exported = await readFile(file, 'utf8');
    const cli = execFileSync(newsmark, ['annotate', '--format', format, '-'], { input: text, stdio: ['pipe', 'pipe', 'ignore'] }).toString();
    assert.equal(exported, cli, 'the page exports what `newsmark annotate --format` prints');
    const name = exportedFile.suggestedFilename();
    assert.match(name, format === 'brat' ? /\.ann$/ : new RegExp(`\\.${format}\\.jsonl?d?$`));
    if (format === 'brat') {
      const txt = await download(page, 'button:text-is("Save .txt")');
      assert.equal(await readFile(await txt.path(), 'utf8'), text);
      assert.equal(txt.suggestedFilename(), name.replace(/\.ann$/, '.txt'));
    }

    const copy = join(dir, name);
    await writeFile(copy, exported);
    await page.setInputFiles('input[type=file][accept^=".json"]', copy);
    await page.waitForFunction(() => /Imported a/.test(document.querySelector('.notice')?.textContent ?? ''));
    const back = await exportJson();
    assert.equal(back.text, text);
    assert.deepEqual(spans(back), spans(original), 'same spans, in code points');
    if (format === 'label-studio' || format === 'w3c' || format === 'brat') {
      const links = (d) => d.annotations.map((a) => [a.speaker, a.via, a.continues, a.entity, a.role, a.type, a.value, a.origin]);
      if (format === 'brat') {
        // brat has its own ids: compare links by the spans they point at.
        const at = (d, id) => { const a = d.annotations.find((x) => x.id === id); return a && [a.start, a.end]; };
        const resolved = (d) => d.annotations.map((a) => [at(d, a.speaker), a.entity, a.role, a.type, a.value, a.origin]);
        assert.deepEqual(resolved(back), resolved(original));
      } else {
        assert.deepEqual(links(back), links(original));
      }
    }
    if (format === 'doccano') {
      assert.match(await page.textContent('.notice'), /value left empty/, 'what doccano cannot carry is said');
    }
    // Back to the article as it was, for the next format.
    await page.click('text=Restore previous');
    await page.waitForFunction((n) => document.querySelectorAll('#reading [data-ann-id]').length >= n, 1);
  });
}

test('a bad file of another format is refused and changes nothing', async () => {
  const before = await annotations(page);
  const bad = join(dir, 'bad.ann');
  await writeFile(bad, 'T1\tQuote 0 99999\tnothing here\n');
  await page.setInputFiles('input[type=file][accept^=".json"]', bad);
  await page.waitForSelector('.notice-error');
  assert.match(await page.textContent('.notice'), /was not imported, and nothing changed[\s\S]*outside the text/);
  assert.deepEqual(await annotations(page), before);
});
