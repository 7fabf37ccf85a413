// `classifier-lab summary --model NAME [--input 1x28x28] [--classes 10] [--arch FILE.json] [--json]`: the
// model's layers as torchinfo prints them (path, type, output shape, parameters, MACs, activation memory
// per example) and the totals, or one JSON object. Nothing is built on a device.
import { parseArgs } from 'node:util';
import { parseArchitectureText, buildArchitecture } from '../model/zoo';
import { defaultsFor, settings } from '../model/config';
import { SpecError } from '../model/layers/types';
import { summarize, summaryLines } from '../model/summary';
import { InputError, readUserFile } from './input-error';

export const summaryUsage = '  classifier-lab summary --model NAME | --arch FILE.json [--input 1x28x28] [--classes 10] [--json]\n';

/** `1x28x28`, `3×32×32` or `784` → [1, 28, 28]. */
function shapeOf(text: string): number[] {
  const dims = text.split(/[x×,]/).map((d) => (/^\d+$/.test(d.trim()) ? Number(d) : NaN));
  if (dims.length === 0 || dims.length > 3 || dims.some((d) => !Number.isSafeInteger(d) || d < 1)) throw new InputError(`--input ${JSON.stringify(text)}: give C×H×W or D, like 1x28x28 or 784`);
  return dims;
}

export async function summary(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, strict: true, options: { model: { type: 'string' }, arch: { type: 'string' }, input: { type: 'string' }, classes: { type: 'string' }, json: { type: 'boolean' } } });
  } catch (e) {
    throw new InputError((e as Error).message);
  }
  const { values } = parsed;
  if (!values.model && !values.arch) throw new InputError(`summary needs --model or --arch:\n${summaryUsage}`);
  const input = shapeOf(values.input ?? '1x28x28');
  const classes = values.classes === undefined ? 10 : Number(values.classes);
  if (!Number.isSafeInteger(classes) || classes < 2) throw new InputError(`--classes ${values.classes}: a whole number ≥ 2 is needed`);
  const model = values.arch ? 'custom' : values.model!;
  if (!settings.model.kind.valid(model)) throw new InputError(`--model ${model}: ${settings.model.kind.need}`);
  const config = defaultsFor(model);
  if (values.arch) {
    config.arch = new TextDecoder().decode(await readUserFile(values.arch));
    try {
      parseArchitectureText(config.arch);
    } catch (e) {
      throw new InputError(`${values.arch}: ${(e as Error).message}`);
    }
  }
  let arch;
  try {
    arch = buildArchitecture(config, input, classes);
  } catch (e) {
    throw new InputError(`${values.arch ?? model}: ${e instanceof SpecError || e instanceof Error ? e.message : String(e)}`);
  }
  const s = summarize(arch);
  if (values.json) {
    const rows = s.rows.map((r) => ({ path: r.path, type: r.type, label: r.label, output: r.outputShape, params: r.params, macs: r.macs, activation_bytes: r.activationBytes }));
    const out = { model: arch.name, input, classes, params: s.totalParams, state_values: s.stateValues, macs: s.totalMacs, activation_bytes: s.activationBytes, layers: rows };
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  process.stdout.write(`${arch.name} on ${input.join('×')} inputs, ${classes} classes\n${summaryLines(s).join('\n')}\n`);
}
