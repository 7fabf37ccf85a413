// Reflects the WgslStruct descriptions against the WGSL text: same field names, types and order.
import { describe, expect, it } from 'vitest';
import { ConvParams } from './conv';
import { GatherParams } from './gather';
import { PoolParams } from './pool';
import { shaderSources, type ShaderName } from './shaders';
import { WgslStruct } from './wgsl-struct';

/** [name, type] of each field of `struct <name>` in a shader's text. */
function reflectStruct(source: string, name: string): [string, string][] {
  const m = new RegExp(`struct ${name}\\s*\\{([^}]*)\\}`).exec(source);
  if (!m) throw new Error(`no struct ${name}`);
  const body = m[1].replace(/\/\/[^\n]*/g, '');
  return [...body.matchAll(/(\w+)\s*:\s*(\w+)/g)].map((f) => [f[1], f[2]]);
}

const structs: [ShaderName, WgslStruct<string>][] = [['conv', ConvParams], ['conv-grad', ConvParams], ['conv-subgroup', ConvParams], ['conv-winograd', ConvParams], ['gather', GatherParams], ['pool', PoolParams]];

describe('uniform struct descriptions match the WGSL', () => {
  it.each(structs)('%s', (shader, s) => {
    expect(reflectStruct(shaderSources[shader], s.name)).toEqual(Object.entries(s.fields));
  });

  it('packs by name, refusing values a field cannot hold', () => {
    const s = new WgslStruct('T', { a: 'u32', b: 'f32', c: 'i32' });
    const v = new DataView(s.pack({ c: -3, b: 0.5, a: 7 }));
    expect([v.getUint32(0, true), v.getFloat32(4, true), v.getInt32(8, true), v.byteLength]).toEqual([7, 0.5, -3, 16]);
    expect(() => s.pack({ a: -1, b: 0, c: 0 })).toThrow(/T\.a/);
    expect(() => s.pack({ a: 1.5, b: 0, c: 0 })).toThrow(/whole/);
  });
});
