// The test page: exposes the SDK to Playwright's page.evaluate as `window.emolens`, and a module
// loader (code passed to page.evaluate is rewritten by Vitest, so it cannot call import() itself).
import * as core from '@emolens/core';

const w = window as unknown as { emolens: typeof core; loadModule: (url: string) => Promise<unknown> };
w.emolens = core;
w.loadModule = (url) => import(/* @vite-ignore */ url);
document.body.dataset.ready = 'true';
