// The test page: exposes the SDK to Playwright's page.evaluate as `window.emolens`.
import * as core from '@emolens/core';

(window as unknown as { emolens: typeof core }).emolens = core;
document.body.dataset.ready = 'true';
