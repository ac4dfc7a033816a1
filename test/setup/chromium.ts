import { existsSync } from 'node:fs';

/** Debian's Chromium (installed by `.ci/run` or `test/scripts/ensure-chromium.mjs`). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags that keep Chromium from reaching the network (this machine has none). */
const OFFLINE = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Headless Chromium as on a machine with no GPU: software 2D canvas and compositing (`--disable-gpu`), and
 * WebGL2 on SwiftShader, which tasks-vision needs even with its CPU delegate. (Without `--disable-gpu`,
 * Chromium treats SwiftShader as a GPU: canvases and bitmaps become "GPU-backed" in an emulated GPU, and
 * every frame handed to the worker costs ~10 ms more to read back — a configuration no user has.)
 */
export const CHROMIUM_ARGS = [...OFFLINE, '--disable-gpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'];

/**
 * Chromium with a software WebGPU adapter (SwiftShader on Vulkan), so the WebGPU path can be tested for
 * correctness — never for speed: it is 40–100× slower than WASM.
 */
export const WEBGPU_CHROMIUM_ARGS = [
  ...OFFLINE,
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
];

export function assertChromium(): void {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: run \`node test/scripts/ensure-chromium.mjs\``);
}
