"""Weight averaging ("model soup", WiSE-FT): averages the weights of several `best.pt` of the same architecture that
share an ancestor (a run and its fine-tunes), and writes a `best.pt` that export.py reads, and `runs/<name>/soup.json` (what went in).

    /usr/bin/python3 research/emolens-fer/soup.py --out /work/checkpoints/medium-ftsoup/best.pt A/best.pt B/best.pt [--weights 0.5,0.5]

Weights (float tensors, BatchNorm running statistics included) are averaged with the given weights (default equal);
integer buffers (BatchNorm's batch counter) are taken from the first checkpoint. Averaging only makes sense for
models fine-tuned from a common checkpoint: their weights lie in one basin, so the average behaves between them, and
often better than either on both label sets.
"""
import argparse
import json
import os

import torch


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('checkpoints', nargs='+', help='best.pt files written by train.py (same model config)')
    ap.add_argument('--out', required=True, help='the averaged best.pt')
    ap.add_argument('--name', help="the soup's run name in its config (default: the --out file's folder name)")
    ap.add_argument('--weights', help='comma-separated, one per checkpoint (normalised to sum 1); default equal')
    args = ap.parse_args()

    cks = [torch.load(p, map_location='cpu') for p in args.checkpoints]
    models = {str(c['config']['model']) for c in cks}
    if len(models) != 1:
        raise SystemExit(f'the checkpoints have different architectures: {models}')
    w = [float(x) for x in args.weights.split(',')] if args.weights else [1.0] * len(cks)
    if len(w) != len(cks) or min(w) < 0 or sum(w) <= 0:
        raise SystemExit('--weights needs one non-negative number per checkpoint')
    w = [x / sum(w) for x in w]
    first = cks[0]['weights']
    averaged = {k: sum(wi * c['weights'][k] for wi, c in zip(w, cks)) if v.is_floating_point() else v.clone()
                for k, v in first.items()}
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    config = dict(cks[0]['config'], name=args.name or os.path.basename(os.path.dirname(os.path.abspath(args.out))))
    torch.save({'config': config, 'weights': averaged, 'epoch': max(c['epoch'] for c in cks),
                'best_metrics': None, 'soup': [{'checkpoint': os.path.abspath(p), 'weight': round(wi, 4),
                                                'epoch': c['epoch'], 'public': c.get('best_metrics')}
                                               for p, wi, c in zip(args.checkpoints, w, cks)]}, args.out)
    log_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'runs', config['name'])
    os.makedirs(log_dir, exist_ok=True)
    with open(os.path.join(log_dir, 'soup.json'), 'w') as f:
        json.dump({'name': config['name'], 'model': config['model'],
                   'ingredients': [{'run': c['config']['name'], 'weight': round(wi, 4), 'epoch': c['epoch'],
                                    'public_flip_averaged': c.get('best_metrics')} for wi, c in zip(w, cks)]}, f, indent=2)
    print(f'wrote {args.out}: {len(cks)} checkpoints, weights {[round(x, 3) for x in w]}')


if __name__ == '__main__':
    main()
