/**
 * Builds the fixture apps of `apps/` the way a consumer would: the packages packed into tarballs (`pnpm pack`, as
 * they would be published), installed with npm into a fresh folder outside the workspace, built with the app's
 * own bundler on its defaults, and served with the cross-origin isolation headers the README recommends.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../setup/paths.ts';

const appsDir = join(dirname(fileURLToPath(import.meta.url)), 'apps');

/** A fixture app: its folder in `apps/`, the build command, and the folder it serves. */
export interface AppSpec {
  name: 'vite' | 'vite7' | 'webpack' | 'esbuild' | 'plain';
  /** An app whose files this one starts from (its own files replace them). */
  base?: AppSpec['name'];
  build?: string[];
  /** Served folder, relative to the app (`.` for an app with no build). */
  serve: string;
  /**
   * Whether the bundler emits the assets the app's code names (so the build holds only those an app on the defaults
   * can use); an app whose build copies the SDK's whole assets folder does not.
   */
  emitsAssets: boolean;
}

export const APPS: readonly AppSpec[] = [
  { name: 'vite', build: ['node_modules/.bin/vite', 'build'], serve: 'dist', emitsAssets: true },
  { name: 'vite7', base: 'vite', build: ['node_modules/.bin/vite', 'build'], serve: 'dist', emitsAssets: true },
  { name: 'webpack', build: ['node_modules/.bin/webpack', '--mode', 'production'], serve: 'dist', emitsAssets: true },
  { name: 'esbuild', build: ['node', 'build.mjs'], serve: 'dist', emitsAssets: false },
  { name: 'plain', serve: '.', emitsAssets: false },
];

/** Files under `dir` (recursively) with their sizes, paths relative to it. */
export function filesOf(dir: string): { path: string; bytes: number }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const path = join(entry.parentPath, entry.name);
      return { path: relative(dir, path), bytes: statSync(path).size };
    });
}

/**
 * Packs `packages` (by default `@emolens/schema`, `@emolens/core`, `@emolens/uploader` and `@emolens/personalise`)
 * into a new folder; returns the tarball paths.
 */
export function packTarballs(packages: readonly string[] = ['schema', 'core', 'uploader', 'personalise']): string[] {
  const out = mkdtempSync(join(tmpdir(), 'emolens-pack-'));
  for (const pkg of packages) {
    execFileSync('pnpm', ['pack', '--pack-destination', out], { cwd: join(repoRoot, 'packages', pkg), stdio: 'pipe' });
  }
  return readdirSync(out).map((file) => join(out, file));
}

/**
 * Copies app `spec` into a fresh folder with the three checks every app runs (`check.js`, `upload-check.js`,
 * `personalise-check.js`), installs the tarballs and its bundler, builds it; returns the folder to serve.
 */
export function buildApp(spec: AppSpec, tarballs: readonly string[], workDir: string): string {
  const dir = join(workDir, spec.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (spec.base) cpSync(join(appsDir, spec.base), dir, { recursive: true });
  cpSync(join(appsDir, spec.name), dir, { recursive: true });
  cpSync(join(appsDir, 'check.js'), join(dir, 'check.js'));
  cpSync(join(appsDir, 'upload-check.js'), join(dir, 'upload-check.js'));
  cpSync(join(appsDir, 'personalise-check.js'), join(dir, 'personalise-check.js'));
  const run = (command: string[]) => execFileSync(command[0]!, command.slice(1), { cwd: dir, stdio: 'pipe' });
  run(['npm', 'install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...tarballs]);
  if (spec.build) run(spec.build);
  return join(dir, spec.serve);
}
