// Builds the benchmark corpus under target/bench/ from the texts of
// ../shared/corpora/te3-platinum/*.tml (the TEXT element, tags stripped) and
// ../shared/samples/*.txt, repeated to 1 MB and 10 MB: corpus-1mb.txt and corpus-10mb.txt are
// the articles as one text (a book-length document), corpus-1mb.json and corpus-10mb.json the
// same articles as a JSON array (annotated one by one, as a newsroom would).
// Nothing of it is committed: it is rebuilt from ../shared on every run.
//   node bench/corpus.mjs
import { readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';

export const root = new URL('..', import.meta.url).pathname;
export const out = join(root, 'target/bench');
const shared = join(root, '../shared');

const entities = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescape = (s) => s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e) => entities[e]);

/// The articles, each as plain text, in a fixed order.
export async function articles() {
  const texts = [];
  const tml = join(shared, 'corpora/te3-platinum');
  for (const name of (await readdir(tml)).filter((n) => n.endsWith('.tml')).sort()) {
    const xml = await readFile(join(tml, name), 'utf8');
    const body = xml.match(/<TEXT>([\s\S]*?)<\/TEXT>/);
    if (body) texts.push(unescape(body[1].replace(/<[^>]+>/g, '')).trim());
  }
  const samples = join(shared, 'samples');
  for (const name of (await readdir(samples)).filter((n) => n.endsWith('.txt')).sort()) {
    texts.push((await readFile(join(samples, name), 'utf8')).trim());
  }
  return texts;
}

/// The articles repeated, whole, until they hold `bytes` UTF-8 bytes.
export function repeatTo(texts, bytes) {
  const unit = Buffer.byteLength(texts.join(''));
  return Array.from({ length: Math.ceil(bytes / unit) }, () => texts).flat();
}

export const sizes = { '1mb': 1 << 20, '10mb': 10 << 20 };

export async function build() {
  await mkdir(out, { recursive: true });
  const texts = await articles();
  const files = {};
  for (const [name, bytes] of Object.entries(sizes)) {
    const file = join(out, `corpus-${name}.txt`);
    const repeated = repeatTo(texts, bytes);
    await writeFile(file, repeated.join('\n\n') + '\n');
    await writeFile(join(out, `corpus-${name}.json`), JSON.stringify(repeated));
    files[name] = file;
  }
  return { texts, files };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { texts, files } = await build();
  console.log(`${texts.length} articles → ${Object.values(files).join(', ')}`);
}
