// The test page: exposes the SDK to Playwright's page.evaluate as `window.emolens`, its optional modules (the
// WebGPU runtime and the classifiers other than the default) as `window.extras`, and a module loader (code passed
// to page.evaluate is rewritten by Vitest, so it cannot call import() itself).
import * as core from '@emolens/core';
import { emolensFerplus } from '@emolens/core/classifiers/emolens-ferplus';
import { faceapiExpression } from '@emolens/core/classifiers/faceapi-expression';
import { humanEmotion } from '@emolens/core/classifiers/human-emotion';
import { webgpu } from '@emolens/core/webgpu';

const extras = { webgpu, classifiers: { 'emolens-ferplus': emolensFerplus, 'human-emotion': humanEmotion, 'faceapi-expression': faceapiExpression } };
const w = window as unknown as { emolens: typeof core; extras: typeof extras; loadModule: (url: string) => Promise<unknown> };
w.emolens = core;
w.extras = extras;
w.loadModule = (url) => import(/* @vite-ignore */ url);
document.body.dataset.ready = 'true';
