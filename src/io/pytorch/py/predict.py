#!/usr/bin/env python3
"""The model's logits (or probabilities) for raw inputs, as `classifier-lab predict` computes them:
normalised and resized as the lab's batch gather does, evaluation mode (BatchNorm's running statistics,
no dropout).

  python predict.py --input X.npy --out logits.npy [--weights FILE.safetensors] [--softmax]

X holds raw features shaped (N, *shape) or (N, features), before normalisation (pixels 0…255).
(Classifier Lab: src/io/pytorch/py/predict.py.)
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import labdata  # noqa: E402
from labio import RunFile, features_shape  # noqa: E402
from model import build_model  # noqa: E402


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--input', type=Path, required=True)
    p.add_argument('--out', type=Path, required=True)
    p.add_argument('--weights', type=Path, help='default: checkpoint.safetensors if it exists, else run.safetensors')
    p.add_argument('--softmax', action='store_true', help='write probabilities instead of logits')
    p.add_argument('--batch', type=int, default=1000)
    args = p.parse_args(argv)
    weights = args.weights or (HERE / 'checkpoint.safetensors' if (HERE / 'checkpoint.safetensors').exists() else HERE / 'run.safetensors')
    run = RunFile.read(weights)
    m = run.manifest
    model = build_model()
    model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in run.params.items()}, strict=True)
    model.eval()
    shape = features_shape(m)
    x = np.load(args.input, allow_pickle=False)
    size = int(np.prod(shape))
    if x.ndim < 2 or int(np.prod(x.shape[1:])) != size:
        print(f'predict.py: {args.input} is shaped {x.shape}; the model takes (N, {", ".join(map(str, shape))}) or (N, {size}) raw features', file=sys.stderr)
        return 2
    x = x.reshape(len(x), size).astype(np.float32)
    gather = labdata.Gather(shape, m['normalization'], m['config'].get('resize'))
    out = []
    with torch.no_grad():
        for lo in range(0, len(x), args.batch):
            logits = model(gather(x, np.arange(lo, min(len(x), lo + args.batch))))
            out.append((torch.softmax(logits, dim=1) if args.softmax else logits).numpy())
    result = np.concatenate(out) if out else np.zeros((0, m['architecture']['numClasses']), dtype=np.float32)
    np.save(args.out, result.astype(np.float32))
    print(json.dumps({'out': str(args.out), 'output': 'probabilities' if args.softmax else 'logits', 'rows': len(result), 'classes': result.shape[1], 'class_names': m['classNames']}))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
