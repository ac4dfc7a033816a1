/**
 * Per-file browser harness: a fresh context/page in the shared Chromium, on the test page, with helpers
 * to reach the shared data and to run code against `window.emolens`.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { dataRoot } from '../setup/paths.ts';

export type Emolens = typeof import('@emolens/core');

/** A page with the SDK loaded. */
export interface TestPage {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Console lines and page errors seen so far. */
  logs: string[];
  close(): Promise<void>;
}

/**
 * Opens a test page (`index.html`, or `path`) in a new context (fresh Cache API, fresh HTTP cache); `isolated`:
 * cross-origin isolated.
 */
export async function openTestPage(options: { isolated?: boolean; browser?: Browser; path?: string } = {}): Promise<TestPage> {
  const browser = options.browser ?? (await chromium.connect(inject('browserEndpoint')));
  const context = await browser.newContext();
  const page = await context.newPage();
  const logs: string[] = [];
  page.on('console', (m) => logs.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`[pageerror] ${e.message}`));
  await page.goto(`${inject(options.isolated ? 'isolatedOrigin' : 'pageOrigin')}/${options.path ?? 'index.html'}`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', undefined, { timeout: 60_000 });
  return {
    browser,
    context,
    page,
    logs,
    async close() {
      await context.close();
      if (!options.browser) await browser.close();
    },
  };
}

/** URL (on the test server) of a file of the shared data, e.g. `wild/happy/x.jpg`. */
export function dataUrl(relative: string): string {
  return `/@fs${dataRoot}/${relative}`;
}

/** URL (on the test server) of a file in the repository. */
export function repoUrl(absolutePath: string): string {
  return `/@fs${absolutePath}`;
}

/** {@link openTestPage} with a WASM detector created on it as `window.detector`. */
export async function openDetectorPage(): Promise<TestPage> {
  const t = await openTestPage();
  await t.page.evaluate(async () => {
    (window as unknown as { detector: import('@emolens/core').Detector }).detector = await window.emolens.createDetector({ backend: 'wasm' });
  });
  return t;
}
