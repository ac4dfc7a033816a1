/** The face-api bench page: `window.sys` (`harness.ts`) over `peers/faceapi.ts`, on the main thread. */
import './wasm-memory.ts'; // first: hooks WebAssembly before tfjs loads
import { installHarness } from './harness.ts';
import { createFaceApi } from './peers/faceapi.ts';

installHarness('faceapi', createFaceApi);
document.body.dataset.ready = 'true';
