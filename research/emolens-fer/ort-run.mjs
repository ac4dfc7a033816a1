// Used through ort_node.py by export.py and quantize.py: runs an ONNX model with onnxruntime-web (WASM, the runtime
// the SDK uses) over a batch of faces and writes what was asked for. Usage: node ort-run.mjs <request.json>
//   request: { model, input (raw float32 NHWC file), shape [N,H,W,C], batch, threads, mode, out, runs }
//   mode 'probabilities': writes `probabilities` for every face to `out` (raw float32 [N,7]).
//   mode 'ranges': every graph output but `probabilities` is an activation to calibrate; writes to `out` (JSON)
//     { name: { min: [per batch], max: [per batch] } } so the caller chooses how to reduce them.
//   `runs` > 0 also prints the single-face latency (median of `runs`, after 10 warm-up runs).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(repo, 'test', 'package.json')); // onnxruntime-web is a dependency of test/
const ort = await import(pathToFileURL(require.resolve('onnxruntime-web')).href);
const req = JSON.parse(readFileSync(process.argv[2], 'utf8'));
ort.env.wasm.numThreads = req.threads ?? 1;
const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(req.model)), {
  executionProviders: ['wasm'],
  graphOptimizationLevel: 'all',
});
const raw = readFileSync(req.input);
const all = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
const [n, h, w, c] = req.shape;
const per = h * w * c;
if (all.length !== n * per) throw new Error(`input has ${all.length} floats, shape [${req.shape}] wants ${n * per}`);

const probabilities = new Float32Array(n * 7);
const ranges = {};
for (let start = 0; start < n; start += req.batch) {
  const count = Math.min(req.batch, n - start);
  const feeds = { input: new ort.Tensor('float32', all.subarray(start * per, (start + count) * per), [count, h, w, c]) };
  const out = await session.run(feeds);
  probabilities.set(out.probabilities.data, start * 7);
  if (req.mode !== 'ranges') continue;
  for (const [name, tensor] of Object.entries(out)) {
    if (name === 'probabilities') continue;
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of tensor.data) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const r = (ranges[name] ??= { min: [], max: [] });
    r.min.push(lo);
    r.max.push(hi);
  }
}
if (req.mode === 'ranges') writeFileSync(req.out, JSON.stringify(ranges));
else writeFileSync(req.out, Buffer.from(probabilities.buffer));

let latency = null;
if (req.runs > 0) {
  const one = { input: new ort.Tensor('float32', all.subarray(0, per), [1, h, w, c]) };
  const times = [];
  for (let i = 0; i < req.runs + 10; i++) {
    const t = performance.now();
    await session.run(one);
    if (i >= 10) times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  latency = +times[times.length >> 1].toFixed(3);
}
console.log(JSON.stringify({ faces: n, latency_ms_p50: latency, threads: ort.env.wasm.numThreads, onnxruntime_web: ort.env.versions?.web ?? null }));
process.exit(0);
