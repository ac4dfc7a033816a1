"""Chooses the shipped model among candidate ONNX files on PublicTest (the data's protocol: select on PublicTest,
report on PrivateTest once, with `pnpm eval`).

    /usr/bin/python3 research/emolens-fer/select.py CANDIDATE.onnx [CANDIDATE.onnx ...]

Each candidate runs on onnxruntime-web (Node, the SDK's runtime) over the PublicTest faces, un-mirrored, as the SDK
runs it. Four figures: FER2013 accuracy and macro-F1 (original labels), FER+ 7 accuracy and macro-F1 (majority
label, contempt excluded). The reference is the better converted peer model on each figure, read from the
PublicTest part of the last `pnpm eval` (test/eval/results/latest.json). The rule: the candidate whose smallest
margin over that reference is largest wins (the issue's goal is to beat both peers on every figure); ties go to
the mean of the two accuracies.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ort_node import run_ort  # noqa: E402
from peers import FER_FIGURES, public_reference  # noqa: E402
from train import REPO, Fer, label_figures, nhwc  # noqa: E402

def public_figures(model_path, fer, idx):
    p, _ = run_ort(model_path, nhwc(fer.images[idx]), threads=1, batch=64)
    return label_figures(p.argmax(1), fer.hard[idx], fer.majority[idx])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('candidates', nargs='+', help='ONNX files (int8, as they would ship)')
    ap.add_argument('--reference', default=os.path.join(REPO, 'test', 'eval', 'results', 'latest.json'),
                    help='a `pnpm eval` result file with the peers\' PublicTest figures')
    args = ap.parse_args()

    ref = public_reference(args.reference)
    print('reference (better peer, PublicTest): ' +
          ', '.join(f'{k} {v * 100:.1f} ({who})' for k, (v, who) in ref.items()))
    fer = Fer()
    idx = fer.split('PublicTest')
    rows = []
    for path in args.candidates:
        fig = public_figures(path, fer, idx)
        margins = {k: fig[k] - ref[k][0] for k in FER_FIGURES}
        worst = min(margins.values())
        mean_acc = (fig['fer2013_acc'] + fig['ferplus_acc']) / 2
        rows.append((worst, mean_acc, path, fig, margins))
        print(f'{path}\n  ' + '  '.join(f'{k} {fig[k] * 100:.1f} ({margins[k] * 100:+.1f})' for k in FER_FIGURES) +
              f'  | smallest margin {worst * 100:+.1f}, mean accuracy {mean_acc * 100:.2f}', flush=True)
    winner = max(rows, key=lambda r: (r[0], r[1]))
    print(json.dumps({'selected': winner[2], 'smallest_margin': round(winner[0], 4),
                      'public_test': {k: round(v, 4) for k, v in winner[3].items()}}))


if __name__ == '__main__':
    main()
