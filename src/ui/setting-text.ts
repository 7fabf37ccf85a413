// Settings typed as text, for the form's fields and the URL's parameters alike: the same strict parsing
// (no "", "0x1F" or "12px") and the same ranges. Each parser returns undefined for text it refuses.
import { strictNumber } from '../data/strict-number';

/** A whole number in [min, 2^32 − 1], digits only. */
const wholeNumber = (v: string, min: number) => (/^\d+$/.test(v) && Number(v) >= min && Number(v) <= 0xffffffff ? Number(v) : undefined);

export const positiveInt = (v: string) => wholeNumber(v, 1);
export const seedInt = (v: string) => wholeNumber(v, 0);

const inRange = (v: string, ok: (n: number) => boolean) => {
  const n = strictNumber(v);
  return n !== null && ok(n) ? n : undefined;
};
export const positiveNumber = (v: string) => inRange(v, (n) => n > 0);
export const nonNegative = (v: string) => inRange(v, (n) => n >= 0);
/** A number in [0, 1): a momentum or a dropout probability. */
export const fraction = (v: string) => inRange(v, (n) => n >= 0 && n < 1);

export const oneOf = <T extends string>(names: readonly T[]) => (v: string): T | undefined => names.find((n) => n === v);

/** Parses a list of hidden sizes such as "256" or "256,128"; undefined when any entry is not a positive integer. */
export function parseHidden(v: string): number[] | undefined {
  const parts = v.split(',').map((s) => s.trim());
  const sizes = parts.map(positiveInt);
  return parts.length > 0 && sizes.every((n) => n !== undefined) ? (sizes as number[]) : undefined;
}
