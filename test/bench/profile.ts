/**
 * Browser profiles for the cold-start visits. A returning visitor has a profile on disk: its HTTP cache,
 * its V8 code cache (compiled scripts) and its Cache API storage all survive between visits. An
 * incognito-like context (`browser.newContext()`) keeps its HTTP cache in memory, drops large responses and
 * has no code cache, so a "cached" visit there is slower than any real one. Each profile is a fresh
 * directory (the first visit starts with nothing cached), deleted when its context closes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../setup/chromium.ts';

/** Opens a new, empty on-disk profile (its own browser process). Close the context to end it. */
export async function openProfile(args: readonly string[] = CHROMIUM_ARGS): Promise<BrowserContext> {
  const dir = await mkdtemp(join(os.tmpdir(), 'emolens-bench-profile-'));
  const context = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, headless: true, args: [...args] });
  // The browser may still be writing as it exits: retry, and never fail the run over a temp dir.
  context.on('close', () => void rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }).catch(() => undefined));
  return context;
}
