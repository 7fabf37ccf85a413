// The one copy of the sliding-window size formula, shared by convolution and pooling on every floor
// (layer modules, CPU reference, GPU wrappers): PyTorch's floor mode.

/** Output length of a window of `kernel` moved by `stride` over `size` values padded by `padding` each side: ⌊(n + 2p − k) / s⌋ + 1. */
export function windowOut(size: number, kernel: number, stride: number, padding: number): number {
  return Math.floor((size + 2 * padding - kernel) / stride) + 1;
}
