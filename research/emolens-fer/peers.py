"""The converted peer models' figures, read from a `pnpm eval` result (test/eval/results/latest.json): the
reference that select.py, offsets.py and confirm.py measure a candidate against — per figure, the better of the
two peers (the issue's goal is to beat both on every figure)."""
import json
import sys

PEERS = ('human-emotion', 'faceapi-expression')

# The four FER figures: train.label_figures' keys → (pnpm eval label set, field).
FER_FIGURES = {'fer2013_acc': ('fer2013', 'accuracy'), 'fer2013_f1': ('fer2013', 'macroF1'),
               'ferplus_acc': ('ferplus7', 'accuracy'), 'ferplus_f1': ('ferplus7', 'macroF1')}


def better_peer(value_of):
    """(value, peer) of the peer with the larger `value_of(peer)`."""
    best = max(PEERS, key=value_of)
    return value_of(best), best


def public_reference(path):
    """Better peer per FER figure on PublicTest (all rows) in the `pnpm eval` result file `path`:
    {figure: (value, peer)}."""
    with open(path) as f:
        rows = {r['name']: r.get('PublicTest') for r in json.load(f)['results']}
    missing = [p for p in PEERS if not rows.get(p)]
    if missing:
        sys.exit(f'the eval result has no PublicTest figures for {", ".join(missing)}: run `pnpm eval --no-wild` first')
    return {fig: better_peer(lambda p: rows[p][group]['all'][field]) for fig, (group, field) in FER_FIGURES.items()}
