"""onnxruntime-web from Python: runs `ort-run.mjs` in Node (the runtime the SDK and `pnpm eval` use) on a batch of
faces. Used by export.py (parity with PyTorch, latency) and quantize.py (calibration, PublicTest check).
Needs `node` and the repository's `test/node_modules` (a `pnpm install`ed checkout)."""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def run_ort(model_path, faces, mode='probabilities', threads=1, runs=0, batch=32):
    """Runs `model_path` over `faces` (float32 NHWC [N,H,W,C]).

    mode 'probabilities' returns ([N,7] float32, info); mode 'ranges' returns ({name: {min: [...], max: [...]}}
    per batch for every extra graph output, info). `runs` > 0 adds the single-face latency p50 to info.
    """
    with tempfile.TemporaryDirectory() as tmp:
        inp, out, req = (os.path.join(tmp, f) for f in ('input.f32', 'out', 'request.json'))
        np.ascontiguousarray(faces, dtype=np.float32).tofile(inp)
        with open(req, 'w') as f:
            json.dump({'model': os.path.abspath(model_path), 'input': inp, 'shape': list(faces.shape), 'batch': batch,
                       'threads': threads, 'mode': mode, 'out': out, 'runs': runs}, f)
        proc = subprocess.run(['node', os.path.join(HERE, 'ort-run.mjs'), req], capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f'ort-run.mjs failed: {proc.stderr.strip()}')
        info = json.loads(proc.stdout.strip().splitlines()[-1])
        if mode == 'ranges':
            with open(out) as f:
                return json.load(f), info
        return np.fromfile(out, dtype=np.float32).reshape(-1, 7), info
