// Where a long CLI run stands, on stderr (stdout keeps one JSON object per epoch): on a terminal one line
// rewritten at most once a second; otherwise (a log file, a pipe) a line every `everyMs` (a minute), so a
// ResNet epoch of half an hour is not silent and a short run prints nothing extra.
import type { Progress } from '../model/metrics';
import { formatDuration } from '../ui/format';

interface Sink {
  isTTY?: boolean;
  write(s: string): unknown;
}

export function progressReporter(out: Sink, now: () => number = Date.now, everyMs = 60_000): { progress(p: Progress): void; end(): void } {
  const tty = out.isTTY === true;
  const start = now();
  let last = start;
  let open = false;
  return {
    progress(p) {
      const t = now();
      if (t - last < (tty ? 1000 : everyMs)) return;
      last = t;
      const line = `epoch ${p.epoch}/${p.epochs}, step ${p.step}/${p.stepsPerEpoch}, ${Math.round(p.examplesPerSecond)} examples/s, ${formatDuration(p.secondsLeft)} left`;
      if (tty) {
        out.write(`\r${line}\x1b[K`);
        open = true;
      } else out.write(`${line}\n`);
    },
    /** Ends a rewritten terminal line before other output. */
    end() {
      if (open) out.write('\n');
      open = false;
    },
  };
}
