// The README's esbuild setup: bundle the page, then copy what esbuild does not emit — the SDK's self-contained
// workers beside the bundle, its assets anywhere (the page passes baseUrl), and the personaliser's training worker
// (with its chunks) beside the bundle too. The copies are replaced, never nested, on a second build.
import { cpSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

rmSync('dist', { recursive: true, force: true });
await build({ entryPoints: ['main.js'], bundle: true, format: 'esm', outdir: 'dist' });
cpSync('index.html', 'dist/index.html');
cpSync('node_modules/@emolens/core/dist/browser/worker', 'dist/worker', { recursive: true });
cpSync('node_modules/@emolens/core/assets', 'dist/emolens-assets', { recursive: true });
cpSync('node_modules/@emolens/personalise/dist/browser', 'dist', { recursive: true });
