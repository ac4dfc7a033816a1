/** The Human bench page: `window.sys` (`harness.ts`) over `peers/human.ts` and `window.live` (`live/harness.ts`) over `live/human.ts`, on the main thread. */
import './wasm-memory.ts'; // first: hooks WebAssembly before tfjs loads
import { installHarness } from './harness.ts';
import { installLive } from './live/harness.ts';
import { createHumanLive } from './live/human.ts';
import { createHuman } from './peers/human.ts';

installHarness('human', createHuman);
installLive('human', createHumanLive);
document.body.dataset.ready = 'true';
