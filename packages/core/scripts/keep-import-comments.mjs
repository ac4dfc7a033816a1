#!/usr/bin/env node
/**
 * Puts the bundler comments of `import(/* webpackIgnore: true *\/ /* @vite-ignore *\/ url)` back into `dist/`.
 *
 * `tsconfig.build-js.json` strips comments (TSDoc would double the JS), and with them the only thing that tells a
 * consumer's bundler to leave an `import()` of a runtime URL alone: without `webpackIgnore`, webpack turns it into a
 * lookup in its own module map, which fails at run time ("Cannot find module 'blob:…'"). Every such `import()` in
 * `src/` is found and its comments restored in the compiled file; one that cannot be found fails the build.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(pkgRoot, 'src');
const dist = join(pkgRoot, 'dist');
/** `import(` followed by one or more block comments, then the argument up to the closing parenthesis. */
const COMMENTED_IMPORT = /import\(((?:\s*\/\*[^*]*\*\/)+)\s*([^()]+?)\s*\)/g;

let restored = 0;
for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts') || entry.name.endsWith('.d.ts')) continue;
  const file = join(entry.parentPath, entry.name);
  const matches = [...readFileSync(file, 'utf8').matchAll(COMMENTED_IMPORT)];
  if (matches.length === 0) continue;
  const out = join(dist, relative(src, file)).replace(/\.ts$/, '.js');
  let js = readFileSync(out, 'utf8');
  for (const [, comments, argument] of matches) {
    const bare = `import(${argument})`;
    const count = js.split(bare).length - 1;
    if (count !== 1) throw new Error(`keep-import-comments: expected one ${bare} in ${relative(pkgRoot, out)}, found ${count}`);
    js = js.replace(bare, `import(${comments.trim()} ${argument})`);
    restored++;
  }
  writeFileSync(out, js);
}
console.log(`keep-import-comments: ${restored} import() comment(s) restored`);
