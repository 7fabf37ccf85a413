"""The lab's data path in NumPy/PyTorch: its counter-based random numbers (src/reference/random.ts), the
per-epoch example order (src/model/data-module.ts), the learning-rate schedules (src/model/schedule.ts)
and the batch gather (src/reference/gather.ts: augment the raw image, normalise in float32, resize
bilinear as F.interpolate). With the same seed, epoch and step, these give the lab's numbers exactly.
(Classifier Lab: src/io/pytorch/py/labdata.py.)"""
import math

import numpy as np
import torch
import torch.nn.functional as F

U32 = np.uint32
STREAM = {'init': 1, 'shuffle': 2, 'dropout': 3, 'split': 4, 'sample': 5, 'augment': 6}


def hash32(x):
    """lowbias32 (Chris Wellons' integer hash) on a uint32 array: the lab's hash32."""
    x = np.asarray(x, dtype=U32)
    with np.errstate(over='ignore'):
        x = x ^ (x >> U32(16))
        x = x * U32(0x7FEB352D)
        x = x ^ (x >> U32(15))
        x = x * U32(0x846CA68B)
        return x ^ (x >> U32(16))


def mix_key(key, v):
    """key' = hash32(key ^ hash32(v + golden)) elementwise (arrays broadcast): the lab's mixKey."""
    v = np.asarray(v, dtype=np.int64) & 0xFFFFFFFF
    golden = ((v + 0x9E3779B9) & 0xFFFFFFFF).astype(U32)
    return hash32(np.asarray(key, dtype=U32) ^ hash32(golden))


def stream_key(seed, *parts):
    """The lab's streamKey(seed, ...parts) as a Python int."""
    k = hash32(np.array([seed & 0xFFFFFFFF], dtype=U32))
    for p in parts:
        k = mix_key(k, np.array([p & 0xFFFFFFFF]))
    return int(k[0])


def permutation(n, key):
    """Seeded Fisher–Yates of 0..n-1: j = ⌊(u32(key, i) / 2^32)·(i + 1)⌋ for i = n−1 … 1 (float64, as the lab)."""
    i = np.arange(n, dtype=np.int64)
    r = mix_key(np.array([key], dtype=U32), i).astype(np.float64)
    js = np.floor(r / 4294967296.0 * (i + 1).astype(np.float64)).astype(np.int64).tolist()
    p = list(range(n))
    for k in range(n - 1, 0, -1):
        j = js[k]
        p[k], p[j] = p[j], p[k]
    return np.array(p, dtype=np.int64)


def epoch_order(n, seed, epoch):
    """d2l's shuffled train_dataloader as the lab draws it: the index order of epoch `epoch` (0-based)."""
    return permutation(n, stream_key(seed, STREAM['shuffle'], epoch))


def learning_rate(config, epochs, epoch, step, steps_per_epoch):
    """The lab's schedule at (epoch, step) of a run of `epochs` epochs, rounded to float32 as the lab uploads it."""
    lr, kind = config['lr'], config['schedule']
    if kind == 'constant':
        v = lr
    elif kind == 'step':
        milestones = [m for m in (math.floor(epochs * 0.5), math.floor(epochs * 0.75)) if m > 0]
        v = lr * 0.1 ** sum(1 for m in milestones if epoch >= m)
    elif kind == 'cosine':
        t = epoch * steps_per_epoch + step
        v = lr * (1 + math.cos(math.pi * t / (epochs * steps_per_epoch))) / 2
    else:
        raise ValueError(f'unknown learning-rate schedule {kind!r}')
    return float(np.float32(v))


def parse_augment(value):
    """config.augment ('crop:4,flip', 'flip', {'crop': 4, 'flip': true}, 'none' or absent) as (crop, flip) or None."""
    if value is None:
        return None
    if isinstance(value, dict):
        crop, flip = int(value.get('crop', 0)), bool(value.get('flip', False))
    else:
        crop, flip = 0, False
        for part in [s.strip() for s in str(value).split(',') if s.strip() and s.strip() != 'none']:
            if part == 'flip':
                flip = True
            elif part.startswith('crop:') and part[5:].isdigit():
                crop = int(part[5:])
            else:
                raise ValueError(f'augment {value!r}: {part!r} is not crop:N or flip')
    return (crop, flip) if crop > 0 or flip else None


def augment_draws(key, indices, crop, flip):
    """Each example's crop offsets (in [0, 2·crop]) and flip, from (epoch key, example index): the lab's augmentDraw."""
    k = mix_key(np.array([key], dtype=U32), indices)
    n = 2 * crop + 1
    offset = lambda counter: ((mix_key(k, counter) >> U32(16)).astype(np.int64) * n) // 65536
    flips = (mix_key(k, 2) >> U32(31)) == 1 if flip else np.zeros(len(indices), dtype=bool)
    return offset(0), offset(1), flips


class Gather:
    """The batch gather: rows of a split by index → (rows, *input) float32 tensors as the network sees them."""

    def __init__(self, shape, normalization, resize=None, augment=None, device='cpu'):
        self.shape = tuple(shape)
        self.size = int(np.prod(self.shape))
        self.resize, self.augment, self.device = resize, augment, device
        if normalization['kind'] == 'scale':
            self.scale = np.full(self.size, normalization['scale'], dtype=np.float32)
            self.shift = np.zeros(self.size, dtype=np.float32)
        else:
            # As the lab: mean and std are float32 values; 1/std and −mean/std in float64, stored as float32.
            mean = np.asarray(normalization['mean'], dtype=np.float32).astype(np.float64)
            std = np.asarray(normalization['std'], dtype=np.float32).astype(np.float64)
            s = np.where(std > 0, std, 1.0)
            self.scale = (1.0 / s).astype(np.float32)
            self.shift = (-mean / s).astype(np.float32)

    def _augmented(self, raw, indices, key):
        crop, flip = self.augment
        rows, c, h, w = raw.shape
        oy, ox, flips = augment_draws(key, indices, crop, flip)
        padded = np.pad(raw, ((0, 0), (0, 0), (crop, crop), (crop, crop)))
        ys = oy[:, None] + np.arange(h)[None, :]
        cols = np.where(flips[:, None], w - 1 - np.arange(w)[None, :], np.arange(w)[None, :])
        xs = ox[:, None] + cols
        b = np.arange(rows)[:, None, None, None]
        ch = np.arange(c)[None, :, None, None]
        return padded[b, ch, ys[:, None, :, None], xs[:, None, None, :]]

    def __call__(self, x, indices, training=False, key=0):
        """Raw rows x[indices] (uint8 or float32, shaped (N, *shape) or (N, D)) → the network's input."""
        indices = np.asarray(indices, dtype=np.int64)
        raw = np.asarray(x[indices]).reshape((len(indices),) + self.shape)
        if training and self.augment:
            raw = self._augmented(raw, indices, key)
        flat = raw.reshape(len(indices), self.size).astype(np.float32)
        normed = (flat * self.scale).astype(np.float32) + self.shift  # f32(f32(x·scale) + shift)
        t = torch.from_numpy(np.ascontiguousarray(normed)).reshape((len(indices),) + self.shape).to(self.device)
        if self.resize:
            t = F.interpolate(t, size=(self.resize, self.resize), mode='bilinear', align_corners=False)
        return t
