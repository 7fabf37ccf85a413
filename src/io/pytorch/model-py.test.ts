// model.py generation and the export's refusals, without training: names PyTorch refuses as children
// (held to dir() of the installed torch), a layer type without a PyTorch module, settings train.py does
// not reproduce; the generated modules' state_dict() names and shapes equal the lab's tensors for every
// zoo model (flat models as one nn.Sequential named `layers`).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildArchitecture, zoo } from '../../model/zoo';
import { defaultConfig, defaultsFor, type ModelName, type TrainConfig } from '../../model/config';
import { layerModule } from '../../model/layers/registry';
import type { Architecture } from '../../model/architecture';
import { weightSpecs } from '../weights-file';
import type { Manifest } from '../manifest';
import { modelPy, PytorchExportError, torchAttributes } from './model-py';
import { checkPortable } from './project';
import { tempDir } from './test-util';
import { python, torchMissing } from '../../../tests/helpers/torch';

const missing = torchMissing();
const custom = (net: unknown[]): Architecture =>
  buildArchitecture({ ...defaultsFor('custom'), arch: JSON.stringify({ net }) }, [1, 8, 8], 3);
const refusal = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof PytorchExportError) return e.message;
    throw e;
  }
  throw new Error('not refused');
};

describe('model.py generation', () => {
  it('refuses child names PyTorch refuses (nn.Module attributes, a leading "_"), naming the layer path', () => {
    expect(refusal(() => modelPy(custom([{ type: 'flatten' }, { type: 'dense', out: 'classes', name: 'train' }]), 'f'))).toBe(
      'PyTorch export: train: "train" is an attribute of torch.nn.Module, which PyTorch refuses as a child\'s name; rename the layer',
    );
    const nested = custom([{ type: 'sequential', name: 'body', layers: [{ type: 'residual', body: [{ type: 'conv2d', out: 1, kernel: 3, padding: 1, name: '_c' }] }] }, { type: 'flatten' }, { type: 'dense', out: 'classes' }]);
    expect(refusal(() => modelPy(nested, 'f'))).toMatch(/^PyTorch export: body\.0\._c: PyTorch reserves names starting with "_"/);
  });

  it('refuses a layer type whose module has no PyTorch expression, by path and type', () => {
    const arch = custom([{ type: 'flatten' }, { type: 'dense', out: 5 }, { type: 'tanh' }, { type: 'dense', out: 'classes' }]);
    const noTanh = (type: string) => (type === 'tanh' ? { ...layerModule(type), torch: () => null } : layerModule(type));
    expect(refusal(() => modelPy(arch, 'f', noTanh))).toBe('PyTorch export: 2: a tanh layer has no PyTorch module');
  });

  it('writes containers with the lab\'s segment names: OrderedDict where names are not the indices, Residual, Concat, FlatLinear after C×H×W', () => {
    const arch = custom([
      { type: 'conv2d', out: 4, kernel: 3, padding: 1, name: 'stem' },
      { type: 'residual', body: [{ type: 'conv2d', out: 4, kernel: 3, padding: 1, name: 'c1' }, { type: 'batchnorm' }], shortcut: [{ type: 'conv2d', out: 4, kernel: 1 }], activation: 'relu' },
      { type: 'concat', branches: [[], [{ type: 'maxpool2d', kernel: 3, stride: 1, padding: 1 }]] },
      { type: 'dense', out: 'classes' },
    ]);
    const py = modelPy(arch, 'f');
    expect(py).toContain("('stem', nn.Conv2d(1, 4, kernel_size=3, stride=1, padding=1)),");
    expect(py).toContain("('c1', nn.Conv2d(4, 4, kernel_size=3, stride=1, padding=1)),");
    expect(py).toContain("('1', LabBatchNorm2d(4, eps=0.00001, momentum=0.1)),");
    expect(py).toContain("('2', nn.Conv2d(4, 4, kernel_size=1, stride=1, padding=0)),");
    expect(py).toContain("activation=('relu', nn.ReLU()))");
    expect(py).toContain("('0', nn.MaxPool2d(3, stride=1, padding=1)),");
    expect(py).toContain("('3', FlatLinear(512, 3)),");
  });

  it('carries the settings train.py reproduces and refuses others by name', () => {
    const m = (config: Partial<TrainConfig> & Record<string, unknown>) => ({ config: { ...defaultConfig, ...config } }) as unknown as Manifest;
    expect(() => checkPortable(m({ augment: 'crop:4,flip' as never }))).not.toThrow();
    expect(() => checkPortable(m({ augment: { crop: 2, flip: false } }))).not.toThrow();
    expect(refusal(() => checkPortable(m({ augment: 'rotate:10' as never })))).toMatch(/^PyTorch export: setting augment: "rotate:10" is not a crop\/flip augmentation/);
    expect(refusal(() => checkPortable(m({ labelSmoothing: 0.1 })))).toBe('PyTorch export: setting labelSmoothing: train.py does not reproduce it (value 0.1); export without it');
    expect(refusal(() => checkPortable(m({ optimizer: 'lamb' as never })))).toMatch(/setting optimizer: "lamb"/);
  });
});

describe.skipIf(missing !== null)(`model.py in PyTorch${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const tmp = tempDir('lab-model-py-');
  afterAll(() => tmp.remove());

  it('the refused names cover every attribute of nn.Module / nn.Sequential / Residual / Concat in the installed torch', async () => {
    const live = JSON.parse(await python(`
import json, re, sys
sys.path.insert(0, ${JSON.stringify(join(__dirname, 'py'))})
from torch import nn
import layers
names = set()
for o in (nn.Module(), nn.Sequential(), layers.Residual([]), layers.Concat([])):
    names |= {n for n in dir(o) if re.fullmatch('[A-Za-z0-9_]{1,64}', n) and not n.startswith('_')}
print(json.dumps(sorted(names)))`, tmp.dir)) as string[];
    expect(live.filter((n) => !torchAttributes.has(n))).toEqual([]);
  });

  it('state_dict() names and shapes are the lab\'s tensors for every zoo model', async () => {
    const sizes: Partial<Record<ModelName, number>> = { alexnet: 65, vgg11: 32, nin: 67, densenet: 29 };
    const models = zoo.filter((z) => z.name !== 'custom').map((z) => z.name as ModelName);
    const expected: Record<string, [string, number[]][]> = {};
    for (const name of models) {
      const size = sizes[name] ?? 28;
      const arch = buildArchitecture({ ...defaultsFor(name), hidden: [32, 16], dropout: 0.2 }, [1, size, size], 10);
      writeFileSync(join(tmp.dir, `m_${name.replace('-', '_')}.py`), modelPy(arch, name));
      expected[name] = weightSpecs(arch).map((s) => [s.name, s.shape]);
    }
    const got = JSON.parse(await python(`
import importlib, json
out = {}
for name in ${JSON.stringify(models)}:
    m = importlib.import_module('m_' + name.replace('-', '_')).build_model()
    out[name] = [[k, list(v.shape)] for k, v in m.state_dict().items()]
print(json.dumps(out))`, tmp.dir)) as Record<string, [string, number[]][]>;
    for (const name of models) expect(new Map(got[name]), name).toEqual(new Map(expected[name]));
  });
});
