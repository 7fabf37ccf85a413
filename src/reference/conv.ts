// CPU reference of Conv2d (PyTorch semantics: cross-correlation, square kernel, zero padding), NCHW
// activations and (out, in, k, k) weights, f64 accumulation. Forward directly above its backward.
import { windowOut } from './window';

export interface ConvShape {
  batch: number;
  inC: number;
  h: number;
  w: number;
  outC: number;
  kernel: number;
  stride: number;
  padding: number;
}

/** Output height and width: ⌊(H + 2·pad − k) / s⌋ + 1. */
export function convOutSize(s: ConvShape): [number, number] {
  return [windowOut(s.h, s.kernel, s.stride, s.padding), windowOut(s.w, s.kernel, s.stride, s.padding)];
}

// x: (B, Cin, H, W), w: (Cout, Cin, k, k), bias: (Cout,) → y: (B, Cout, OH, OW)
// y[b, o, i, j] = bias[o] + Σ_{c, p, q} w[o, c, p, q] · x[b, c, i·s − pad + p, j·s − pad + q]   (0 outside)
export function conv2dForward(x: ArrayLike<number>, w: ArrayLike<number>, bias: ArrayLike<number>, s: ConvShape): Float64Array {
  const [oh, ow] = convOutSize(s);
  const { inC, h, w: iw, outC, kernel: k, stride, padding } = s;
  const y = new Float64Array(s.batch * outC * oh * ow);
  for (let b = 0; b < s.batch; b++) {
    for (let o = 0; o < outC; o++) {
      const yBase = (b * outC + o) * oh * ow;
      for (let i = 0; i < oh; i++) {
        for (let j = 0; j < ow; j++) {
          let acc = bias[o];
          for (let c = 0; c < inC; c++) {
            const xBase = (b * inC + c) * h * iw;
            const wBase = (o * inC + c) * k * k;
            for (let p = 0; p < k; p++) {
              const y0 = i * stride - padding + p;
              if (y0 < 0 || y0 >= h) continue;
              for (let q = 0; q < k; q++) {
                const x0 = j * stride - padding + q;
                if (x0 < 0 || x0 >= iw) continue;
                acc += w[wBase + p * k + q] * x[xBase + y0 * iw + x0];
              }
            }
          }
          y[yBase + i * ow + j] = acc;
        }
      }
    }
  }
  return y;
}

// dY: (B, Cout, OH, OW) → dX: (B, Cin, H, W), dW: (Cout, Cin, k, k), dB: (Cout,)
// dW[o, c, p, q] = Σ_{b, i, j} dY[b, o, i, j] · x[b, c, i·s − pad + p, j·s − pad + q]; dB[o] = Σ dY[b, o, ·, ·];
// dX[b, c, y, x] = Σ over the outputs whose window covers (y, x) of dY · w
export function conv2dBackward(x: ArrayLike<number>, w: ArrayLike<number>, dY: ArrayLike<number>, s: ConvShape) {
  const [oh, ow] = convOutSize(s);
  const { inC, h, w: iw, outC, kernel: k, stride, padding } = s;
  const dX = new Float64Array(s.batch * inC * h * iw);
  const dW = new Float64Array(outC * inC * k * k);
  const dB = new Float64Array(outC);
  for (let b = 0; b < s.batch; b++) {
    for (let o = 0; o < outC; o++) {
      const yBase = (b * outC + o) * oh * ow;
      for (let i = 0; i < oh; i++) {
        for (let j = 0; j < ow; j++) {
          const g = dY[yBase + i * ow + j];
          dB[o] += g;
          if (g === 0) continue;
          for (let c = 0; c < inC; c++) {
            const xBase = (b * inC + c) * h * iw;
            const wBase = (o * inC + c) * k * k;
            for (let p = 0; p < k; p++) {
              const y0 = i * stride - padding + p;
              if (y0 < 0 || y0 >= h) continue;
              for (let q = 0; q < k; q++) {
                const x0 = j * stride - padding + q;
                if (x0 < 0 || x0 >= iw) continue;
                dW[wBase + p * k + q] += g * x[xBase + y0 * iw + x0];
                dX[xBase + y0 * iw + x0] += g * w[wBase + p * k + q];
              }
            }
          }
        }
      }
    }
  }
  return { dX, dW, dB };
}
