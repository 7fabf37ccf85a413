// One line that says what a config builds on the loaded data: the layer chain and the parameter count
// ("Flatten → Dense 784→10 · 7,850 parameters"), or why the model does not fit the data. The layers are
// the model's own summary (src/model/summary.ts).
import { summarize } from '../model/summary';
import { buildArchitecture } from '../model/zoo';
import type { TrainConfig } from '../model/config';
import { errorMessage, formatCount } from './format';

export type ArchitectureSummary = { ok: true; layers: string; params: string } | { ok: false; error: string };

export function summarizeArchitecture(config: TrainConfig, inputShape: number[], numClasses: number): ArchitectureSummary {
  try {
    const s = summarize(buildArchitecture(config, inputShape, numClasses));
    return { ok: true, layers: s.rows.map((r) => r.label).join(' → '), params: `${formatCount(s.totalParams)} parameters` };
  } catch (e) {
    return { ok: false, error: errorMessage(e) };
  }
}
