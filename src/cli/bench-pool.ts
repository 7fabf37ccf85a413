// `classifier-lab bench --pool`: the pooling kernels timed standalone at the zoo's shapes (batch 128):
// LeNet's two 2×2/2 average pools after sigmoid (d2l) and max pools after ReLU (lenet-lab), resnet-lab's
// global average pool, and ResNet-18's 3×3/2 pad 1 stem max pool (at a 28×28 input) — forward and
// backward (the producer's activation derivative fused) as GPU time per dispatch (timestamp queries) and
// millions of input elements (B·C·H·W) per second. Operands hold a smooth non-zero pattern.
import type { ActivationKind } from '../gpu/activation';
import type { KernelContext } from '../gpu/context';
import type { Dispatch } from '../gpu/dispatch';
import { globalPoolEntry, Pool, poolEntry, poolGeometry, type PoolKind, type PoolSpec } from '../gpu/pool';
import { Profiler, timestampsSupported } from '../gpu/profiler';
import { pad4 } from '../gpu/buffers';
import { table } from './bench-format';
import { onOwnDevice } from './own-device';

/** A pooling layer's shape (PoolSpec, padding given) with its kind and the producer's activation. */
export interface PoolShapeCase extends Required<PoolSpec> {
  name: string;
  /** `global`: global average pooling (kernel, stride and padding unused). */
  kind: PoolKind | 'global';
  /** The producer's activation, whose derivative the backward applies. */
  inputActivation: ActivationKind;
}

const k2 = { kernel: 2, stride: 2, padding: 0 };
export const poolBenchShapes: readonly PoolShapeCase[] = [
  { name: 'lenet avg 6×28×28', kind: 'avg', rows: 128, channels: 6, h: 28, w: 28, ...k2, inputActivation: 'sigmoid' },
  { name: 'lenet avg 16×10×10', kind: 'avg', rows: 128, channels: 16, h: 10, w: 10, ...k2, inputActivation: 'sigmoid' },
  { name: 'lenet-lab max 6×28×28', kind: 'max', rows: 128, channels: 6, h: 28, w: 28, ...k2, inputActivation: 'relu' },
  { name: 'lenet-lab max 16×10×10', kind: 'max', rows: 128, channels: 16, h: 10, w: 10, ...k2, inputActivation: 'relu' },
  { name: 'resnet-lab gap 64×7×7', kind: 'global', rows: 128, channels: 64, h: 7, w: 7, kernel: 0, stride: 1, padding: 0, inputActivation: 'relu' },
  { name: 'resnet18 stem max 64×14×14', kind: 'max', rows: 128, channels: 64, h: 14, w: 14, kernel: 3, stride: 2, padding: 1, inputActivation: 'relu' },
];

export const poolPasses = ['forward', 'backward'] as const;
export type PoolPass = (typeof poolPasses)[number];

export interface PoolPassTiming {
  shape: string;
  pass: PoolPass;
  ms: number;
  /** Million input elements (B·C·H·W) per second. */
  melems: number;
  /** The pass's dispatches (named by entry point), each with its median ms. */
  kernels: string;
}

/** Median GPU time of the forward and the backward of each shape (reps timed runs after a warm-up). */
export async function benchPoolPasses(kc: KernelContext, shapes: readonly PoolShapeCase[], reps = 5): Promise<PoolPassTiming[]> {
  if (!timestampsSupported(kc.device)) throw new Error('bench --pool needs timestamp queries (per-dispatch GPU time), which this adapter lacks');
  const device = kc.device;
  const pool = new Pool(kc);
  const profiler = new Profiler(device, 4);
  const out: PoolPassTiming[] = [];
  const made: GPUBuffer[] = [];
  const make = (label: string, floats: number) => {
    const buffer = device.createBuffer({ label: `benchPool.${label}`, size: Math.max(16, Math.ceil((floats * 4) / 256) * 256), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(buffer, 0, Float32Array.from({ length: floats }, (_, i) => 0.5 + 0.4 * Math.sin(i * 0.37)));
    made.push(buffer);
    return { buffer };
  };
  try {
    for (const s of shapes) {
      const xFloats = s.rows * pad4(s.channels * s.h * s.w);
      const yFloats = s.kind === 'global' ? s.rows * pad4(s.channels) : s.rows * poolGeometry(s).yStride;
      const t = { x: make('x', xFloats), y: make('y', yFloats), dy: make('dy', yFloats), dx: make('dx', xFloats) };
      let lists: [PoolPass, Dispatch[]][];
      if (s.kind === 'global') {
        lists = [
          ['forward', [await pool.globalAvgForward(s, { x: t.x, y: t.y }, globalPoolEntry(s, 'forward'))]],
          ['backward', [await pool.globalAvgBackward(s, s.inputActivation, { x: t.x, dy: t.dy, dx: t.dx }, globalPoolEntry(s, 'backward'))]],
        ];
      } else {
        // The forward fills argmax before the backward reads it (max pooling).
        const argmax = s.kind === 'max' ? { buffer: device.createBuffer({ label: 'benchPool.argmax', size: Math.max(16, yFloats * 4), usage: GPUBufferUsage.STORAGE }) } : undefined;
        if (argmax) made.push(argmax.buffer);
        lists = [
          ['forward', [await pool.forward(s, s.kind, { x: t.x, y: t.y, argmax }, poolEntry(s, s.kind, 'forward'))]],
          ['backward', [await pool.backward(s, s.kind, s.inputActivation, { x: t.x, dy: t.dy, dx: t.dx, argmax }, poolEntry(s, s.kind, 'backward'))]],
        ];
      }
      for (const [pass, list] of lists) {
        const times = await profiler.time(list, 0, reps);
        const ms = times.reduce((a, x) => a + x.ms, 0);
        out.push({ shape: s.name, pass, ms, melems: ms > 0 ? (s.rows * s.channels * s.h * s.w) / ms / 1e3 : 0, kernels: times.map((x) => `${x.label} ${x.ms.toFixed(2)}`).join(', ') });
      }
    }
  } finally {
    profiler.destroy();
    for (const b of made) b.destroy();
  }
  return out;
}

const geometry = (s: PoolShapeCase) => (s.kind === 'global' ? 'global' : `${s.kernel}/${s.stride}${s.padding ? ` p${s.padding}` : ''}`);

/** One row per shape: forward and backward GPU ms and M input elements/s. */
export function poolTable(rows: readonly PoolPassTiming[], shapes: readonly PoolShapeCase[]): string {
  const head = ['shape', ...poolPasses.map((p) => `${p} ms (M el/s)`)];
  const body = shapes.map((s) => [
    `${s.name} (${s.rows}, ${geometry(s)}, ${s.inputActivation}')`,
    ...poolPasses.map((p) => {
      const r = rows.find((x) => x.shape === s.name && x.pass === p);
      return r ? `${r.ms.toFixed(2)} (${r.melems.toFixed(0)})` : '–';
    }),
  ]);
  return table([head, ...body]);
}

/** `bench --pool`: the table, on a device of its own. */
export function standalonePool(reps: number): Promise<string> {
  return onOwnDevice(async (kc) => poolTable(await benchPoolPasses(kc, poolBenchShapes, reps), poolBenchShapes));
}
