import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { build } from '../../widget/build.mjs';

const ROOT = new URL('../../', import.meta.url);
const SIZE_BUDGET = 12000; // bytes of porch.js after gzip: 12 kB = 12,000 bytes

test('the committed static/ files are exactly a fresh build', async () => {
  for (const file of await build()) {
    const committed = await readFile(file.path);
    assert.ok(committed.equals(file.contents), `${file.path} is out of date: run \`node widget/build.mjs\``);
  }
});

test('porch.js fits its gzip budget at the usual level and the best', async () => {
  const bundle = await readFile(new URL('static/porch.js', ROOT));
  for (const level of [6, 9]) {
    const size = gzipSync(bundle, { level }).length;
    assert.ok(size <= SIZE_BUDGET, `porch.js is ${size} bytes at gzip -${level}, budget ${SIZE_BUDGET}`);
  }
});

test('English is built in; other languages are not in the bundle', async () => {
  const bundle = await readFile(new URL('static/porch.js', ROOT), 'utf8');
  assert.ok(bundle.includes('Leave a Reply'));
  assert.ok(!bundle.includes('Kommentar'), 'German text leaked into porch.js');
  assert.ok(!bundle.includes('комментарий'), 'Russian text leaked into porch.js');
});

test('the sign-in UI is a separate file that porch.js names by its content', async () => {
  const bundle = await readFile(new URL('static/porch.js', ROOT), 'utf8');
  const auth = await readFile(new URL('static/auth.js', ROOT));
  assert.ok(!bundle.includes('auth/redeem'), 'the sign-in handshake leaked into porch.js');
  assert.ok(auth.includes('auth/redeem'));
  // Its English words come with it: porch.js carries only what every reader may meet.
  assert.ok(!bundle.includes('Enter the code shown in the sign-in window'), 'sign-in words leaked into porch.js');
  assert.ok(auth.includes('Enter the code shown in the sign-in window'));
  const hash = createHash('sha256').update(auth).digest('hex').slice(0, 12);
  assert.ok(bundle.includes(`"static/auth.js?v=${hash}"`), 'porch.js must name the committed auth.js');
  // It defines no global: its export goes to the <script> element porch.js made for it.
  assert.match(auth.toString(), /^\(\(\)=>\{/);
  assert.ok(auth.includes('document.currentScript.dispatchEvent(new CustomEvent("porch:module"'));
});

test('what only some readers use is static/extras.js, which porch.js names by its content', async () => {
  const bundle = await readFile(new URL('static/porch.js', ROOT), 'utf8');
  const extras = await readFile(new URL('static/extras.js', ROOT));
  const hash = createHash('sha256').update(extras).digest('hex').slice(0, 12);
  assert.ok(bundle.includes(`"static/extras.js?v=${hash}"`), 'porch.js must name the committed extras.js');
  assert.match(extras.toString(), /^\(\(\)=>\{/, 'it defines no global');
  for (const words of ['Delete this comment?', 'Edit comment', 'more replies']) {
    assert.ok(!bundle.includes(words), `${words} leaked into porch.js`);
    assert.ok(extras.includes(words), `${words} is not in extras.js`);
  }
});

test('markup reaches the DOM in exactly one place', async () => {
  const dir = new URL('widget/src/', ROOT);
  const sinks = /\.innerHTML\b|\.outerHTML\b|insertAdjacentHTML|document\.write|createContextualFragment|DOMParser|\beval\(|new Function\(/g;
  const found = [];
  for (const name of await readdir(dir, { recursive: true })) {
    if (!name.endsWith('.js')) continue;
    const source = await readFile(new URL(name, dir), 'utf8');
    for (const match of source.matchAll(sinks)) found.push(`${name}: ${match[0]}`);
  }
  assert.deepEqual(found, ['dom.js: .innerHTML']);
  const dom = await readFile(new URL('dom.js', dir), 'utf8');
  assert.match(dom, /export function insertSanitizedCommentHtml\(el, serverSanitizedHtml\) \{\n {2}el\.innerHTML = serverSanitizedHtml;/);
});
