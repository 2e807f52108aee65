import { Transform, type TransformCallback } from 'node:stream';

/**
 * A pass-through stream that fails with an ETIMEDOUT error when no byte has moved for `idleMs`, from the moment
 * it is made until `stop()`. It bounds stalled artifact transfers without capping how long a large one may take.
 */
export class IdleWatchdog extends Transform {
  private timer: NodeJS.Timeout | undefined;
  private fired = false;

  constructor(
    private readonly idleMs: number,
    private readonly onIdle: (err: Error) => void = () => {},
  ) {
    super();
    this.arm();
  }

  /** True once the watchdog has fired. */
  get timedOut(): boolean {
    return this.fired;
  }

  /** Stops watching (the transfer finished or failed for another reason). */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.arm();
    callback(null, chunk);
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.stop();
    callback(err);
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.idleMs <= 0) return;
    this.timer = setTimeout(() => {
      this.fired = true;
      const err = Object.assign(new Error(`no data moved for ${this.idleMs} ms`), { code: 'ETIMEDOUT' });
      this.onIdle(err);
      this.destroy(err);
    }, this.idleMs);
    this.timer.unref();
  }
}
