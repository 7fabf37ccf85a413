// Mutations of safetensors files: the 8-byte header length, the header JSON (dtypes, shapes, offsets,
// duplicated keys, deep nesting), and in real lab exports the manifest and the values a model cannot use
// (negative running variance, zero std, NaN weights). All of these must be refused.

import { enc } from '../data/fixtures/make';
import { REFUSE, type Mutated } from './case';
import type { Rng } from './rng';
import type { Seed } from './seeds';

interface Parts {
  header: string;
  data: Uint8Array;
}

function split(b: Uint8Array): Parts {
  const n = Number(new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(0, true));
  return { header: new TextDecoder().decode(b.subarray(8, 8 + n)), data: b.subarray(8 + n) };
}

function join(header: string, data: Uint8Array, length?: bigint): Uint8Array {
  const h = enc(header);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, length ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

const isWeights = (s: Seed) => s.format === 'safetensors' || s.format.startsWith('lab-export');

export function safetensorsMutation(seed: Seed, r: Rng): Mutated | null {
  if (!isWeights(seed)) return null;
  const f = seed.files[0];
  const { header, data } = split(f.bytes);
  const out = (bytes: Uint8Array, detail: string, expect = REFUSE): Mutated => ({ files: [{ name: f.name, bytes }], detail: `${f.name}: ${detail}`, expect });
  const which = r.pick(['length', 'dtype', 'shape', 'offsets', 'duplicate', 'deep', 'manifest', 'values'] as const);
  switch (which) {
    case 'length': {
      const n = BigInt(enc(header).length);
      const v = r.pick([0n, 1n, n - 1n, n + 1n, 2n ** 53n, 2n ** 64n - 1n, 100_000_001n]);
      return out(join(header, data, v), `header length ${n} → ${v}`);
    }
    case 'dtype': {
      const to = r.pick(['F64', 'F16', 'I64', 'Q8', 'f32', 'BOOL']);
      // Every other dtype changes the byte count the offsets must span (or is unknown): refused.
      return out(join(header.replace(/"dtype":"F32"/, `"dtype":"${to}"`), data), `first F32 dtype → ${to}`);
    }
    case 'shape': {
      const next = header.replace(/"shape":\[(\d+)/, (_, d: string) => `"shape":[${r.pick([0, Number(d) + 1, 2 ** 53, -1])}`);
      return out(join(next, data), 'first shape changed');
    }
    case 'offsets': {
      const next = header.replace(/"data_offsets":\[(\d+),(\d+)\]/, (_, a: string, b: string) => `"data_offsets":[${Number(a) + r.pick([1, -1, 4])},${b}]`);
      return out(join(next, data), 'first data_offsets begin moved');
    }
    case 'duplicate': {
      const m = /"([^"]+)":\{"dtype"[^}]*\}/.exec(header.replace(/"__metadata__":\{[^}]*\},?/, ''));
      if (!m) return null;
      return out(join(header.replace(/}\s*$/, `,${m[0]}}`), data), `entry "${m[1]}" repeated`);
    }
    case 'deep': {
      const depth = r.pick([65, 1000, 100_000]);
      return out(join(header.replace(/}\s*$/, `,"deep":${'['.repeat(depth)}${']'.repeat(depth)}}`), data), `a key nested ${depth} arrays deep`);
    }
    case 'manifest':
    case 'values': {
      if (seed.format === 'safetensors') return null;
      return labMutation(f.name, header, data, which, r);
    }
    default:
      return which satisfies never;
  }
}

/** Inside a lab export: the manifest JSON (a string in __metadata__) and the tensor values it governs. */
function labMutation(name: string, header: string, data: Uint8Array, which: 'manifest' | 'values', r: Rng): Mutated | null {
  const meta = JSON.parse(header) as Record<string, { data_offsets?: [number, number] } & Record<string, string>>;
  const manifest = meta.__metadata__.manifest;
  const file = (h: string, d = data) => [{ name, bytes: join(h, d) }];
  if (which === 'manifest') {
    const v = r.pick(['deep', 'std0', 'classes', 'truncate'] as const);
    let next = manifest;
    if (v === 'deep') next = manifest.replace(/"history":\[/, `"history":[${'['.repeat(100_000)}${']'.repeat(100_000)},`);
    if (v === 'std0') next = manifest.replace(/"std":\[([^\],]+)/, '"std":[0');
    if (v === 'classes') next = manifest.replace(/"classNames":\["[^"]*",/, '"classNames":[');
    if (v === 'truncate') next = manifest.slice(0, r.int(manifest.length));
    if (next === manifest) return null;
    meta.__metadata__.manifest = next;
    return { files: file(JSON.stringify(meta)), detail: `${name}: manifest ${v}`, expect: REFUSE };
  }
  const names = Object.keys(meta).filter((k) => k !== '__metadata__');
  const vars = names.filter((k) => k.endsWith('.running_var'));
  const target = vars.length && r.int(2) ? r.pick(vars) : r.pick(names);
  const [begin, end] = meta[target].data_offsets!;
  const d = data.slice();
  const i = r.int((end - begin) / 4);
  const value = target.endsWith('.running_var') ? r.pick([-1, -1e-9, -Infinity]) : r.pick([NaN, Infinity, -Infinity]);
  new DataView(d.buffer).setFloat32(begin + 4 * i, value, true);
  return { files: file(header, d), detail: `${name}: ${target}[${i}] → ${value}`, expect: REFUSE };
}
