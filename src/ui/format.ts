// Number and duration formatting shared by the card, the progress line and the status line.

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatCount(n: number): string {
  return integer.format(n);
}

/** "0.4213" for losses, "83.1 %" for accuracies. */
export function formatMetric(key: 'loss' | 'acc', v: number): string {
  return key === 'acc' ? `${(v * 100).toFixed(1)} %` : v.toFixed(4);
}

/** "0.4 s", "45 s", "3 min 05 s", "1 h 02 min". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 9.95) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

export function formatShape(shape: readonly number[]): string {
  return shape.join('×');
}

/** The message of anything thrown (Comlink forwards Errors with their message). */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
