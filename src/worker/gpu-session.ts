// The engine's GPU: adapter, device, kernel context and autotuner, and what happens when the device goes
// away (DESIGN rule 7). A loss (any reason but `destroyed`) and an uncaptured WebGPU error are reported at
// once to whoever listens, run or no run; `reacquire` gets a new adapter and device. A test hook makes
// the next `device.destroy()` count as an unexpected loss (reason `unknown`), which is otherwise the
// one loss a program cannot cause.
import { Autotuner, type ChoiceStore } from '../gpu/autotune';
import { KernelContext } from '../gpu/context';
import type { GpuContext, GpuResult } from '../gpu/device';

export interface DeviceLoss {
  reason: string;
  message: string;
}

export interface GpuSessionEvents {
  /** The device was lost (not destroyed by the engine itself). */
  lost(loss: DeviceLoss): void;
  /** An uncaptured WebGPU error (a validation or out-of-memory error outside any error scope). */
  error(message: string): void;
}

export class GpuSession {
  gpu: GpuContext | null = null;
  kc: KernelContext | null = null;
  tuner: Autotuner | null = null;
  /** The last loss not yet dealt with (cleared by `reacquire`). */
  loss: DeviceLoss | null = null;
  private lostSignal: Promise<DeviceLoss> = new Promise(() => {});
  private unexpectedDestroy = false;

  constructor(
    private readonly acquire: () => Promise<GpuResult>,
    private readonly events: GpuSessionEvents,
    private readonly choices?: ChoiceStore,
  ) {}

  /** Gets an adapter and a device; the failure's message says what is missing. */
  async open(): Promise<GpuResult> {
    const r = await this.acquire();
    if (!r.ok) return r;
    this.gpu = r.gpu;
    this.kc = new KernelContext(r.gpu.device);
    this.tuner = null;
    if (this.choices) this.kc.tuner = this.tuner = new Autotuner(this.kc, r.gpu.description, this.choices);
    this.loss = null;
    this.watch(r.gpu.device);
    return r;
  }

  /** A new adapter and device after a loss (the old kernel context and its pipelines go with the old device). */
  async reacquire(): Promise<GpuResult> {
    this.tuner?.destroy();
    this.gpu = null;
    this.kc = null;
    this.tuner = null;
    return this.open();
  }

  /** Resolves when the current device is lost (a destroy by the engine never resolves it). */
  get lost(): Promise<DeviceLoss> {
    return this.lostSignal;
  }

  /** Test hook: the next `device.destroy()` is reported as a loss with reason `unknown`. */
  loseDeviceForTest(): void {
    if (!this.gpu) throw new Error('No GPU device to lose');
    this.unexpectedDestroy = true;
    this.gpu.device.destroy();
  }

  private watch(device: GPUDevice): void {
    let signal!: (loss: DeviceLoss) => void;
    this.lostSignal = new Promise((resolve) => (signal = resolve));
    void device.lost.then((info) => {
      const unexpected = info.reason !== 'destroyed' || this.unexpectedDestroy;
      this.unexpectedDestroy = false;
      if (!unexpected || this.gpu?.device !== device) return;
      const loss = { reason: info.reason === 'destroyed' ? 'unknown' : info.reason, message: info.message || 'no message' };
      this.loss = loss;
      this.gpu = null;
      this.kc = null;
      this.events.lost(loss);
      signal(loss);
    });
    device.addEventListener('uncapturederror', (e) => this.events.error((e as GPUUncapturedErrorEvent).error.message));
  }

  destroy(): void {
    this.tuner?.destroy();
    this.gpu?.device.destroy();
  }
}

/** "unknown: Device was destroyed." */
export const describeLoss = (l: DeviceLoss): string => `${l.reason}: ${l.message}`;
