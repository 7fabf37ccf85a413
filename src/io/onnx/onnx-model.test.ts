// Every zoo model exported to ONNX and run by onnxruntime-node (the same version as onnxruntime-web)
// against the lab's own forward pass (the CPU reference): logits within atol 1e-4 + rtol 1e-4·|ref|
// (an f32 graph against the f64 reference), every argmax equal; softmax output within 1e-5 + 1e-3·p (a logit error δ moves p by about p·δ).
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { featureSize } from '../../data/dataset';
import { graphOf, type Architecture } from '../../model/architecture';
import { defaultConfig, type ModelName, type TrainConfig } from '../../model/config';
import { buildArchitecture, zoo } from '../../model/zoo';
import { labLogits } from '../lab-forward';
import { FORMAT, type Manifest, type ManifestNormalization } from '../manifest';
import { weightSpecs } from '../weights-file';
import { buildOnnxModel, OPSET } from './onnx-model';
import { compareLogits } from './parity';
import { runOnnxNode } from './run-node';

const { onnx } = onnxProto;

/** The ONNX operator each layer type writes (dropout writes none). */
const onnxOp: Record<string, string> = {
  dense: 'Gemm', conv2d: 'Conv', relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh', maxpool2d: 'MaxPool', avgpool2d: 'AveragePool', globalavgpool: 'GlobalAveragePool',
  batchnorm: 'BatchNormalization', flatten: 'Flatten', add: 'Add', concat: 'Concat',
};
type Graph = InstanceType<typeof onnx.GraphProto>;
type Tensor = InstanceType<typeof onnx.TensorProto>;

/** Counter-based values in [-1, 1): the same for every run of the test. */
const wave = (seed: number, n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) % 1);

/** A model with every tensor set: weights at He scale, non-zero biases, BatchNorm statistics away from (0, 1). */
function modelOf(model: ModelName, inputShape: number[], classes: number, normalization: ManifestNormalization, variant: Partial<TrainConfig> = {}) {
  const config = { ...defaultConfig, model, hidden: [32, 16], ...variant };
  const arch: Architecture = buildArchitecture(config, inputShape, classes);
  const params = new Map<string, Float32Array>();
  weightSpecs(arch).forEach((s, k) => {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const fanIn = s.shape.length > 1 ? n / s.shape[0] : 1;
    const v = wave(k + 1, n);
    if (s.name.endsWith('running_var')) params.set(s.name, v.map((x) => 0.5 + Math.abs(x)));
    else if (s.name.endsWith('running_mean') || s.name.endsWith('bias')) params.set(s.name, v.map((x) => 0.2 * x));
    else if (s.shape.length === 1) params.set(s.name, v.map((x) => 1 + 0.3 * x));
    else params.set(s.name, v.map((x) => x * Math.sqrt(6 / fanIn)));
  });
  const manifest: Manifest = {
    format: FORMAT, architecture: arch, weightLayout: 'pytorch', config,
    classNames: Array.from({ length: classes }, (_, i) => `class ${i}`), normalization, ...(config.resize !== undefined && { dataShape: inputShape }),
    dataset: { name: 'test', train: 1, val: 1 }, history: [], epochsDone: 0, createdAt: '2025-01-01T00:00:00.000Z',
  };
  return { manifest, params };
}

const images = { inputShape: [1, 28, 28], normalization: { kind: 'scale', scale: 1 / 255 } as ManifestNormalization };
const table = {
  inputShape: [12],
  normalization: { kind: 'standardize', mean: Array.from(wave(99, 12), (x) => 10 * x), std: Array.from(wave(98, 12), (x) => 0.5 + Math.abs(x)) } as ManifestNormalization,
};

/** Raw features as a loader delivers them: pixels 0…255, table values around their mean. */
function rawBatch(rows: number, shape: number[], pixels: boolean): Float32Array {
  const v = wave(7, rows * featureSize(shape));
  return pixels ? v.map((x) => Math.round((x + 1) * 127.5)) : v.map((x) => 20 * x);
}

async function parity(model: ModelName, data: typeof images, rows: number, variant: Partial<TrainConfig> = {}) {
  const { manifest, params } = modelOf(model, data.inputShape, 10, data.normalization, variant);
  const bytes = buildOnnxModel(manifest, params, { softmax: true });
  const x = rawBatch(rows, data.inputShape, data === images);
  const out = await runOnnxNode(bytes, x, [rows, ...data.inputShape]);
  const ref = labLogits(manifest, params, x, rows);
  return { bytes, out, ref, manifest, result: compareLogits(out.logits, ref, rows, 10) };
}

