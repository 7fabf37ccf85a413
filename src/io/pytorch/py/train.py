#!/usr/bin/env python3
"""Continues a Classifier Lab run in PyTorch, on one process or many (DistributedDataParallel).

  python train.py [--epochs N]                          one process: the CPU, or one GPU
  torchrun --nproc_per_node=K train.py [--epochs N]     K processes (gloo on CPU, nccl on CUDA)

--epochs is the new total, as the lab's `--resume --epochs`. Everything else comes from the lab's file:
architecture, weights, optimizer state, position, schedule, seed, normalisation. The batch size is the
global batch: each of the K processes takes its slice of every batch and the gradients are averaged so
that a step is the lab's step. Rank 0 validates every epoch and writes checkpoint.safetensors in the
lab's format (history continued), which the page and `classifier-lab` open, inspect and keep training.
(Classifier Lab: src/io/pytorch/py/train.py.)
"""
import argparse
import copy
import json
import math
import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import labdata  # noqa: E402
from labio import LabFileError, RunFile, features_shape, read_data  # noqa: E402
from model import build_model  # noqa: E402

ADAM = {'betas': (0.9, 0.999), 'eps': 1e-8}
POINTS_PER_EPOCH = 10  # train-loss points per epoch, as the lab's trainer plots them


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--epochs', type=int, help="total epochs (default: the run's own)")
    p.add_argument('--from', dest='start', type=Path,
                   help='the lab file to continue (default: checkpoint.safetensors if it exists, else run.safetensors)')
    p.add_argument('--data', type=Path, default=HERE / 'data.npz', help='the dataset (default: data.npz beside this script)')
    p.add_argument('--checkpoint', type=Path, default=HERE / 'checkpoint.safetensors', help='where rank 0 writes the checkpoint')
    p.add_argument('--device', choices=['auto', 'cpu', 'cuda'], default='auto')
    p.add_argument('--max-steps', type=int, help='stop after this many steps and write the checkpoint there (mid-epoch)')
    p.add_argument('--val-batch', type=int, default=1000, help='validation rows per forward pass')
    return p.parse_args(argv)


def where(epoch, step, steps, total):
    return f'epoch {epoch + 1} of {total}, step {step} of {steps}' if step else f'{epoch} of {total} epochs done'


def say(rank, message):
    if rank == 0:
        print(message, file=sys.stderr, flush=True)


def setup(device_arg):
    """(rank, world, device): DistributedDataParallel when torchrun started several processes."""
    world = int(os.environ.get('WORLD_SIZE', '1'))
    rank = int(os.environ.get('RANK', '0'))
    local = int(os.environ.get('LOCAL_RANK', '0'))
    cuda = torch.cuda.is_available() if device_arg == 'auto' else device_arg == 'cuda'
    device = torch.device(f'cuda:{local}' if cuda else 'cpu')
    if cuda:
        torch.cuda.set_device(device)
    if world > 1:
        dist.init_process_group('nccl' if cuda else 'gloo')
    return rank, world, device


def check_data(data, manifest, path):
    """The dataset must be the one the run trained on: shape, classes, sizes (after --limit), fingerprint."""
    meta, shape = data['meta'], features_shape(manifest)
    problems = []
    if list(meta['shape']) != list(shape):
        problems.append(f"feature shape {meta['shape']} (the model takes {shape})")
    if len(meta['classNames']) != manifest['architecture']['numClasses']:
        problems.append(f"{len(meta['classNames'])} classes (the model has {manifest['architecture']['numClasses']})")
    if len(data['y_train']) != manifest['dataset']['train'] or len(data['y_val']) != manifest['dataset']['val']:
        problems.append(f"{len(data['y_train'])} train / {len(data['y_val'])} validation examples "
                        f"(the run had {manifest['dataset']['train']} / {manifest['dataset']['val']})")
    saved, have = manifest.get('fingerprint'), meta.get('fingerprint')
    if saved and have and saved.get('hash') != 'none' and have.get('hash') != 'none' and saved['hash'] != have['hash']:
        problems.append(f"data hash {have['hash'][7:19]}… (the run's: {saved['hash'][7:19]}…)")
    if problems:
        raise LabFileError(f'{path} is not the data this run trained on: {"; ".join(problems)}')


def make_optimizer(model, config):
    params = list(model.parameters())
    kind, wd = config['optimizer'], config['weightDecay']
    if kind == 'sgd':
        return torch.optim.SGD(params, lr=config['lr'], weight_decay=wd)
    if kind == 'momentum':
        return torch.optim.SGD(params, lr=config['lr'], momentum=config['momentum'], dampening=0, weight_decay=wd)
    if kind == 'adam':
        return torch.optim.Adam(params, lr=config['lr'], weight_decay=wd, **ADAM)
    raise LabFileError(f'unknown optimizer {kind!r}')


