import { join } from 'node:path';
import type { InlineConfig } from 'vite';
import { dataRoot, repoRoot } from './paths.ts';

/**
 * Vite config of the server that hosts the browser-test pages (`test/browser/page/`). With `isolated`, every
 * response carries COOP/COEP so the page is cross-origin isolated (WASM threads).
 */
export function testPageConfig(isolated = false, port = 0): InlineConfig {
  return {
    configFile: false,
    root: join(repoRoot, 'test', 'browser', 'page'),
    logLevel: 'error',
    // Unknown paths answer 404 (not the SPA fallback to index.html): the tests need a real 404.
    appType: 'mpa',
    server: {
      host: '127.0.0.1',
      port,
      strictPort: port !== 0,
      fs: { allow: [repoRoot, dataRoot] },
      // No CORS headers: the tests need a real cross-origin URL that the browser blocks.
      cors: false,
      // No hot reload: a rebuilt dist/ (or any edited file) must not reload a page mid-test and lose its state.
      hmr: false,
      headers: isolated ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {},
    },
    // Every dependency but one is ESM: serve them as they are, with no discovery (and reload) mid-test. tfjs (in
    // `@emolens/personalise`'s training worker) imports CommonJS packages (seedrandom, long): pre-bundled at start.
    optimizeDeps: { noDiscovery: true, include: ['@tensorflow/tfjs'] },
  };
}
