// The one strict number parser: CSV cells, CLI flags, the form's fields and the URL's parameters.

/** A strict decimal: no "", no hex, no units, no NaN/Infinity. */
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The number a text holds (spaces around allowed), or null when it is not a finite decimal. */
export function strictNumber(text: string): number | null {
  const s = text.trim();
  if (!NUMBER.test(s)) return null;
  const v = Number(s);
  return Number.isFinite(v) ? v : null;
}
