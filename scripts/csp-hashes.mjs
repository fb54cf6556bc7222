// Trunk post_build hook (Trunk.toml): allows the page's inline scripts by their hashes.
// Trunk writes the script that loads the WebAssembly inline into index.html, and its text
// changes with every build, so index.html's Content-Security-Policy cannot list it ahead of
// time. This adds 'sha256-…' of every inline script in the built page to the policy's
// script-src, and nothing else: pasted or injected scripts still never run.
import { readFile, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error('csp-hashes: run me as a Trunk hook (TRUNK_STAGING_DIR is not set)');
  process.exit(1);
}
const file = join(staging, 'index.html');
let html = await readFile(file, 'utf8');

const hashes = [];
for (const [, attributes, body] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
  if (/\bsrc\s*=/i.test(attributes)) continue;
  hashes.push(`'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
}
const policy = /(<meta\s+http-equiv="Content-Security-Policy"\s+content="[^"]*script-src 'self' 'wasm-unsafe-eval')/i;
if (!policy.test(html)) {
  console.error(`csp-hashes: no Content-Security-Policy with "script-src 'self' 'wasm-unsafe-eval'" in ${file}`);
  process.exit(1);
}
html = html.replace(policy, `$1 ${hashes.join(' ')}`);
await writeFile(file, html);
console.error(`csp-hashes: allowed ${hashes.length} inline script(s) by hash`);
