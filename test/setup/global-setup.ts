/**
 * Starts, once per test run: a Vite dev server for the test pages (serving the built `@emolens/core` from
 * the workspace and the shared data through `/@fs/`), and one headless Chromium that test files connect to.
 */
import { chromium, type BrowserServer } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import type { TestProject } from 'vitest/node';
import { assertChromium, CHROMIUM, CHROMIUM_ARGS } from './chromium.ts';
import { testPageConfig } from './test-page-config.ts';

let server: ViteDevServer | undefined;
let browser: BrowserServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  assertChromium();
  server = await createServer(testPageConfig());
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('the test server did not start');
  browser = await chromium.launchServer({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  project.provide('pageOrigin', `http://127.0.0.1:${address.port}`);
  project.provide('browserEndpoint', browser.wsEndpoint());
}

export async function teardown(): Promise<void> {
  await browser?.close();
  await server?.close();
}

declare module 'vitest' {
  export interface ProvidedContext {
    pageOrigin: string;
    browserEndpoint: string;
  }
}
