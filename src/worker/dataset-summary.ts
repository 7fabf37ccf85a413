// What the dataset card shows, computed where the data lives (the worker): counts, classes and a few
// example images per class as bytes (H, W, C).
import { classCounts, featureSize, type Dataset } from '../data/dataset';
import type { DatasetSummary, SampleGrid } from './protocol';

const perClass = 4;
const maxSamples = 40;

export function summarize(d: Dataset): DatasetSummary {
  const classes = d.classNames.length;
  return {
    name: d.name,
    format: d.source.format,
    files: d.source.files,
    shape: d.shape,
    classNames: d.classNames,
    ...(d.featureNames && { columns: d.featureNames }),
    counts: { train: d.train.count, val: d.val.count, ...(d.test && { test: d.test.count }) },
    classCounts: { train: classCounts(d.train.y, classes), val: classCounts(d.val.y, classes) },
    splitNote: d.splitNote,
    samples: d.shape.length === 3 ? samples(d) : undefined,
    warnings: d.warnings?.length ? d.warnings : undefined,
  };
}

/** Up to `perClass` training images of each class, converted to bytes (min–max scaled for floats). */
function samples(d: Dataset): SampleGrid {
  const [c, h, w] = d.shape;
  const size = featureSize(d.shape);
  const classes = d.classNames.length;
  const per = Math.max(1, Math.min(perClass, Math.floor(maxSamples / classes)));
  const taken = new Array<number>(classes).fill(0);
  const picks: number[] = [];
  for (let i = 0; i < d.train.count && picks.length < per * classes; i++) {
    const y = d.train.y[i];
    if (taken[y] < per) {
      taken[y]++;
      picks.push(i);
    }
  }
  picks.sort((a, b) => d.train.y[a] - d.train.y[b] || a - b);
  const pixels = new Uint8Array(picks.length * size);
  picks.forEach((src, n) => {
    const row = d.train.x.subarray(src * size, (src + 1) * size);
    let lo = 0;
    let hi = 255;
    if (row instanceof Float32Array) {
      lo = Infinity;
      hi = -Infinity;
      for (const v of row) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    const span = hi > lo ? hi - lo : 1;
    // (C, H, W) → (H, W, C)
    for (let ch = 0; ch < c; ch++) {
      for (let p = 0; p < h * w; p++) pixels[n * size + p * c + ch] = Math.round(((row[ch * h * w + p] - lo) / span) * 255);
    }
  });
  return { count: picks.length, height: h, width: w, channels: c, pixels, labels: picks.map((i) => d.train.y[i]) };
}
