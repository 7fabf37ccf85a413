// CPU reference of MaxPool2d and AvgPool2d (kernel, stride, zero padding; floor mode) and of global
// average pooling, NCHW. PyTorch's semantics where a window overhangs into the padding: max ignores the
// padding, average counts it (count_include_pad=True: the divisor is always k², since in floor mode no
// window reaches past the padded image). Max pooling routes the gradient to the first maximum of each
// window in row-major order (PyTorch's and NumPy's tie rule).
import { windowOut } from './window';

export interface PoolShape {
  batch: number;
  channels: number;
  h: number;
  w: number;
  kernel: number;
  stride: number;
  /** Zero padding on each side (default 0); at most ⌊k / 2⌋ as PyTorch requires, so every window holds a real element. */
  padding?: number;
}

function checkPadding(s: PoolShape): number {
  const p = s.padding ?? 0;
  if (!Number.isInteger(p) || p < 0 || 2 * p > s.kernel) throw new Error(`pool padding ${p} must be a whole number from 0 to half the kernel (${s.kernel})`);
  return p;
}

/** Output height and width: ⌊(H + 2p − k) / s⌋ + 1. */
export function poolOutSize(s: PoolShape): [number, number] {
  const p = s.padding ?? 0;
  return [windowOut(s.h, s.kernel, s.stride, p), windowOut(s.w, s.kernel, s.stride, p)];
}

/** Index (y·W + x within its channel) of the first maximum of every window, padding ignored. */
export function maxPoolArgmax(x: ArrayLike<number>, s: PoolShape): Uint32Array {
  const pad = checkPadding(s);
  const [oh, ow] = poolOutSize(s);
  const { h, w, kernel: k, stride } = s;
  const arg = new Uint32Array(s.batch * s.channels * oh * ow);
  for (let bc = 0; bc < s.batch * s.channels; bc++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        let best = -Infinity;
        let at = -1;
        for (let p = 0; p < k; p++) {
          const iy = i * stride - pad + p;
          if (iy < 0 || iy >= h) continue;
          for (let q = 0; q < k; q++) {
            const ix = j * stride - pad + q;
            if (ix < 0 || ix >= w) continue;
            const v = x[bc * h * w + iy * w + ix];
            if (at < 0 || v > best) {
              best = v;
              at = iy * w + ix;
            }
          }
        }
        arg[(bc * oh + i) * ow + j] = at;
      }
    }
  }
  return arg;
}

// x: (B, C, H, W) → y: (B, C, OH, OW), y[b, c, i, j] = max of x over the real elements of the k×k window at (i·s − p, j·s − p)
export function maxPool2dForward(x: ArrayLike<number>, s: PoolShape): Float64Array {
  const arg = maxPoolArgmax(x, s);
  const plane = s.h * s.w;
  const per = arg.length / (s.batch * s.channels);
  return Float64Array.from(arg, (a, o) => x[Math.floor(o / per) * plane + a]);
}

// dX[b, c, y, x] = Σ dY over the windows whose first maximum is (y, x)
export function maxPool2dBackward(x: ArrayLike<number>, dY: ArrayLike<number>, s: PoolShape): Float64Array {
  const arg = maxPoolArgmax(x, s);
  const plane = s.h * s.w;
  const per = arg.length / (s.batch * s.channels);
  const dX = new Float64Array(s.batch * s.channels * plane);
  for (let o = 0; o < arg.length; o++) dX[Math.floor(o / per) * plane + arg[o]] += dY[o];
  return dX;
}

/** Calls visit(input index within the channel) for the real elements of window (i, j). */
function forWindow(s: PoolShape, pad: number, i: number, j: number, visit: (at: number) => void): void {
  for (let p = 0; p < s.kernel; p++) {
    const iy = i * s.stride - pad + p;
    if (iy < 0 || iy >= s.h) continue;
    for (let q = 0; q < s.kernel; q++) {
      const ix = j * s.stride - pad + q;
      if (ix >= 0 && ix < s.w) visit(iy * s.w + ix);
    }
  }
}

// y[b, c, i, j] = (Σ of x over the real elements of the k×k window at (i·s − p, j·s − p)) / k²   (padding counts as 0)
export function avgPool2dForward(x: ArrayLike<number>, s: PoolShape): Float64Array {
  const pad = checkPadding(s);
  const [oh, ow] = poolOutSize(s);
  const plane = s.h * s.w;
  const k2 = s.kernel * s.kernel;
  const y = new Float64Array(s.batch * s.channels * oh * ow);
  for (let bc = 0; bc < s.batch * s.channels; bc++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        let sum = 0;
        forWindow(s, pad, i, j, (at) => (sum += x[bc * plane + at]));
        y[(bc * oh + i) * ow + j] = sum / k2;
      }
    }
  }
  return y;
}

// dX[b, c, y, x] = Σ dY / k² over the windows that cover (y, x)   (x is unused: same argument order)
export function avgPool2dBackward(_x: ArrayLike<number>, dY: ArrayLike<number>, s: PoolShape): Float64Array {
  const pad = checkPadding(s);
  const [oh, ow] = poolOutSize(s);
  const plane = s.h * s.w;
  const k2 = s.kernel * s.kernel;
  const dX = new Float64Array(s.batch * s.channels * plane);
  for (let bc = 0; bc < s.batch * s.channels; bc++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const g = dY[(bc * oh + i) * ow + j] / k2;
        forWindow(s, pad, i, j, (at) => (dX[bc * plane + at] += g));
      }
    }
  }
  return dX;
}

/** Global average pooling's input: (batch, channels, h, w) → (batch, channels, 1, 1). */
export interface GlobalPoolShape {
  batch: number;
  channels: number;
  h: number;
  w: number;
}

// x: (B, C, H, W) → y: (B, C, 1, 1), y[b, c] = Σ_{y, x} x[b, c, y, x] / (H·W), summed in row-major order
export function globalAvgPoolForward(x: ArrayLike<number>, s: GlobalPoolShape): Float64Array {
  const plane = s.h * s.w;
  const y = new Float64Array(s.batch * s.channels);
  for (let bc = 0; bc < y.length; bc++) {
    let sum = 0;
    for (let i = 0; i < plane; i++) sum += x[bc * plane + i];
    y[bc] = sum / plane;
  }
  return y;
}

// dX[b, c, y, x] = dY[b, c] / (H·W)   (x is unused: same argument order)
export function globalAvgPoolBackward(_x: ArrayLike<number>, dY: ArrayLike<number>, s: GlobalPoolShape): Float64Array {
  const plane = s.h * s.w;
  const dX = new Float64Array(s.batch * s.channels * plane);
  for (let i = 0; i < dX.length; i++) dX[i] = dY[Math.floor(i / plane)] / plane;
  return dX;
}
