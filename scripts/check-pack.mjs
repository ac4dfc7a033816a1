#!/usr/bin/env node
/**
 * `prepack` of every published package (run by `pnpm pack`, `pnpm publish`, `npm pack`, `npm publish`, in the
 * package's folder). It stops a tarball that would not install or would miss its build:
 *
 * - a `workspace:` range packed by anything but pnpm: only pnpm rewrites `workspace:^` to the version
 *   (`^0.1.0`); npm would ship `"workspace:^"`, which no registry install can resolve;
 * - a file that `exports` points at, missing: run `pnpm build` first.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const agent = process.env['npm_config_user_agent'] ?? '';
const problems = [];

if (!agent.startsWith('pnpm/')) {
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [name, range] of Object.entries(pkg[field] ?? {})) {
      if (String(range).startsWith('workspace:')) {
        problems.push(`${field}.${name} is "${range}", which only pnpm rewrites: pack with \`pnpm pack\` (or publish with \`pnpm publish\`), not ${agent.split(' ')[0] || 'this tool'}`);
      }
    }
  }
}

/** Every file path an `exports` value names (patterns with `*` are skipped). */
function targets(value) {
  if (typeof value === 'string') return value.includes('*') ? [] : [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(targets);
  return [];
}
for (const target of targets(pkg.exports)) {
  if (!existsSync(join(process.cwd(), target))) problems.push(`exports names ${target}, which does not exist: run \`pnpm build\` first`);
}

if (problems.length > 0) {
  console.error(`${pkg.name}: not packing\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
