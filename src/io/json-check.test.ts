// The JSON pre-check against JSON.parse itself: the same verdict on valid and broken texts (seeded
// mutations of real headers and manifests), a depth bound, and messages in our words with a position.
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, jsonProblem, parseCheckedJson } from './json-check';
import { parseManifest } from './manifest';

const samples = [
  '{"__metadata__":{"format":"classifier-lab/1","manifest":"{\\"a\\":[1,2.5e-3,-0,true,false,null]}"},"layers.0.weight":{"dtype":"F32","shape":[10,784],"data_offsets":[0,31360]}}',
  '[{"k":"\\u00e9\\n\\t\\"\\\\\\/"},[],{},[[[]]],"",0,-1.5E+10]',
  ' \r\n\t{ "a" : [ 1 , 2 ] } ',
];

function mulberry(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const parses = (t: string) => {
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
};

describe('jsonProblem', () => {
  it('agrees with JSON.parse on 3,000 seeded mutations of real JSON', () => {
    const rnd = mulberry(15);
    const alphabet = '{}[]":,-.0123456789eE+tfnrul \\x';
    let broken = 0;
    for (let k = 0; k < 3000; k++) {
      let t = samples[k % samples.length];
      for (let m = 0, n = 1 + Math.floor(rnd() * 3); m < n; m++) {
        const at = Math.floor(rnd() * t.length);
        const op = rnd();
        const c = alphabet[Math.floor(rnd() * alphabet.length)];
        t = op < 0.4 ? t.slice(0, at) + c + t.slice(at + 1) : op < 0.7 ? t.slice(0, at) + t.slice(at + 1) : op < 0.9 ? t.slice(0, at) + c + t.slice(at) : t.slice(0, at);
      }
      const p = jsonProblem(t);
      expect(p === null, `${JSON.stringify(t)}: ${p?.why}`).toBe(parses(t));
      if (p) {
        broken++;
        expect(p.at).toBeGreaterThanOrEqual(0);
        expect(p.at).toBeLessThanOrEqual(t.length);
      }
    }
    expect(broken).toBeGreaterThan(1000);
  });

  it('bounds nesting at 64 levels, iteratively (no recursion to overflow)', () => {
    const ok = `${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`;
    expect(jsonProblem(ok)).toBeNull();
    expect(jsonProblem(`[${ok}]`)).toEqual({ at: MAX_JSON_DEPTH, why: 'nesting is deeper than 64 levels' });
    expect(jsonProblem('{"a":'.repeat(200_000))).toEqual({ at: 5 * 64, why: 'nesting is deeper than 64 levels' });
  });

  it('says what is wrong and where, in words that are the same in every browser', () => {
    expect(() => parseCheckedJson('{"a":1,}')).toThrow(/^expected a "quoted" key, found "}" at character 7$/);
    expect(() => parseCheckedJson('{"a":')).toThrow(/^the JSON ends early at character 5$/);
    expect(() => parseCheckedJson('"x\u0001"')).toThrow(/^a string holds a raw control character \(write it as an escape\) at character 2$/);
    expect(() => parseCheckedJson('[1] 2')).toThrow(/^unexpected "2" after the end of the JSON value at character 4$/);
    expect(() => parseCheckedJson('[01]')).toThrow(/^expected ',' or '\]', found "1" at character 2$/);
  });

  it('#15.5 a manifest nested 100,000 deep is refused before parsing, with where', () => {
    const deep = `{"format":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    expect(() => parseManifest(deep)).toThrow('manifest: not valid JSON (nesting is deeper than 64 levels at character 73)');
  });
});
