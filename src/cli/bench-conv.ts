// `classifier-lab bench --conv`: every Conv2d pass timed standalone per layer shape — forward (bias and
// activation fused), input gradient and weight gradient (+ bias) — on zero-filled scratch operands
// (times do not depend on the values), as GPU time per dispatch (timestamp queries) summed per pass, and
// GFLOP/s of the pass's 2·B·P·Cout·Cin·k² multiply-adds.
import { pad4 } from '../gpu/buffers';
import type { KernelContext } from '../gpu/context';
import { timeConvBlocks } from '../gpu/autotune';
import type { CeilingTiming } from '../gpu/ceiling';
import { Conv, convBlockName, convChoices, convGeometry, convScratch, heuristicConvChoice, type ConvPass as GemmPass, type ConvSpec } from '../gpu/conv';
import type { Dispatch } from '../gpu/dispatch';
import { Profiler, timestampsSupported } from '../gpu/profiler';
import { table } from './bench-format';

export interface ConvShapeCase extends ConvSpec {
  /** Where the shape comes from ("lenet conv1"). */
  name: string;
}

/** LeNet's two convs (d2l batch 128) and resnet-lab-like 28×28 shapes (batch 128): 3×3 pad 1, 3×3/2 downsampling, a strided 1×1 shortcut. */
export const convBenchShapes: readonly ConvShapeCase[] = [
  { name: 'lenet conv1', rows: 128, inC: 1, h: 28, w: 28, outC: 6, kernel: 5, stride: 1, padding: 2 },
  { name: 'lenet conv2', rows: 128, inC: 6, h: 14, w: 14, outC: 16, kernel: 5, stride: 1, padding: 0 },
  { name: 'resnet stem 3×3', rows: 128, inC: 1, h: 28, w: 28, outC: 16, kernel: 3, stride: 1, padding: 1 },
  { name: 'resnet 16→16 3×3', rows: 128, inC: 16, h: 28, w: 28, outC: 16, kernel: 3, stride: 1, padding: 1 },
  { name: 'resnet 16→32 3×3/2', rows: 128, inC: 16, h: 28, w: 28, outC: 32, kernel: 3, stride: 2, padding: 1 },
  { name: 'resnet 32→32 3×3', rows: 128, inC: 32, h: 14, w: 14, outC: 32, kernel: 3, stride: 1, padding: 1 },
  { name: 'resnet 16→32 1×1/2', rows: 128, inC: 16, h: 28, w: 28, outC: 32, kernel: 1, stride: 2, padding: 0 },
  { name: 'resnet 64→64 3×3', rows: 128, inC: 64, h: 7, w: 7, outC: 64, kernel: 3, stride: 1, padding: 1 },
];

export type ConvPass = 'forward' | 'dX' | 'dW';

export interface ConvPassTiming {
  shape: string;
  pass: ConvPass;
  ms: number;
  gflops: number;
  /** The dispatches of the pass and their variants. */
  kernels: string;
}

/** Which pass a backward dispatch serves: the input gradient's (labels …dX…, …dColumns), else the weight gradient's. */
export function passOf(d: Dispatch, forward: boolean): ConvPass {
  if (forward) return 'forward';
  return /\.d(X|Columns|Col)\b|\.dX/.test(d.label) ? 'dX' : 'dW';
}

/** Multiply-add FLOPs of one pass: 2·B·OH·OW·Cout·Cin·k² (the bias and activation not counted). */
export function convPassFlops(s: ConvSpec): number {
  const g = convGeometry(s);
  return 2 * s.rows * g.pixels * s.outC * g.k;
}

