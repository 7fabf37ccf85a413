// Initialisation against PyTorch's definitions (fan_in = in·k², fan_out = out·k²): Xavier-uniform's bound
// √(6 / (fan_in + fan_out)), He's σ = √(2 / fan_in), normal(σ); BatchNorm γ = 1, β = 0, running stats 0 / 1.
import { describe, expect, it } from 'vitest';
import { applyPreset, defaultConfig, presets } from './config';
import { initParams, modelTensorNames } from './params';
import { buildArchitecture } from './zoo';

const std = (t: Float32Array) => {
  const m = t.reduce((a, b) => a + b, 0) / t.length;
  return Math.sqrt(t.reduce((a, b) => a + (b - m) ** 2, 0) / t.length);
};

describe('initParams', () => {
  it('Xavier-uniform uses the receptive field in both fans (conv 16×6×5×5: a = √(6 / (150 + 400)))', () => {
    const arch = buildArchitecture(applyPreset(defaultConfig, presets['lenet-d2l']), [1, 28, 28], 10);
    const w = initParams(arch, 0).get('layers.3.weight')!;
    const a = Math.sqrt(6 / (6 * 25 + 16 * 25));
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(a);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.98 * a);
    // Uniform(−a, a) has σ = a/√3.
    expect(std(w) / (a / Math.sqrt(3))).toBeGreaterThan(0.95);
    expect(std(w) / (a / Math.sqrt(3))).toBeLessThan(1.05);
  });

  it('He: σ = √(2 / fan_in) (dense 400→120); normal(σ) for the MLPs; biases 0', () => {
    const arch = buildArchitecture(applyPreset(defaultConfig, presets['lenet-lab']), [1, 28, 28], 10);
    const p = initParams(arch, 3);
    expect(std(p.get('layers.7.weight')!) / Math.sqrt(2 / 400)).toBeCloseTo(1, 1);
    expect(p.get('layers.7.bias')!.every((v) => v === 0)).toBe(true);
    const mlp = initParams(buildArchitecture({ ...defaultConfig, model: 'mlp' }, [1, 28, 28], 10), 3);
    expect(std(mlp.get('layers.1.weight')!) / 0.01).toBeCloseTo(1, 1);
  });

  it('BatchNorm: γ = 1, β = 0, running mean 0 and variance 1; every model tensor present', () => {
    const arch = buildArchitecture(applyPreset(defaultConfig, presets['lenet-bn-d2l']), [1, 28, 28], 10);
    const p = initParams(arch, 0);
    expect([...p.keys()].sort()).toEqual(modelTensorNames(arch).sort());
    expect(p.get('layers.1.weight')!.every((v) => v === 1)).toBe(true);
    expect(p.get('layers.1.bias')!.every((v) => v === 0)).toBe(true);
    expect(p.get('layers.1.running_mean')!.every((v) => v === 0)).toBe(true);
    expect(p.get('layers.1.running_var')!.every((v) => v === 1)).toBe(true);
  });
});
