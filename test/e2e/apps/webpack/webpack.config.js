// webpack 5 on its defaults: the SDK's workers and assets come from `new URL('…', import.meta.url)`, which webpack
// bundles (workers) and emits (assets) with no loader or plugin.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
export default {
  entry: './src/index.js',
  output: { path: join(root, 'dist'), clean: true },
  plugins: [
    {
      apply: (compiler) =>
        compiler.hooks.afterEmit.tap('copy-index', () => {
          mkdirSync(join(root, 'dist'), { recursive: true });
          copyFileSync(join(root, 'index.html'), join(root, 'dist', 'index.html'));
        }),
    },
  ],
  performance: { hints: false },
};
