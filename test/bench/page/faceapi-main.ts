/** The face-api bench page: `window.sys` (`harness.ts`) over `peers/faceapi.ts` and `window.live` (`live/harness.ts`) over `live/faceapi.ts`, on the main thread. */
import './wasm-memory.ts'; // first: hooks WebAssembly before tfjs loads
import { installHarness } from './harness.ts';
import { installLive } from './live/harness.ts';
import { createFaceApiLive } from './live/faceapi.ts';
import { createFaceApi } from './peers/faceapi.ts';

installHarness('faceapi', createFaceApi);
installLive('faceapi', createFaceApiLive);
document.body.dataset.ready = 'true';
