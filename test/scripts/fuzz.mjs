#!/usr/bin/env node
/**
 * `pnpm fuzz [--runs N] [--seed S]`: the long fuzz run. First the property tests of the pure entry points
 * (`*.property.test.ts`, unit project) and of the collection server's requests (`packages/server/src/insert.fuzz.test.ts`), then the browser fuzzer (`test/browser/fuzz.test.ts`: generated cases through
 * the real SDK in Chromium), both with N runs instead of the short seeded run `pnpm test` makes. Without `--runs`:
 * 10,000 runs per property and 1,000 browser cases (a browser case takes about 0.3 s here). A failure prints its
 * shrunk counterexample, seed and path (FUZZ_PATH replays it); pin it as a unit test or corpus entry once fixed.
 * The browser run's figures land in test/.artifacts/fuzz-summary.json.
 */
import { spawnSync } from 'node:child_process';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const seed = arg('--seed') ? { FUZZ_SEED: arg('--seed') } : {};
const run = (runs, args) => spawnSync('pnpm', ['exec', 'vitest', 'run', ...args], { stdio: 'inherit', env: { ...process.env, FUZZ_RUNS: runs, ...seed } }).status ?? 1;

const unit = run(arg('--runs', '10000'), ['--project', 'unit', 'property', 'fuzz']);
const browser = run(arg('--runs', '1000'), ['--project', 'integration', 'test/browser/fuzz.test.ts']);
process.exit(unit || browser);
