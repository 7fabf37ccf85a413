// `classifier-lab bench --bn`: BatchNorm and the elementwise graph passes timed standalone at the
// resnet-lab shapes (batch 128: 16×28×28, 32×14×14, 64×7×7) — training forward (statistics +
// normalisation, ReLU fused), evaluation forward, backward (dγ, dβ, dX), the residual add + ReLU, a
// two-part gradient sum through ReLU and a ReLU backward — as GPU time per dispatch (timestamp queries)
// summed per pass, and millions of tensor elements per second. Operands are filled with a smooth
// non-zero pattern once (times do not depend on the values).
import { ActivationKernel } from '../gpu/activation';
import { BatchNorm, runningFloats, statsFloats } from '../gpu/batchnorm';
import { pad4 } from '../gpu/buffers';
import type { KernelContext } from '../gpu/context';
import type { Dispatch } from '../gpu/dispatch';
import { GraphKernels } from '../gpu/graph-ops';
import { Profiler, timestampsSupported } from '../gpu/profiler';
import { table } from './bench-format';
import { onOwnDevice } from './own-device';

export interface BnShapeCase {
  name: string;
  rows: number;
  channels: number;
  /** H·W. */
  spatial: number;
}

export const bnBenchShapes: readonly BnShapeCase[] = [
  { name: 'resnet 16×28×28', rows: 128, channels: 16, spatial: 28 * 28 },
  { name: 'resnet 32×14×14', rows: 128, channels: 32, spatial: 14 * 14 },
  { name: 'resnet 64×7×7', rows: 128, channels: 64, spatial: 7 * 7 },
];

export const bnPasses = ['bn train forward', 'bn eval forward', 'bn backward', 'add+relu', 'grad sum relu', 'relu backward'] as const;
export type BnPass = (typeof bnPasses)[number];

export interface BnPassTiming {
  shape: string;
  pass: BnPass;
  ms: number;
  /** Million tensor elements (B·C·H·W) per second. */
  melems: number;
  /** The pass's dispatches, each with its median ms. */
  kernels: string;
}

/** Median GPU time of each pass of each shape (reps timed runs after a warm-up). */
export async function benchBnPasses(kc: KernelContext, shapes: readonly BnShapeCase[], reps = 5): Promise<BnPassTiming[]> {
  if (!timestampsSupported(kc.device)) throw new Error('bench --bn needs timestamp queries (per-dispatch GPU time), which this adapter lacks');
  const device = kc.device;
  const bn = new BatchNorm(kc);
  const graph = new GraphKernels(kc);
  const activation = new ActivationKernel(kc);
  const profiler = new Profiler(device, 8);
  const out: BnPassTiming[] = [];
  const made: GPUBuffer[] = [];
  const make = (label: string, floats: number) => {
    const buffer = device.createBuffer({ label: `benchBn.${label}`, size: Math.max(16, Math.ceil((floats * 4) / 256) * 256), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(buffer, 0, Float32Array.from({ length: floats }, (_, i) => 0.5 + Math.sin(i * 0.37)));
    made.push(buffer);
    return { buffer };
  };
  try {
    for (const s of shapes) {
      const features = s.channels * s.spatial;
      const stride = pad4(features);
      const n = s.rows * stride;
      const t = { x: make('x', n), y: make('y', n), dy: make('dy', n), dx: make('dx', n), other: make('other', n) };
      const p = { gamma: make('gamma', s.channels), beta: make('beta', s.channels), stats: make('stats', statsFloats(s.channels)), running: make('running', runningFloats(s.channels)), dgamma: make('dgamma', s.channels), dbeta: make('dbeta', s.channels) };
      const spec = { rows: s.rows, channels: s.channels, spatial: s.spatial, eps: 1e-5, momentum: 0.1 };
      const rs = { rows: s.rows, features, stride };
      const fwd = { x: t.x, y: t.y, gamma: p.gamma, beta: p.beta, stats: p.stats, running: p.running };
      const lists: [BnPass, Dispatch[]][] = [
        ['bn train forward', await bn.forward(spec, true, 'relu', fwd, 'train')],
        ['bn eval forward', await bn.forward(spec, false, 'relu', fwd, 'eval')],
        ['bn backward', await bn.backward(spec, 'none', { x: t.x, gamma: p.gamma, stats: p.stats, dy: t.dy, dgamma: p.dgamma, dbeta: p.dbeta, dx: t.dx }, 'backward')],
        ['add+relu', [await graph.add(rs, 'relu', { a: t.x, b: t.other, dst: t.y }, 'add')]],
        ['grad sum relu', [await graph.sum(rs, 'relu', { a: t.dy, b: t.other, y: t.y, dst: t.dx }, 'sum')]],
        ['relu backward', [await activation.backward(rs, 'relu', { x: t.y, dy: t.dy, dx: t.dx }, 'reluBackward')]],
      ];
      for (const [pass, list] of lists) {
        const times = await profiler.time(list, 0, reps);
        const ms = times.reduce((a, x) => a + x.ms, 0);
        out.push({ shape: s.name, pass, ms, melems: ms > 0 ? (s.rows * features) / ms / 1e3 : 0, kernels: times.map((x) => `${x.label} ${x.ms.toFixed(2)}`).join(', ') });
      }
    }
  } finally {
    profiler.destroy();
    for (const b of made) b.destroy();
  }
  return out;
}

/** One row per shape: each pass's GPU ms and M elements/s. */
export function bnTable(rows: readonly BnPassTiming[], shapes: readonly BnShapeCase[]): string {
  const head = ['shape (batch 128)', ...bnPasses.map((p) => `${p} ms (M el/s)`)];
  const body = shapes.map((s) => [
    `${s.name} (${s.rows}, ${s.channels}×${s.spatial})`,
    ...bnPasses.map((p) => {
      const r = rows.find((x) => x.shape === s.name && x.pass === p);
      return r ? `${r.ms.toFixed(2)} (${r.melems.toFixed(0)})` : '–';
    }),
  ]);
  return table([head, ...body]);
}

/** `bench --bn`: the table, on a device of its own. */
export function standaloneBn(reps: number): Promise<string> {
  return onOwnDevice(async (kc) => bnTable(await benchBnPasses(kc, bnBenchShapes, reps), bnBenchShapes));
}
