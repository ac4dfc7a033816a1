/// <reference types="node" />
import { defineConfig } from 'vite';

// The demo needs no EmoLens-specific configuration: the SDK's assets are referenced with
// `new URL(…, import.meta.url)`, which Vite serves in dev and emits in `vite build`.
/** Cross-origin isolation lets the classifier use two WASM threads (twice as fast on 2 cores). */
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

/**
 * `/collect/*` goes to the collection server (`@emolens/server`, which `pnpm demo` starts beside the demo), so the
 * page posts corrections to its own origin. `EMOLENS_COLLECT_URL` points it at another server.
 */
const collect = {
  '/collect': {
    target: process.env.EMOLENS_COLLECT_URL ?? 'http://127.0.0.1:8787',
    rewrite: (path: string) => path.replace(/^\/collect/, ''),
  },
};

export default defineConfig({
  // `open: false`: no browser is launched (`vite --open false` read "false" as a path and failed on xdg-open).
  server: { host: '127.0.0.1', port: 5173, headers: isolation, open: false, proxy: collect },
  preview: { host: '127.0.0.1', port: 4173, headers: isolation, proxy: collect },
  build: { target: 'es2022' },
  worker: { format: 'es' },
  // Dependencies are ESM already; the worker's dependencies must not be re-optimised mid-session.
  optimizeDeps: { noDiscovery: true, include: [] },
});
