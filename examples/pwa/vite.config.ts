/// <reference types="node" />
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

/** Cross-origin isolation lets the classifier use two WASM threads; every file is same-origin, so nothing breaks. */
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

/** `/collect/*` goes to the collection server (`@emolens/server`), as in the webcam demo. */
const collect = {
  '/collect': {
    target: process.env.EMOLENS_COLLECT_URL ?? 'http://127.0.0.1:8787',
    rewrite: (path: string) => path.replace(/^\/collect/, ''),
  },
};

/**
 * The files the build emits are precached, the SDK's wasm runtime and models included, the iris model excepted (see
 * `globIgnores`). Workbox's default cap is 2 MiB a file; the largest here, the onnxruntime wasm, ships gzipped at
 * 3.5 MiB. Only what the app's options can load is emitted: the WebGPU runtime and the other classifiers are
 * optional modules it does not import.
 */
const MAX_PRECACHED_FILE_BYTES = 8 * 2 ** 20;

export default defineConfig({
  server: { host: '127.0.0.1', port: 5175, headers: isolation, open: false, proxy: collect },
  preview: { host: '127.0.0.1', port: 4175, headers: isolation, proxy: collect },
  build: { target: 'es2022' },
  worker: { format: 'es' },
  optimizeDeps: { noDiscovery: true, include: [] },
  plugins: [
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      registerType: 'prompt',
      injectRegister: false,
      injectManifest: {
        // The web manifest and its icons are added by the plugin.
        globPatterns: ['**/*.{html,js,mjs,css,svg,wasm,gz,onnx,task}'],
        // The iris model loads only for `attention` (gaze), which this app never asks for. MediaPipe's face mesh
        // stays: the photos' learning states and the device's Wakee /predict need it, offline too. An app that
        // asks for attention drops this line.
        globIgnores: ['**/human-iris*'],
        maximumFileSizeToCacheInBytes: MAX_PRECACHED_FILE_BYTES,
        rollupFormat: 'es',
      },
      manifest: {
        name: 'EmoLens — emotions on this device',
        short_name: 'EmoLens',
        description: 'Facial emotion recognition that runs on your device, offline: photos, webcam and video files.',
        start_url: '.',
        scope: '.',
        display: 'standalone',
        background_color: '#101418',
        theme_color: '#101418',
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
    }),
  ],
});
