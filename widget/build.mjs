// Builds the widget: widget/src/index.js → static/porch.js (+ .map), the sign-in UI widget/src/auth-entry.js →
// static/auth.js (+ .map), loaded by porch.js only where sign-in is offered, what only some readers use
// widget/src/extras-entry.js → static/extras.js (+ .map), loaded by porch.js on demand, and each language pack →
// static/i18n/<lang>.json. The moderation console (console/build.mjs) is built with it into static/admin/.
//   node widget/build.mjs          write the files
//   node widget/build.mjs --check  exit 1 when the committed files differ from a fresh build
import { createHash } from 'node:crypto';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { buildConsole } from '../console/build.mjs';
import { LANGUAGES } from './src/i18n.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'widget', 'src');
const OUT = join(ROOT, 'static');

const OPTIONS = {
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2019',
  sourcemap: true,
  legalComments: 'none',
  charset: 'utf8',
  absWorkingDir: ROOT,
  write: false,
  logLevel: 'warning',
};

const outputs = (result) => result.outputFiles.map((f) => ({ path: f.path, contents: Buffer.from(f.contents) }));

/** Returns [{path, contents}] for every built file, in a fixed order, without writing anything. */
export async function build() {
  // The sign-in UI first: porch.js names it with a hash of its content, so a cached copy always matches.
  const auth = outputs(await esbuild.build({ ...OPTIONS, entryPoints: [join(SRC, 'auth-entry.js')], outfile: join(OUT, 'auth.js') }));
  const authJs = auth.find((f) => f.path.endsWith('.js')).contents;
  const authFile = `static/auth.js?v=${createHash('sha256').update(authJs).digest('hex').slice(0, 12)}`;
  // So is what only some readers use (own comments' editor, reports, moderators' tools): static/extras.js.
  const extras = outputs(await esbuild.build({ ...OPTIONS, entryPoints: [join(SRC, 'extras-entry.js')], outfile: join(OUT, 'extras.js') }));
  const extrasJs = extras.find((f) => f.path.endsWith('.js')).contents;
  const extrasFile = `static/extras.js?v=${createHash('sha256').update(extrasJs).digest('hex').slice(0, 12)}`;
  const css = await esbuild.transform(await readFile(join(SRC, 'style.css'), 'utf8'), { loader: 'css', minify: true });
  const bundle = await esbuild.build({
    ...OPTIONS,
    entryPoints: [join(SRC, 'index.js')],
    outfile: join(OUT, 'porch.js'),
    define: {
      __PORCH_CSS__: JSON.stringify(css.code.trim()),
      __PORCH_AUTH_FILE__: JSON.stringify(authFile),
      __PORCH_EXTRAS_FILE__: JSON.stringify(extrasFile),
    },
  });
  const files = [...auth, ...extras, ...outputs(bundle)].sort((a, b) => (a.path < b.path ? -1 : 1));
  for (const lang of LANGUAGES) {
    const pack = (await import(pathToFileURL(join(SRC, 'lang', `${lang}.js`)).href)).default;
    files.push({ path: join(OUT, 'i18n', `${lang}.json`), contents: Buffer.from(JSON.stringify(pack) + '\n') });
  }
  files.push(...(await buildConsole()));
  return files;
}

async function main() {
  const files = await build();
  if (process.argv.includes('--check')) {
    const stale = [];
    for (const file of files) {
      const committed = await readFile(file.path).catch(() => null);
      if (!committed || !committed.equals(file.contents)) stale.push(relative(ROOT, file.path));
    }
    if (stale.length) {
      console.error(`Out of date (run \`node widget/build.mjs\`): ${stale.join(', ')}`);
      process.exit(1);
    }
    console.log('static/ matches a fresh build');
    return;
  }
  for (const file of files) {
    await mkdir(dirname(file.path), { recursive: true });
    await writeFile(file.path, file.contents);
    console.log(`${relative(ROOT, file.path)}  ${file.contents.length} bytes`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();
