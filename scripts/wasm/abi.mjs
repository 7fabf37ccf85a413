// The one description of the records the wasm kernels read from memory: the control block, the step
// record and every op's fields. scripts/gen-wasm.mjs turns it into byte offsets in the WAT sources
// (`@matmul.k` → 12) and into src/wasm/abi.ts for the TypeScript that writes the records, so a field
// is named in one place and never placed by position twice.

/** Words of an op record: three header words, then the op's own fields (i32 unless typed f32). */
export const opWords = 32;
export const opHeader = ['opcode', 'tiles', 'barrier'];

/**
 * The ops, in opcode order (opcode = index + 1; 0 ends a program). Fields are u32 (counts, byte
 * addresses with 0 = absent, strides) except those listed in `f32`. Elementwise ops take `stride` in
 * floats; products take byte strides. The comments are the kernels' contracts, in src/wasm/wat/.
 */
export const ops = [
  // Rows of a split gathered by the epoch's order and normalised: x[b] = data[idx]·scale + shift, y[b] = labels[idx].
  { name: 'gather', fields: ['rows', 'features', 'stride', 'data', 'dtype', 'order', 'scale', 'shift', 'labels', 'x', 'y'] },
  // C = epilogue(A·B (+ bias)) on (tileRows × tileCols) output tiles; A, B, C by byte address and byte strides.
  // pack = 1: each 8-column panel of B is first copied to the thread's scratch (K × 8 contiguous floats).
  { name: 'matmul', fields: ['m', 'n', 'k', 'a', 'rsa', 'csa', 'b', 'rsb', 'c', 'rsc', 'epilogue', 'bias', 'aux', 'tileRows', 'tileCols', 'tilesN', 'pack'] },
  // dst (cols × rows) = srcᵀ, src (rows × cols), for each of `batch` matrices (bss, bsd bytes apart):
  // packs Wᵀ for the nt product, and a convolution's dY pixel-major for its weight gradient.
  { name: 'transpose', fields: ['rows', 'cols', 'src', 'rss', 'dst', 'rsd', 'batch', 'bss', 'bsd'] },
  // dst[j] = Σ_r src[r, j], r in order: the bias gradient.
  { name: 'colsum', fields: ['rows', 'cols', 'src', 'rss', 'dst'] },
  // Per-row loss (f64) into `losses`, and (when dlogits ≠ 0) dlogits = (softmax − onehot) / rows.
  { name: 'softmaxXent', fields: ['rows', 'classes', 'stride', 'logits', 'labels', 'dlogits', 'losses'] },
  // out[step.slot] = Σ_r losses[r] (f64, in row order), stored as f32.
  { name: 'lossSum', fields: ['rows', 'losses', 'out'] },
  // counts[0] += rows whose argmax (first index on ties; NaN rows wrong) equals the label.
  { name: 'accuracy', fields: ['rows', 'classes', 'stride', 'logits', 'labels', 'counts'] },
  // Dropout with counter-based masks keyed by (key, step.step, b·features + j); mode 0 forward, 1 backward.
  { name: 'dropout', fields: ['rows', 'features', 'stride', 'key', 'p', 'scale', 'mode', 'src', 'dst', 'act', 'actOut'], f32: ['p', 'scale'] },
  // Standalone activation: forward y = act(x (+ src2)); backward dx = dy ⊙ act'(y). src2 ≠ 0: the residual add.
  { name: 'activation', fields: ['rows', 'features', 'stride', 'kind', 'mode', 'src', 'dst', 'y', 'src2'] },
  // A tensor's gradient from its consumers' contributions: dst = act'(a + b; y) (b = 0: a alone).
  { name: 'gradSum', fields: ['rows', 'features', 'stride', 'a', 'b', 'act', 'y', 'dst'] },
  // Convolution forward as an implicit GEMM per (example, pixel chunk): the chunk's im2col columns are
  // built in the thread's scratch, then C (m × pixels) = A (m × K) · columns with the micro-kernels.
  {
    name: 'conv',
    fields: ['rows', 'src', 'srcStride', 'channels', 'h', 'w', 'm', 'oh', 'ow', 'kernel', 'step', 'pad', 'a', 'rsa', 'csa', 'dst', 'dstStride', 'epilogue', 'bias', 'aux', 'chunk', 'chunks', 'colStride'],
  },
  // A convolution's weight gradient dWᵀ (K × n) = Σ_b columns_b (K × P) · dYp_b (P × n), examples in
  // order (each tile: `tileK` rows of K, every column panel; accumulated in the arena in a fixed order).
  {
    name: 'convDW',
    fields: ['rows', 'src', 'srcStride', 'channels', 'h', 'w', 'oh', 'ow', 'kernel', 'step', 'pad', 'dyp', 'rsb', 'bsb', 'n', 'dst', 'rsc', 'tileK', 'chunk', 'colStride'],
  },
  // A convolution's input gradient, one example a tile: dCol = Wᵀ · dY_b per pixel chunk, col2im added
  // into dX_b in a fixed order, then the producer's activation derivative from x.
  {
    name: 'convDX',
    fields: ['dy', 'dyStride', 'cout', 'oh', 'ow', 'cin', 'h', 'w', 'kernel', 'stride', 'pad', 'wt', 'rsa', 'dx', 'dxStride', 'x', 'act', 'chunk', 'colStride'],
  },
  // Pooling, one example a tile. mode 0 max, 1 average, 2 global average (forward); 3, 4, 5 their backward.
  {
    name: 'pool',
    fields: ['mode', 'rows', 'channels', 'h', 'w', 'oh', 'ow', 'kernel', 'stride', 'pad', 'x', 'xStride', 'y', 'yStride', 'argmax', 'dy', 'dx', 'act'],
  },
  // BatchNorm. mode 0 statistics (+ running update), 1 normalise with batch statistics, 2 with running
  // statistics, 3 dγ and dβ, 4 dX. Modes 0 and 3 tile by channel, the others by rows.
  {
    name: 'batchnorm',
    fields: ['mode', 'rows', 'channels', 'spatial', 'stride', 'x', 'y', 'gamma', 'beta', 'stats', 'running', 'varOffset', 'eps', 'momentum', 'dy', 'dgamma', 'dbeta', 'dx', 'act'],
    f32: ['eps', 'momentum'],
  },
  // dst[b, dstOffset + j] = act'(src[b, srcOffset + j]; y[b, dstOffset + j]) for j < count (concat's slices).
  { name: 'copySlice', fields: ['rows', 'count', 'src', 'srcStride', 'srcOffset', 'dst', 'dstStride', 'dstOffset', 'act', 'y'] },
  // The image gather: augment (crop, flip: keyed by the word at `key`), normalise, resize (bilinear).
  {
    name: 'gatherImage',
    fields: ['rows', 'channels', 'h', 'w', 'oh', 'ow', 'data', 'dtype', 'order', 'scale', 'shift', 'labels', 'x', 'y', 'stride', 'crop', 'flip', 'resize', 'scaleY', 'scaleX', 'key'],
    f32: ['scaleY', 'scaleX'],
  },
  // Each validation row's outcome record at out + (step.batchStart + b)·48: top-3 classes, label, their
  // probabilities and p(label) in f64 (shaders/accuracy.wgsl's semantics).
  { name: 'outcome', fields: ['rows', 'classes', 'stride', 'logits', 'labels', 'out'] },
  // One optimizer update over the parameter arena (kind 0 sgd, 1 momentum, 2 adam).
  {
    name: 'optimizer',
    fields: ['count', 'weights', 'grads', 's1', 's2', 'kind', 'weightDecay', 'momentum', 'beta1', 'beta2', 'eps'],
    f32: ['weightDecay', 'momentum', 'beta1', 'beta2', 'eps'],
  },
];

