// Per-kernel throughput of the wasm kernels on the MLP's shapes (batch 256, 784 → 256 → 10), on 1 and 2
// threads: `npx vitest bench --run src/wasm/kernels.bench.ts`. GFLOP/s = 2·M·N·K per product over the
// median time (tinybench's). Timings on a shared machine drift: compare rows of one run.
import { bench, describe } from 'vitest';
import { Harness } from './harness';
import { mat, matmulNN, matmulTN, transposeOp, type ProductOptions } from './ops';
import type { Op } from './program';


const fill = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 0.5);

interface Case {
  name: string;
  flops: number;
  build(h: Harness): Op[][];
}

const [B, D, H, C] = [256, 784, 256, 10];
const product = (layout: 'nn' | 'tn' | 'nt', m: number, k: number, n: number, o: ProductOptions = {}): Case => ({
  name: `${layout} ${m}×${k}·${k}×${n}${o.epilogue ? ` ${o.epilogue}` : ''}`,
  flops: 2 * m * n * k,
  build(h) {
    const pad = (x: number) => Math.ceil(x / 4) * 4;
    const c = mat(h.alloc('c', m * pad(n) * 4), m, n);
    if (layout === 'nn') return [[matmulNN('nn', mat(h.put('a', fill(m * pad(k))), m, k), mat(h.put('b', fill(k * pad(n))), k, n), c, o)]];
    if (layout === 'tn') return [[matmulTN('tn', mat(h.put('a', fill(k * pad(m))), k, m), mat(h.put('b', fill(k * pad(n))), k, n), c, o)]];
    const bt = mat(h.alloc('bt', k * pad(n) * 4), k, n);
    return [[transposeOp('pack', mat(h.put('b', fill(n * pad(k))), n, k), bt)], [matmulNN('nt', mat(h.put('a', fill(m * pad(k))), m, k), bt, c, o)]];
  },
});

const cases: Case[] = [
  product('nn', B, D, H, { epilogue: 'relu' }), // MLP layer 1 forward
  product('tn', D, B, H), // layer 1 weight gradient
  product('nn', B, H, C), // layer 2 forward
  product('tn', H, B, C), // layer 2 weight gradient
  product('nt', B, C, H, { epilogue: 'reluMask' }), // layer 2 input gradient (with the Wᵀ pack)
  product('nn', B, D, C), // softmax regression forward
];

for (const c of cases) {
  describe(c.name, async () => {
    for (const threads of [1, 2]) {
      const h = new Harness();
      const { run } = await h.start(c.build(h), threads);
      const samples: number[] = [];
      const report = () => {
        if (samples.length === 0) return;
        const sorted = [...samples].sort((a, b) => a - b);
        const rate = (ms: number) => (c.flops / (ms / 1000) / 1e9).toFixed(1);
        const median = sorted[Math.floor(sorted.length / 2)];
        console.log(`${c.name}, ${threads} thread(s): ${rate(median)} GFLOP/s at the median (${median.toFixed(3)} ms), ${rate(sorted[0])} at the best, of ${sorted.length}`);
      };
      const name = `${threads} thread${threads > 1 ? 's' : ''}`;
      bench(name, () => {
        const t = performance.now();
        run();
        samples.push(performance.now() - t);
      }, {
        time: 1000,
        warmupTime: 200,
        teardown: (_task, mode) => {
          if (mode === 'run') report();
          else samples.length = 0;
        },
      });
    }
  });
}
