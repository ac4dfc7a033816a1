#!/usr/bin/env node
/**
 * Builds `dist/browser/`: the SDK as self-contained ES modules for pages with no bundler
 * (`<script type="module">` importing `@emolens/core/browser`). Its dependencies are inlined, because a browser
 * resolves no bare specifier in a worker (import maps do not reach workers). The page module and the two worker
 * entries sit where the `new URL('…', import.meta.url)` in the compiled code expects them: `dist/browser/` is as
 * deep as `dist/assets/`, so asset URLs still point at the package's `assets/`, and the workers are at
 * `dist/browser/worker/`. esbuild leaves those `new URL` expressions as they are.
 */
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(pkgRoot, 'dist');
const common = { bundle: true, format: 'esm', platform: 'browser', target: 'es2022', minify: true, legalComments: 'eof', logLevel: 'warning' };

// The page module is split (ESM chunks): the modules it loads with `import()` are entries of their own, so that
// they keep a name — `video-frames.js` (the decoder, mediabunny inlined) and `frame-array.js` — and are fetched only
// when `analyzeVideo` first runs; `chunk-*.js` hold the code they share with the page module. Every file sits beside
// `emolens.js`, as deep as it, so the `new URL('…', import.meta.url)` of code moved into a chunk still points where
// it did.
await build({
  ...common,
  splitting: true,
  entryPoints: {
    emolens: join(dist, 'index.js'),
    'video-frames': join(dist, 'video', 'video-frames.js'),
    'frame-array': join(dist, 'video', 'frame-array.js'),
  },
  chunkNames: 'chunk-[hash]',
  outdir: join(dist, 'browser'),
});
// The optional modules sit beside the page module (their asset URLs are relative, like the registry's), each
// self-contained as before.
await build({
  ...common,
  entryPoints: {
    webgpu: join(dist, 'webgpu.js'),
    ...Object.fromEntries(['emolens-ferplus', 'human-emotion', 'faceapi-expression'].map((id) => [`classifier-${id}`, join(dist, 'classifiers', `${id}.js`)])),
  },
  outdir: join(dist, 'browser'),
});
await build({
  ...common,
  entryPoints: { worker: join(dist, 'worker', 'worker.js'), 'inference-worker': join(dist, 'worker', 'inference-worker.js') },
  outdir: join(dist, 'browser', 'worker'),
});
console.log('build-browser: dist/browser/{emolens,video-frames,frame-array,chunk-*,webgpu,classifier-*}.js, dist/browser/worker/{worker,inference-worker}.js');