describe('ONNX export of every zoo model, run by onnxruntime-node', () => {
  // ReLU + max pooling, and d2l's sigmoid + average pooling with dropout (the identity in the graph).
  const variants: [string, Partial<TrainConfig>][] = [['relu, max pool', {}], ['sigmoid, avg pool, dropout 0.5', { activation: 'sigmoid', pool: 'avg', dropout: 0.5 }]];
  const flat = ['softmax', 'mlp', 'lenet', 'lenet-bn'];
  it.each(zoo.filter((z) => flat.includes(z.name)).flatMap((z) => variants.map(([name, v]) => [z.name, name, v] as const)))('%s (%s) on 1×28×28 images (scale 1/255): logits and argmax agree with the lab', async (model, _, variant) => {
    const rows = 37;
    const { bytes, out, ref, result, manifest } = await parity(model, images, rows, variant);
    // One node per layer type (dropout none), as the architecture lists them.
    const ops = new Set((onnx.ModelProto.decode(bytes).graph as Graph).node.map((n) => n.opType));
    for (const op of graphOf(manifest.architecture).ops) if (op.spec.type !== 'dropout') expect(ops.has(onnxOp[op.spec.type]), `${op.spec.type} → ${onnxOp[op.spec.type]}`).toBe(true);
    expect(result.firstOutside, `max |onnx − lab| = ${result.maxAbsDiff}`).toBeUndefined();
    expect(result.argmaxAgree).toBe(rows);
    // Logits of a real spread, so the comparison means something.
    expect(Math.max(...ref) - Math.min(...ref)).toBeGreaterThan(1);
    for (let r = 0; r < rows; r++) {
      const row = ref.subarray(r * 10, r * 10 + 10);
      const m = Math.max(...row);
      const z = row.reduce((s, v) => s + Math.exp(v - m), 0);
      for (let c = 0; c < 10; c++) {
        const p = Math.exp(row[c] - m) / z;
        expect(Math.abs(out.probabilities![r * 10 + c] - p)).toBeLessThanOrEqual(1e-5 + 1e-3 * p);
      }
    }
  });

  // d2l chapter 8 and the lab's ResNet at the smallest input each accepts (28×28 where that fits), three rows.
  const modern = [['alexnet', 65], ['vgg11', 32], ['nin', 67], ['googlenet', 28], ['resnet18', 28], ['densenet', 29], ['resnet-narrow', 28]] as const;
  it.each(modern)('%s on 1×N×N images, N = %i: residual adds, concats, global pooling; logits and argmax agree', async (model, size) => {
    const data = { ...images, inputShape: [1, size, size] };
    const rows = 3;
    const { bytes, result, ref, manifest } = await parity(model, data, rows);
    const ops = new Set((onnx.ModelProto.decode(bytes).graph as Graph).node.map((n) => n.opType));
    for (const op of graphOf(manifest.architecture).ops) if (op.spec.type !== 'dropout') expect(ops.has(onnxOp[op.spec.type]), `${op.spec.type} → ${onnxOp[op.spec.type]}`).toBe(true);
    expect(result.firstOutside, `max |onnx − lab| = ${result.maxAbsDiff}`).toBeUndefined();
    expect(result.argmaxAgree).toBe(rows);
    expect(Math.max(...ref) - Math.min(...ref), 'logits spread').toBeGreaterThan(0.05);
  });

  it('a run resized 28→37 in the gather takes raw 28×28 inputs: Shape/Slice/Concat sizes, Resize (linear, half_pixel) as PyTorch\'s bilinear', async () => {
    const rows = 4;
    const { bytes, result, manifest } = await parity('resnet-narrow', images, rows, { resize: 37 });
    expect(manifest.architecture.inputShape).toEqual([1, 37, 37]);
    const graph = onnx.ModelProto.decode(bytes).graph as Graph;
    expect(graph.input[0].type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['batch', 1, 28, 28]);
    expect(graph.node.map((n) => n.opType).slice(0, 5)).toEqual(['Mul', 'Shape', 'Slice', 'Concat', 'Resize']);
    expect(result.firstOutside, `max |onnx − lab| = ${result.maxAbsDiff}`).toBeUndefined();
    expect(result.argmaxAgree).toBe(rows);
  });

  it.each(zoo.filter((z) => z.name === 'softmax' || z.name === 'mlp').map((z) => z.name))('%s on 12 standardised table features: normalisation folded in as Mul + Add', async (model) => {
    const { bytes, result } = await parity(model, table, 5);
    expect(result.firstOutside, `max |onnx − lab| = ${result.maxAbsDiff}`).toBeUndefined();
    expect(result.argmaxAgree).toBe(5);
    const graph = onnx.ModelProto.decode(bytes).graph as Graph;
    expect(graph.node.slice(0, 2).map((n) => n.opType)).toEqual(['Mul', 'Add']);
  });

  it('writes opset 13, a dynamic batch, logits and probabilities outputs, and the manifest in the metadata', async () => {
    const { manifest, params } = modelOf('mlp', images.inputShape, 10, images.normalization);
    const m = onnx.ModelProto.decode(buildOnnxModel(manifest, params, { softmax: true }));
    expect(m.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', OPSET]]);
    const g = m.graph as Graph;
    expect(g.input[0].type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['batch', 1, 28, 28]);
    expect(g.output.map((o) => o.name)).toEqual(['logits', 'probabilities']);
    expect(g.node.map((n) => n.opType)).toEqual(['Mul', 'Flatten', 'Gemm', 'Relu', 'Gemm', 'Relu', 'Gemm', 'Identity', 'Softmax']);
    const meta = Object.fromEntries(m.metadataProps.map((p) => [p.key, p.value]));
    expect(JSON.parse(meta.class_names)).toHaveLength(10);
    expect(JSON.parse(meta['classifier_lab.manifest']).architecture).toEqual(manifest.architecture);
    // Weights go in as the file holds them: nn.Linear's (out, in), bit for bit.
    const w = g.initializer.find((t) => t.name === 'layers.1.weight') as Tensor;
    expect(w.dims.map(Number)).toEqual([32, 784]);
    const raw = w.rawData;
    expect(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).equals(Buffer.from(params.get('layers.1.weight')!.buffer))).toBe(true);
    // Without the softmax option there is one output.
    const plain = onnx.ModelProto.decode(buildOnnxModel(manifest, params)).graph as Graph;
    expect(plain.output.map((o) => o.name)).toEqual(['logits']);
  });
});
