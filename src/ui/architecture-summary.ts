// One line that says what a config builds on the loaded data: the layer chain and the parameter count
// ("Flatten → Dense 784→10 · 7,850 parameters"), or why the model does not fit the data. The layers are
// the model's own summary (src/model/summary.ts).
import { summarize } from '../model/summary';
import { buildArchitecture } from '../model/zoo';
import type { TrainConfig } from '../model/config';
import { errorMessage, formatCount } from './format';

/** Longer models are summed up by layer type (the table under the form lists every layer). */
const MAX_CHAIN = 14;

/** "70 layers: 20 conv2d, 20 batchnorm, 17 relu, 8 add, …" */
function layerCounts(types: string[]): string {
  const counts = new Map<string, number>();
  for (const t of types) counts.set(t, (counts.get(t) ?? 0) + 1);
  return `${types.length} layers: ${[...counts].sort((a, b) => b[1] - a[1]).map(([t, n]) => `${n} ${t}`).join(', ')}`;
}

export type ArchitectureSummary = { ok: true; layers: string; params: string } | { ok: false; error: string };

export function summarizeArchitecture(config: TrainConfig, inputShape: number[], numClasses: number): ArchitectureSummary {
  try {
    const s = summarize(buildArchitecture(config, inputShape, numClasses));
    return { ok: true, layers: s.rows.length <= MAX_CHAIN ? s.rows.map((r) => r.label).join(' → ') : layerCounts(s.rows.map((r) => r.type)), params: `${formatCount(s.totalParams)} parameters` };
  } catch (e) {
    return { ok: false, error: errorMessage(e) };
  }
}
