#!/usr/bin/python3
"""emolens-fer.onnx (float32, from export.py) → emolens-fer-int8.onnx: static int8 quantisation in QDQ form.

    /usr/bin/python3 research/emolens-fer/quantize.py          # after export.py; rewrites models/emolens-fer/manifest.json

What it does, in order:
1. Relu folding: a Relu that is the only consumer of a Conv or Add disappears; the producer's output takes the
   Relu's name, and that tensor's quantisation range starts at 0, so the uint8 clamp does the Relu's work.
2. Calibration: onnxruntime-web (WASM, the SDK's runtime, via ort-run.mjs) runs the float model over `--calib`
   Training faces (seeded choice) with every activation exposed; each activation's range is [min, mean of the
   per-batch maxima] (`--range mean`, the moving-average observer's choice) or [min, max] (`--range max`).
3. QDQ graph: activations feeding Conv/Add/ReduceMean/Gemm go through QuantizeLinear → DequantizeLinear (uint8,
   asymmetric, per tensor); weights are stored int8 (symmetric, per output channel) behind a DequantizeLinear;
   Conv biases int32 at input scale × weight scale. onnxruntime fuses these into QLinearConv/QLinearAdd when it
   loads the model (graph optimisation level 'all', the SDK's setting).
4. Check on PublicTest (never PrivateTest: that is `pnpm eval`'s, once): accuracy on the FER2013 and FER+ 7
   labels of the float and the int8 model, their argmax agreement, and single-face latency at 1 and 2 threads.
   Fails if the int8 model loses more than `--max-drop` points on either accuracy.
5. Writes emolens-fer-int8.onnx, a copy in build/, and points manifest.json at it (sha256, bytes, quantisation).
"""
import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ort_node import run_ort  # noqa: E402
from train import MODEL_DIR, Fer, label_figures, nhwc  # noqa: E402

QUANT_INPUTS = {'Conv', 'Add', 'ReduceMean', 'Gemm'}  # ops whose float inputs get a QDQ pair


def fold_relus(graph):
    """Removes each Relu that is the only consumer of a Conv/Add output; returns the names now non-negative."""
    consumers = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    dropped, nonneg = set(), set()
    for node in graph.node:
        users = consumers.get(node.output[0], [])
        if node.op_type in ('Conv', 'Add') and len(users) == 1 and users[0].op_type == 'Relu':
            node.output[0] = users[0].output[0]
            dropped.add(id(users[0]))
            nonneg.add(node.output[0])
    kept = [n for n in graph.node if id(n) not in dropped]
    del graph.node[:]
    graph.node.extend(kept)
    return nonneg


def probe_model(model):
    """A copy of the float model whose every node output (but the final one) is also a graph output."""
    import onnx
    from onnx import helper
    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    existing = {o.name for o in probe.graph.output}
    for node in probe.graph.node:
        for name in node.output:
            if name not in existing:
                probe.graph.output.append(helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None))
                existing.add(name)
    return probe


def uint8_params(lo, hi):
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    scale = (hi - lo) / 255.0 if hi > lo else 1.0
    zero = int(np.clip(round(-lo / scale), 0, 255))
    return np.float32(scale), np.uint8(zero)


