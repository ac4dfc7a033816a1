import { existsSync } from 'node:fs';

/** Debian's Chromium (installed by `.ci/run` or `test/scripts/ensure-chromium.mjs`). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Flags for headless Chromium on a machine with no GPU and no network: software WebGL2 (SwiftShader,
 * needed by tasks-vision even on its CPU delegate) and a software WebGPU adapter so the WebGPU path can be
 * tested for correctness; and nothing that phones home.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
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
