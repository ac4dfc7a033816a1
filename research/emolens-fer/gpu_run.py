#!/usr/bin/env python3
"""One GPU run: a teacher ensemble trained from scratch, then distilled into the browser students, in one call.

    python3 research/emolens-fer/gpu_run.py --plan research/emolens-fer/config/gpu-run.json --data .gpu-data --out $OUT

Made for the `device` machine (one H100, PyTorch 2.x, no internet, ~10 minutes a call), rehearsed on CPU with
`config/gpu-rehearsal.json` (Debian's torch 1.13: no AMP, no compile). Everything runs against one wall-clock budget
(`budget_s`, from the start of the script), so the run ends on time whatever the machine's speed:

1. data: `<data>/images.med.xz` (+ `labels.csv`, `fer_pack.py`) is decoded to images.u8 once and its sha256 checked;
2. teachers: one process each, all at once on the one GPU, until `teacher_share` of the budget; each measures its
   epoch time after warm-up and sets its cosine schedule's length to end before the deadline (`epochs_max` caps it);
3. the ensemble's probabilities (flip-averaged, T = 1) for every face are saved: `teacher_probs.npz`;
4. students: processes of several students each (`group`), all trained on the same augmented (and mixed) batch,
   which the whole teacher ensemble sees too (online, consistent distillation), until `distill_share`; with
   `distill.teachers: "cached"` they read step 3's probabilities instead (or, in a plan without teachers, an earlier
   run's file named by `teacher_probs` in --data);
5. packaging: each student's best checkpoint (train.py's `best.pt` format, read by export.py) in its own tar,
   `summary.json` (figures, curves, timings) and `log.txt` under --out.

Only Training is trained on and only PublicTest is scored (EMA weights, flip-averaged, every epoch); PrivateTest is
left for `pnpm eval`. The teachers' own weights stay on the machine (tens of MB each, over the transfer limit);
their probabilities come back instead.
"""
import argparse
import copy
import hashlib
import io
import json
import math
import os
import random
import subprocess
import sys
import tarfile
import time
import traceback

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from train import DEFAULTS, EmoNet, Fer, count_stats, deep_merge, label_figures, saved_ensemble_targets  # noqa: E402

IMAGES_SHA256 = '27d1d895374519067658c546563b46a9ba37bd3799143d7fef5f70141330aca6'
MEAN, STD = 127.5, 127.5


def log(rec, stream=None):
    """One JSON line per event, to stdout (the child's log file) with a wall-clock stamp."""
    rec = {'t': round(time.time(), 2), **rec}
    print(json.dumps(rec), file=stream or sys.stdout, flush=True)


# ----------------------------------------------------------------------------------------------- data

def prepare_data(src, work):
    """images.med.xz → <work>/fer2013/images.u8 (sha-checked) + labels.csv; returns the data root for Fer()."""
    dst = os.path.join(work, 'fer2013')
    os.makedirs(dst, exist_ok=True)
    images = os.path.join(dst, 'images.u8')
    raw = os.path.join(src, 'images.u8')
    if os.path.exists(raw):
        images = raw
        dst = src
    elif not os.path.exists(images):
        subprocess.run([sys.executable, os.path.join(src, 'fer_pack.py'), 'decode',
                        os.path.join(src, 'images.med.xz'), images], check=True)
    if dst != src:
        with open(os.path.join(src, 'labels.csv'), 'rb') as f, open(os.path.join(dst, 'labels.csv'), 'wb') as g:
            g.write(f.read())
    h = hashlib.sha256()
    with open(images, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 22), b''):
            h.update(chunk)
    if h.hexdigest() != IMAGES_SHA256:
        raise SystemExit(f'{images}: sha256 {h.hexdigest()} is not the pack\'s')
    return os.path.dirname(dst)


class GpuData:
    """The training and PublicTest faces and their targets as device tensors."""

    def __init__(self, fer, device, limit=None):
        train = fer.split('Training', limit)
        keep = (fer.hard[train] >= 0) | (fer.soft[train].sum(1) > 0)
        self.train_idx = train[keep]
        self.val_idx = fer.split('PublicTest', limit)
        self.images = torch.from_numpy(fer.images).to(device)
        self.hard = torch.from_numpy(fer.hard).to(device)
        self.soft = torch.from_numpy(fer.soft).to(device)
        self.train = torch.from_numpy(self.train_idx).to(device)
        self.fer = fer


