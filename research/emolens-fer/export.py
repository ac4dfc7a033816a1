#!/usr/bin/python3
"""Best checkpoint → models/emolens-fer/emolens-fer.onnx + manifest.json (the SDK's classifier contract).

    /usr/bin/python3 research/emolens-fer/export.py --checkpoint /work/checkpoints/small/best.pt

Graph: input `input` NHWC float32 [batch, H, W, 1] = (luma·RGB − 127.5) / 127.5 (exactly train.py's
normalisation), Transpose to NCHW, the network (BatchNorm folded into the convolutions by the exporter),
Softmax → output `probabilities` [batch, 7] in FER2013 order. `--tta` folds mirrored-face averaging into the
graph (twice the compute). Checks: onnx.checker, then onnxruntime-web (WASM, 1 thread, in Node, the runtime the
SDK uses) against PyTorch on real PublicTest faces (max abs diff ≤ 1e-5), and its single-face latency.
Writes the ONNX, `manifest.json` (sha256, bytes) and a copy in build/ (what `pnpm models`/`pnpm eval` read).
The manifest then names the float file; `quantize.py`, run next, makes the shipped int8 file from it and points
the manifest there.
"""
import argparse
import hashlib
import json
import os
import shutil
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ort_node import run_ort  # noqa: E402
from train import CLASSES, MEAN, MODEL_DIR, STD, Fer, build_model, count_stats, normalise  # noqa: E402

OPSET = 17
CROP = {'scale': 1.08, 'offsetY': -0.05}  # FER2013 framing relative to the SDK's eye-levelled face square
LUMA = [0.299, 0.587, 0.114]               # sums to 1: luma·(g, g, g) = g, as in training


class Deploy(nn.Module):
    def __init__(self, net, tta):
        super().__init__()
        self.net, self.tta = net, tta

    def forward(self, x):                      # [N, H, W, 1], already normalised
        x = x.permute(0, 3, 1, 2)              # → NCHW
        p = F.softmax(self.net(x), 1)
        if self.tta:
            p = (p + F.softmax(self.net(torch.flip(x, [3])), 1)) * 0.5
        return p


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--checkpoint', required=True, help='best.pt written by train.py')
    ap.add_argument('--out', default=MODEL_DIR, help='folder for emolens-fer.onnx and manifest.json (default: models/emolens-fer/)')
    ap.add_argument('--tta', action='store_true', help='fold flip averaging into the graph (2x compute)')
    ap.add_argument('--runs', type=int, default=200, help='single-face runs for the WASM latency figure (0: skip)')
    args = ap.parse_args()
    torch.set_num_threads(1)

    ck = torch.load(args.checkpoint, map_location='cpu')
    cfg = ck['config']
    net = build_model(cfg)
    net.load_state_dict(ck['weights'])
    net.eval()
    size = cfg['input_size']
    model = Deploy(net, args.tta).eval()
    params, macs = count_stats(net, size)

    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, 'emolens-fer.onnx')
    dummy = torch.zeros(1, size, size, 1)
    torch.onnx.export(model, dummy, onnx_path, opset_version=OPSET, input_names=['input'],
                      output_names=['probabilities'], dynamic_axes={'input': {0: 'batch'}, 'probabilities': {0: 'batch'}},
                      do_constant_folding=True)

    import onnx
    m = onnx.load(onnx_path)
    onnx.checker.check_model(m, full_check=True)
    m.doc_string = (f"EmoLens FER classifier ({cfg['name']}: {cfg['model']}), trained by research/emolens-fer/train.py on "
                    f"FER2013 Training. Input NHWC [N,{size},{size},1] = (luma·RGB − {MEAN})/{STD}; output softmax "
                    f"probabilities in order {','.join(CLASSES)}{'; flip TTA in graph' if args.tta else ''}.")
    m.producer_name, m.producer_version = 'emolens train.py/export.py', '1'
    for k, v in (('labels', ','.join(CLASSES)), ('public_test', json.dumps(ck.get('best_metrics'))),
                 ('epoch', str(ck['epoch']))):
        e = m.metadata_props.add()
        e.key, e.value = k, v
    onnx.save(m, onnx_path)
    onnx.checker.check_model(onnx.load(onnx_path), full_check=True)
    ops = sorted({n.op_type for n in m.graph.node})
    data = open(onnx_path, 'rb').read()
    print(f'{onnx_path}: {len(data):,} bytes, opset {OPSET}, ops {ops}; {params:,} params, {macs / 1e6:.2f} M MACs/face'
          f"{' (x2 with TTA)' if args.tta else ''}")

    # Parity on real faces: PyTorch (NCHW path of train.py) vs onnxruntime-web on the NHWC graph.
    fer = Fer()
    idx = fer.split('PublicTest')[:16]
    x = normalise(torch.from_numpy(fer.images[idx]).unsqueeze(1))
    if size != 48:
        x = F.interpolate(x, size=(size, size), mode='bilinear', align_corners=False)
    with torch.no_grad():
        ref = F.softmax(net(x), 1)
        if args.tta:
            ref = (ref + F.softmax(net(torch.flip(x, [3])), 1)) * 0.5
    nhwc = x.permute(0, 2, 3, 1).contiguous().numpy().astype(np.float32)
    probs, info = run_ort(onnx_path, nhwc, 'probabilities', threads=1, runs=args.runs)
    result = {'max_abs_diff': float(np.abs(probs - ref.numpy()).max()), 'wasm_1thread_ms_p50': info['latency_ms_p50'],
              'onnxruntime_web': info['onnxruntime_web']}
    print(json.dumps(result))
    if result['max_abs_diff'] > 1e-5:
        sys.exit(f"ONNX differs from PyTorch: max abs diff {result['max_abs_diff']}")

    manifest = {
        'name': 'emolens-fer',
        'kind': 'emotion-classifier',
        'description': (f"EmoLens' own FER classifier: a {params / 1e6:.2f} M-parameter ResNet-style CNN "
                        f"({2 * macs / 1e6:.0f} MFLOPs/face), {size}x{size} gray, trained in this repository on FER2013 "
                        f"Training (FER2013 labels + FER+ vote distributions), chosen on PublicTest "
                        f"(research/emolens-fer/train.py, run {cfg['name']}, logs in research/emolens-fer/runs/). "
                        f"Crop framing = FER2013 framing relative to the eye-levelled face square (as human-emotion)."),
        'file': 'emolens-fer.onnx',
        'sha256': hashlib.sha256(data).hexdigest(),
        'bytes': len(data),
        'license': 'MIT',
        'source': [{'package': 'emolens (trained in this repository)', 'version': '0.1.0',
                    'files': ['research/emolens-fer/train.py']}],
        'input': {'name': 'input', 'layout': 'NHWC', 'width': size, 'height': size, 'color': 'gray',
                  'luma': LUMA, 'mean': [MEAN], 'std': [STD]},
        'output': {'name': 'probabilities'},
        'labels': CLASSES,
        'vocabulary': 'fer2013',
        'crop': CROP,
    }
    with open(os.path.join(args.out, 'manifest.json'), 'w') as f:
        f.write(json.dumps(manifest, indent=2) + '\n')
    build = os.path.join(args.out, 'build')
    os.makedirs(build, exist_ok=True)
    shutil.copyfile(onnx_path, os.path.join(build, 'emolens-fer.onnx'))
    print(json.dumps({'onnx': onnx_path, 'bytes': len(data), 'sha256': manifest['sha256'], **result}))


if __name__ == '__main__':
    main()
