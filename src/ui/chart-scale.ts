// The charts' y axes as numbers: the range drawn (accuracy on a fixed 0–100 % unless zoomed; a constant
// series still gets a span), tick labels with as many decimals as the tick spacing needs (so no two
// ticks read alike), large and tiny losses in short exponent form ("1.2e31"), and the axis width the
// longest label needs.

/** y range for a metric's values; accuracy stays on [0, 1] unless zoomed. */
export function axisRange(key: 'loss' | 'acc', min: number | null, max: number | null, zoom: boolean): [number, number] {
  if (key === 'acc' && !zoom) return [0, 1];
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return key === 'acc' ? [0, 1] : [0, 1];
  let lo = min;
  let hi = max;
  // A constant series: a span around it (10 % of its size, or 0.01 at zero).
  const pad = hi > lo ? (hi - lo) * 0.05 : Math.max(Math.abs(hi) * 0.1, key === 'acc' ? 0.01 : 0.05);
  lo -= pad;
  hi += pad;
  if (key === 'acc') return [Math.max(0, lo), Math.min(1, hi)];
  // Losses are ≥ 0: do not draw below zero when the data do not go there.
  return [min >= 0 ? Math.max(0, lo) : lo, hi];
}

/** The fewest decimals that write multiples of `incr` exactly (2.5 → 1, 0.25 → 2, 5 → 0), at most `cap`. */
function decimalsFor(incr: number, cap = 6): number {
  if (!(incr > 0) || !Number.isFinite(incr)) return 0;
  for (let d = 0; d < cap; d++) {
    const scaled = incr * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6 * Math.max(1, scaled)) return d;
  }
  return cap;
}

/** "1.2e31", "5e-7": mantissa with the decimals the spacing needs, then the power of ten. */
function exponential(v: number, exponent: number, incr: number): string {
  if (v === 0) return '0';
  const m = v / 10 ** exponent;
  const d = decimalsFor(incr / 10 ** exponent, 3);
  return `${m.toFixed(d)}e${exponent}`;
}

/** Tick labels for `ticks` spaced `incr` apart: percent for accuracy, plain or exponent form for losses. */
export function tickLabels(key: 'loss' | 'acc', ticks: readonly number[], incr: number): string[] {
  if (key === 'acc') {
    const d = decimalsFor(incr * 100, 3);
    return ticks.map((v) => `${(v * 100).toFixed(d)} %`);
  }
  const largest = Math.max(0, ...ticks.map((v) => Math.abs(v)).filter(Number.isFinite));
  if (largest >= 1e5 || (largest > 0 && largest < 1e-3)) {
    const exponent = Math.floor(Math.log10(largest));
    return ticks.map((v) => exponential(v, exponent, incr));
  }
  const d = decimalsFor(incr);
  return ticks.map((v) => v.toFixed(d));
}

/** Axis width in CSS pixels for its labels (12 px system font, tabular digits ≈ 7 px a character). */
export function axisWidth(labels: readonly string[]): number {
  const longest = Math.max(1, ...labels.map((l) => l.length));
  return Math.ceil(longest * 7 + 14);
}
