import {acceleratedClock, type Clock} from '../core/clock'
import type {SandboxState} from './types'

/**
 * Simulated time. The state file records the simulated time and the real time
 * of its last write; from there simulated time runs `speed` times faster than
 * real time, so every process reading the file agrees on "now" and resources
 * made by one process keep ageing while the next one starts.
 *
 * A test passes its own clock (a ManualClock), which then decides "now" alone.
 */
export class SimTime {
  /** The clock the handle hands out: hactl's waits sleep on it. */
  public readonly clock: Clock
  private baseSim: number
  private baseReal: number

  public constructor(
    public readonly speed: number,
    private readonly external?: Clock,
  ) {
    if (!Number.isFinite(speed) || speed <= 0) {
      throw new Error(`The sandbox speed must be a positive number of simulated ms per real ms, not ${speed}.`)
    }

    this.baseReal = Date.now()
    this.baseSim = this.baseReal
    this.clock = external ?? acceleratedClock(speed, () => this.now())
  }

  /** Simulated now, in ms since the epoch. */
  public now(): number {
    if (this.external) return this.external.now()
    return Math.round(this.baseSim + (Date.now() - this.baseReal) * this.speed)
  }

  /** Takes the time base from a state just read. */
  public observe(state: SandboxState): void {
    this.baseSim = state.simNow
    this.baseReal = state.savedRealAt
  }

  /** Records now in a state about to be written. */
  public stamp(state: SandboxState): void {
    state.simNow = this.now()
    state.savedRealAt = Date.now()
    this.observe(state)
  }
}
