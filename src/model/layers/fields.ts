// Reading a written layer spec: each field checked with a message naming the layer path, the field and
// what it may hold. Modules call these from resolve(); unknown fields are refused (a typo is not ignored).
import { SpecError } from './types';

type Raw = Record<string, unknown>;

const show = (v: unknown) => (v === undefined ? 'nothing' : (JSON.stringify(v) ?? String(v)).slice(0, 60));

/** Throws unless every key of `raw` is `type`, `name` or one of `allowed`. */
export function onlyFields(raw: Raw, allowed: readonly string[], path: string): void {
  for (const k of Object.keys(raw)) {
    if (k === 'type' || k === 'name' || allowed.includes(k)) continue;
    const type = String(raw.type);
    throw new SpecError(path, `a ${type} layer has no field "${k}"${allowed.length > 0 ? ` (it takes ${allowed.join(', ')})` : ''}`);
  }
}

/** An integer in [min, max]; `fallback` when absent (undefined fallback: required). */
export function int(raw: Raw, key: string, path: string, min: number, max = 1 << 20, fallback?: number): number {
  const v = raw[key] ?? fallback;
  if (!Number.isSafeInteger(v) || (v as number) < min || (v as number) > max) {
    throw new SpecError(path, `${key} must be a whole number from ${min} to ${max}, found ${show(raw[key])}`);
  }
  return v as number;
}

/** A finite number in [min, max) or [min, max] (`closed`). */
export function num(raw: Raw, key: string, path: string, min: number, max: number, fallback: number, closed = true): number {
  const v = raw[key] ?? fallback;
  const ok = typeof v === 'number' && Number.isFinite(v) && v >= min && (closed ? v <= max : v < max);
  if (!ok) throw new SpecError(path, `${key} must be a number in [${min}, ${max}${closed ? ']' : ')'}, found ${show(raw[key])}`);
  return v as number;
}

export function bool(raw: Raw, key: string, path: string, fallback: boolean): boolean {
  const v = raw[key] ?? fallback;
  if (typeof v !== 'boolean') throw new SpecError(path, `${key} must be true or false, found ${show(raw[key])}`);
  return v;
}

/** Checks an optional explicit input size against the one the input has (the lazy `in` of d2l's LazyConv2d). */
export function inputSize(raw: Raw, key: string, path: string, actual: number, what: string): number {
  if (raw[key] === undefined) return actual;
  const want = int(raw, key, path, 1);
  if (want !== actual) throw new SpecError(path, `input has ${actual} ${what}, the layer expects ${want}`);
  return want;
}

/** The single input shape of a one-input layer. */
export function one(inShapes: number[][]): number[] {
  return inShapes[0];
}

export const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Throws unless the input is C×H×W. */
export function image(inShapes: number[][], path: string, type: string): [number, number, number] {
  const s = inShapes[0];
  if (s.length !== 3) throw new SpecError(path, `${type} needs a C×H×W input, gets ${s.join('×')}`);
  return [s[0], s[1], s[2]];
}

export const dims = (shape: readonly number[]): string => shape.join('×');
