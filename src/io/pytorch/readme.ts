// README.md of an exported PyTorch project: what the files are and the commands for one CPU, one GPU,
// several processes and several machines, filled in with the run's own numbers; and, plainly, what is
// the same computation as the lab's and what is not (dropout's random numbers, float summation order).
import { describeRunFile } from '../checkpoint';
import type { Manifest } from '../manifest';

export function projectReadme(m: Manifest, fileName: string, withData: boolean): string {
  const c = m.config;
  const more = Math.max(c.epochs, m.epochsDone) + 10;
  const dropout = JSON.stringify(m.architecture.net).includes('"dropout"');
  const data = withData ? '' : ' --data data.npz';
  return `# ${m.architecture.name} on ${m.dataset.name}: continue in PyTorch

Exported by Classifier Lab from \`${fileName}\`: ${describeRunFile(m)}.
\`train.py\` continues that run with the same
- architecture and tensor names (\`model.py\`), weights and optimizer state (${c.optimizer}${c.optimizer === 'momentum' ? `, μ = ${c.momentum}` : ''}${c.weightDecay ? `, weight decay ${c.weightDecay}` : ''}),
- learning-rate schedule (${c.schedule}, lr ${c.lr}), continued at the run's step,
- global batch size (${c.batchSize}), seed (${c.seed}), normalisation${c.resize ? `, resize to ${c.resize}×${c.resize}` : ''}${(c as { augment?: unknown }).augment ? ', crop/flip augmentation' : ''} and example order.

Every epoch rank 0 validates and writes \`checkpoint.safetensors\` in the lab's format, history continued,
which the lab opens, inspects and keeps training.

| File | What |
| --- | --- |
| \`model.py\` | \`build_model()\`: the architecture as \`torch.nn\` modules; \`state_dict()\` names are the lab's tensor names |
| \`train.py\` | continues the run (one process, or DistributedDataParallel under \`torchrun\`) |
| \`predict.py\` | logits for raw inputs, as \`classifier-lab predict\` computes them |
| \`labdata.py\` | the lab's counter-based random numbers, example order, schedules and batch gather |
| \`labio.py\` | safetensors (the \`safetensors\` package if installed, else NumPy) and the lab's file format |
| \`run.safetensors\` | the run as exported: the starting point |
${withData ? '| `data.npz` | the train and validation splits as the lab held them (after any limit), class names, normalisation |\n' : ''}
Needs \`torch\` (1.13 or later) and \`numpy\` only (\`requirements.txt\`; on Debian \`apt-get install python3-torch\`).${withData ? '' : `
This export has no data: pass \`--data data.npz\` made by the lab (\`classifier-lab export-pytorch RUN --data FILES… --out DIR\`, or the page's Export → Export dataset (.npz)).`}

## Continue in PyTorch

\`--epochs\` is the new total, as with the lab's \`train --resume\` (default: the run's own ${c.epochs}).

\`\`\`sh
python train.py --epochs ${more}${data}                          # one process: the CPU, or one GPU (CUDA when present)
torchrun --nproc_per_node=4 train.py --epochs ${more}${data}     # 4 processes on this machine (gloo on CPU, nccl on GPUs)
python -m torch.distributed.run --nproc_per_node=4 train.py --epochs ${more}${data}   # the same, without the torchrun script
# several machines: run on each (same --rdzv_id; HOST:29500 reachable from all)
torchrun --nnodes=2 --nproc_per_node=8 --rdzv_backend=c10d --rdzv_endpoint=HOST:29500 --rdzv_id=${m.architecture.name} train.py --epochs ${more}${data}
python predict.py --input X.npy --out logits.npy            # raw features (N, ${(m.dataShape ?? m.architecture.inputShape).join(', ')}), before normalisation
\`\`\`

On Debian 12 (torch 1.13 with Python 3.11) \`torchrun\` and \`python -m torch.distributed.run\` stop before
starting a process (\`'NoneType' object has no attribute 'get'\`); add \`--redirects 2 --tee 2\` after
\`torchrun\` there. Newer PyTorch needs nothing.

Options: \`--from FILE\` (default: \`checkpoint.safetensors\` when it exists, so a second \`train.py\` continues
the first; else \`run.safetensors\`), \`--checkpoint PATH\`, \`--device cpu|cuda\`, \`--max-steps N\` (stop after N
steps, mid-epoch if need be, and write the checkpoint there). Rank 0 prints one JSON line per epoch, as
\`classifier-lab train\` does.

Back in the lab: \`classifier-lab inspect checkpoint.safetensors\`, \`classifier-lab train --resume
checkpoint.safetensors [--epochs N]\` (with the run's \`--data\` files if it did not train on a built-in dataset),
or the page's **Open model file…**.

## The same computation, and where it is not

- The example order is the lab's counter-based permutation of each epoch, and each step's learning rate the
  lab's, so one process sees exactly the lab's batches, from an epoch end or from the middle of one.
- SGD, momentum (PyTorch's \`momentum_buffer\` = the lab's \`momentum\` slot) and Adam (\`exp_avg\`, \`exp_avg_sq\`
  = \`m\`, \`v\`; its step count is the run's global step, as the lab counts it) with weight decay added to the
  gradient, as the lab does.
- BatchNorm (\`LabBatchNorm1d/2d\` in model.py) updates its running variance with the biased batch variance,
  as the lab (and d2l) do; PyTorch's own uses the unbiased one. With N processes the batch statistics are of
  the whole global batch (all-reduced), so N processes compute what one does.
- With N processes each takes its slice of every global batch; the loss is scaled so that DDP's average of
  the gradients is the gradient of the global batch's mean loss.
- Pooling: max ignores padding, average counts it (\`count_include_pad=True\`); global average pooling is
  \`AdaptiveAvgPool2d((1, 1))\`; resizing is \`F.interpolate(mode='bilinear', align_corners=False)\` after
  normalising, as the lab's batch gather does.${dropout ? `
- **Dropout differs**: the lab draws its masks from a counter-based generator keyed by (seed, layer, step);
  here \`nn.Dropout\` draws from PyTorch's generator (seeded from the seed and the step). Same probability,
  other units dropped, so a run with dropout follows another path than the lab's would.` : `
- Dropout (none in this model) would differ: the lab draws its masks from its own counter-based generator,
  \`nn.Dropout\` from PyTorch's.`}
- Float32 arithmetic in another order (PyTorch's kernels, DDP's all-reduce) moves results by rounding: the
  same run to about 1e-5 per step, not bit for bit.
`;
}
