// A WGSL uniform struct described once, by field name and type, in the struct's order: wrappers fill it
// by name (never by position), and wgsl-struct.test.ts reflects each description against the WGSL text,
// so reordering a field in either place fails a test instead of corrupting data.
import { alignBytes } from './buffers';

export type ScalarType = 'u32' | 'i32' | 'f32';

export class WgslStruct<K extends string> {
  /** `fields` in the WGSL declaration's order (JavaScript keeps string keys in insertion order). */
  constructor(
    readonly name: string,
    readonly fields: Readonly<Record<K, ScalarType>>,
  ) {}

  /** The struct's bytes (16-byte aligned, as a uniform binding wants) with every field given by name. */
  pack(values: Readonly<Record<K, number>>): ArrayBuffer {
    const names = Object.keys(this.fields) as K[];
    const buf = new ArrayBuffer(Math.max(16, alignBytes(names.length * 4, 16)));
    const view = new DataView(buf);
    names.forEach((n, i) => {
      const v = values[n];
      if (!Number.isFinite(v)) throw new Error(`${this.name}.${n}: ${v} is not a number`);
      const type = this.fields[n];
      if (type !== 'f32' && !Number.isInteger(v)) throw new Error(`${this.name}.${n}: ${v} is not a whole number`);
      if (type === 'u32' && (v < 0 || v > 0xffffffff)) throw new Error(`${this.name}.${n}: ${v} is outside u32`);
      if (type === 'f32') view.setFloat32(i * 4, v, true);
      else if (type === 'i32') view.setInt32(i * 4, v, true);
      else view.setUint32(i * 4, v, true);
    });
    return buf;
  }
}
