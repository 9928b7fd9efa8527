/**
 * The end of a command's `--wait`, on the operation's clock. Every wait in
 * a run takes what is left of it, so a run never outlasts the deadline the
 * operator gave, however many waits it chains.
 */
import type {Clock} from './clock'

export class Deadline {
  private constructor(
    private readonly clock: Clock,
    /** Clock time (ms since the epoch) at which the run gives up. */
    public readonly at: number,
  ) {}

  /** `ms` from now on `clock`. */
  public static after(clock: Clock, ms: number): Deadline {
    return new Deadline(clock, clock.now() + ms)
  }

  /** No deadline: waits are bounded by their own timeouts only. */
  public static never(clock: Clock): Deadline {
    return new Deadline(clock, Number.POSITIVE_INFINITY)
  }

  /** What a wait may still take; at least 1 ms, so a wait started at the deadline times out on its first look. */
  public remainingMs(): number {
    return Math.max(1, this.at - this.clock.now())
  }

  public expired(): boolean {
    return this.clock.now() >= this.at
  }

  /** The {timeoutMs, signal} a wait takes (WaitControl in src/aws). */
  public wait(signal?: AbortSignal): {readonly signal?: AbortSignal; readonly timeoutMs: number} {
    return {signal, timeoutMs: this.remainingMs()}
  }
}
