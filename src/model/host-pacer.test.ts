// The host pacer on a fake clock: it learns milliseconds per step from finished ranges, then sleeps
// through about 80 % of a new range's expected time (queued behind the ranges already in flight)
// before the host starts waiting; switched off, or before it has learned anything, it never sleeps.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HostPacer } from './host-pacer';

/** Whether `p` settles within `ms` of fake time. */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let settled = false;
  void p.then(() => (settled = true));
  await vi.advanceTimersByTimeAsync(ms);
  return settled;
}

describe('HostPacer', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('never sleeps when off or before it has timed a range', async () => {
    const off = new HostPacer(false);
    const { start } = await off.submitted(10);
    vi.advanceTimersByTime(100);
    off.done(10, start);
    expect(await settlesWithin(off.submitted(10), 0)).toBe(true);
    expect(await settlesWithin(new HostPacer(true).submitted(10), 0)).toBe(true);
  });

  it('sleeps through most of the expected time, counting the ranges already queued', async () => {
    const pacer = new HostPacer(true);
    const { start } = await pacer.submitted(10);
    vi.advanceTimersByTime(100); // 10 ms per step
    pacer.done(10, start);
    // One range of 5 steps: expected in 50 ms; the host sleeps 40 ms.
    const one = pacer.submitted(5);
    expect(await settlesWithin(one, 39)).toBe(false);
    expect(await settlesWithin(one, 1)).toBe(true);
    // A second range queued behind the first (which needs 10 ms more): expected 60 ms from now, sleep 50 ms.
    const two = pacer.submitted(5);
    expect(await settlesWithin(two, 49)).toBe(false);
    expect(await settlesWithin(two, 1)).toBe(true);
  });
});
