// labdata.py (the project's port of the lab's data path) against the TypeScript it ports, in one Python
// process: stream keys and epoch permutations equal exactly; every schedule's float32 learning rates
// equal exactly; the batch gather (normalise in f32, random crop + flip keyed by (seed, epoch, index),
// bilinear resize) within 1e-6 of src/reference/gather.ts on bytes and on standardised floats.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { affineOf } from '../../data/dataset';
import { parseNpy } from '../../data/npy';
import { epochLearningRates } from '../../model/schedule';
import { augmentKey, gatherBatch, type Augment } from '../../reference/gather';
import { permutation, Stream, streamKey } from '../../reference/random';
import { npyBytes } from './npz';
import labdataPy from './py/labdata.py?raw';
import { compare, tempDir } from './test-util';
import { python, torchMissing } from '../../../tests/helpers/torch';

const missing = torchMissing();

describe.skipIf(missing !== null)(`labdata.py = the lab's data path${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const tmp = tempDir('lab-labdata-');
  afterAll(() => tmp.remove());
  writeFileSync(join(tmp.dir, 'labdata.py'), labdataPy);
  const run = (code: string) => python(`import json, numpy as np, torch, labdata\n${code}`, tmp.dir);

  it('stream keys and the per-epoch permutations (n = 1, 2, 1000, 60,000) equal the lab\'s exactly', async () => {
    const cases = [[0, 0, 1], [0, 3, 2], [7, 1, 1000], [123456789, 9, 60000]] as const;
    const out = JSON.parse(await run(`print(json.dumps([[labdata.stream_key(s, labdata.STREAM['shuffle'], e), labdata.epoch_order(n, s, e).tolist()] for s, e, n in ${JSON.stringify(cases)}]))`)) as [number, number[]][];
    cases.forEach(([seed, epoch, n], i) => {
      const key = streamKey(seed, Stream.shuffle, epoch);
      expect(out[i][0]).toBe(key);
      expect(out[i][1]).toEqual([...permutation(n, key)]);
    });
  });

  it('learning rates of every schedule, epoch and step equal the lab\'s float32 values exactly', async () => {
    const configs = [
      { lr: 0.1, schedule: 'constant', epochs: 3 }, { lr: 0.05, schedule: 'step', epochs: 7 }, { lr: 0.05, schedule: 'step', epochs: 1 },
      { lr: 0.3, schedule: 'cosine', epochs: 4 }, { lr: 0.002, schedule: 'cosine', epochs: 13 },
    ] as const;
    const steps = 37;
    const out = JSON.parse(await run(`
configs = ${JSON.stringify(configs)}
print(json.dumps([[[labdata.learning_rate(c, c['epochs'], e, s, ${steps}) for s in range(${steps})] for e in range(c['epochs'])] for c in configs]))`)) as number[][][];
    configs.forEach((c, i) => {
      for (let e = 0; e < c.epochs; e++) expect(out[i][e], `${c.schedule} epoch ${e}`).toEqual([...epochLearningRates(c, e, steps)]);
    });
  });

  it.each([
    ['bytes 3×11×9, crop 3 + flip, resized to 7×13', { bytes: true, augment: { crop: 3, flip: true }, resize: [7, 13] as [number, number] }],
    ['bytes 1×12×12, flip only, no resize', { bytes: true, augment: { crop: 0, flip: true }, resize: null }],
    ['bytes 1×12×12, crop 2, resized up to 29×29', { bytes: true, augment: { crop: 2, flip: false }, resize: [29, 29] as [number, number] }],
    ['standardised floats 2×6×5, no augmentation, resized to 4×4', { bytes: false, augment: null, resize: [4, 4] as [number, number] }],
  ])('gather: %s', async (_, o) => {
    const shape = o.bytes && o.augment?.crop === 3 ? [3, 11, 9] : o.bytes ? [1, 12, 12] : [2, 6, 5];
    const d = shape.reduce((a, b) => a * b, 1);
    const n = 40;
    const x = o.bytes ? Uint8Array.from({ length: n * d }, (_, i) => (i * 73 + (i >> 3) * 29) % 256) : Float32Array.from({ length: n * d }, (_, i) => Math.sin(i * 0.37) * 5 + (i % d) * 0.1);
    const normalization = o.bytes
      ? ({ kind: 'scale', scale: 1 / 255 } as const)
      : ({ kind: 'standardize', mean: Float32Array.from({ length: d }, (_, j) => j * 0.1), std: Float32Array.from({ length: d }, (_, j) => (j % 7 === 0 ? 0 : 0.5 + j * 0.05)) } as const);
    const { scale, shift } = affineOf(normalization, d);
    const indices = Uint32Array.from([5, 0, 39, 17, 17, 2, 31, 8, 11, 23, 36]);
    const seed = 11;
    const epoch = 3;
    const augment: Augment | null = o.augment;
    const ref = gatherBatch({ x, y: new Uint32Array(n) }, indices, scale, shift, { shape, resize: o.resize, augment }, augmentKey(seed, epoch));
    writeFileSync(join(tmp.dir, 'x.npy'), npyBytes({ data: x, shape: [n, ...shape] }));
    const norm = normalization.kind === 'scale' ? normalization : { kind: 'standardize', mean: [...normalization.mean], std: [...normalization.std] };
    // The project resizes squares only (config.resize = N); other sizes go through F.interpolate the same way.
    await run(`
x = np.load('x.npy')
g = labdata.Gather(${JSON.stringify(shape)}, json.loads(${JSON.stringify(JSON.stringify(norm))}), None, ${augment ? `(${augment.crop}, ${augment.flip ? 'True' : 'False'})` : 'None'})
t = g(x, np.array(${JSON.stringify([...indices])}), training=True, key=labdata.stream_key(${seed}, labdata.STREAM['augment'], ${epoch}))
${o.resize ? `t = torch.nn.functional.interpolate(t, size=(${o.resize[0]}, ${o.resize[1]}), mode='bilinear', align_corners=False)` : ''}
np.save('out.npy', t.numpy().astype(np.float32))`);
    const got = parseNpy(readFileSync(join(tmp.dir, 'out.npy')), 'out.npy').data;
    const c = compare(got, ref.x, 1e-6, 1e-6);
    expect(c.firstOutside, `max |python − lab| = ${c.maxDiff}`).toBe(-1);
  });
});
