#!/usr/bin/env node
/**
 * `pnpm lint:packages`: packs every published package with `pnpm pack` (as a release does) and checks the
 * tarball itself, not the folder:
 *
 * - `publint` (every message, suggestions included, fails) and `@arethetypeswrong/cli --profile esm-only`;
 * - the manifest: no `workspace:` range left, `repository` (with `directory`), `homepage`, `bugs`, `license`;
 * - the files: `LICENSE` (the same text as the repository's), `README.md`, no tests, no `src/`;
 * - every source map resolves: each source is inlined (`sourcesContent`) or shipped beside it, and every map a
 *   script names (`sourceMappingURL`) is shipped.
 *
 * Run `pnpm build` first (`pnpm install` does). `--keep DIR` leaves the tarballs in DIR.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGES = ['packages/schema', 'packages/core', 'packages/uploader', 'packages/personalise', 'packages/rest', 'packages/server'];
const keepAt = process.argv.indexOf('--keep');
const outDir = keepAt > 0 ? resolve(process.argv[keepAt + 1] ?? 'packed') : mkdtempSync(join(tmpdir(), 'emolens-pack-'));
const bin = (name) => join(root, 'node_modules', '.bin', name);
const rootLicense = readFileSync(join(root, 'LICENSE'), 'utf8');

/** The files of a `.tgz` (ustar, as npm and pnpm write it): path (without `package/`) → contents. */
function untar(tgz) {
  const tar = gunzipSync(readFileSync(tgz));
  const files = new Map();
  let longName;
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const field = (from, length) => header.subarray(from, from + length).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    const prefix = field(345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    const body = tar.subarray(at + 512, at + 512 + size);
    longName = undefined;
    if (type === 'L') longName = body.toString('utf8').replace(/\0.*$/s, '');
    else if (type === '0' || type === '') files.set(name.replace(/^package\//, ''), body);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

/** Problems of one unpacked tarball's manifest and files. */
function checkContents(files) {
  const problems = [];
  const manifest = JSON.parse(files.get('package.json').toString('utf8'));
  const text = JSON.stringify(manifest);
  if (text.includes('workspace:')) problems.push('package.json still has a workspace: range');
  if (!manifest.repository?.url || !manifest.repository?.directory) problems.push('package.json lacks repository.url or repository.directory');
  for (const field of ['homepage', 'bugs', 'license']) if (!manifest[field]) problems.push(`package.json lacks ${field}`);
  if (!files.has('LICENSE')) problems.push('no LICENSE');
  else if (files.get('LICENSE').toString('utf8') !== rootLicense) problems.push('LICENSE differs from the repository root LICENSE');
  if (!files.has('README.md')) problems.push('no README.md');
  for (const path of files.keys()) {
    if (/\.test\.|(^|\/)testing\/|^src\//.test(path)) problems.push(`ships ${path}`);
    if (path.endsWith('.d.ts.map')) problems.push(`ships a declaration map, ${path}, whose sources are not shipped`);
    if (/\.[cm]?js$/.test(path)) {
      const named = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(files.get(path).toString('utf8'))?.[1];
      const target = named && !named.startsWith('data:') ? posix.normalize(posix.join(posix.dirname(path), named)) : undefined;
      if (target && !files.has(target)) problems.push(`${path}: names the source map ${named}, which is not shipped`);
    }
    if (!path.endsWith('.map')) continue;
    const map = JSON.parse(files.get(path).toString('utf8'));
    map.sources.forEach((source, i) => {
      if (typeof map.sourcesContent?.[i] === 'string') return;
      const target = posix.normalize(posix.join(posix.dirname(path), map.sourceRoot ?? '', source));
      if (!files.has(target)) problems.push(`${path}: source ${source} is neither inlined nor shipped`);
    });
  }
  return { manifest, problems };
}

/** Runs a linter; its output is shown, and its exit status decides. */
function run(label, command, args, check) {
  try {
    const out = execFileSync(command, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const failure = check?.(out);
    process.stdout.write(`${label}: ${failure ? `FAILED (${failure})` : 'ok'}\n${indent(out)}`);
    return !failure;
  } catch (error) {
    process.stdout.write(`${label}: FAILED\n${indent(`${error.stdout ?? ''}${error.stderr ?? ''}`)}`);
    return false;
  }
}
const indent = (text) => (text.trim() ? `${text.trim().replace(/^/gm, '    ')}\n` : '');

let ok = true;
for (const dir of PACKAGES) {
  const packed = execFileSync('pnpm', ['pack', '--pack-destination', outDir, '--json'], { cwd: join(root, dir), encoding: 'utf8' });
  const { filename } = JSON.parse(packed.slice(packed.indexOf('{')));
  const tarball = resolve(join(root, dir), filename);
  const files = untar(tarball);
  const { manifest, problems } = checkContents(files);
  const bytes = [...files.values()].reduce((sum, b) => sum + b.length, 0);
  const size = (n) => `${(n / 1e6).toFixed(1)} MB`;
  console.log(`\n${manifest.name}@${manifest.version}: ${files.size} files, ${size(bytes)} unpacked, ${size(readFileSync(tarball).length)} packed`);
  if (problems.length) {
    ok = false;
    console.log(`contents: FAILED\n${indent(problems.join('\n'))}`);
  } else console.log('contents: ok');
  // publint passes warnings and suggestions with exit status 0: any message fails here.
  ok = run('publint', bin('publint'), ['run', tarball], (out) => (/All good!/.test(out) ? undefined : 'it has messages')) && ok;
  ok = run('attw --profile esm-only', bin('attw'), [tarball, '--profile', 'esm-only', '--format', 'table-flipped', '--no-color', '--no-emoji']) && ok;
}
if (keepAt < 0) rmSync(outDir, { recursive: true, force: true });
else console.log(`\ntarballs in ${outDir}`);
process.exit(ok ? 0 : 1);
