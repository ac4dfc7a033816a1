#!/usr/bin/env node
/**
 * `pnpm fuzz [--runs N] [--seed S]`: the property tests (`*.property.test.ts`) with N runs per property (default
 * 10,000) instead of the short seeded run `pnpm test` makes. A failure prints its counterexample and seed; pin it
 * as a unit test or corpus entry once fixed.
 */
import { spawnSync } from 'node:child_process';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const env = { ...process.env, FUZZ_RUNS: arg('--runs', '10000'), ...(arg('--seed') ? { FUZZ_SEED: arg('--seed') } : {}) };
const run = spawnSync('pnpm', ['exec', 'vitest', 'run', '--project', 'unit', 'property'], { stdio: 'inherit', env });
process.exit(run.status ?? 1);
