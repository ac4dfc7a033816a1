#!/usr/bin/python3
"""EmoLens FER classifier: train a compact CNN on FER2013 Training, choose on PublicTest.

Usage (Debian's python3 with python3-torch, python3-numpy; CPU or CUDA):

    /usr/bin/python3 research/emolens-fer/train.py --config research/emolens-fer/config/small.json
    /usr/bin/python3 research/emolens-fer/train.py --config .../small.json --teacher /work/checkpoints/teacher/best.pt

Data: <data>/fer2013/images.u8 + labels.csv, read in place (data root: $EMOLENS_DATA, else <repo>/../shared/data).
Targets: the original FER2013 label (rows without one are skipped by the hard-label loss) and the FER+ vote
distribution mapped to the same seven classes (contempt/unknown/NF votes dropped, renormalised), weighted by
`loss.hard_weight` / `loss.soft_weight`. Optional distillation from an ensemble of teacher checkpoints, online
(teachers on every augmented batch) or from targets computed once (`distill.cached`).

Everything is seeded; the data order and every random draw of a batch (augmentation, mixup/cutmix) derive from
(seed, epoch, step), so a run resumed from a checkpoint, even mid-epoch, continues exactly as if uninterrupted
(on CPU with a fixed thread count). Checkpoints go to <ckpt_dir>/<run>/ (outside the repository): `last.pt`
(every `checkpoint_every_steps` and at every epoch end) and `best.pt` (best PublicTest score). Rerunning the
same command resumes from `last.pt`. The per-epoch log goes to research/emolens-fer/runs/<run>/log.jsonl.

Class order everywhere (model output, labels): FER2013's angry, disgust, fear, happy, sad, surprise, neutral.
Input normalisation: (grey - 127.5) / 127.5 with grey in 0..255 (the manifest's mean/std).
"""
import argparse
import copy
import csv
import json
import math
import os
import random
import signal
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..'))
# The shipped model's folder: export.py and quantize.py write the ONNX files and manifest.json there.
MODEL_DIR = os.path.join(REPO, 'models', 'emolens-fer')
CLASSES = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral']
# FER+ vote columns in CLASSES order (contempt, unknown and NF are dropped).
FERPLUS_COLUMNS = ['anger', 'disgust', 'fear', 'happiness', 'sadness', 'surprise', 'neutral']
MEAN, STD = 127.5, 127.5
IMG = 48

DEFAULTS = {
    'name': 'run',
    'seed': 0,
    'model': {'stem': 12, 'stages': [[16, 1], [40, 1], [96, 2]], 'dropout': 0.2},
    'input_size': 48,
    'epochs': 40,
    'batch_size': 64,
    'optimizer': {'type': 'sgd', 'lr': 0.05, 'momentum': 0.9, 'nesterov': True, 'weight_decay': 5e-4},
    'schedule': {'warmup_epochs': 2, 'min_lr_ratio': 0.01},
    'loss': {'hard_weight': 0.5, 'soft_weight': 0.5, 'label_smoothing': 0.1},
    'augment': {'flip': True, 'rotate_deg': 10.0, 'scale': 0.1, 'translate': 0.08,
                'brightness': 25.0, 'contrast': 0.2, 'padding': 'border'},
    'mix': {'prob': 0.5, 'mixup_alpha': 0.2, 'cutmix_alpha': 1.0, 'cutmix_share': 0.5},
    'distill': {'alpha': 0.5, 'temperature': 4.0},
    'ema_decay': 0.999,
    'select_metric': 'mean',
    'checkpoint_every_steps': 200,
    'ckpt_dir': '/work/checkpoints',
    'threads': 0,
    'init': None,
}


# ----------------------------------------------------------------------------------------------- config

def deep_merge(base, over):
    out = copy.deepcopy(base)
    for k, v in over.items():
        if k.startswith('_'):
            continue  # documentation keys
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = v
    return out


def load_config(path):
    with open(path) as f:
        return deep_merge(DEFAULTS, json.load(f))


# ----------------------------------------------------------------------------------------------- data

