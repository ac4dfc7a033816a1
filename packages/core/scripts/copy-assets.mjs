#!/usr/bin/env node
/**
 * Copies every runtime asset into `packages/core/assets/` and generates `src/assets/registry.generated.ts`.
 *
 * Assets: the models built by `pnpm models` (each `models/<name>/build/<file>`, with its manifest), the
 * MediaPipe tasks-vision wasm (module variant), the onnxruntime-web wasm binaries and their JS glue. The generated module
 * lists the manifests and one `new URL('…', import.meta.url)` per asset, so bundlers (Vite, webpack) emit
 * each file and the SDK finds it with no configuration. Nothing here downloads anything.
 *
 * It also records the package version (the Cache API cache is named after it) and every asset's sha256 (the
 * runtime files have no manifest, so theirs is computed here): asset URLs and cache keys carry it, and the
 * loader checks every download against it, so no release or rebuild is ever served another's cached bytes.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const pkgRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const modelsRoot = join(pkgRoot, '..', '..', 'models');
const assetsDir = join(pkgRoot, 'assets');
const { version } = JSON.parse(readFileSync(join(pkgRoot, 'package.json'), 'utf8'));
rmSync(assetsDir, { recursive: true, force: true });
mkdirSync(assetsDir, { recursive: true });

/** Folder of an installed package (some packages do not export `./package.json`). */
function packageDir(name) {
  let dir = dirname(require.resolve(name));
  while (!existsSync(join(dir, 'package.json')) || JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name !== name) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the folder of ${name}`);
    dir = parent;
  }
  return dir;
}
const runtimeFiles = [
  ['@mediapipe/tasks-vision', 'wasm/vision_wasm_module_internal.js', 'mediapipe-loader'],
  ['@mediapipe/tasks-vision', 'wasm/vision_wasm_module_internal.wasm', 'mediapipe-wasm'],
  ['onnxruntime-web', 'dist/ort-wasm-simd-threaded.wasm', 'ort-wasm'],
  ['onnxruntime-web', 'dist/ort-wasm-simd-threaded.asyncify.wasm', 'ort-wasm-webgpu'],
  // The runtimes' JS glue, loaded from its own URL when WASM threads run: onnxruntime starts each thread worker
  // from the glue's URL, which inside a bundle is the bundle's (see inference/runtime.ts).
  ['onnxruntime-web', 'dist/ort-wasm-simd-threaded.mjs', 'ort-glue'],
  ['onnxruntime-web', 'dist/ort-wasm-simd-threaded.asyncify.mjs', 'ort-glue-webgpu'],
];

// The runtimes' npm packages ship no licence file: their texts are kept in licenses/ (onnxruntime-web: MIT,
// Microsoft; @mediapipe/tasks-vision: Apache-2.0) and travel with the binaries.
for (const file of readdirSync(join(pkgRoot, 'licenses'))) copyFileSync(join(pkgRoot, 'licenses', file), join(assetsDir, file));

/** sha256 (hex) of a file. */
const sha256Of = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** @type {Record<string, string>} asset id → file name */
const files = {};
/** @type {Record<string, string>} asset id → sha256 of the copied file */
const hashes = {};
for (const [pkg, rel, id] of runtimeFiles) {
  const name = rel.split('/').pop();
  copyFileSync(join(packageDir(pkg), rel), join(assetsDir, name));
  files[id] = name;
  hashes[id] = sha256Of(join(assetsDir, name));
}

const manifests = [];
for (const name of readdirSync(modelsRoot).sort()) {
  const manifestPath = join(modelsRoot, name, 'manifest.json');
  if (!existsSync(manifestPath)) continue;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const built = join(modelsRoot, name, 'build', manifest.file);
  if (!existsSync(built)) throw new Error(`${built} is missing: run \`pnpm models\` first`);
  copyFileSync(built, join(assetsDir, manifest.file));
  for (const extra of ['LICENSE', 'NOTICE']) {
    const path = join(modelsRoot, name, extra);
    if (existsSync(path)) copyFileSync(path, join(assetsDir, `${name}.${extra}`));
  }
  files[name] = manifest.file;
  hashes[name] = sha256Of(join(assetsDir, manifest.file));
  // The SDK rejects a download whose sha256 is not the manifest's: fail here, not in every browser.
  if (hashes[name] !== manifest.sha256) {
    throw new Error(`${built} has sha256 ${hashes[name]}, its manifest says ${manifest.sha256}: run \`pnpm models\``);
  }
  // The runtime needs what the pipeline reads; the prose and provenance stay in models/<name>/ and the NOTICE.
  const { description: _description, source: _source, quantization, ...runtime } = manifest;
  manifests.push(quantization ? { ...runtime, quantized: true } : runtime);
}

const urlLines = Object.entries(files)
  .map(([id, file]) => `  ${JSON.stringify(id)}: () => new URL(${JSON.stringify(`../../assets/${file}`)}, import.meta.url).href,`)
  .join('\n');
const source = `// Generated by scripts/copy-assets.mjs from models/*/manifest.json, package.json and the copied assets. Do not edit.
import type { RuntimeManifest } from './manifest.js';

/** Manifests of the models shipped in \`assets/\` (without \`description\`, \`source\` and \`quantization\`, which becomes \`quantized: true\`: see \`models/<name>/manifest.json\`). */
export const MANIFESTS: readonly RuntimeManifest[] = ${JSON.stringify(manifests, null, 2)};

/** Version of \`@emolens/core\` (its package.json) this build is: the Cache API cache is named after it. */
export const PACKAGE_VERSION = ${JSON.stringify(version)};

/** Asset id → file name inside \`assets/\`. */
export const ASSET_FILES: Readonly<Record<string, string>> = ${JSON.stringify(files, null, 2)};

/** Asset id → sha256 (hex) of its file: the manifest's for models, computed at build time for the runtime files. */
export const ASSET_SHA256: Readonly<Record<string, string>> = ${JSON.stringify(hashes, null, 2)};

/**
 * Assets whose served bytes may differ from their sha256: scripts, which dev servers transform (Vite's serves the
 * MediaPipe loader with rewritten imports and an inline source map). Cached under their sha256, not checked against it.
 */
export const UNCHECKED_ASSETS: readonly string[] = ${JSON.stringify(Object.keys(files).filter((id) => /\.m?js$/.test(files[id])))};

/** Asset id → URL resolved by the bundler (one static \`new URL\` per file so bundlers emit it). */
export const BUNDLED_ASSET_URLS: Readonly<Record<string, () => string>> = {
${urlLines}
};
`;
writeFileSync(join(pkgRoot, 'src', 'assets', 'registry.generated.ts'), source);
console.log(`copy-assets: ${Object.keys(files).length} assets → ${assetsDir}`);
