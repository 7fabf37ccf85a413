// The one strict number parser: CSV cells, CLI flags, the form's fields and the URL's parameters.
// A hand-written scanner, one pass over the text: the regex it replaces (`\d+\.?\d*`) backtracked
// quadratically, so a 100,000-digit cell took 10 s.

/** True for the text of a strict decimal: [+-] digits [. digits] [e [+-] digits], at least one digit before the exponent. */
export function isStrictDecimal(s: string): boolean {
  let i = 0;
  const n = s.length;
  const digits = (): number => {
    const from = i;
    for (let c = s.charCodeAt(i); c >= 48 && c <= 57; c = s.charCodeAt(++i));
    return i - from;
  };
  if (s[i] === '+' || s[i] === '-') i++;
  let mantissa = digits();
  if (s[i] === '.') {
    i++;
    mantissa += digits();
  }
  if (mantissa === 0) return false;
  if (s[i] === 'e' || s[i] === 'E') {
    i++;
    if (s[i] === '+' || s[i] === '-') i++;
    if (digits() === 0) return false;
  }
  return i === n;
}

/** The number a text holds (spaces around allowed), or null when it is not a finite decimal: no "", no hex, no units, no NaN/Infinity. */
export function strictNumber(text: string): number | null {
  const s = text.trim();
  if (!isStrictDecimal(s)) return null;
  const v = Number(s);
  return Number.isFinite(v) ? v : null;
}
