// The loss chart's log-scale y axis: whole decades around the data, and tick labels on 1, 2 and 5 times
// a power of ten (uPlot puts a tick on every multiple 1–9 of each decade; the rest stay unlabelled).

/** y range on a log scale: from the decade at or below the smallest positive value to the one at or above the largest. */
export function logRange(min: number | null, max: number | null): [number, number] {
  if (min === null || max === null || !(min > 0) || !(max > 0) || !Number.isFinite(min) || !Number.isFinite(max)) return [0.1, 1];
  // Number('1e-5'), not 10 ** -5 (0.000009999999999999999): the decade exactly as written.
  const decade = (k: number) => Number(`1e${k}`);
  const lo = Math.floor(Math.log10(min) + 1e-9);
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(max) - 1e-9));
  return [decade(lo), decade(hi)];
}

/** Labels for ticks on a log axis: "0.02", "0.5", "1", "20" (exponent form outside 10⁻³…10⁵), blank where the mantissa is not 1, 2 or 5. */
export function logTickLabels(ticks: readonly number[]): string[] {
  return ticks.map((v) => {
    if (!(v > 0) || !Number.isFinite(v)) return '';
    const exponent = Math.floor(Math.log10(v) + 1e-9);
    const mantissa = Math.round(v / 10 ** exponent);
    if (mantissa !== 1 && mantissa !== 2 && mantissa !== 5) return '';
    if (exponent < -3 || exponent >= 5) return `${mantissa}e${exponent}`;
    return String(Number((mantissa * 10 ** exponent).toPrecision(1)));
  });
}
