/**
 * Production build of the bench pages (`test/bench/page/`) with Vite's JS API: `index.html` (EmoLens),
 * `human.html` and `faceapi.html` (the peers), each loading only its own system.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { build, createLogger, type Plugin } from 'vite';

/**
 * `@emolens/core` declares `sideEffects: false`, which is true of its modules but its worker entry
 * (`expose(new Pipeline())`). The bench's own worker (`page/emolens-worker.ts`) imports that entry for its
 * side effect, so the bundler must keep it.
 */
function keepWorkerEntry(): Plugin {
  return {
    name: 'bench-keep-emolens-worker-entry',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!/\/dist\/worker\/(inference-)?worker\.js$/.test(source)) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved ? { ...resolved, moduleSideEffects: true } : null;
    },
  };
}

/** One file Vite wrote. */
export interface EmittedFile {
  /** URL path, e.g. `/assets/worker-abc123.js`. */
  path: string;
  bytes: number;
}

export interface PageBuild {
  outDir: string;
  files: EmittedFile[];
  /** Vite warnings (and errors that did not fail the build). */
  warnings: string[];
  ms: number;
}

export async function buildPage(root: string, outDir: string): Promise<PageBuild> {
  const warnings: string[] = [];
  const logger = createLogger('warn');
  const warn = logger.warn.bind(logger);
  logger.warn = (message, options) => {
    warnings.push(message);
    warn(message, options);
  };
  logger.warnOnce = (message, options) => {
    if (!warnings.includes(message)) logger.warn(message, options);
  };
  const started = performance.now();
  await build({
    configFile: false,
    root,
    base: '/',
    mode: 'production',
    logLevel: 'warn',
    customLogger: logger,
    worker: { format: 'es', plugins: () => [keepWorkerEntry()] },
    build: {
      target: 'es2022',
      outDir,
      emptyOutDir: true,
      reportCompressedSize: false,
      // The SDK's assets are a few MiB each: no point warning about them.
      chunkSizeWarningLimit: 4096,
      rolldownOptions: {
        input: Object.fromEntries(['index', 'human', 'faceapi'].map((name) => [name, join(root, `${name}.html`)])),
      },
    },
  });
  const ms = performance.now() - started;
  return { outDir, files: await listFiles(outDir), warnings, ms };
}

async function listFiles(dir: string): Promise<EmittedFile[]> {
  const files: EmittedFile[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    files.push({ path: '/' + relative(dir, full).split('\\').join('/'), bytes: (await stat(full)).size });
  }
  return files.sort((a, b) => b.bytes - a.bytes);
}
