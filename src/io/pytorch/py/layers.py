# The lab's layer semantics in PyTorch where they differ from torch.nn's defaults, and the two joins
# of its spec trees. (Classifier Lab: src/io/pytorch/py/layers.py, inlined into every model.py.)
from collections import OrderedDict

import torch
import torch.distributed as dist
import torch.distributed.nn.functional as dist_nn
import torch.nn.functional as F
from torch import nn


def _across_processes():
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


class LabBatchNorm(nn.Module):
    """BatchNorm as the lab trains it (d2l §8.5). Training normalises with the batch mean and the biased
    batch variance, and moves running ← (1 − m)·running + m·batch with that same biased variance
    (torch.nn.BatchNorm uses the unbiased one for the running variance). Under DistributedDataParallel
    the statistics are of the global batch (sums all-reduced, with gradients), so N processes compute
    what one process does. Evaluation uses the running statistics. Tensors: weight (γ), bias (β),
    running_mean, running_var — no num_batches_tracked, as in the lab's files."""

    def __init__(self, features, eps=1e-5, momentum=0.1, spatial=True):
        super().__init__()
        self.features, self.eps, self.momentum, self.spatial = features, eps, momentum, spatial
        self.weight = nn.Parameter(torch.ones(features))
        self.bias = nn.Parameter(torch.zeros(features))
        self.register_buffer('running_mean', torch.zeros(features))
        self.register_buffer('running_var', torch.ones(features))

    def forward(self, x):
        if not self.training:
            return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias, False, 0.0, self.eps)
        dims = [0, 2, 3] if self.spatial else [0]
        view = (1, -1, 1, 1) if self.spatial else (1, -1)
        n = float(x.numel() // self.features)
        total = x.sum(dims)
        if _across_processes():
            count = torch.tensor([n], dtype=torch.float64, device=x.device)
            dist.all_reduce(count)
            n = float(count.item())
            total = dist_nn.all_reduce(total)
        mean = total / n
        d = x - mean.view(view)
        sq = (d * d).sum(dims)
        if _across_processes():
            sq = dist_nn.all_reduce(sq)
        var = sq / n  # biased: the lab's (and d2l's) variance
        with torch.no_grad():
            m = self.momentum
            self.running_mean.mul_(1 - m).add_(mean.detach(), alpha=m)
            self.running_var.mul_(1 - m).add_(var.detach(), alpha=m)
        return d * torch.rsqrt(var + self.eps).view(view) * self.weight.view(view) + self.bias.view(view)

    def extra_repr(self):
        return f'{self.features}, eps={self.eps}, momentum={self.momentum}'


class LabBatchNorm1d(LabBatchNorm):
    def __init__(self, features, eps=1e-5, momentum=0.1):
        super().__init__(features, eps, momentum, spatial=False)


class LabBatchNorm2d(LabBatchNorm):
    def __init__(self, features, eps=1e-5, momentum=0.1):
        super().__init__(features, eps, momentum, spatial=True)


class FlatLinear(nn.Linear):
    """nn.Linear over each example flattened: the lab's dense layer straight after a C×H×W tensor."""

    def forward(self, x):
        return super().forward(x.flatten(1))


def _run(module, names, x):
    for name in names:
        x = module._modules[name](x)
    return x


class Residual(nn.Module):
    """act(body(x) + shortcut(x)) (d2l §8.6); no shortcut layers: the identity. Children are named as
    the lab names them (body and shortcut counted together), so their tensors keep the lab's names."""

    def __init__(self, body, shortcut=(), activation=None):
        super().__init__()
        for name, module in [*body, *shortcut, *([activation] if activation else [])]:
            self.add_module(name, module)
        self._body = [name for name, _ in body]
        self._shortcut = [name for name, _ in shortcut]
        self._activation = activation[0] if activation else None

    def forward(self, x):
        y = _run(self, self._body, x) + _run(self, self._shortcut, x)
        return self._modules[self._activation](y) if self._activation else y


class Concat(nn.Module):
    """Branches side by side along the channels (d2l §8.4, §8.7); an empty branch passes x through.
    Children are named as the lab names them (counted across the branches)."""

    def __init__(self, *branches):
        super().__init__()
        for branch in branches:
            for name, module in branch:
                self.add_module(name, module)
        self._branches = [[name for name, _ in branch] for branch in branches]

    def forward(self, x):
        return torch.cat([_run(self, names, x) for names in self._branches], dim=1)