def load_optimizer_state(opt, named, run, steps_done, device):
    """The lab's slots (momentum; Adam's m, v) as PyTorch's state; absent slots are the lab's zeros. Adam's
    step is the run's global step: the lab's bias correction counts every update of the run."""
    kind = run.manifest['config']['optimizer']
    for name, p in named:
        slot = lambda s: torch.from_numpy(run.optim[(name, s)].reshape(p.shape).copy()).to(device) if (name, s) in run.optim else torch.zeros_like(p)
        if kind == 'momentum':
            opt.state[p] = {'momentum_buffer': slot('momentum')}
        elif kind == 'adam':
            opt.state[p] = {'step': torch.tensor(float(steps_done)), 'exp_avg': slot('m'), 'exp_avg_sq': slot('v')}


def optimizer_slots(opt, named, kind):
    out = {}
    for name, p in named:
        st = opt.state.get(p, {})
        get = lambda k: (st[k] if k in st and st[k] is not None else torch.zeros_like(p)).detach().cpu().numpy()
        if kind == 'momentum':
            out[(name, 'momentum')] = get('momentum_buffer')
        elif kind == 'adam':
            out[(name, 'm')], out[(name, 'v')] = get('exp_avg'), get('exp_avg_sq')
    return out


def evaluate(model, gather, x, y, batch):
    """Validation loss and accuracy with the lab's metrics: mean cross-entropy; argmax (first index on ties) = label, a row with NaN wrong."""
    model.eval()
    loss, correct = 0.0, 0
    with torch.no_grad():
        for lo in range(0, len(y), batch):
            idx = np.arange(lo, min(len(y), lo + batch))
            logits = model(gather(x, idx))
            labels = torch.from_numpy(y[idx].astype(np.int64)).to(logits.device)
            loss += F.cross_entropy(logits.double(), labels, reduction='sum').item()
            ok = ~torch.isnan(logits).any(dim=1)
            correct += int(((logits.argmax(dim=1) == labels) & ok).sum().item())
    return loss / len(y), correct / len(y)


