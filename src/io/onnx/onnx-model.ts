// ONNX export of a lab model (opset 13): raw features in, normalisation folded in as Mul/Add, one node
// per layer, logits out (and softmax probabilities when asked). Messages are built with onnx-proto, the
// protobufjs code generated from the official onnx.proto; no bytes are written by hand here.
import onnxProto from 'onnx-proto';
import { affineOf, featureSize } from '../../data/dataset';
import { featuresShape, type Manifest } from '../manifest';
import { layerNodes, type GraphBuilder } from './onnx-layers';
import { normalizationOf } from '../checkpoint';
import { weightSpecs } from '../weights-file';

const { onnx } = onnxProto;

export const OPSET = 13;
/** IR version 7 is the one released with opset 13 (ONNX 1.8). */
const IR_VERSION = 7;

export interface OnnxOptions {
  /** Adds a `probabilities` output: Softmax over the class axis. */
  softmax?: boolean;
}

/** Float32 initializer with raw little-endian data (ONNX's TensorProto.raw_data). */
function floatTensor(name: string, dims: number[], data: Float32Array): InstanceType<typeof onnx.TensorProto> {
  const bytes = new Uint8Array(data.length * 4);
  const view = new DataView(bytes.buffer);
  data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: bytes });
}

function valueInfo(name: string, dims: (number | string)[]) {
  const dim = dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d }));
  return onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim } } } });
}

/** Builds the graph of a model; `params` are the file-layout tensors (PyTorch layout: what ONNX wants). */
export function buildOnnxModel(manifest: Manifest, params: ReadonlyMap<string, Float32Array>, options: OnnxOptions = {}): Uint8Array {
  const arch = manifest.architecture;
  const nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  const initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  let counter = 0;
  const g: GraphBuilder = {
    node(opType, inputs, attributes = {}, name) {
      const output = `${name ?? opType.toLowerCase()}_${counter++}`;
      nodes.push(onnx.NodeProto.create({ opType, name: output, input: inputs, output: [output], attribute: attributeList(attributes) }));
      return output;
    },
    constant(name, dims, data) {
      initializers.push(floatTensor(name, dims, data));
      return name;
    },
    param(name) {
      const t = params.get(name);
      if (!t) throw new Error(`ONNX export: the model has no tensor ${name}`);
      const spec = manifestShape(manifest, name);
      initializers.push(floatTensor(name, spec, t));
      return name;
    },
  };

  // x' = x · scale + shift, per feature, exactly as the GPU gather computes it (f32 multiply, then add).
  const raw = featuresShape(manifest);
  const size = featureSize(raw);
  const { scale, shift } = affineOf(normalizationOf(manifest.normalization), size);
  let x = g.node('Mul', ['input', g.constant('normalize.scale', raw, scale)], {}, 'normalize_mul');
  if (shift.some((v) => v !== 0)) x = g.node('Add', [x, g.constant('normalize.shift', raw, shift)], {}, 'normalize_add');
  // The run's resize, as the gather does it: bilinear, half-pixel centres (PyTorch's align_corners=False),
  // to (batch, C, R, R) whatever the batch: sizes = Concat(Shape(x)[0:2], [R, R]).
  if (manifest.config.resize !== undefined) {
    const r = manifest.config.resize;
    initializers.push(int64Tensor('resize.starts', [0]), int64Tensor('resize.ends', [2]), int64Tensor('resize.hw', [r, r]));
    const lead = g.node('Slice', [g.node('Shape', [x], {}, 'resize_shape'), 'resize.starts', 'resize.ends'], {}, 'resize_lead');
    const sizes = g.node('Concat', [lead, 'resize.hw'], { axis: 0 }, 'resize_sizes');
    x = g.node('Resize', [x, '', '', sizes], { mode: { string: 'linear' }, coordinate_transformation_mode: { string: 'half_pixel' } }, 'resize');
  }
  const logits = layerNodes(arch, x, g);
  nodes.push(onnx.NodeProto.create({ opType: 'Identity', name: 'logits', input: [logits], output: ['logits'] }));
  const outputs = [valueInfo('logits', ['batch', arch.numClasses])];
  if (options.softmax) {
    nodes.push(onnx.NodeProto.create({ opType: 'Softmax', name: 'probabilities', input: ['logits'], output: ['probabilities'], attribute: attributeList({ axis: 1 }) }));
    outputs.push(valueInfo('probabilities', ['batch', arch.numClasses]));
  }

  const graph = onnx.GraphProto.create({
    name: `${arch.name}`,
    node: nodes,
    initializer: initializers,
    input: [valueInfo('input', ['batch', ...raw])],
    output: outputs,
    docString: `Classifier Lab ${arch.name}: input = raw features (batch, ${raw.join(', ')}) as float32, before normalisation${manifest.config.resize ? ' and resize' : ''}; output logits (batch, ${arch.numClasses}).`,
  });
  const { history: _history, ...rest } = manifest;
  const metadata: Record<string, string> = {
    'classifier_lab.format': manifest.format,
    class_names: JSON.stringify(manifest.classNames),
    normalization: JSON.stringify(manifest.normalization),
    'normalization.note': 'Folded into the graph: input · normalize.scale (+ normalize.shift). Feed raw features.',
    weight_layout: manifest.weightLayout,
    'classifier_lab.manifest': JSON.stringify(rest),
  };
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'classifier-lab',
    producerVersion: manifest.format,
    modelVersion: 1,
    docString: graph.docString,
    graph,
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Int64 initializer (shapes and indices). */
function int64Tensor(name: string, data: number[]): InstanceType<typeof onnx.TensorProto> {
  return onnx.TensorProto.create({ name, dims: [data.length], dataType: onnx.TensorProto.DataType.INT64, int64Data: data });
}

/** Attribute values: integers, integer lists, floats and strings, the only kinds these graphs need. */
function attributeList(attributes: Record<string, number | number[] | { float: number } | { string: string }>) {
  const A = onnx.AttributeProto.AttributeType;
  return Object.entries(attributes).map(([name, v]) => {
    if (Array.isArray(v)) return onnx.AttributeProto.create({ name, type: A.INTS, ints: v });
    if (typeof v === 'object' && 'string' in v) return onnx.AttributeProto.create({ name, type: A.STRING, s: new TextEncoder().encode(v.string) });
    if (typeof v === 'object') return onnx.AttributeProto.create({ name, type: A.FLOAT, f: v.float });
    return onnx.AttributeProto.create({ name, type: A.INT, i: v });
  });
}

/** A model tensor's file shape, from the architecture (state tensors included). */
function manifestShape(m: Manifest, name: string): number[] {
  const spec = weightSpecs(m.architecture).find((t) => t.name === name);
  if (!spec) throw new Error(`ONNX export: the ${m.architecture.name} architecture has no tensor ${name}`);
  return spec.shape;
}
