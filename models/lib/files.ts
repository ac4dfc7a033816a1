import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelManifest } from './manifest.ts';

const require = createRequire(import.meta.url);

/** Absolute path of `models/`. */
export const modelsRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Folder of an installed npm package (resolved from `models/`; works when `exports` hides `./package.json`). */
export function packageDir(pkg: string): string {
  let dir = dirname(require.resolve(pkg));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === pkg) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the folder of the package ${pkg}`);
    dir = parent;
  }
}

/** Absolute path of a file inside an installed npm package. */
export function packageFile(pkg: string, file: string): string {
  return join(packageDir(pkg), file);
}

/** Installed version of an npm package. */
export function packageVersion(pkg: string): string {
  return (JSON.parse(readFileSync(packageFile(pkg, 'package.json'), 'utf8')) as { version: string }).version;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function readManifest(name: string): ModelManifest {
  return JSON.parse(readFileSync(join(modelsRoot, name, 'manifest.json'), 'utf8')) as ModelManifest;
}

/**
 * Writes a built model to `models/<name>/build/<manifest.file>` and checks it against the manifest.
 * With `update` (or `EMOLENS_UPDATE_MANIFESTS=1`) the manifest's sha256/bytes are rewritten instead;
 * without it, a mismatch throws, which is how `pnpm models` proves the build is deterministic.
 */
export function writeModel(name: string, bytes: Uint8Array, update = process.env.EMOLENS_UPDATE_MANIFESTS === '1'): string {
  const manifest = readManifest(name);
  const out = join(modelsRoot, name, 'build', manifest.file);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, bytes);
  const digest = sha256(bytes);
  if (update) {
    manifest.sha256 = digest;
    manifest.bytes = bytes.byteLength;
    writeFileSync(join(modelsRoot, name, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  } else if (manifest.sha256 !== digest || manifest.bytes !== bytes.byteLength) {
    throw new Error(
      `${name}: built ${manifest.file} has sha256 ${digest} (${bytes.byteLength} bytes) but the manifest says ` +
        `${manifest.sha256} (${manifest.bytes} bytes). If the change is intended, rebuild with EMOLENS_UPDATE_MANIFESTS=1.`,
    );
  }
  return out;
}

/**
 * Build step of a model trained in this repository: its shipped file (the one its manifest names) is committed
 * in `models/<name>/`, so the build copies it to `models/<name>/build/` and checks its sha256 (`writeModel`).
 */
export function copyCommittedModel(name: string): string {
  const { file } = readManifest(name);
  return writeModel(name, new Uint8Array(readFileSync(join(modelsRoot, name, file))));
}