def quantize(model, ranges):
    """Rewrites `model` (Relus folded) in QDQ form with the activation `ranges` {name: (lo, hi)}."""
    from onnx import helper, numpy_helper
    graph = model.graph
    inits = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    new_inits, nodes, qdq_of = [], [], {}

    def qdq(name):
        if name not in qdq_of:
            scale, zero = uint8_params(*ranges[name])
            new_inits.extend([numpy_helper.from_array(np.array(scale), name + '.scale'),
                              numpy_helper.from_array(np.array(zero), name + '.zero')])
            nodes.append(helper.make_node('QuantizeLinear', [name, name + '.scale', name + '.zero'], [name + '.q']))
            nodes.append(helper.make_node('DequantizeLinear', [name + '.q', name + '.scale', name + '.zero'], [name + '.dq']))
            qdq_of[name] = name + '.dq'
        return qdq_of[name]

    def dequantized_const(name, q, scale, zero):
        new_inits.extend([numpy_helper.from_array(q, name + '.q'), numpy_helper.from_array(scale, name + '.scale'),
                          numpy_helper.from_array(zero, name + '.zero')])
        nodes.append(helper.make_node('DequantizeLinear', [name + '.q', name + '.scale', name + '.zero'], [name + '.dq'], axis=0))
        return name + '.dq'

    for node in graph.node:
        if node.op_type not in QUANT_INPUTS:
            nodes.append(node)
            continue
        inputs = [qdq(x) if x not in inits else x for x in node.input]
        if node.op_type in ('Conv', 'Gemm'):
            if node.op_type == 'Gemm':
                attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
                assert attrs.get('transB') == 1 and not attrs.get('transA'), 'Gemm: expects B as [out, in]'
            w = inits[node.input[1]]
            w_scale = np.abs(w.reshape(w.shape[0], -1)).max(1).astype(np.float32) / 127.0
            w_scale[w_scale == 0] = 1.0
            w_q = np.clip(np.round(w / w_scale.reshape([-1] + [1] * (w.ndim - 1))), -127, 127).astype(np.int8)
            inputs[1] = dequantized_const(node.input[1], w_q, w_scale, np.zeros(len(w_scale), np.int8))
            if len(node.input) > 2 and node.op_type == 'Conv':
                x_scale, _ = uint8_params(*ranges[node.input[0]])
                b_scale = (w_scale * x_scale).astype(np.float32)
                b_q = np.round(inits[node.input[2]] / b_scale).astype(np.int32)
                inputs[2] = dequantized_const(node.input[2], b_q, b_scale, np.zeros(len(b_scale), np.int32))
        del node.input[:]
        node.input.extend(inputs)
        nodes.append(node)
    used = {x for n in nodes for x in n.input}
    kept = [i for i in graph.initializer if i.name in used] + [i for i in new_inits if i.name in used]
    del graph.node[:]
    graph.node.extend(nodes)
    del graph.initializer[:]
    graph.initializer.extend(kept)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--model', default=os.path.join(MODEL_DIR, 'emolens-fer.onnx'), help='float32 ONNX from export.py')
    ap.add_argument('--out', default=os.path.join(MODEL_DIR, 'emolens-fer-int8.onnx'),
                    help='int8 ONNX; manifest.json and build/ are those of its folder (default: models/emolens-fer/)')
    ap.add_argument('--calib', type=int, default=2048, help='Training faces for calibration')
    ap.add_argument('--range', choices=['mean', 'max'], default='mean', help='activation maximum: mean of per-batch maxima, or max')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--max-drop', type=float, default=0.5, help='largest PublicTest accuracy loss allowed, points')
    ap.add_argument('--runs', type=int, default=300, help='single-face runs for the latency figures (0: skip)')
    args = ap.parse_args()
    import onnx

    fer = Fer()
    train = fer.split('Training')
    calib = np.random.default_rng(args.seed).choice(train, size=args.calib, replace=False)
    float_model = onnx.load(args.model)
    with tempfile.TemporaryDirectory() as tmp:
        probe_path = os.path.join(tmp, 'probe.onnx')
        onnx.save(probe_model(float_model), probe_path)
        raw, _ = run_ort(probe_path, nhwc(fer.images[np.sort(calib)]), 'ranges')
    reduce_max = np.mean if args.range == 'mean' else np.max
    ranges = {name: (float(np.min(r['min'])), float(reduce_max(r['max']))) for name, r in raw.items()}
    ranges[float_model.graph.input[0].name] = (-1.0, 1.0)  # the input's range is known exactly

    model = onnx.ModelProto()
    model.CopyFrom(float_model)
    nonneg = fold_relus(model.graph)
    for name in nonneg:
        ranges[name] = (0.0, ranges[name][1])
    quantize(model, ranges)
    model.doc_string = (float_model.doc_string + f' Static int8 QDQ quantisation by quantize.py ({args.calib} Training '
                        f'faces, seed {args.seed}, range {args.range}).')
    onnx.checker.check_model(model, full_check=True)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    onnx.save(model, args.out)

    public = fer.split('PublicTest')
    x = nhwc(fer.images[public])
    report = {}
    for tag, path in (('float', args.model), ('int8', args.out)):
        probs, info = run_ort(path, x, 'probabilities', threads=1, runs=args.runs)
        pred = probs.argmax(1)
        fig = label_figures(pred, fer.hard[public], fer.majority[public])
        report[tag] = {'fer2013': fig['fer2013_acc'], 'ferplus7': fig['ferplus_acc'], 'pred': pred}
        if args.runs:  # the 1-thread latency came with the accuracy run; 2 threads need a runtime of their own
            _, info2 = run_ort(path, x[:1], 'probabilities', threads=2, runs=args.runs)
            report[tag].update({'ms_1t': info['latency_ms_p50'], 'ms_2t': info2['latency_ms_p50']})
    agree = float(np.mean(report['float'].pop('pred') == report['int8'].pop('pred')))
    data = open(args.out, 'rb').read()
    summary = {'int8': args.out, 'bytes': len(data), 'public_test': report, 'argmax_agreement': agree}
    print(json.dumps(summary))
    drop = max(report['float'][k] - report['int8'][k] for k in ('fer2013', 'ferplus7')) * 100
    if drop > args.max_drop:
        sys.exit(f'int8 loses {drop:.2f} points on PublicTest (> {args.max_drop}); manifest left unchanged')

    manifest_path = os.path.join(os.path.dirname(args.out), 'manifest.json')
    with open(manifest_path) as f:
        manifest = json.load(f)
    manifest.update({'file': os.path.basename(args.out), 'sha256': hashlib.sha256(data).hexdigest(), 'bytes': len(data),
                     'quantization': {'weights': 'int8 symmetric per output channel', 'activations': 'uint8 per tensor',
                                      'calibration': f'{args.calib} FER2013 Training faces, seed {args.seed}, range {args.range}',
                                      'public_test': {k: {m: round(v, 4) for m, v in r.items()} for k, r in report.items()}}})
    for source in manifest.get('source', []):
        if 'research/emolens-fer/quantize.py' not in source['files']:
            source['files'].append('research/emolens-fer/quantize.py')
    with open(manifest_path, 'w') as f:
        f.write(json.dumps(manifest, indent=2) + '\n')
    build = os.path.join(os.path.dirname(args.out), 'build')
    os.makedirs(build, exist_ok=True)
    shutil.copyfile(args.out, os.path.join(build, os.path.basename(args.out)))


if __name__ == '__main__':
    main()
