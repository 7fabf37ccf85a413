// The settings schema is the only declaration of a setting: every one round-trips form text → URL →
// CLI flags → manifest with a value other than its default, is validated with its own message, and
// takes its per-model default when a model is picked.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTrainArgs } from '../cli/args';
import { FORMAT, parseManifest } from '../io/manifest';
import { configFromSearch, configToSearch } from '../ui/url-config';
import {
  applyPreset, configWarnings, defaultConfig, defaultsFor, inEffect, matchingPreset, modelPreset, presetList, presets, settingList,
  settings, validateConfig, type AnySetting, type ModelName, type TrainConfig,
} from './config';
import { buildArchitecture } from './zoo';

/** A config where `s` acts: a model that uses it, and other settings switched on where it depends on them. */
function configUsing(s: AnySetting): TrainConfig {
  const c = defaultsFor((s.models?.[0] ?? settings.model.example) as ModelName);
  if (inEffect(c, s.key)) return c;
  for (const other of settingList) {
    for (const [v] of other.kind.choices?.() ?? []) {
      const d = { ...c, [other.key]: v } as TrainConfig;
      if (inEffect(d, s.key)) return d;
    }
  }
  throw new Error(`no config makes ${s.key} act`);
}

function manifestJson(c: TrainConfig): string {
  // A resized run's model takes the resized images; the manifest names the raw shape too.
  const architecture = buildArchitecture(c, c.resize ? [1, c.resize, c.resize] : [1, 28, 28], 10);
  return JSON.stringify({
    ...(c.resize ? { dataShape: [1, 28, 28] } : {}),
    format: FORMAT, architecture, weightLayout: 'pytorch', config: c, classNames: Array.from({ length: 10 }, (_, i) => String(i)),
    normalization: { kind: 'scale', scale: 1 / 255 }, dataset: { name: 'Fashion-MNIST', train: 60000, val: 10000 }, history: [], epochsDone: 0,
    createdAt: '2026-01-01T00:00:00.000Z',
  });
}

describe('the settings schema', () => {
  it.each(settingList.map((s) => [s.key, s] as const))('%s round-trips form → URL → CLI flags → manifest', (_key, s) => {
    const c = { ...configUsing(s), [s.key]: s.example } as TrainConfig;
    expect(s.kind.valid(s.example)).toBe(true);
    expect(s.kind.equals(s.example as never, c[s.key] as never)).toBe(true);
    // The form shows the value as text and reads it back.
    const text = s.kind.format(s.example as never);
    expect(s.kind.parse(text)).toEqual({ value: s.example });
    // The URL carries it under its name.
    const search = configToSearch(c);
    expect(new URLSearchParams(search).get(s.name)).toBe(s.kind.format(s.example as never));
    expect(configFromSearch(search)).toEqual({ config: c, warnings: [] });
    // The CLI takes the same names as flags (a file's text where the flag names a file).
    const argv = [...new URLSearchParams(search)].flatMap(([k, v]) => {
      if (!settingList.find((x) => x.name === k)?.cliFile) return [`--${k}`, v];
      const file = join(mkdtempSync(join(tmpdir(), 'lab-setting-')), `${k}.txt`);
      writeFileSync(file, v);
      return [`--${k}`, file];
    });
    expect(parseTrainArgs(argv).config).toEqual(c);
    // The manifest records it, and a file's config is checked by the same validation.
    expect(parseManifest(manifestJson(c)).config).toEqual(JSON.parse(JSON.stringify(c)));
  });

  it('names are unique across settings and aliases; every setting has a label, help and a non-default example', () => {
    const names = settingList.flatMap((s) => [s.name, ...(s.aliases ?? [])]);
    expect(new Set(names).size).toBe(names.length);
    for (const s of settingList) {
      expect(s.label.length, s.key).toBeGreaterThan(0);
      expect(s.help.length, s.key).toBeGreaterThan(0);
      if (s.key === 'model') continue;
      const model = (s.models?.[0] ?? 'mlp') as ModelName;
      expect(s.kind.equals(s.example as never, defaultsFor(model)[s.key] as never), `${s.key}: example equals the default`).toBe(false);
    }
  });

  it('refuses a value out of range with the setting, the value and what it needs', () => {
    expect(() => validateConfig({ ...defaultConfig, batchSize: 0 })).toThrow('Invalid batch size: 0 (a whole number ≥ 1)');
    expect(() => validateConfig({ ...defaultConfig, lr: -1 })).toThrow('Invalid learning rate: -1 (a number > 0)');
    expect(() => validateConfig({ ...defaultConfig, optimizer: 'rmsprop' as never })).toThrow('Invalid optimizer: "rmsprop" (one of sgd, momentum, adam)');
    expect(() => validateConfig({ ...defaultConfig, hidden: [] })).toThrow('Invalid hidden sizes: [] (sizes like 256 or 256,128)');
    expect(() => validateConfig({ ...defaultConfig, limit: 1.5 })).toThrow(/Invalid train examples: 1.5/);
    expect(() => validateConfig({ ...defaultConfig, seed: 2 ** 32 })).toThrow(/Invalid seed/);
  });

  it('a model\'s defaults are d2l\'s settings for it', () => {
    expect(defaultsFor('lenet')).toMatchObject({ batchSize: 128, lr: 0.1, activation: 'sigmoid', pool: 'avg', init: 'xavier-uniform' });
    expect(defaultsFor('mlp')).toMatchObject({ batchSize: 256, hidden: [256], init: 'normal', initSigma: 0.01 });
    expect(defaultsFor('mlp').hidden).not.toBe(defaultsFor('mlp').hidden);
    expect(applyPreset(defaultConfig, modelPreset('lenet-bn'))).toEqual({ ...defaultsFor('lenet-bn'), epochs: defaultConfig.epochs });
  });

  it('every preset is recognised as itself once applied', () => {
    for (const p of presetList) expect(matchingPreset(applyPreset(defaultConfig, p))?.name, p.name).toBe(p.name);
    expect(matchingPreset({ ...applyPreset(defaultConfig, presets['lenet-lab']), lr: 0.003 })).toBeUndefined();
  });


  it('a file written before a setting existed gets that setting\'s default for its model', () => {
    const json = JSON.parse(manifestJson(defaultsFor('mlp')));
    delete json.config.dropout;
    delete json.config.bestBy;
    const config = parseManifest(JSON.stringify(json)).config;
    expect(config).toEqual(JSON.parse(JSON.stringify(defaultsFor('mlp'))));
  });

  it('warns before waste: learning rate above 10 or below 1e-6, a batch larger than the training examples', () => {
    const w = (c: Partial<TrainConfig>, train?: number) => configWarnings({ config: { ...defaultConfig, ...c }, trainExamples: train }).map((x) => `${x.key}: ${x.message}`);
    expect(w({ lr: 20 })).toEqual(['lr: above 10: the loss will most likely diverge']);
    expect(w({ lr: 1e-7 })).toEqual(['lr: below 1e-6: the weights will barely move']);
    expect(w({ lr: 0.1 })).toEqual([]);
    expect(w({ batchSize: 512 }, 300)).toEqual(['batchSize: larger than the 300 training examples: every step is one batch of all of them']);
    expect(w({ batchSize: 512, limit: 100 }, 60000)).toEqual(['batchSize: larger than the 100 training examples: every step is one batch of all of them']);
    expect(w({ batchSize: 256 }, 300)).toEqual([]);
  });
});
