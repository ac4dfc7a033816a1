/**
 * Root Vite/Vitest configuration. `pnpm test` runs every `*.test.ts` here in Node; browser tests drive
 * Debian's Chromium through playwright-core against pages served by a Vite dev server (see
 * test/setup/global-setup.ts).
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'packages/*/src/**/*.test.ts'],
    globalSetup: ['test/setup/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Two cores: browser tests run one file at a time so timings and workers don't starve each other.
    fileParallelism: false,
    reporters: ['default', './test/setup/summary-reporter.ts'],
  },
});
