#!/usr/bin/env node
/**
 * Builds a package's `dist/browser/`: self-contained ES modules for pages with no bundler, which resolve no bare
 * specifier (and whose workers see no import map). Run in the package's folder after `tsc`, with one
 * `name=entry` argument per module, `entry` relative to `dist/`:
 *
 *     node ../../scripts/build-browser-bundle.mjs uploader=index.js
 *
 * Every module lands in `dist/browser/<name>.js` with its dependencies inlined, so a worker started with
 * `new URL('./x.js', import.meta.url)` must be built beside the module that starts it (esbuild leaves those
 * expressions as they are). Code loaded with `import()`, and code the modules share, goes into `chunk-*.js` beside
 * them, fetched only when needed: `@emolens/personalise` loads tfjs in its training worker, and on the page only for
 * `training: 'inline'`. `@emolens/core` has its own build (optional modules, the video chunk).
 */
import { build } from 'esbuild';
import { join } from 'node:path';

const entries = process.argv.slice(2).map((arg) => {
  const [name, entry] = arg.split('=');
  if (!name || !entry) throw new Error(`expected name=entry, got "${arg}"`);
  return [name, join('dist', entry)];
});
if (entries.length === 0) throw new Error('no entries: pass name=entry (entry relative to dist/)');

await build({
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  legalComments: 'eof',
  logLevel: 'warning',
  splitting: true,
  chunkNames: 'chunk-[hash]',
  entryPoints: Object.fromEntries(entries),
  outdir: join('dist', 'browser'),
});
