// The in-memory dataset every loader produces and every backend consumes. Features stay in their
// stored type (bytes stay bytes, 4x smaller on the GPU); normalisation is applied by the batch gather.

export type Features = Uint8Array | Float32Array;

/** One split: `count` examples, features row-major (count × prod(shape)), labels in [0, classes). */
export interface Split {
  x: Features;
  y: Uint32Array;
  count: number;
}

/**
 * Per-feature affine map applied when a batch is gathered: x' = x * scale[j] + shift[j].
 * Bytes use a single scale of 1/255; CSV features are standardised with train-set mean/std
 * (scale = 1/std, shift = -mean/std).
 */
export type Normalization =
  | { kind: 'scale'; scale: number }
  | { kind: 'standardize'; mean: Float32Array; std: Float32Array };

export interface Dataset {
  name: string;
  /** Per-example feature shape: [C, H, W] for images, [D] for tabular rows. */
  shape: number[];
  classNames: string[];
  /** Table data with a header: the feature columns' names, in feature order. */
  featureNames?: string[];
  /**
   * The numeric label each class has in the files (IDX, .npy, integer CSV labels), when labels are
   * numbers: class i is label classIds[i] (its name is that number's text). Only the labels that occur
   * are classes, so these may skip values.
   */
  classIds?: number[];
  train: Split;
  val: Split;
  /** A test split (a zip's test/ beside val/, or files marked as test): evaluated once at the end, never for choosing. */
  test?: Split;
  /** How the validation split came about, shown on the dataset card. */
  splitNote: string;
  normalization: Normalization;
  /** The detected format and the files it came from. */
  source: { format: string; files: string[] };
  /** What the loader skipped or ignored (undecodable images, unused folders), for the card. */
  warnings?: string[];
}

export function featureSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The per-feature (scale, shift) pair of a normalisation, expanded to `size` features. */
export function affineOf(n: Normalization, size: number): { scale: Float32Array; shift: Float32Array } {
  const scale = new Float32Array(size);
  const shift = new Float32Array(size);
  if (n.kind === 'scale') {
    scale.fill(n.scale);
  } else {
    for (let j = 0; j < size; j++) {
      const s = n.std[j] > 0 ? n.std[j] : 1;
      scale[j] = 1 / s;
      shift[j] = -n.mean[j] / s;
    }
  }
  return { scale, shift };
}

/** Counts per class of a label array. */
export function classCounts(y: Uint32Array, classes: number): number[] {
  const c = new Array<number>(classes).fill(0);
  for (let i = 0; i < y.length; i++) c[y[i]]++;
  return c;
}

/** The first `limit` examples of a split (a view, no copy). */
export function limitSplit(s: Split, limit: number | undefined, size: number): Split {
  if (limit === undefined || limit >= s.count) return s;
  return { x: s.x.subarray(0, limit * size), y: s.y.subarray(0, limit), count: limit };
}