/** Rows (or floats, for the optimizer; columns, for colsum) one tile of each elementwise op covers. */
export const tileSizes = {
  gather: 8, transpose: 16, colsum: 64, softmaxXent: 16, accuracy: 64, dropout: 8, activation: 8, gradSum: 8, optimizer: 4096,
  copySlice: 8, gatherImage: 4, outcome: 32, batchnorm: 8,
};

/** The per-step record (one per step of an epoch, or per validation batch), read by the ops. */
export const stepFields = ['step', 'batchStart', 'slot', 'lr', 'c1', 'c2'];
export const stepWords = 8;
export const stepF32 = new Set(['lr', 'c1', 'c2']);

/**
 * The control block at address 0 (words): the command the caller posts (programs, step range) and the
 * scheduling words: `gen` wakes the workers, `ticket` hands out tiles, `done` counts finished tiles (a
 * phase starts once every tile before it is done), `exited` counts workers back from a command (the
 * caller waits for them before posting the next), `abort` stops every thread after a trap in one of
 * them. Thread t's scratch (packed B panels) is `scratchBytes` bytes at scratch + t·scratchBytes.
 */
export const ctlFields = ['gen', 'quit', 'abort', 'threads', 'from', 'to', 'progFull', 'progLast', 'lastIndex', 'steps', 'scratch', 'scratchBytes', 'ticket', 'done', 'exited'];
/** Bytes reserved for the control block (its scheduling words sit on their own cache lines). */
export const ctlBytes = 512;
/** Byte offsets of the scheduling words, each on its own 64-byte line. */
export const ctlLines = { ticket: 128, done: 192, exited: 256 };

/** Matmul epilogues, applied to each output vec4 (after the bias, where a bias is given). */
export const epilogues = ['none', 'relu', 'sigmoid', 'reluMask', 'sigmoidGrad', 'tanh', 'tanhGrad'];
/**
 * Flags or-ed into a product's epilogue word: the bias is per row (one value splatted; a convolution's
 * output channel), the store is exact (lanes past the row's end are not written: NCHW rows of any
 * length), the product is added to what C holds (a sum over examples in order).
 */
export const epilogueFlags = { rowBias: 256, exact: 512, accumulate: 1024 };
/** Bytes of one validation outcome record (op outcome). */
export const outcomeBytes = 48;
/** Activation kinds of the activation and dropout ops. */
export const activations = ['none', 'relu', 'sigmoid', 'tanh'];

/** Byte offset of every `@record.field` placeholder. */
export function offsets() {
  const out = {};
  const put = (rec, name, byte) => {
    out[`${rec}.${name}`] = byte;
  };
  opHeader.forEach((f, i) => put('op', f, i * 4));
  put('op', 'bytes', opWords * 4);
  for (const op of ops) {
    if (opHeader.length + op.fields.length > opWords) throw new Error(`op ${op.name} has too many fields`);
    op.fields.forEach((f, i) => put(op.name, f, (opHeader.length + i) * 4));
  }
  ops.forEach((op, i) => put('opcode', op.name, i + 1));
  stepFields.forEach((f, i) => put('step', f, i * 4));
  put('step', 'bytes', stepWords * 4);
  ctlFields.forEach((f, i) => put('ctl', f, ctlLines[f] ?? i * 4));
  epilogues.forEach((e, i) => put('epilogue', e, i));
  for (const [name, bit] of Object.entries(epilogueFlags)) put('flag', name, bit);
  put('record', 'outcome', outcomeBytes);
  activations.forEach((a, i) => put('act', a, i));
  for (const [name, n] of Object.entries(tileSizes)) put('tile', name, n);
  return out;
}