async function scratchBuffers(device: GPUDevice, s: ConvSpec) {
  const g = convGeometry(s);
  const sc = convScratch(s);
  const cp = g.c4 * 4;
  const make = (label: string, floats: number) =>
    device.createBuffer({ label: `benchConv.${label}`, size: Math.max(16, Math.ceil((floats * 4) / 256) * 256), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  return {
    x: make('x', s.rows * g.xStride), w: make('w', g.kRows * cp), bias: make('bias', cp), y: make('y', s.rows * g.yStride),
    dy: make('dy', s.rows * g.yStride), dyp: make('dyp', sc.dyp), partials: make('partials', sc.partials), columns: make('columns', sc.columns),
    dw: make('dw', g.kRows * cp), db: make('db', pad4(s.outC)), dx: make('dx', s.rows * g.xStride),
  };
}

/** Median GPU time of each pass of each shape (reps timed runs after a warm-up). */
export async function benchConvPasses(kc: KernelContext, shapes: readonly ConvShapeCase[], reps = 5): Promise<ConvPassTiming[]> {
  if (!timestampsSupported(kc.device)) throw new Error('bench --conv needs timestamp queries (per-dispatch GPU time), which this adapter lacks');
  const conv = new Conv(kc);
  const out: ConvPassTiming[] = [];
  for (const s of shapes) {
    const b = await scratchBuffers(kc.device, s);
    const bind = (x: GPUBuffer) => ({ buffer: x });
    const forward = await conv.forward(s, 'relu', { x: bind(b.x), w: bind(b.w), bias: bind(b.bias), y: bind(b.y) }, `${s.name}.forward`);
    const backward = await conv.backward(s, 'relu', {
      x: bind(b.x), w: bind(b.w), dy: bind(b.dy), dyp: bind(b.dyp), partials: bind(b.partials), dw: bind(b.dw), db: bind(b.db), dx: bind(b.dx), columns: bind(b.columns),
    }, s.name);
    const list = [...forward, ...backward];
    // Sized per layer: three Winograd passes take 39 + 39 + 19 dispatches.
    const profiler = new Profiler(kc.device, list.length);
    const times = await profiler.time(list, 0, reps).finally(() => profiler.destroy());
    const flops = convPassFlops(s);
    for (const pass of ['forward', 'dX', 'dW'] as const) {
      const picked = list.map((d, i) => ({ d, t: times[i] })).filter(({ d }, i) => passOf(d, i < forward.length) === pass);
      const ms = picked.reduce((a, p) => a + p.t.ms, 0);
      // A Winograd pass's GEMMs (36; the weight gradient's 16) are named once (winoGemm×36), in the variant of the first.
      const gemms = picked.filter(({ d }) => /winoGemm\d+$/.test(d.label)).length;
      const kernels = picked
        .filter(({ d }) => !/winoGemm[1-9]\d*$/.test(d.label))
        .map(({ d }) => `${d.label.slice(s.name.length + 1).replace(/winoGemm0$/, `winoGemm×${gemms}`)}${d.variant ? `[${d.variant}]` : ''}`)
        .join(' ');
      out.push({ shape: s.name, pass, ms, gflops: ms > 0 ? flops / ms / 1e6 : 0, kernels });
    }
    for (const x of Object.values(b)) x.destroy();
  }
  return out;
}

/** One row per shape: each pass's GPU ms and GFLOP/s. */
export function convTable(rows: readonly ConvPassTiming[], shapes: readonly ConvShapeCase[]): string {
  const head = ['conv shape (batch, in → out, k/s pad)', 'fwd ms', 'fwd GFLOP/s', 'dX ms', 'dX GFLOP/s', 'dW ms', 'dW GFLOP/s'];
  const body = shapes.map((s) => {
    const get = (p: ConvPass) => rows.find((r) => r.shape === s.name && r.pass === p);
    const cells = (['forward', 'dX', 'dW'] as const).flatMap((p) => {
      const r = get(p);
      return r ? [r.ms.toFixed(3), r.gflops.toFixed(2)] : ['–', '–'];
    });
    return [`${s.name} (${s.rows}, ${s.inC}×${s.h}×${s.w} → ${s.outC}, ${s.kernel}/${s.stride} p${s.padding})`, ...cells];
  });
  return table([head, ...body]);
}

/**
 * `bench --conv-blocks`: each pass of each shape in every generated block (the subgroup ones where the device
 * and pass have them) and, where it fits, as Winograd
 * (reps timed runs; as the autotuner times them), one line per shape and pass, fastest first in GFLOP/s,
 * the heuristic's choice marked with *.
 */
export async function benchConvBlocks(kc: KernelContext, shapes: readonly ConvShapeCase[], reps = 3): Promise<string> {
  const conv = new Conv(kc);
  const profiler = new Profiler(kc.device, 48);
  const lines: string[] = [];
  try {
    for (const s of shapes) {
      const flops = convPassFlops(s);
      for (const pass of ['forward', 'input_grad', 'weight_grad'] as const satisfies readonly GemmPass[]) {
        const times = await timeConvBlocks(kc, conv, s, pass, convChoices(s, pass, conv.winogradMaxBytes, conv.subgroups), reps, profiler);
        const chosen = convBlockName(heuristicConvChoice(s, pass, conv.winogradMaxBytes, conv.subgroups));
        const row = Object.entries(times).sort((a, b) => a[1] - b[1]).map(([n, ms]) => `${n}${n === chosen ? '*' : ''} ${(flops / ms / 1e6).toFixed(2)}`);
        lines.push(`${s.name} ${pass}: ${row.join(', ')}`);
      }
    }
  } finally {
    profiler.destroy();
  }
  return lines.join('\n');
}

/** The adapter's 8x8 register-block rates (src/gpu/ceiling.ts), printed under the conv figures: what they are measured against. */
export function ceilingLine(rows: readonly CeilingTiming[]): string {
  const [alu, gather] = rows;
  return `an 8x8 register block on this adapter (shaders/ceiling.wgsl): ${alu.gflops.toFixed(2)} GFLOP/s with its operands in registers (a load per ${alu.productsPerLoad} multiply-adds), ${gather.gflops.toFixed(2)} with every operand loaded (a load per ${gather.productsPerLoad})`;
}

/** The same figures for the JSON lines: {alu_gflops, gather_gflops}. */
export function ceilingJson(rows: readonly CeilingTiming[]): Record<string, number> {
  return Object.fromEntries(rows.map((c) => [`${c.kernel}_gflops`, Number(c.gflops.toFixed(3))]));
}