def data_root():
    return os.environ.get('EMOLENS_DATA') or os.path.join(REPO, '..', 'shared', 'data')


class Fer:
    """All of FER2013 in memory: uint8 images [N,48,48] and per-row targets."""

    def __init__(self, root=None):
        root = os.path.join(root or data_root(), 'fer2013')
        self.images = np.fromfile(os.path.join(root, 'images.u8'), dtype=np.uint8).reshape(-1, IMG, IMG)
        with open(os.path.join(root, 'labels.csv'), newline='') as f:
            rows = list(csv.DictReader(f))
        assert len(rows) == len(self.images), 'labels.csv and images.u8 disagree'
        n = len(rows)
        self.usage = np.array([r['usage'] for r in rows])
        self.hard = np.full(n, -1, dtype=np.int64)           # FER2013 label id, -1 = none
        self.soft = np.zeros((n, 7), dtype=np.float32)        # FER+ 7-class distribution, zeros = none
        self.majority = np.full(n, -1, dtype=np.int64)        # FER+ majority in CLASSES, -1 = other/unknown
        self.leak = np.array([r['train_leak'] == '1' for r in rows])
        for i, r in enumerate(rows):
            if r['fer2013_label']:
                self.hard[i] = CLASSES.index(r['fer2013_label'])
            votes = np.array([float(r[c]) for c in FERPLUS_COLUMNS], dtype=np.float32)
            if votes.sum() > 0:
                self.soft[i] = votes / votes.sum()
            if r['ferplus_majority'] in CLASSES:
                self.majority[i] = CLASSES.index(r['ferplus_majority'])

    def split(self, usage, limit=None):
        idx = np.nonzero(self.usage == usage)[0]
        return idx[:limit] if limit else idx


def normalise(x_u8):
    """uint8/float 0..255 [N,1,H,W] → model input. MUST match the manifest's mean/std."""
    return (x_u8.float() - MEAN) / STD


def nhwc(images_u8):
    """uint8 faces [N,48,48] → the exported ONNX model's input: float32 NHWC [N,48,48,1], normalised as in training."""
    return normalise(torch.from_numpy(images_u8)).numpy()[..., None]


def resize_to(x, size):
    if x.shape[-1] == size:
        return x
    return F.interpolate(x, size=(size, size), mode='bilinear', align_corners=False)


# ----------------------------------------------------------------------------------------------- model

