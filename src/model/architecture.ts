// A model is a flat list of layers, in the order of PyTorch's nn.Sequential, so that tensor names
// (`layers.{i}.weight`) and layouts line up with a `load_state_dict` on the obvious Sequential.
// This is the architecture half of the manifest: enough to rebuild the model from a file.

export type LayerSpec =
  | { type: 'flatten' }
  /** weight (out, in) in files; (in, out) on the GPU so the forward is X·W. */
  | { type: 'dense'; in: number; out: number }
  | { type: 'relu' }
  | { type: 'sigmoid' }
  | { type: 'dropout'; p: number }
  /** weight (out, in, kh, kw), as PyTorch's Conv2d. */
  | { type: 'conv2d'; in: number; out: number; kernel: number; stride: number; padding: number }
  | { type: 'maxpool2d'; kernel: number; stride: number }
  | { type: 'avgpool2d'; kernel: number; stride: number }
  /** BatchNorm1d after dense layers (spatial = false), BatchNorm2d after convolutions. */
  | { type: 'batchnorm'; features: number; spatial: boolean; eps: number; momentum: number };

export type LayerType = LayerSpec['type'];

export type InitKind = 'normal' | 'xavier-uniform' | 'he';

export interface Architecture {
  /** The zoo name it was built from (`softmax`, `mlp`, ...). */
  name: string;
  /** Per-example input shape, as the dataset gives it: [C, H, W] or [D]. */
  inputShape: number[];
  numClasses: number;
  layers: LayerSpec[];
  /** Weight initialisation: kind and, for `normal`, its σ. Biases start at 0. */
  init: { kind: InitKind; sigma: number };
}

/** A parameter tensor of one layer, with its shape as stored in files (PyTorch layout). */
export interface ParamSpec {
  layer: number;
  name: 'weight' | 'bias';
  shape: number[];
}

/** Output shape of a layer given its input shape; throws with the layer index when they do not fit. */
export function outputShape(spec: LayerSpec, input: number[], index: number): number[] {
  const size = input.reduce((a, b) => a * b, 1);
  switch (spec.type) {
    case 'flatten':
      return [size];
    case 'dense':
      if (size !== spec.in) throw new Error(`layer ${index} (dense): expects ${spec.in} inputs, gets ${size} (shape ${input.join('×')})`);
      return [spec.out];
    case 'relu':
    case 'sigmoid':
    case 'dropout':
    case 'batchnorm':
      return input;
    case 'conv2d': {
      const [c, h, w] = input;
      if (input.length !== 3 || c !== spec.in) throw new Error(`layer ${index} (conv2d): expects ${spec.in} channels, gets shape ${input.join('×')}`);
      const oh = Math.floor((h + 2 * spec.padding - spec.kernel) / spec.stride) + 1;
      const ow = Math.floor((w + 2 * spec.padding - spec.kernel) / spec.stride) + 1;
      if (oh < 1 || ow < 1) throw new Error(`layer ${index} (conv2d): a ${h}×${w} input is smaller than the ${spec.kernel}×${spec.kernel} kernel`);
      return [spec.out, oh, ow];
    }
    case 'maxpool2d':
    case 'avgpool2d': {
      const [c, h, w] = input;
      if (input.length !== 3) throw new Error(`layer ${index} (${spec.type}): needs a C×H×W input, gets ${input.join('×')}`);
      const oh = Math.floor((h - spec.kernel) / spec.stride) + 1;
      const ow = Math.floor((w - spec.kernel) / spec.stride) + 1;
      if (oh < 1 || ow < 1) throw new Error(`layer ${index} (${spec.type}): a ${h}×${w} input is smaller than the ${spec.kernel}×${spec.kernel} window`);
      return [c, oh, ow];
    }
    default:
      return spec satisfies never;
  }
}

/** Shapes after every layer; the last is [numClasses]. */
export function layerShapes(arch: Architecture): number[][] {
  const shapes: number[][] = [];
  let s = arch.inputShape;
  arch.layers.forEach((l, i) => {
    s = outputShape(l, s, i);
    shapes.push(s);
  });
  return shapes;
}

/** Trainable parameters, in file order. */
export function paramSpecs(arch: Architecture): ParamSpec[] {
  const out: ParamSpec[] = [];
  arch.layers.forEach((l, i) => {
    if (l.type === 'dense') {
      out.push({ layer: i, name: 'weight', shape: [l.out, l.in] }, { layer: i, name: 'bias', shape: [l.out] });
    } else if (l.type === 'conv2d') {
      out.push({ layer: i, name: 'weight', shape: [l.out, l.in, l.kernel, l.kernel] }, { layer: i, name: 'bias', shape: [l.out] });
    } else if (l.type === 'batchnorm') {
      out.push({ layer: i, name: 'weight', shape: [l.features] }, { layer: i, name: 'bias', shape: [l.features] });
    }
  });
  return out;
}

export function paramCount(arch: Architecture): number {
  return paramSpecs(arch).reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
}
