// The built-in datasets, prepared at install time by scripts/prepare-data.mjs into public/data/<name>/
// as IDX files plus meta.json. `read` is fetch in the browser and fs in Node (see builtin-node.ts).

import type { Dataset, Split } from './dataset';
import { DataError } from './errors';
import { parseIdx } from './idx';
import { validateDataset } from './validate';

export const builtinNames = ['fashion-mnist', 'mnist'] as const;
export type BuiltinName = (typeof builtinNames)[number];

/** The dataset the lab and the CLI load when none is named. */
export const DEFAULT_BUILTIN: BuiltinName = 'fashion-mnist';

export interface BuiltinInfo {
  name: BuiltinName;
  title: string;
  description: string;
}

/** What the dataset picker offers; the first is the default. */
export const builtinDatasets: readonly BuiltinInfo[] = [
  { name: 'fashion-mnist', title: 'Fashion-MNIST', description: '70,000 greyscale 28×28 clothing images, 10 classes' },
  { name: 'mnist', title: 'MNIST', description: '10,000 greyscale 28×28 handwritten digits, 10 classes' },
];

/** Reads a file by its path relative to the data root (public/data/). */
export type ReadFile = (relPath: string) => Promise<Uint8Array>;

const FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 'val-images-idx3-ubyte', 'val-labels-idx1-ubyte'];

interface Meta {
  name: string;
  classNames: string[];
  shape: number[];
  counts: { train: number; val: number };
  splitNote: string;
}

export function isBuiltinName(name: string): name is BuiltinName {
  return (builtinNames as readonly string[]).includes(name);
}

export async function loadBuiltin(name: BuiltinName, read: ReadFile): Promise<Dataset> {
  if (!isBuiltinName(name)) throw new DataError(`unknown built-in dataset "${name}" (${builtinNames.join(', ')})`);
  const get = async (file: string): Promise<Uint8Array> => {
    try {
      return await read(`${name}/${file}`);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new DataError(`cannot read the built-in dataset (${why}); run \`node scripts/prepare-data.mjs\` (npm install does)`, {
        file: `${name}/${file}`,
      });
    }
  };
  const meta = JSON.parse(new TextDecoder().decode(await get('meta.json'))) as Meta;
  const [xt, yt, xv, yv] = await Promise.all(FILES.map(get));
  const train = split(name, 'train', xt, yt, meta.counts.train, meta.shape);
  const val = split(name, 'val', xv, yv, meta.counts.val, meta.shape);
  return validateDataset({
    name: meta.name,
    shape: meta.shape,
    classNames: meta.classNames,
    train,
    val,
    splitNote: meta.splitNote,
    normalization: { kind: 'scale', scale: 1 / 255 },
    source: { format: 'idx', files: FILES.map((f) => `${name}/${f}`) },
  });
}

function split(name: string, which: string, images: Uint8Array, labels: Uint8Array, count: number, shape: number[]): Split {
  const fx = `${name}/${which}-images-idx3-ubyte`;
  const fy = `${name}/${which}-labels-idx1-ubyte`;
  const x = parseIdx(images, fx);
  const y = parseIdx(labels, fy);
  const want = [count, shape[1], shape[2]];
  if (x.dtype !== 'u8' || x.dims.join() !== want.join()) {
    throw new DataError(`expected ${want.join('×')} u8 images, found ${x.dims.join('×')} ${x.dtype}`, { file: fx });
  }
  if (y.dtype !== 'u8' || y.dims.join() !== String(count)) {
    throw new DataError(`expected ${count} u8 labels, found ${y.dims.join('×')} ${y.dtype}`, { file: fy });
  }
  return { x: x.data as Uint8Array, y: Uint32Array.from(y.data), count };
}
