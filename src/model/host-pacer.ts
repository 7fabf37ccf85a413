// Sleeps through most of a submitted range's expected GPU time before the host awaits its readback.
// Dawn in Node keeps polling for completion in a busy loop while any WebGPU promise is pending, which
// takes one of the cores a software GPU (SwiftShader) computes on; browsers wait without spinning, so
// there the pacer stays off. The estimate is a running mean of measured milliseconds per step.
export class HostPacer {
  private msPerStep = 0;
  /** When the GPU should finish everything submitted so far (performance.now() time). */
  private expectedIdle = 0;
  /** When the last awaited range was seen done. */
  private lastDone = 0;

  constructor(readonly enabled: boolean) {}

  /** Registers a range of `steps` submitted now; resolves when the host should start waiting for it. */
  async submitted(steps: number): Promise<{ start: number }> {
    const now = performance.now();
    const start = Math.max(now, this.expectedIdle);
    this.expectedIdle = start + steps * this.msPerStep;
    const sleep = this.expectedIdle - now - 0.2 * steps * this.msPerStep;
    if (this.enabled && this.msPerStep > 0 && sleep > 4) await new Promise((r) => setTimeout(r, sleep));
    return { start: now };
  }

  /** Records that a range submitted at `submittedAt` was seen done now. */
  done(steps: number, submittedAt: number): void {
    const now = performance.now();
    const ran = (now - Math.max(submittedAt, this.lastDone)) / steps;
    this.lastDone = now;
    if (ran > 0) this.msPerStep = this.msPerStep === 0 ? ran : 0.7 * this.msPerStep + 0.3 * ran;
    if (this.expectedIdle < now) this.expectedIdle = now;
  }
}