class Block(nn.Module):
    """ResNet basic block: 3x3 conv-BN-ReLU, 3x3 conv-BN, + shortcut (1x1 conv-BN when the shape changes)."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.short = None
        if stride != 1 or cin != cout:
            self.short = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (x if self.short is None else self.short(x)))


class EmoNet(nn.Module):
    """Stem 3x3 conv at full resolution, then stages of basic blocks; each stage halves the resolution
    (first block stride 2). Global average pool, dropout, linear → 7 logits. Input [N,1,H,W] normalised."""

    def __init__(self, stem=12, stages=((16, 1), (40, 1), (96, 2)), dropout=0.2, classes=7):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, stem, 3, 1, 1, bias=False), nn.BatchNorm2d(stem), nn.ReLU(inplace=True))
        layers, cin = [], stem
        for cout, blocks in stages:
            for b in range(blocks):
                layers.append(Block(cin, cout, 2 if b == 0 else 1))
                cin = cout
        self.body = nn.Sequential(*layers)
        self.drop = nn.Dropout(dropout)
        self.fc = nn.Linear(cin, classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')
        for m in self.modules():  # zero-init the last BN of each residual branch
            if isinstance(m, Block):
                nn.init.zeros_(m.bn2.weight)

    def forward(self, x):
        x = self.body(self.stem(x))
        return self.fc(self.drop(x.mean((2, 3))))


def build_model(cfg):
    m = cfg['model']
    return EmoNet(m['stem'], [tuple(s) for s in m['stages']], m.get('dropout', 0.0))


def count_stats(model, size):
    """(parameters, multiply-accumulates) for one face; FLOPs ≈ 2 × MACs."""
    macs = [0]

    def hook(mod, inp, out):
        if isinstance(mod, nn.Conv2d):
            macs[0] += out.numel() * (mod.in_channels // mod.groups) * mod.kernel_size[0] * mod.kernel_size[1]
        elif isinstance(mod, nn.Linear):
            macs[0] += mod.in_features * mod.out_features

    hs = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    was = model.training
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 1, size, size))
    model.train(was)
    for h in hs:
        h.remove()
    params = sum(p.numel() for p in model.parameters())
    return params, macs[0]


# ----------------------------------------------------------------------------------------------- augmentation

def batch_generator(seed, epoch, step):
    g = torch.Generator()
    g.manual_seed((seed * 1_000_003 + epoch * 100_003 + step) % (2 ** 63))
    return g


def uniform(g, n, lo, hi):
    return lo + (hi - lo) * torch.rand(n, generator=g)


def augment(x, a, g):
    """x: float [N,1,H,W] in 0..255 → augmented, same range. One affine warp per face (flip, rotation,
    scale, translation = crop jitter), then brightness/contrast about the face's mean."""
    n = x.shape[0]
    ang = uniform(g, n, -a['rotate_deg'], a['rotate_deg']) * math.pi / 180
    sc = uniform(g, n, 1 - a['scale'], 1 + a['scale'])
    tx = uniform(g, n, -a['translate'], a['translate']) * 2  # normalised coords span 2
    ty = uniform(g, n, -a['translate'], a['translate']) * 2
    flip = torch.where(torch.rand(n, generator=g) < 0.5, -1.0, 1.0) if a['flip'] else torch.ones(n)
    cos, sin = torch.cos(ang) / sc, torch.sin(ang) / sc
    theta = torch.stack([torch.stack([cos * flip, -sin, tx], 1), torch.stack([sin * flip, cos, ty], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    x = F.grid_sample(x, grid, mode='bilinear', padding_mode=a['padding'], align_corners=False)
    c = uniform(g, n, 1 - a['contrast'], 1 + a['contrast']).view(n, 1, 1, 1)
    b = uniform(g, n, -a['brightness'], a['brightness']).view(n, 1, 1, 1)
    m = x.mean((1, 2, 3), keepdim=True)
    return ((x - m) * c + m + b).clamp(0, 255)


def mix(x, targets, m, g):
    """Mixup or CutMix with probability m['prob']: returns x and the mixed target tensors (each a mass-weighted
    distribution: a missing target is a zero row, so its share of the loss is skipped)."""
    if m['prob'] <= 0 or torch.rand(1, generator=g).item() >= m['prob']:
        return x, targets
    n = x.shape[0]
    perm = torch.randperm(n, generator=g)
    use_cutmix = torch.rand(1, generator=g).item() < m['cutmix_share']
    alpha = m['cutmix_alpha'] if use_cutmix else m['mixup_alpha']
    lam = float(np.random.default_rng(int(torch.randint(0, 2 ** 31, (1,), generator=g))).beta(alpha, alpha))
    if use_cutmix:
        h, w = x.shape[2], x.shape[3]
        rh, rw = int(h * math.sqrt(1 - lam)), int(w * math.sqrt(1 - lam))
        cy, cx = int(torch.randint(0, h, (1,), generator=g)), int(torch.randint(0, w, (1,), generator=g))
        y0, y1 = max(cy - rh // 2, 0), min(cy + rh // 2, h)
        x0, x1 = max(cx - rw // 2, 0), min(cx + rw // 2, w)
        x = x.clone()
        x[:, :, y0:y1, x0:x1] = x[perm, :, y0:y1, x0:x1]
        lam = 1 - (y1 - y0) * (x1 - x0) / (h * w)
    else:
        x = lam * x + (1 - lam) * x[perm]
    return x, [lam * t + (1 - lam) * t[perm] for t in targets]


# ----------------------------------------------------------------------------------------------- training

def soft_ce(logits, target, class_weights=None):
    """Cross-entropy against (possibly sub-normalised) target rows, averaged over the rows' target mass; with
    class_weights [7], each class's share of a target counts that many times (a class-weighted cross-entropy)."""
    mass = target.sum()
    if mass <= 0:
        return logits.sum() * 0
    weighted = target if class_weights is None else target * class_weights
    return -(weighted * F.log_softmax(logits, 1)).sum() / mass


def hard_class_weights(rule, labels):
    """`loss.hard_class_weight`: None, 'inv_sqrt_freq' — w_c ∝ 1/√(count of class c among the Training FER2013
    labels) — or 'inv_freq' — w_c ∝ 1/count (every class weighs the same in total), scaled so that the average
    weight over those labels is 1."""
    if not rule:
        return None
    powers = {'inv_sqrt_freq': 0.5, 'inv_freq': 1.0}
    if rule not in powers:
        sys.exit(f'unknown loss.hard_class_weight {rule!r} (one of {", ".join(powers)})')
    counts = np.bincount(labels[labels >= 0], minlength=7).astype(np.float64)
    w = np.maximum(counts, 1) ** -powers[rule]
    w /= (counts * w).sum() / counts.sum()
    return torch.tensor(w, dtype=torch.float32)


def lr_lambda_factory(cfg, steps_per_epoch):
    total = cfg['epochs'] * steps_per_epoch
    warm = int(cfg['schedule']['warmup_epochs'] * steps_per_epoch)
    floor = cfg['schedule']['min_lr_ratio']

    def f(step):
        if step < warm:
            return (step + 1) / warm
        t = min(1.0, (step - warm) / max(1, total - warm))
        return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * t))
    return f


def make_optimizer(cfg, model):
    o = cfg['optimizer']
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (no_decay if p.ndim <= 1 else decay).append(p)
    groups = [{'params': decay, 'weight_decay': o['weight_decay']}, {'params': no_decay, 'weight_decay': 0.0}]
    if o['type'] == 'sgd':
        return torch.optim.SGD(groups, lr=o['lr'], momentum=o['momentum'], nesterov=o['nesterov'])
    if o['type'] == 'adamw':
        return torch.optim.AdamW(groups, lr=o['lr'], betas=tuple(o.get('betas', (0.9, 0.999))))
    raise ValueError(f"optimizer.type {o['type']}")


def macro_f1(pred, true, k=7):
    f1s = []
    for c in range(k):
        tp = int(((pred == c) & (true == c)).sum())
        fp = int(((pred == c) & (true != c)).sum())
        fn = int(((pred != c) & (true == c)).sum())
        f1s.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return float(np.mean(f1s))


@torch.no_grad()
def predict(model, images_u8, device, size, tta=True, batch=128):
    """Softmax probabilities [N,7] of uint8 faces [N,48,48] (eval mode), averaged with the mirrored face if tta."""
    model.eval()
    out = []
    for i in range(0, len(images_u8), batch):
        x = resize_to(normalise(torch.from_numpy(images_u8[i:i + batch]).unsqueeze(1)), size).to(device)
        p = F.softmax(model(x), 1)
        if tta:
            p = (p + F.softmax(model(torch.flip(x, [3])), 1)) / 2
        out.append(p.cpu())
    return torch.cat(out).numpy()


def label_figures(pred, hard, majority):
    """Accuracy and macro-F1 of predicted class ids against the FER2013 labels and the FER+ 7-class majorities
    (rows without a label, -1, skipped)."""
    a, b = hard >= 0, majority >= 0
    return {'fer2013_acc': float((pred[a] == hard[a]).mean()), 'fer2013_f1': macro_f1(pred[a], hard[a]),
            'ferplus_acc': float((pred[b] == majority[b]).mean()), 'ferplus_f1': macro_f1(pred[b], majority[b])}


def validate(model, fer, idx, device, size):
    pred = predict(model, fer.images[idx], device, size, tta=True).argmax(1)
    res = label_figures(pred, fer.hard[idx], fer.majority[idx])
    res['mean'] = (res['fer2013_acc'] + res['ferplus_acc']) / 2
    return res


def rng_state():
    return {'python': random.getstate(), 'numpy': np.random.get_state(), 'torch': torch.get_rng_state(),
            'cuda': torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None}


def set_rng_state(s):
    random.setstate(s['python'])
    np.random.set_state(s['numpy'])
    torch.set_rng_state(s['torch'])
    if s.get('cuda') is not None and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(s['cuda'])


def atomic_save(obj, path):
    tmp = path + '.tmp'
    torch.save(obj, tmp)
    os.replace(tmp, path)


def load_teachers(paths, device):
    teachers = []
    for p in paths:
        ck = torch.load(p, map_location='cpu')
        t = build_model(ck['config'])
        t.load_state_dict(ck['weights'])
        t.to(device).eval()
        for q in t.parameters():
            q.requires_grad_(False)
        teachers.append({'model': t, 'size': ck['config']['input_size'], 'path': p, 'mtime': os.path.getmtime(p)})
        print(f"teacher {p}: epoch {ck['epoch']}, PublicTest {ck.get('best_metrics')}", flush=True)
    return teachers


def teacher_targets(teachers, fer, idx, temperature, device, cache_path, batch=256):
    """Offline distillation targets (`distill.cached`): per Training face, the ensemble's probabilities at
    `temperature` on the un-augmented face, averaged with its mirror image; [len(fer.images), 7], zero rows
    outside `idx`. Computed once (the teachers' only forward passes of the run) and kept in `cache_path`
    with what they were computed from, so a resumed run reuses them."""
    meta = json.dumps({'teachers': [os.path.abspath(t['path']) for t in teachers], 'mtimes': [t['mtime'] for t in teachers],
                       'temperature': temperature, 'rows': len(idx), 'first': int(idx[0]), 'last': int(idx[-1])})
    if os.path.exists(cache_path):
        cached = np.load(cache_path)
        if str(cached['meta']) == meta:
            print(f'teacher targets from {cache_path}', flush=True)
            return cached['targets']
    t0 = time.time()
    out = np.zeros((len(fer.images), 7), dtype=np.float32)
    with torch.no_grad():
        for s in range(0, len(idx), batch):
            b = idx[s:s + batch]
            x = normalise(torch.from_numpy(fer.images[b]).unsqueeze(1)).to(device)
            probs = [F.softmax(t['model'](resize_to(v, t['size'])) / temperature, 1)
                     for t in teachers for v in (x, torch.flip(x, [3]))]
            out[b] = torch.stack(probs).mean(0).cpu().numpy()
    tmp = cache_path + '.tmp.npz'
    np.savez(tmp, targets=out, meta=np.array(meta))
    os.replace(tmp, cache_path)
    print(f'teacher targets for {len(idx)} faces in {time.time() - t0:.0f} s → {cache_path}', flush=True)
    return out


def saved_ensemble_targets(path, temperature):
    """Distillation targets from an ensemble's saved probabilities (gpu_run.py's teacher_probs.npz: every face,
    un-augmented, flip-averaged, T = 1, one row block per teacher): their mean softened to `temperature` as
    softmax(log p / T); [faces, 7] float32."""
    probs = np.load(path)['probs'].astype(np.float32).mean(0)
    logp = np.log(np.clip(probs, 1e-8, None)) / temperature
    e = np.exp(logp - logp.max(1, keepdims=True))
    return (e / e.sum(1, keepdims=True)).astype(np.float32)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--config', required=True, help='JSON config (fields documented in README.md)')
    ap.add_argument('--run-name', help='overrides config.name (checkpoint folder and runs/<name>/)')
    ap.add_argument('--teacher', help='comma-separated teacher checkpoints (best.pt) to distil from')
    ap.add_argument('--teacher-probs', help="an ensemble's saved probabilities (gpu_run.py's teacher_probs.npz) to "
                                            'distil from, as cached targets')
    ap.add_argument('--seed', type=int, help='overrides config.seed (ensemble members: one seed each)')
    ap.add_argument('--epochs', type=int, help='overrides config.epochs')
    ap.add_argument('--limit', type=int, help='first N Training and PublicTest rows only (smoke tests)')
    ap.add_argument('--ckpt-dir', help='overrides config.ckpt_dir')
    ap.add_argument('--threads', type=int, help='torch CPU threads (overrides config.threads; 0 = torch default)')
    ap.add_argument('--checkpoint-every', type=int, help='overrides config.checkpoint_every_steps')
    ap.add_argument('--device', default='auto', help='auto | cpu | cuda')
    ap.add_argument('--log-dir', help='default research/emolens-fer/runs/<name>')
    ap.add_argument('--init', help='overrides config.init: a best.pt whose weights the run starts from (fine-tuning)')
    ap.add_argument('--stats', action='store_true', help='print params/MACs of the config model and exit')
    args = ap.parse_args()

    cfg = load_config(args.config)
    if args.run_name:
        cfg['name'] = args.run_name
    if args.seed is not None:
        cfg['seed'] = args.seed
    if args.epochs:
        cfg['epochs'] = args.epochs
    if args.ckpt_dir:
        cfg['ckpt_dir'] = args.ckpt_dir
    if args.checkpoint_every is not None:
        cfg['checkpoint_every_steps'] = args.checkpoint_every
    if args.threads is not None:
        cfg['threads'] = args.threads
    if args.init:
        cfg['init'] = args.init
    if cfg.get('init'):
        cfg['init'] = os.path.abspath(cfg['init'])
    cfg['teachers'] = [os.path.abspath(p) for p in args.teacher.split(',')] if args.teacher else []
    cfg['teacher_probs'] = os.path.abspath(args.teacher_probs) if args.teacher_probs else None
    cfg['limit'] = args.limit
    size = cfg['input_size']

    if cfg['threads']:
        torch.set_num_threads(cfg['threads'])
    device = torch.device('cuda' if args.device == 'auto' and torch.cuda.is_available() else
                          ('cpu' if args.device == 'auto' else args.device))
    if device.type == 'cuda':
        torch.backends.cudnn.benchmark = False
        torch.backends.cudnn.deterministic = True

    seed = cfg['seed']
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)

    model = build_model(cfg)
    params, macs = count_stats(model, size)
    print(f"model {cfg['model']} @ {size}x{size}: {params:,} params ({params * 4 / 1e6:.2f} MB float32), "
          f"{macs / 1e6:.2f} M MACs ({2 * macs / 1e6:.1f} MFLOPs) per face", flush=True)
    if args.stats:
        return
    model.to(device)

    fer = Fer()
    train_idx = fer.split('Training', args.limit)
    val_idx = fer.split('PublicTest', args.limit)
    # Rows with neither a FER2013 label nor FER+ 7-class votes carry no target.
    keep = (fer.hard[train_idx] >= 0) | (fer.soft[train_idx].sum(1) > 0)
    train_idx = train_idx[keep]
    bs = cfg['batch_size']
    steps_per_epoch = len(train_idx) // bs  # drop the last partial batch (BN)
    assert steps_per_epoch > 0, 'fewer training rows than one batch'

    opt = make_optimizer(cfg, model)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda_factory(cfg, steps_per_epoch))
    ema = copy.deepcopy(model).eval() if cfg['ema_decay'] > 0 else None
    teachers = load_teachers(cfg['teachers'], device)

    ckpt_dir = os.path.join(cfg['ckpt_dir'], cfg['name'])
    log_dir = args.log_dir or os.path.join(HERE, 'runs', cfg['name'])
    os.makedirs(ckpt_dir, exist_ok=True)
    os.makedirs(log_dir, exist_ok=True)
    last_path, best_path = os.path.join(ckpt_dir, 'last.pt'), os.path.join(ckpt_dir, 'best.pt')
    log_path = os.path.join(log_dir, 'log.jsonl')

    # Compared on resume: everything that changes the run's outcome.
    volatile = ('threads', 'ckpt_dir', 'checkpoint_every_steps')
    identity = {k: v for k, v in cfg.items() if k not in volatile}
    start_epoch, start_step, best, best_metrics = 0, 0, -1.0, None
    epoch_loss = [0.0, 0]
    if os.path.exists(last_path):
        ck = torch.load(last_path, map_location='cpu')
        old = {k: v for k, v in ck['config'].items() if k not in volatile}
        if old != identity:
            sys.exit(f'{last_path} was written with another config:\n{json.dumps(old)}\nvs now\n{json.dumps(identity)}\n'
                     'Use another --run-name, or delete the folder to start over.')
        model.load_state_dict(ck['model'])
        opt.load_state_dict(ck['optimizer'])
        sched.load_state_dict(ck['scheduler'])
        if ema is not None:
            ema.load_state_dict(ck['ema'])
        set_rng_state(ck['rng'])
        start_epoch, start_step = ck['epoch'], ck['step']
        best, best_metrics, epoch_loss = ck['best'], ck['best_metrics'], ck['epoch_loss']
        print(f'resumed from {last_path}: epoch {start_epoch + 1}, step {start_step}/{steps_per_epoch}, '
              f'best {best:.4f}', flush=True)
        # Drop log lines of epochs that the checkpoint does not contain (killed between log and checkpoint).
        if os.path.exists(log_path):
            with open(log_path) as f:
                lines = [l for l in f if l.strip() and json.loads(l)['epoch'] <= start_epoch]
            with open(log_path, 'w') as f:
                f.writelines(lines)
    else:
        if cfg.get('init'):
            # Fine-tuning: the weights (and the EMA's) start from another run's best.pt; optimiser and schedule fresh.
            init = torch.load(cfg['init'], map_location='cpu')
            model.load_state_dict(init['weights'])
            if ema is not None:
                ema.load_state_dict(init['weights'])
            print(f"init from {cfg['init']} (epoch {init['epoch']}, PublicTest {json.dumps(init['best_metrics'])})",
                  flush=True)
        if os.path.exists(log_path):
            os.remove(log_path)
        with open(os.path.join(log_dir, 'config.json'), 'w') as f:
            json.dump(cfg, f, indent=2)

    def checkpoint(epoch, step, path=last_path):
        atomic_save({'config': cfg, 'model': model.state_dict(), 'optimizer': opt.state_dict(),
                     'scheduler': sched.state_dict(), 'ema': ema.state_dict() if ema is not None else None,
                     'rng': rng_state(), 'epoch': epoch, 'step': step, 'best': best,
                     'best_metrics': best_metrics, 'epoch_loss': epoch_loss}, path)

    stop = {'now': False}

    def on_signal(signum, frame):
        stop['now'] = True
        print(f'signal {signum}: checkpointing after this step', flush=True)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    aug, mixc, lw, dist = cfg['augment'], cfg['mix'], cfg['loss'], cfg['distill']
    cw = hard_class_weights(lw.get('hard_class_weight'), fer.hard[train_idx])
    if cw is not None:
        print(f'hard-label class weights {[round(float(v), 3) for v in cw]}', flush=True)
        cw = cw.to(device)
    # distill.cached (absent = online): the teachers' targets computed once on un-augmented faces, then
    # mixed like the labels; the student trains at nearly the speed of a run without teachers.
    distilling, cached_targets = bool(teachers), None
    if cfg['teacher_probs']:
        distilling, cached_targets = True, saved_ensemble_targets(cfg['teacher_probs'], dist['temperature'])
    elif distilling and dist.get('cached'):
        cached_targets = teacher_targets(teachers, fer, train_idx, dist['temperature'], device,
                                         os.path.join(ckpt_dir, 'teacher_targets.npz'))
        teachers = []  # their models are not needed any more
    print(f'train {len(train_idx)} faces, {steps_per_epoch} steps/epoch, PublicTest {len(val_idx)}, '
          f"device {device}, threads {torch.get_num_threads()}, teachers {len(cfg['teachers'])}"
          f"{' (cached targets)' if cached_targets is not None else ''}", flush=True)

    for epoch in range(start_epoch, cfg['epochs']):
        order = train_idx[np.random.default_rng([seed, epoch]).permutation(len(train_idx))]
        model.train()
        t0 = time.time()
        if start_step == 0:
            epoch_loss = [0.0, 0]
        for step in range(start_step, steps_per_epoch):
            g = batch_generator(seed, epoch, step)
            idx = np.sort(order[step * bs:(step + 1) * bs])
            x = torch.from_numpy(fer.images[idx]).unsqueeze(1).float()
            x = augment(x, aug, g)
            hard = torch.from_numpy(fer.hard[idx])
            ls = lw['label_smoothing']
            t_hard = torch.zeros(len(idx), 7)
            has = hard >= 0
            t_hard[has] = ls / 7
            t_hard[has, hard[has]] += 1 - ls
            t_soft = torch.from_numpy(fer.soft[idx])
            targets = [t_hard, t_soft] + ([torch.from_numpy(cached_targets[idx])] if cached_targets is not None else [])
            x, targets = mix(x, targets, mixc, g)
            t_hard, t_soft = targets[0], targets[1]
            x = resize_to(normalise(x), size).to(device)
            logits = model(x)
            loss = lw['hard_weight'] * soft_ce(logits, t_hard.to(device), cw) + \
                lw['soft_weight'] * soft_ce(logits, t_soft.to(device))
            if distilling:
                T = dist['temperature']
                if cached_targets is not None:
                    pt = targets[2].to(device)
                else:
                    with torch.no_grad():
                        pt = torch.stack([F.softmax(t['model'](resize_to(x, t['size'])) / T, 1) for t in teachers]).mean(0)
                kd = F.kl_div(F.log_softmax(logits / T, 1), pt, reduction='batchmean') * T * T
                loss = (1 - dist['alpha']) * loss + dist['alpha'] * kd
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            if ema is not None:
                with torch.no_grad():
                    n = sched.last_epoch  # optimiser steps so far; the decay ramps up early in the run
                    d = min(cfg['ema_decay'], (1 + n) / (10 + n))
                    for pe, pm in zip(ema.parameters(), model.parameters()):
                        pe.mul_(d).add_(pm.detach(), alpha=1 - d)
                    for be, bm in zip(ema.buffers(), model.buffers()):
                        be.copy_(bm)
            epoch_loss[0] += float(loss)
            epoch_loss[1] += 1
            done = step + 1
            if stop['now'] or (cfg['checkpoint_every_steps'] and done % cfg['checkpoint_every_steps'] == 0
                               and done < steps_per_epoch):
                checkpoint(epoch, done)
                if stop['now']:
                    print(f'stopped at epoch {epoch + 1} step {done}; rerun the same command to resume', flush=True)
                    return
        start_step = 0
        train_time = time.time() - t0
        evaluated = ema if ema is not None else model
        t1 = time.time()
        metrics = validate(evaluated, fer, val_idx, device, size)
        val_time = time.time() - t1
        score = metrics[cfg['select_metric']]
        improved = score > best
        if improved:
            best, best_metrics = score, metrics
            atomic_save({'config': cfg, 'weights': copy.deepcopy(evaluated).cpu().state_dict(), 'epoch': epoch + 1,
                         'best_metrics': metrics}, best_path)
        checkpoint(epoch + 1, 0)
        rec = {'epoch': epoch + 1, 'train_loss': round(epoch_loss[0] / max(1, epoch_loss[1]), 5),
               'lr': round(sched.get_last_lr()[0], 6),
               **{f'public_{k}': round(v, 5) for k, v in metrics.items()},
               'best': improved, 'train_s': round(train_time, 1), 'val_s': round(val_time, 1)}
        with open(log_path, 'a') as f:
            f.write(json.dumps(rec) + '\n')
        print(json.dumps(rec), flush=True)
        if stop['now']:
            return

    summary = {'name': cfg['name'], 'params': params, 'macs': macs, 'epochs': cfg['epochs'],
               'best_public': best_metrics, 'select_metric': cfg['select_metric'],
               'torch': torch.__version__, 'device': str(device)}
    with open(os.path.join(log_dir, 'summary.json'), 'w') as f:
        json.dump(summary, f, indent=2)
    print('done:', json.dumps(summary), flush=True)


if __name__ == '__main__':
    main()