def main(argv):
    args = parse_args(argv)
    rank, world, device = setup(args.device)
    start = args.start or (args.checkpoint if args.checkpoint.exists() else HERE / 'run.safetensors')
    run = RunFile.read(start)
    m = run.manifest
    config = m['config']
    total = args.epochs if args.epochs is not None else config['epochs']
    if total < m['epochsDone']:
        raise LabFileError(f"cannot train to {total} epochs: the run has done {m['epochsDone']}")
    data = read_data(args.data)
    check_data(data, m, args.data)
    n_train, batch, seed = len(data['y_train']), config['batchSize'], config['seed']
    steps = math.ceil(n_train / batch)
    pos = m.get('position') or {'epoch': m['epochsDone'], 'step': 0, 'epochLossSum': 0, 'epochRows': 0}
    if m.get('position') and pos['stepsPerEpoch'] != steps:
        raise LabFileError(f"{start}: {pos['stepsPerEpoch']} steps per epoch, but {n_train} examples in batches of {batch} make {steps}")
    say(rank, f"{m['architecture']['name']} on {m['dataset']['name']} from {start.name}: {where(pos['epoch'], pos['step'], steps, total)}; "
              f"{world} process{'es' if world > 1 else ''} on {device.type}")
    if pos['epoch'] >= total:
        say(rank, f'nothing to train: give --epochs N above {total} for more')
        return 0

    model = build_model()
    model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in run.params.items()}, strict=True)
    model.to(device)
    named = list(model.named_parameters())
    opt = make_optimizer(model, config)
    load_optimizer_state(opt, named, run, pos['epoch'] * steps + pos['step'], device)
    net = model
    if world > 1:
        net = torch.nn.parallel.DistributedDataParallel(model, device_ids=[device.index] if device.type == 'cuda' else None)
    dropout = any(isinstance(mod, torch.nn.Dropout) for mod in model.modules())
    resize = config.get('resize')
    augment = labdata.parse_augment(config.get('augment'))
    gather = labdata.Gather(features_shape(m), m['normalization'], resize, augment, device)
    x_train, y_train = data['x_train'], data['y_train'].astype(np.int64)

    history = list(m.get('history', []))
    chunk = max(1, math.ceil(steps / POINTS_PER_EPOCH))
    done_steps, epoch, step = 0, pos['epoch'], pos['step']
    epoch_sum, epoch_rows = (pos['epochLossSum'], pos['epochRows']) if step > 0 else (0.0, 0)
    stopped = False
    while epoch < total and not stopped:
        order = labdata.epoch_order(n_train, seed, epoch)
        key = labdata.stream_key(seed, labdata.STREAM['augment'], epoch) if augment else 0
        began, examples = time.perf_counter(), 0
        while step < steps:
            to = min(steps, step + chunk)
            if args.max_steps is not None:
                to = min(to, step + args.max_steps - done_steps)
            range_sum = torch.zeros(1, dtype=torch.float64, device=device)
            for s in range(step, to):
                idx = order[s * batch:min(n_train, (s + 1) * batch)]
                rows = len(idx)
                mine = idx[rank * rows // world:(rank + 1) * rows // world]
                x = gather(x_train, mine, training=True, key=key)
                y = torch.from_numpy(y_train[mine]).to(device)
                lr = labdata.learning_rate(config, total, epoch, s, steps)
                for g in opt.param_groups:
                    g['lr'] = lr
                if dropout:
                    torch.manual_seed(labdata.stream_key(seed, labdata.STREAM['dropout'], epoch * steps + s, rank))
                net.train()
                local = F.cross_entropy(net(x), y, reduction='sum')
                # DDP averages gradients over the processes: scaled so that the average is the batch mean's.
                opt.zero_grad(set_to_none=True)
                (local * (world / rows)).backward()
                opt.step()
                range_sum += local.detach().double()
                epoch_rows += rows
                examples += rows
            if world > 1:
                dist.all_reduce(range_sum)
            value_sum = float(range_sum.item())
            range_rows = sum(len(order[s * batch:(s + 1) * batch]) for s in range(step, to))
            done_steps += to - step
            step = to
            if not math.isfinite(value_sum):
                say(rank, f"Training diverged at epoch {epoch + 1}, step {step}: the loss became {value_sum}. "
                          f"Try a lower learning rate (now {config['lr']}). The last checkpoint was kept.")
                return 1
            epoch_sum += value_sum
            history.append({'step': epoch * steps + step, 'epoch': epoch + step / steps, 'key': 'loss', 'split': 'train', 'value': value_sum / range_rows})
            if args.max_steps is not None and done_steps >= args.max_steps and step < steps:
                stopped = True
                break
        if stopped:
            break
        seconds = time.perf_counter() - began
        if rank == 0:
            val_loss, val_acc = evaluate(model, gather, data['x_val'], data['y_val'], args.val_batch)
            history.append({'step': (epoch + 1) * steps, 'epoch': epoch + 1, 'key': 'loss', 'split': 'val', 'value': val_loss})
            history.append({'step': (epoch + 1) * steps, 'epoch': epoch + 1, 'key': 'acc', 'split': 'val', 'value': val_acc})
            print(json.dumps({'epoch': epoch + 1, 'train_loss': epoch_sum / epoch_rows, 'val_loss': val_loss, 'val_acc': val_acc,
                              'examples_per_s': examples / max(seconds, 1e-9), 'seconds': time.perf_counter() - began}), flush=True)
        epoch, step, epoch_sum, epoch_rows = epoch + 1, 0, 0.0, 0
        if args.max_steps is not None and done_steps >= args.max_steps:
            stopped = True
        if rank == 0:
            save(args.checkpoint, run, model, opt, named, history, total, epoch, step, steps, epoch_sum, epoch_rows, world, device)
    if stopped and step > 0 and rank == 0:
        save(args.checkpoint, run, model, opt, named, history, total, epoch, step, steps, epoch_sum, epoch_rows, world, device)
    say(rank, f'checkpoint in {args.checkpoint}: {where(epoch, step, steps, total)}')
    if world > 1:
        dist.barrier()
        dist.destroy_process_group()
    return 0


def save(path, run, model, opt, named, history, total, epoch, step, steps, epoch_sum, epoch_rows, world, device):
    """The run as a lab checkpoint: the manifest continued (epochs = the new total, history, position, step counts)."""
    m = copy.deepcopy(run.manifest)
    global_step = epoch * steps + step
    kind = m['config']['optimizer']
    optim = optimizer_slots(opt, named, kind)
    m['config']['epochs'] = total
    m['history'] = history
    m['epochsDone'] = epoch
    m['contents'] = 'checkpoint'
    m['position'] = {'epoch': epoch, 'step': step, 'epochLossSum': epoch_sum, 'epochRows': epoch_rows, 'globalStep': global_step, 'stepsPerEpoch': steps}
    m['rng'] = {'kind': 'counter', 'seed': m['config']['seed'], 'step': global_step}
    m['optimizer'] = {'kind': kind, 'slots': sorted({slot for _, slot in optim}), 'steps': global_step}
    m['adapter'] = f"pytorch {torch.__version__}: {world} × {device.type}"
    m['createdAt'] = datetime.now(timezone.utc).isoformat(timespec='milliseconds').replace('+00:00', 'Z')
    params = {k: v.detach().cpu().numpy() for k, v in model.state_dict().items()}
    RunFile(m, params, optim).write(path)


if __name__ == '__main__':
    try:
        sys.exit(main(sys.argv[1:]))
    except LabFileError as e:
        print(f'train.py: {e}', file=sys.stderr)
        sys.exit(2)
