/**
 * The browser-test page (`test/browser/page`, the SDK as `window.emolens`) served by Vite, cross-origin isolated,
 * in a Chromium of its own: for bench modes that need the SDK's source build and Chromium flags of their own (a
 * fake camera), rather than the production bench page.
 */
import type { AddressInfo } from 'node:net';
import { chromium, type Page } from 'playwright-core';
import { createServer } from 'vite';
import { CHROMIUM, CHROMIUM_ARGS } from '../setup/chromium.ts';
import { testPageConfig } from '../setup/test-page-config.ts';

/** Runs `task` on the test page, with `args` added to Chromium's; closes everything after. */
export async function withTestPage<T>(args: readonly string[], task: (page: Page) => Promise<T>): Promise<T> {
  const server = await createServer(testPageConfig(true));
  await server.listen();
  const address = server.httpServer?.address() as AddressInfo;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...args] });
  try {
    const page = await browser.newPage();
    // tsx compiles the bench with esbuild's keepNames: the functions sent to the page call its __name helper.
    await page.addInitScript('globalThis.__name = (f) => f;');
    await page.goto(`http://127.0.0.1:${address.port}/index.html`);
    await page.waitForFunction(() => document.body.dataset.ready === 'true', undefined, { timeout: 60_000 });
    return await task(page);
  } finally {
    await browser.close();
    await server.close();
  }
}
