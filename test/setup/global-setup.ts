/**
 * Starts, once per test run: two Vite dev servers for the test pages (plain, and cross-origin isolated) (serving the built `@emolens/core` from
 * the workspace and the shared data through `/@fs/`), and one headless Chromium that test files connect to.
 */
import { chromium, type BrowserServer } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import type { TestProject } from 'vitest/node';
import { assertChromium, CHROMIUM, CHROMIUM_ARGS } from './chromium.ts';
import { testPageConfig } from './test-page-config.ts';

let servers: ViteDevServer[] = [];
let browser: BrowserServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  assertChromium();
  const origin = async (isolated: boolean) => {
    const server = await createServer(testPageConfig(isolated));
    servers.push(server);
    await server.listen();
    const address = server.httpServer?.address();
    if (!address || typeof address === 'string') throw new Error('the test server did not start');
    return `http://127.0.0.1:${address.port}`;
  };
  project.provide('pageOrigin', await origin(false));
  project.provide('isolatedOrigin', await origin(true));
  browser = await chromium.launchServer({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  project.provide('browserEndpoint', browser.wsEndpoint());
}

export async function teardown(): Promise<void> {
  await browser?.close();
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
}

declare module 'vitest' {
  export interface ProvidedContext {
    pageOrigin: string;
    /** The same pages, served cross-origin isolated (COOP/COEP). */
    isolatedOrigin: string;
    browserEndpoint: string;
  }
}
