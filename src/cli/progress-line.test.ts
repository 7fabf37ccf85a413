// The CLI's progress on stderr: a line a minute into a log, one rewritten line a second on a terminal.
import { describe, expect, it } from 'vitest';
import type { Progress } from '../model/metrics';
import { progressReporter } from './progress-line';

const at = (step: number): Progress => ({ epoch: 1, epochs: 6, step, stepsPerEpoch: 469, examplesPerSecond: 76.6, secondsLeft: 4000 - step });

function sink(isTTY: boolean) {
  const written: string[] = [];
  return { isTTY, written, write: (s: string) => written.push(s) };
}

describe('progressReporter', () => {
  it('writes a line into a log at most once per interval, none in the first', () => {
    const out = sink(false);
    let t = 0;
    const r = progressReporter(out, () => t, 60_000);
    for (const [ms, step] of [[30_000, 10], [60_000, 20], [90_000, 30], [125_000, 40]]) {
      t = ms;
      r.progress(at(step));
    }
    r.end();
    expect(out.written).toEqual(['epoch 1/6, step 20/469, 77 examples/s, 1 h 06 min left\n', 'epoch 1/6, step 40/469, 77 examples/s, 1 h 06 min left\n']);
  });

  it('rewrites one terminal line each second and ends it before other output', () => {
    const out = sink(true);
    let t = 0;
    const r = progressReporter(out, () => t);
    t = 500;
    r.progress(at(1));
    t = 1000;
    r.progress(at(2));
    t = 2500;
    r.progress(at(3));
    r.end();
    r.end();
    expect(out.written).toEqual(['\repoch 1/6, step 2/469, 77 examples/s, 1 h 06 min left\x1b[K', '\repoch 1/6, step 3/469, 77 examples/s, 1 h 06 min left\x1b[K', '\n']);
  });
});
