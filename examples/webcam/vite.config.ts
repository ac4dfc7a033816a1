import { defineConfig } from 'vite';

// The demo needs no EmoLens-specific configuration: the SDK's assets are referenced with
// `new URL(…, import.meta.url)`, which Vite serves in dev and emits in `vite build`.
/** Cross-origin isolation lets the classifier use two WASM threads (twice as fast on 2 cores). */
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  // `open: false`: no browser is launched (`vite --open false` read "false" as a path and failed on xdg-open).
  server: { host: '127.0.0.1', port: 5173, headers: isolation, open: false },
  preview: { host: '127.0.0.1', port: 4173, headers: isolation },
  build: { target: 'es2022' },
  worker: { format: 'es' },
  // Dependencies are ESM already; the worker's dependencies must not be re-optimised mid-session.
  optimizeDeps: { noDiscovery: true, include: [] },
});
