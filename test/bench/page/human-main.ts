/** The Human bench page: `window.sys` (`harness.ts`) over `peers/human.ts`, on the main thread. */
import './wasm-memory.ts'; // first: hooks WebAssembly before tfjs loads
import { installHarness } from './harness.ts';
import { createHuman } from './peers/human.ts';

installHarness('human', createHuman);
document.body.dataset.ready = 'true';
