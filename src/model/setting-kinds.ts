// The kinds of value a training setting holds, each with its text form: one strict parser for the form's
// fields, the URL's parameters and the CLI's flags ("", "0x1F" and "12px" are never numbers), one
// formatter back to text, the check a typed value (a manifest's, an engine call's) must pass, and what
// the setting needs, for messages.
import { strictNumber } from '../data/strict-number';

export interface ValueKind<V> {
  /** The value a text holds (spaces around allowed), or undefined when the text is refused. */
  parse(text: string): Parsed<V>;
  /** The text that parses back to `v` (the form shows it, the URL and the CLI carry it). */
  format(v: V): string;
  /** Whether a typed value is one this kind holds. */
  valid(v: unknown): v is V;
  equals(a: V, b: V): boolean;
  /** What a refused value needs: "a whole number ≥ 1", "one of sgd, momentum, adam". */
  need: string;
  /** The keyboard a phone shows for it. */
  inputMode: 'numeric' | 'decimal' | 'text';
  /** The values a list offers, with their labels (a select), where the kind is a choice. */
  choices?(): readonly (readonly [V, string])[];
  /** Why a refused text is refused, where the kind can say more than `need` (a layer path and its reason). */
  problem?(text: string): string | undefined;
}

/** A parsed value, boxed so that a setting whose value may be `undefined` (no limit) can hold it. */
export type Parsed<V> = { value: V } | undefined;

const same = <V>(a: V, b: V) => a === b;
const box = <V>(v: V | undefined): Parsed<V> => (v === undefined ? undefined : { value: v });

/** A whole number in [min, max], digits only (max defaults to 2^32 − 1, what a seed or a u32 holds). */
export function wholeNumber(min: number, max = 0xffffffff): ValueKind<number> {
  const valid = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
  return {
    parse: (t) => {
      const s = t.trim();
      return /^\d+$/.test(s) && valid(Number(s)) ? { value: Number(s) } : undefined;
    },
    format: String,
    valid,
    equals: same,
    need: max === 0xffffffff ? `a whole number ≥ ${min}` : `a whole number in ${min} … ${max}`,
    inputMode: 'numeric',
  };
}

/** A finite decimal number within bounds (`gt`/`ge` below, `lt`/`le` above), in exponent notation too. */
export function decimal(b: { gt?: number; ge?: number; lt?: number; le?: number }): ValueKind<number> {
  const valid = (v: unknown): v is number =>
    typeof v === 'number' && Number.isFinite(v) &&
    (b.gt === undefined || v > b.gt) && (b.ge === undefined || v >= b.ge) &&
    (b.lt === undefined || v < b.lt) && (b.le === undefined || v <= b.le);
  const low = b.gt !== undefined ? `> ${b.gt}` : b.ge !== undefined ? `≥ ${b.ge}` : '';
  const need =
    b.ge !== undefined && b.lt !== undefined ? `a number in [${b.ge}, ${b.lt})`
      : b.ge !== undefined && b.le !== undefined ? `a number in [${b.ge}, ${b.le}]`
        : `a number${low ? ` ${low}` : ''}`;
  return {
    parse: (t) => {
      const n = strictNumber(t);
      return n !== null && valid(n) ? { value: n } : undefined;
    },
    format: String,
    valid,
    equals: same,
    need,
    inputMode: 'decimal',
  };
}

/** One of a list of names; `labels` are what the form's list shows (the name where absent). `names` may be lazy. */
export function oneOf<T extends string>(names: readonly T[] | (() => readonly T[]), labels: Partial<Record<T, string>> = {}): ValueKind<T> {
  const list = () => (typeof names === 'function' ? names() : names);
  const valid = (v: unknown): v is T => typeof v === 'string' && list().includes(v as T);
  return {
    parse: (t) => box(list().find((n) => n === t.trim())),
    format: String,
    valid,
    equals: same,
    get need() {
      return `one of ${list().join(', ')}`;
    },
    inputMode: 'text',
    choices: () => list().map((n) => [n, labels[n] ?? n] as const),
  };
}

/** Comma-separated whole numbers ≥ 1 ("256" or "256,128"), at least one. */
export function sizeList(): ValueKind<number[]> {
  const one = wholeNumber(1);
  const valid = (v: unknown): v is number[] => Array.isArray(v) && v.length > 0 && v.every((n) => one.valid(n));
  return {
    parse: (t) => {
      const sizes = t.split(',').map((s) => one.parse(s)?.value);
      return sizes.every((n) => n !== undefined) ? { value: sizes as number[] } : undefined;
    },
    format: (v) => v.join(','),
    valid,
    equals: (a, b) => a.length === b.length && a.every((n, i) => n === b[i]),
    need: 'sizes like 256 or 256,128',
    inputMode: 'text',
  };
}

/** `kind`, or nothing: the empty text (the form's empty field) is `undefined`, shown as `placeholder`. */
export function optional<V>(kind: ValueKind<V>, nothingMeans: string): ValueKind<V | undefined> {
  return {
    parse: (t) => (t.trim() === '' ? { value: undefined } : kind.parse(t)),
    format: (v) => (v === undefined ? '' : kind.format(v)),
    valid: (v): v is V | undefined => v === undefined || kind.valid(v),
    equals: (a, b) => (a === undefined || b === undefined ? a === b : kind.equals(a, b)),
    need: `${kind.need}, or nothing (${nothingMeans})`,
    inputMode: kind.inputMode,
    problem: kind.problem ? (t) => (t.trim() === '' ? undefined : kind.problem!(t)) : undefined,
  };
}

/**
 * Architecture text: a JSON object with a `net` list (graph/spec.ts). Only the JSON is checked here; the
 * layers are checked against the data when the model is built, with the offending layer's path.
 */
export function jsonObjectText(parseCheck: (text: string) => unknown): ValueKind<string> {
  const problem = (t: string): string | undefined => {
    try {
      parseCheck(t);
      return undefined;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  };
  const ok = (t: string) => problem(t) === undefined;
  const valid = (v: unknown): v is string => typeof v === 'string' && ok(v);
  return {
    parse: (t) => (ok(t) ? { value: t } : undefined),
    format: String,
    valid,
    equals: same,
    need: 'a JSON object with a "net" list of layers (see the README\'s architecture schema)',
    inputMode: 'text',
    problem,
  };
}
