"""The confirmation rule: after `select.py` has picked a candidate on PublicTest and `pnpm eval` has scored it
once on PrivateTest and the wild photos, is it better than the default it would replace?

    /usr/bin/python3 research/emolens-fer/confirm.py CANDIDATE_EVAL.json DEFAULT_EVAL.json [--model emolens-fer]

Both files are `pnpm eval` results (test/eval/results/latest.json, copied after each run): one with the
candidate in place of the default, one with the default. For each, six figures of the issue — FER2013 accuracy
and macro-F1 and FER+ 7 accuracy and macro-F1 on PrivateTest (all rows), and the wild photos' accuracy and
macro-F1 end to end — are compared with the better converted peer model on that figure, read from the same
file. The candidate is kept only if its smallest margin is larger than the default's (the issue's goal is to
beat both peers on every figure). Exit status 0: keep the candidate; 1: keep the default.

The rule is fixed before a candidate is scored, so that PrivateTest is a confirmation, not a selection set.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peers import PEERS, better_peer  # noqa: E402

FIGURES = (('FER2013 accuracy', 'fer2013', 'accuracy'), ('FER2013 macro-F1', 'fer2013', 'macroF1'),
           ('FER+ 7 accuracy', 'ferplus7', 'accuracy'), ('FER+ 7 macro-F1', 'ferplus7', 'macroF1'),
           ('wild accuracy', 'wild', 'accuracy'), ('wild macro-F1', 'wild', 'macroF1'))


def figures(result, name):
    """The six figures of classifier `name` in a `pnpm eval` result."""
    rows = {r['name']: r for r in result['results']}
    wild = result.get('wild') or {}
    if name not in rows or name not in wild:
        sys.exit(f'{name} lacks PrivateTest or wild figures in this result: run the full `pnpm eval`')
    out = {}
    for label, group, field in FIGURES:
        out[label] = wild[name][field] if group == 'wild' else rows[name]['PrivateTest'][group]['all'][field]
    return out


def margins(result, name):
    """Per figure: (own value, better peer's value, that peer, margin)."""
    own = figures(result, name)
    peers = {p: figures(result, p) for p in PEERS}
    table = {}
    for label, _, _ in FIGURES:
        value, best = better_peer(lambda p: peers[p][label])
        table[label] = (own[label], value, best, own[label] - value)
    return table


def report(title, table):
    print(title)
    for label, (own, peer, who, margin) in table.items():
        print(f'  {label:<17} {own * 100:5.1f}  better peer {peer * 100:5.1f} ({who})  margin {margin * 100:+.1f}')
    worst = min(table.items(), key=lambda kv: kv[1][3])
    print(f'  smallest margin {worst[1][3] * 100:+.1f} ({worst[0]})')
    return worst[1][3]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('candidate', help='`pnpm eval` result with the candidate in place')
    ap.add_argument('default', help='`pnpm eval` result with the current default')
    ap.add_argument('--model', default='emolens-fer', help='classifier name in both results')
    args = ap.parse_args()
    with open(args.candidate) as f:
        cand = json.load(f)
    with open(args.default) as f:
        dflt = json.load(f)
    c = report(f'candidate ({args.candidate})', margins(cand, args.model))
    d = report(f'default ({args.default})', margins(dflt, args.model))
    keep = c > d
    print(f"verdict: keep the {'candidate' if keep else 'default'} ({c * 100:+.1f} vs {d * 100:+.1f})")
    sys.exit(0 if keep else 1)


if __name__ == '__main__':
    main()
