// The personalise test page: exposes the SDK as `window.emolens` and `@emolens/personalise` as
// `window.emolensPersonalise` to Playwright's page.evaluate. The personaliser's training worker is the package's
// own (`new URL('./train-worker.js', import.meta.url)`), bundled by this page's Vite as an app's would be. The bench
// loads this module on the main test page (`window.loadModule('/personalise.ts')`) for the same globals.
import * as core from '@emolens/core';
import * as personalise from '@emolens/personalise';

const w = window as unknown as { emolens: typeof core; emolensPersonalise: typeof personalise };
w.emolens = core;
w.emolensPersonalise = personalise;
document.body.dataset.ready = 'true';
