// Reflects the zoo shaders' WGSL against their wrappers' binding tables: every table entry names a
// group-0 variable with the same binding number and access, and every group-0 variable has an entry.
import { describe, expect, it } from 'vitest';
import { ActivationBindings } from './activation';
import { BatchNormBindings } from './batchnorm';
import type { BindingTable } from './binding-table';
import { ConvBindings } from './conv';
import { DropoutBindings } from './dropout';
import { GatherBindings } from './gather';
import { OptimBindings } from './optim';
import { PoolBindings } from './pool';
import { shaderLocation, shaderParts, shaderSources, type ShaderName } from './shaders';

/** name → {binding, kind} of the group-0 variables declared in a shader. */
function reflect(source: string): Map<string, { binding: number; kind: string }> {
  const out = new Map<string, { binding: number; kind: string }>();
  const re = /@group\(0\)\s*@binding\((\d+)\)\s*var<([^>]+)>\s*(\w+)/g;
  for (const m of source.matchAll(re)) {
    const space = m[2].replace(/\s/g, '');
    const kind = space === 'uniform' ? 'uniform' : space === 'storage,read' ? 'read' : space === 'storage,read_write' ? 'rw' : space;
    out.set(m[3], { binding: Number(m[1]), kind });
  }
  return out;
}

const tables: [ShaderName, BindingTable][] = [
  ['activation', ActivationBindings],
  ['batchnorm', BatchNormBindings],
  ['conv', ConvBindings],
  ['conv-grad', ConvBindings],
  ['conv-subgroup', ConvBindings],
  ['conv-winograd', ConvBindings],
  ['dropout', DropoutBindings],
  ['gather', GatherBindings],
  ['optim', OptimBindings],
  ['pool', PoolBindings],
];

describe('binding tables match the WGSL', () => {
  it.each(tables)('%s', (shader, table) => {
    const declared = reflect(shaderSources[shader]);
    expect(Object.fromEntries(declared)).toEqual(Object.fromEntries(Object.entries(table).map(([k, v]) => [k, { binding: v.binding, kind: v.kind }])));
  });

  it('shared WGSL is concatenated, not copied: Step and hash32 are declared once per shader', () => {
    for (const name of Object.keys(shaderParts) as ShaderName[]) {
      const src = shaderSources[name];
      expect((src.match(/struct Step\b/g) ?? []).length, name).toBeLessThanOrEqual(1);
      expect((src.match(/fn hash32\b/g) ?? []).length, name).toBeLessThanOrEqual(1);
    }
    expect(shaderSources.dropout).toContain('fn hash32');
  });

  it('compile-error lines map back to the file they came from', () => {
    const commonLines = shaderParts.conv[0][1].split('\n').length;
    expect(shaderLocation('conv', 3)).toBe('shaders/common.wgsl:3');
    const convCommonLines = shaderParts.conv[1][1].split('\n').length;
    expect(shaderLocation('conv', commonLines + 2)).toBe('shaders/conv-common.wgsl:2');
    expect(shaderLocation('conv', commonLines + convCommonLines + 2)).toBe('shaders/conv.wgsl:2');
    expect(shaderLocation('matmul', 40)).toBe('shaders/matmul.wgsl:40');
  });
});
