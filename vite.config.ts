/**
 * Root Vite/Vitest configuration. `pnpm test` runs two projects:
 * - `unit`: the Node unit tests next to the code (`packages/*\/src/**\/*.test.ts`), pure logic, no browser;
 *   `pnpm test:unit` runs them alone, in a few seconds.
 * - `integration`: everything under `test/` — browser tests driving Debian's Chromium through playwright-core
 *   against pages served by a Vite dev server (see test/setup/global-setup.ts), and the model and schema tests.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Two cores: browser tests run one file at a time so timings and workers don't starve each other.
    fileParallelism: false,
    reporters: ['default', './test/setup/summary-reporter.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['packages/*/src/**/*.test.ts'] } },
      { extends: true, test: { name: 'integration', include: ['test/**/*.test.ts'], globalSetup: ['test/setup/global-setup.ts'] } },
    ],
  },
});
