// CPU reference of MaxPool2d and AvgPool2d (no padding, floor mode), NCHW. Max pooling routes the
// gradient to the first maximum of each window in row-major order (PyTorch's and NumPy's tie rule).

export interface PoolShape {
  batch: number;
  channels: number;
  h: number;
  w: number;
  kernel: number;
  stride: number;
}

/** Output height and width: ⌊(H − k) / s⌋ + 1. */
export function poolOutSize(s: PoolShape): [number, number] {
  return [Math.floor((s.h - s.kernel) / s.stride) + 1, Math.floor((s.w - s.kernel) / s.stride) + 1];
}

/** Index (y·W + x within its channel) of the first maximum of every window. */
export function maxPoolArgmax(x: ArrayLike<number>, s: PoolShape): Uint32Array {
  const [oh, ow] = poolOutSize(s);
  const { h, w, kernel: k, stride } = s;
  const arg = new Uint32Array(s.batch * s.channels * oh * ow);
  for (let bc = 0; bc < s.batch * s.channels; bc++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        let best = -Infinity;
        let at = (i * stride) * w + j * stride;
        for (let p = 0; p < k; p++) {
          for (let q = 0; q < k; q++) {
            const idx = (i * stride + p) * w + j * stride + q;
            const v = x[bc * h * w + idx];
            if (v > best) {
              best = v;
              at = idx;
            }
          }
        }
        arg[(bc * oh + i) * ow + j] = at;
      }
    }
  }
  return arg;
}

// x: (B, C, H, W) → y: (B, C, OH, OW), y[b, c, i, j] = max over the k×k window at (i·s, j·s)
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

// y[b, c, i, j] = mean over the k×k window at (i·s, j·s)
export function avgPool2dForward(x: ArrayLike<number>, s: PoolShape): Float64Array {
  const [oh, ow] = poolOutSize(s);
  const { h, w, kernel: k, stride } = s;
  const y = new Float64Array(s.batch * s.channels * oh * ow);
  for (let bc = 0; bc < s.batch * s.channels; bc++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) for (let q = 0; q < k; q++) sum += x[bc * h * w + (i * stride + p) * w + j * stride + q];
        y[(bc * oh + i) * ow + j] = sum / (k * k);
      }
    }
  }
  return y;
}

// dX[b, c, y, x] = Σ dY / k² over the windows that cover (y, x)   (x is unused: same argument order)
export function avgPool2dBackward(_x: ArrayLike<number>, dY: ArrayLike<number>, s: PoolShape): Float64Array {
  const [oh, ow] = poolOutSize(s);
  const { h, w, kernel: k, stride } = s;
  const dX = new Float64Array(s.batch * s.channels * h * w);
  for (let bc = 0; bc < s.batch * s.channels; bc++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const g = dY[(bc * oh + i) * ow + j] / (k * k);
        for (let p = 0; p < k; p++) for (let q = 0; q < k; q++) dX[bc * h * w + (i * stride + p) * w + j * stride + q] += g;
      }
    }
  }
  return dX;
}
