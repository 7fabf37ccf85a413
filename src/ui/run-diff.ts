// What tells overlaid runs apart: the settings whose values differ between them (shown in the legend),
// and a short label per run from those settings alone.
import { settingList, settingText, type TrainConfig } from '../model/config';

/** Keys of the settings whose text differs between any two of the configs (the form's order). */
export function differingSettings(configs: readonly TrainConfig[]): (keyof TrainConfig)[] {
  if (configs.length < 2) return [];
  return settingList.map((s) => s.key).filter((k) => k !== 'backend' && new Set(configs.map((c) => settingText(k, c))).size > 1);
}

/** "lr=0.01, optimizer=adam": a run's values of the differing settings, by URL name. */
export function diffLabel(config: TrainConfig, keys: readonly (keyof TrainConfig)[]): string {
  return keys.map((k) => `${settingList.find((s) => s.key === k)!.name}=${settingText(k, config)}`).join(', ');
}