# ----------------------------------------------------------------------------------------------- augmentation

def augment(x, a, g):
    """x: float [N,1,H,W] in 0..255 on the device → augmented: one affine warp per face (flip, rotation, scale,
    translation), brightness/contrast about the face's mean, then optional random erasing."""
    n, dev = x.shape[0], x.device
    r = torch.rand(n, 10, device=dev, generator=g)
    ang = (r[:, 0] * 2 - 1) * a['rotate_deg'] * math.pi / 180
    sc = 1 + (r[:, 1] * 2 - 1) * a['scale']
    tx = (r[:, 2] * 2 - 1) * a['translate'] * 2
    ty = (r[:, 3] * 2 - 1) * a['translate'] * 2
    flip = torch.where(r[:, 4] < 0.5, -1.0, 1.0) if a['flip'] else torch.ones(n, device=dev)
    cos, sin = torch.cos(ang) / sc, torch.sin(ang) / sc
    theta = torch.stack([torch.stack([cos * flip, -sin, tx], 1), torch.stack([sin * flip, cos, ty], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    x = F.grid_sample(x, grid, mode='bilinear', padding_mode='border', align_corners=False)
    c = (1 + (r[:, 5] * 2 - 1) * a['contrast']).view(n, 1, 1, 1)
    b = ((r[:, 6] * 2 - 1) * a['brightness']).view(n, 1, 1, 1)
    m = x.mean((1, 2, 3), keepdim=True)
    x = ((x - m) * c + m + b).clamp(0, 255)
    p = a.get('erase_prob', 0.0)
    if p > 0:
        h, w = x.shape[2], x.shape[3]
        side = (a.get('erase_max', 0.4) * r[:, 7:9] * torch.tensor([h, w], device=dev)).clamp_min(1)
        y0 = r[:, 9] * (h - side[:, 0])
        x0 = torch.rand(n, device=dev, generator=g) * (w - side[:, 1])
        ys = torch.arange(h, device=dev).view(1, h, 1)
        xs = torch.arange(w, device=dev).view(1, 1, w)
        box = ((ys >= y0.view(n, 1, 1)) & (ys < (y0 + side[:, 0]).view(n, 1, 1)) &
               (xs >= x0.view(n, 1, 1)) & (xs < (x0 + side[:, 1]).view(n, 1, 1)))
        on = (torch.rand(n, device=dev, generator=g) < p).view(n, 1, 1)
        fill = torch.rand(n, 1, 1, device=dev, generator=g) * 255
        x = torch.where((box & on).unsqueeze(1), fill.unsqueeze(1), x)
    return x


def mix(x, targets, m, g, rng):
    """Mixup or CutMix with probability m['prob'] (scalars drawn on the host, so the device never waits)."""
    if m['prob'] <= 0 or rng.random() >= m['prob']:
        return x, targets
    n, h, w = x.shape[0], x.shape[2], x.shape[3]
    perm = torch.randperm(n, device=x.device, generator=g)
    use_cutmix = rng.random() < m['cutmix_share']
    alpha = m['cutmix_alpha'] if use_cutmix else m['mixup_alpha']
    lam = rng.betavariate(alpha, alpha)
    if use_cutmix:
        rh, rw = int(h * math.sqrt(1 - lam)), int(w * math.sqrt(1 - lam))
        cy, cx = rng.randrange(h), rng.randrange(w)
        y0, y1 = max(cy - rh // 2, 0), min(cy + rh // 2, h)
        x0, x1 = max(cx - rw // 2, 0), min(cx + rw // 2, w)
        x = x.clone()
        x[:, :, y0:y1, x0:x1] = x[perm, :, y0:y1, x0:x1]
        lam = 1 - (y1 - y0) * (x1 - x0) / (h * w)
    else:
        x = lam * x + (1 - lam) * x[perm]
    return x, [lam * t + (1 - lam) * t[perm] for t in targets]


# ----------------------------------------------------------------------------------------------- models

def model_config(spec, train_cfg):
    """A train.py config for one model (export.py rebuilds the network from it)."""
    return deep_merge(DEFAULTS, {
        'name': spec['name'], 'seed': spec['seed'], 'input_size': 48, 'model': spec['model'],
        'batch_size': train_cfg['batch_size'],
        'optimizer': {'type': 'sgd', 'lr': train_cfg['lr'], 'momentum': 0.9, 'nesterov': True,
                      'weight_decay': train_cfg['weight_decay']},
        'loss': train_cfg['loss'], 'augment': {k: v for k, v in train_cfg['augment'].items()},
        'mix': train_cfg['mix'], 'ema_decay': train_cfg['ema_decay'],
        'distill': {'alpha': train_cfg.get('alpha', 0.0), 'temperature': train_cfg.get('temperature', 1.0)},
        'gpu_run': {'role': spec.get('role'), 'group': spec.get('group')},
    })


def build(spec):
    m = spec['model']
    return EmoNet(m['stem'], [tuple(s) for s in m['stages']], m.get('dropout', 0.0))


def soft_ce(logits, target):
    """Cross-entropy against target rows averaged over their mass; no host sync (a batch without any target of
    this kind contributes zero)."""
    return -(target * F.log_softmax(logits, 1)).sum() / target.sum().clamp_min(1e-6)


class Member:
    """One model being trained: weights, its compiled forward, optimiser, EMA copy, best PublicTest score."""

    def __init__(self, spec, train_cfg, device, use_compile, channels_last):
        torch.manual_seed(spec['seed'])
        self.spec, self.cfg = spec, model_config(spec, train_cfg)
        self.model = build(spec).to(device)
        self.params, self.macs = count_stats(build(spec), 48)
        if channels_last:
            self.model = self.model.to(memory_format=torch.channels_last)
        self.ema = copy.deepcopy(self.model).eval()
        for p in self.ema.parameters():
            p.requires_grad_(False)
        decay = [p for p in self.model.parameters() if p.ndim > 1]
        no_decay = [p for p in self.model.parameters() if p.ndim <= 1]
        self.opt = torch.optim.SGD([{'params': decay, 'weight_decay': train_cfg['weight_decay']},
                                    {'params': no_decay, 'weight_decay': 0.0}],
                                   lr=train_cfg['lr'], momentum=0.9, nesterov=True)
        self.forward = self.model
        self.compiled, self.verified = False, False
        if spec.get('compile', use_compile) and hasattr(torch, 'compile'):
            self.forward = torch.compile(self.model)
            self.compiled = True
        self.ema_p = list(self.ema.parameters())
        self.model_p = list(self.model.parameters())
        self.ema_b = list(self.ema.buffers())
        self.model_b = list(self.model.buffers())
        self.best, self.best_metrics, self.best_epoch = -1.0, None, 0
        self.curve = []
        self.loss_sum = torch.zeros((), device=device)
        self.steps = 0

    @torch.no_grad()
    def ema_update(self, decay):
        torch._foreach_mul_(self.ema_p, decay)
        torch._foreach_add_(self.ema_p, self.model_p, alpha=1 - decay)
        for be, bm in zip(self.ema_b, self.model_b):
            be.copy_(bm)


def amp_context(device, amp):
    if amp and device.type == 'cuda':
        return torch.autocast(device_type='cuda', dtype=torch.bfloat16)
    return torch.autocast(device_type='cpu', enabled=False)


@torch.no_grad()
def predict(model, images_u8, idx, device, amp, channels_last, batch=1024, temperature=1.0):
    """Flip-averaged softmax probabilities [len(idx),7] (float32, host) of faces idx."""
    model.eval()
    out = []
    for s in range(0, len(idx), batch):
        b = torch.as_tensor(idx[s:s + batch], device=device)
        x = ((images_u8[b].unsqueeze(1).float() - MEAN) / STD)
        if channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        with amp_context(device, amp):
            p = F.softmax(model(x).float() / temperature, 1) + F.softmax(model(torch.flip(x, [3])).float() / temperature, 1)
        out.append((p / 2).float().cpu())
    return torch.cat(out).numpy()


def figures(probs, fer, idx):
    res = label_figures(probs.argmax(1), fer.hard[idx], fer.majority[idx])
    res['mean'] = (res['fer2013_acc'] + res['ferplus_acc']) / 2
    return {k: round(v, 5) for k, v in res.items()}


def cached_targets(path, temperature, device):
    """The saved ensemble's targets (train.saved_ensemble_targets) as one device tensor: a distillation step then
    costs no teacher forward pass. The student sees an augmented face against its un-augmented face's target."""
    return torch.from_numpy(saved_ensemble_targets(path, temperature)).to(device)


def load_teacher(path, device, channels_last):
    ck = torch.load(path, map_location='cpu')
    spec = {'model': ck['config']['model']}
    t = build(spec)
    t.load_state_dict(ck['weights'])
    t = t.to(device).eval()
    if channels_last:
        t = t.to(memory_format=torch.channels_last)
    for p in t.parameters():
        p.requires_grad_(False)
    return t


# ----------------------------------------------------------------------------------------------- one process

def train_process(job):
    """Trains job['members'] together on one stream of augmented batches until job['deadline'] (epoch time)."""
    device = torch.device(job['device'])
    tc = job['train']
    amp, channels_last = job['amp'] and device.type == 'cuda', job['channels_last']
    if device.type == 'cuda':
        torch.backends.cudnn.benchmark = True
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    else:
        torch.set_num_threads(job.get('threads') or torch.get_num_threads())
    fer = Fer(job['data_root'])
    data = GpuData(fer, device, job.get('limit'))
    teachers = [load_teacher(p, device, channels_last) for p in job.get('teachers', [])]
    cached = cached_targets(job['teacher_probs'], tc.get('temperature', 1.0), device) \
        if job.get('teacher_probs') else None
    members = [Member(s, tc, device, job['compile'], channels_last) for s in job['members']]
    for m in members:
        log({'event': 'member', 'name': m.spec['name'], 'params': m.params, 'macs': m.macs,
             'compiled': m.compiled, 'teachers': len(teachers), 'cached_teacher': cached is not None})
    bs = tc['batch_size']
    n_train = len(data.train_idx)
    steps = n_train // bs
    assert steps > 0, 'fewer training rows than one batch'
    warm = tc['warmup_epochs']
    total = tc['epochs_max']  # replaced after warm-up by what fits before the deadline
    planned = False
    g = torch.Generator(device=device)
    g.manual_seed(job['seed'])
    rng = random.Random(job['seed'])
    lw, a, mixc = tc['loss'], tc['augment'], tc['mix']
    T, alpha = tc.get('temperature', 1.0), tc.get('alpha', 0.0) if teachers or cached is not None else 0.0
    ls = lw['label_smoothing']
    epoch_times = []
    t_start = time.time()
    epoch = 0
    while epoch < total:
        t0 = time.time()
        order = data.train[torch.randperm(n_train, device=device, generator=g)]
        for m in members:
            m.model.train()
            m.loss_sum.zero_()
        for step in range(steps):
            idx = order[step * bs:(step + 1) * bs]
            x = augment(data.images[idx].unsqueeze(1).float(), a, g)
            hard = data.hard[idx]
            has = (hard >= 0).float().unsqueeze(1)
            t_hard = (F.one_hot(hard.clamp_min(0), 7).float() * (1 - ls) + ls / 7) * has
            targets = [t_hard, data.soft[idx]] + ([cached[idx]] if cached is not None else [])
            x, targets = mix(x, targets, mixc, g, rng)
            t_hard, t_soft = targets[0], targets[1]
            x = (x - MEAN) / STD
            if channels_last:
                x = x.contiguous(memory_format=torch.channels_last)
            pt = targets[2] if cached is not None else None
            if teachers:
                with torch.no_grad(), amp_context(device, amp):
                    pt = torch.stack([F.softmax(t(x).float() / T, 1) for t in teachers]).mean(0)
            f = (epoch * steps + step + 1) / (warm * steps) if epoch < warm else \
                tc['min_lr_ratio'] + (1 - tc['min_lr_ratio']) * 0.5 * (
                    1 + math.cos(math.pi * min(1.0, (epoch - warm + step / steps) / max(1, total - warm))))
            n_done = epoch * steps + step
            decay = min(tc['ema_decay'], (1 + n_done) / (10 + n_done))
            for m in members:
                for grp in m.opt.param_groups:
                    grp['lr'] = tc['lr'] * f
                def step_loss():
                    with amp_context(device, amp):
                        logits = m.forward(x).float()
                    loss = lw['hard_weight'] * soft_ce(logits, t_hard) + lw['soft_weight'] * soft_ce(logits, t_soft)
                    if pt is not None:
                        kd = F.kl_div(F.log_softmax(logits / T, 1), pt, reduction='batchmean') * T * T
                        loss = (1 - alpha) * loss + alpha * kd
                    m.opt.zero_grad(set_to_none=True)
                    loss.backward()
                    return loss
                if m.compiled and not m.verified:
                    try:  # the first compiled step (forward and backward); a compile failure must not cost the run
                        loss = step_loss()
                    except Exception:
                        log({'event': 'compile_failed', 'name': m.spec['name'], 'error': traceback.format_exc()[-800:]})
                        m.forward, m.compiled = m.model, False
                        loss = step_loss()
                    m.verified = True
                else:
                    loss = step_loss()
                m.opt.step()
                m.ema_update(decay)
                m.loss_sum += loss.detach()
        train_s = time.time() - t0
        t1 = time.time()
        for m in members:
            probs = predict(m.ema, data.images, data.val_idx, device, amp, channels_last)
            met = figures(probs, fer, data.val_idx)
            rec = {'epoch': epoch + 1, 'loss': round(float(m.loss_sum) / steps, 5), 'lr': round(tc['lr'] * f, 6),
                   **{f'public_{k}': v for k, v in met.items()}}
            m.curve.append(rec)
            if met['mean'] > m.best:
                m.best, m.best_metrics, m.best_epoch = met['mean'], met, epoch + 1
                save_best(m, job['ckpt_dir'])
            log({'event': 'epoch', 'name': m.spec['name'], 'of': total, **rec})
        epoch += 1
        epoch_times.append(time.time() - t0)
        log({'event': 'epoch_time', 'epoch': epoch, 'train_s': round(train_s, 2), 'val_s': round(time.time() - t1, 2)})
        now = time.time()
        left = job['deadline'] - now
        if epoch >= warm and len(epoch_times) > 1:
            recent = epoch_times[1:][-3:]  # the first epoch carries the compile and cuDNN's autotuning
            per = sum(recent) / len(recent)
            fits = epoch + int(left / (per * job.get('safety', 1.08)))
            if not planned:
                total, planned = max(epoch, min(tc['epochs_max'], fits)), True
                log({'event': 'planned', 'epochs': total, 'epoch_s': round(per, 2), 'left_s': round(left, 1)})
            elif fits < total:  # running late (the GPU got busier): shorten the schedule's tail
                total = max(epoch, fits)
                log({'event': 'replanned', 'epochs': total, 'epoch_s': round(per, 2), 'left_s': round(left, 1)})
        if left <= 0:
            log({'event': 'deadline', 'epoch': epoch})
            break
    for m in members:
        write_summary(m, job['ckpt_dir'], time.time() - t_start)
    log({'event': 'done', 'members': [m.spec['name'] for m in members], 'epochs': epoch})


def save_best(m, ckpt_dir):
    d = os.path.join(ckpt_dir, m.spec['name'])
    os.makedirs(d, exist_ok=True)
    weights = {k: v.detach().float().cpu().contiguous() for k, v in m.ema.state_dict().items()}
    obj = {'config': m.cfg, 'weights': weights, 'epoch': m.best_epoch, 'best_metrics': m.best_metrics}
    tmp = os.path.join(d, 'best.pt.tmp')
    torch.save(obj, tmp)
    os.replace(tmp, os.path.join(d, 'best.pt'))


def write_summary(m, ckpt_dir, seconds):
    d = os.path.join(ckpt_dir, m.spec['name'])
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, 'summary.json'), 'w') as f:
        json.dump({'name': m.spec['name'], 'role': m.spec.get('role'), 'model': m.spec['model'],
                   'params': m.params, 'macs': m.macs, 'compiled': m.compiled, 'best_epoch': m.best_epoch,
                   'best_public': m.best_metrics, 'seconds': round(seconds, 1), 'curve': m.curve}, f)


# ----------------------------------------------------------------------------------------------- orchestration

class Children:
    """Child processes, their JSON-line logs copied into the one log as they grow."""

    def __init__(self, work, out_log):
        self.work, self.out_log, self.procs, self.offsets = work, out_log, {}, {}

    def start(self, name, job):
        path = os.path.join(self.work, f'{name}.job.json')
        with open(path, 'w') as f:
            json.dump(job, f)
        out = open(os.path.join(self.work, f'{name}.log'), 'w')
        p = subprocess.Popen([sys.executable, os.path.abspath(__file__), '--job', path], stdout=out,
                             stderr=subprocess.STDOUT, env={**os.environ, 'PYTHONUNBUFFERED': '1'})
        self.procs[name] = p
        self.offsets[name] = 0

    def pump(self):
        for name in self.procs:
            path = os.path.join(self.work, f'{name}.log')
            with open(path) as f:
                f.seek(self.offsets[name])
                chunk = f.read()
            cut = chunk.rfind('\n') + 1
            self.offsets[name] += len(chunk[:cut].encode())
            for line in chunk[:cut].splitlines():
                if line.strip():
                    self.out_log(f'[{name}] {line}')

    def wait(self, hard_deadline):
        while any(p.poll() is None for p in self.procs.values()):
            self.pump()
            if time.time() > hard_deadline:
                for name, p in self.procs.items():
                    if p.poll() is None:
                        self.out_log(f'[orchestrator] {name} over its hard deadline: terminated')
                        p.kill()
                break
            time.sleep(2)
        for p in self.procs.values():
            p.wait()
        self.pump()
        codes = {n: p.returncode for n, p in self.procs.items()}
        self.procs, self.offsets = {}, {}
        return codes


def orchestrate(args):
    t_start = time.time()
    plan = json.load(open(args.plan))
    budget = args.budget_s or plan['budget_s']
    os.makedirs(args.out, exist_ok=True)
    work = args.work
    os.makedirs(work, exist_ok=True)
    log_file = open(os.path.join(args.out, 'log.txt'), 'a')

    def out_log(line):
        print(line, flush=True)
        log_file.write(line + '\n')
        log_file.flush()

    def note(**rec):
        out_log('[orchestrator] ' + json.dumps({'s': round(time.time() - t_start, 1), **rec}))

    device = 'cuda' if torch.cuda.is_available() and not args.cpu else 'cpu'
    info = {'torch': torch.__version__, 'device': device, 'budget_s': budget, 'plan': args.plan}
    if device == 'cuda':
        info['gpu'] = torch.cuda.get_device_name(0)
    note(event='start', **info)
    data_root = prepare_data(args.data, os.path.join(work, 'data'))
    note(event='data', root=data_root)
    common = {'device': device, 'data_root': data_root, 'amp': plan.get('amp', True),
              'channels_last': plan.get('channels_last', True), 'limit': plan.get('limit'),
              'threads': plan.get('threads'), 'ckpt_dir': os.path.join(work, 'ckpt')}
    kids = Children(work, out_log)

    # Teachers, one process each.
    t_deadline = t_start + budget * plan['teacher_share']
    for spec in plan['teachers']:
        spec = {**spec, 'role': 'teacher'}
        train = deep_merge(plan['teacher_train'], spec.get('train', {}))  # a teacher may override settings
        kids.start(spec['name'], {**common, 'seed': spec['seed'], 'members': [spec], 'train': train,
                                  'compile': plan['teacher_train'].get('compile', False), 'deadline': t_deadline})
    codes = kids.wait(t_deadline + plan.get('grace_s', 30))
    note(event='teachers_done', exit_codes=codes)
    teacher_paths = [os.path.join(common['ckpt_dir'], s['name'], 'best.pt') for s in plan['teachers']]
    teacher_paths = [p for p in teacher_paths if os.path.exists(p)]

    summary = {'info': info, 'teachers': {}, 'students': {}, 'ensemble': None}
    # Students in groups (one process per group), distilled online from the ensemble; while they start, this
    # process writes the ensemble's probabilities.
    # With `distill.teachers: "cached"` the students read those probabilities instead (written first).
    groups = sorted({s['group'] for s in plan['students']})
    d_deadline = t_start + budget * plan['distill_share']
    use_cache = plan['distill'].get('teachers') == 'cached'

    def write_ensemble():
        if teacher_paths:
            try:
                summary['ensemble'] = ensemble_probs(teacher_paths, data_root, device, common, args.out, note)
            except Exception:
                note(event='ensemble_failed', error=traceback.format_exc()[-800:])

    given = plan.get('teacher_probs')  # an earlier run's ensemble, carried in --data: a students-only run
    probs_path = os.path.join(args.data, given) if given else os.path.join(args.out, 'teacher_probs.npz')
    if use_cache and not given:
        write_ensemble()
    if not use_cache:
        source = {'teachers': teacher_paths}
    elif os.path.exists(probs_path):
        source = {'teacher_probs': probs_path}
    else:
        source = {}  # no ensemble was written: the students learn from the labels alone
    for gi in groups:
        members = [{**s, 'role': 'student'} for s in plan['students'] if s['group'] == gi]
        kids.start(f'group{gi}', {**common, 'seed': 1000 + gi, 'members': members, 'train': plan['distill'],
                                  **source, 'compile': plan['distill'].get('compile', False),
                                  'deadline': d_deadline})
    if not use_cache:
        write_ensemble()
    codes = kids.wait(d_deadline + plan.get('grace_s', 30))
    note(event='students_done', exit_codes=codes)

    # Packaging: summaries, and each student's best.pt in its own tar (the transfer allows 8 files of 16 MiB).
    for spec in plan['teachers'] + plan['students']:
        d = os.path.join(common['ckpt_dir'], spec['name'])
        s = os.path.join(d, 'summary.json')
        kind = 'teachers' if spec in plan['teachers'] else 'students'
        summary[kind][spec['name']] = json.load(open(s)) if os.path.exists(s) else None
        if kind == 'students' and os.path.exists(os.path.join(d, 'best.pt')):
            with tarfile.open(os.path.join(args.out, f"{spec['name']}.tar"), 'w') as tar:
                tar.add(os.path.join(d, 'best.pt'), arcname=f"{spec['name']}/best.pt")
                if os.path.exists(s):
                    tar.add(s, arcname=f"{spec['name']}/summary.json")
    summary['seconds'] = round(time.time() - t_start, 1)
    with open(os.path.join(args.out, 'summary.json'), 'w') as f:
        json.dump(summary, f, indent=1)
    best = {k: (v or {}).get('best_public') for k, v in {**summary['teachers'], **summary['students']}.items()}
    note(event='done', best_public=best, ensemble=(summary['ensemble'] or {}).get('public'))


def ensemble_probs(paths, data_root, device, common, out, note):
    """Each teacher's flip-averaged probabilities for every face → teacher_probs.npz, and their PublicTest figures."""
    dev = torch.device(device)
    fer = Fer(data_root)
    images = torch.from_numpy(fer.images).to(dev)
    everything = np.arange(len(fer.images))
    probs, names = [], []
    for p in paths:
        t = load_teacher(p, dev, common['channels_last'])
        probs.append(predict(t, images, everything, dev, common['amp'], common['channels_last']))
        names.append(os.path.basename(os.path.dirname(p)))
    probs = np.stack(probs)
    val = fer.split('PublicTest', common.get('limit'))
    res = {'members': names, 'public': figures(probs.mean(0)[val], fer, val),
           'public_each': {n: figures(pr[val], fer, val) for n, pr in zip(names, probs)}}
    buf = io.BytesIO()
    np.savez_compressed(buf, probs=probs.astype(np.float16), names=np.array(names))
    with open(os.path.join(out, 'teacher_probs.npz'), 'wb') as f:
        f.write(buf.getvalue())
    note(event='ensemble', **res)
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--plan', help='run plan JSON (config/gpu-run.json; config/gpu-rehearsal.json on CPU)')
    ap.add_argument('--data', help='folder with images.med.xz (or images.u8), labels.csv and fer_pack.py')
    ap.add_argument('--out', help='results folder ($OUT on the device machine)')
    ap.add_argument('--work', default='/tmp/emolens-gpu-run', help='checkpoints, decoded data, child logs')
    ap.add_argument('--budget-s', type=float, help='overrides the plan\'s budget_s')
    ap.add_argument('--cpu', action='store_true', help='ignore a GPU (rehearsal)')
    ap.add_argument('--job', help=argparse.SUPPRESS)  # a child process's job file
    args = ap.parse_args()
    if args.job:
        train_process(json.load(open(args.job)))
        return
    if not (args.plan and args.data and args.out):
        ap.error('--plan, --data and --out are required')
    orchestrate(args)


if __name__ == '__main__':
    main()
