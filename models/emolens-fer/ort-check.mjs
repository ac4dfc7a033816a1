// Used by export.py: runs the exported ONNX with onnxruntime-web (WASM, 1 thread: the runtime the SDK and
// `pnpm eval` use) on faces written by export.py, prints the max abs difference to PyTorch's probabilities
// and the single-face latency (median of `runs`). Usage: node ort-check.mjs <check.json>
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(repo, 'test', 'package.json')); // onnxruntime-web is a dependency of test/
const ort = await import(pathToFileURL(require.resolve('onnxruntime-web')).href);
const check = JSON.parse(readFileSync(process.argv[2], 'utf8'));
ort.env.wasm.numThreads = 1;
const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(check.model)), { executionProviders: ['wasm'] });
const buf = Buffer.from(check.input, 'base64');
const input = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
const out = (await session.run({ input: new ort.Tensor('float32', input, check.shape) })).probabilities;
if (out.dims[0] !== check.shape[0] || out.dims[1] !== 7) throw new Error(`output shape [${out.dims}]`);
let maxAbsDiff = 0;
out.data.forEach((v, i) => (maxAbsDiff = Math.max(maxAbsDiff, Math.abs(v - check.expected[i]))));
const one = { input: new ort.Tensor('float32', input.subarray(0, check.shape[1] * check.shape[2]), [1, ...check.shape.slice(1)]) };
const times = [];
for (let i = 0; i < check.runs + 10; i++) {
  const t = performance.now();
  await session.run(one);
  if (i >= 10) times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
const ms = times.length ? +times[times.length >> 1].toFixed(3) : null;
console.log(JSON.stringify({ max_abs_diff: maxAbsDiff, wasm_1thread_ms_p50: ms, onnxruntime_web: ort.env.versions?.web ?? null }));
