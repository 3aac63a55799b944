// Builds the moderation console: console/src/index.js → static/admin/console.js (+ .map), style.css →
// static/admin/console.css, and index.html → static/admin/index.html, which names both files by a hash of
// their content so that a browser never pairs a new page with an old script. Called by widget/build.mjs,
// whose --check compares these files too.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'console', 'src');
const OUT = join(ROOT, 'static', 'admin');

const hash = (contents) => createHash('sha256').update(contents).digest('hex').slice(0, 12);

/** Returns [{path, contents}] for every console file, in a fixed order, without writing anything. */
export async function buildConsole() {
  const js = await esbuild.build({
    entryPoints: [join(SRC, 'index.js')],
    outfile: join(OUT, 'console.js'),
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    sourcemap: true,
    legalComments: 'none',
    charset: 'utf8',
    absWorkingDir: ROOT,
    write: false,
    logLevel: 'warning',
  });
  const scripts = js.outputFiles.map((f) => ({ path: f.path, contents: Buffer.from(f.contents) }));
  const script = scripts.find((f) => f.path.endsWith('.js')).contents;
  const css = await esbuild.transform(await readFile(join(SRC, 'style.css'), 'utf8'), { loader: 'css', minify: true, target: ['chrome100', 'firefox100', 'safari15'] });
  const style = Buffer.from(css.code);
  const page = (await readFile(join(SRC, 'index.html'), 'utf8'))
    .replace('{{CSS_HASH}}', hash(style))
    .replace('{{JS_HASH}}', hash(script));
  return [
    { path: join(OUT, 'console.css'), contents: style },
    ...scripts.sort((a, b) => (a.path < b.path ? -1 : 1)),
    { path: join(OUT, 'index.html'), contents: Buffer.from(page) },
  ];
}
