/**
 * Time as the library sees it. Everything that waits takes a Clock, so tests
 * drive time by hand and the sandbox runs it accelerated.
 */
export interface Clock {
  /** Milliseconds since the epoch on this clock (simulated in the sandbox). */
  now(): number
  /** Waits `ms` of this clock's time. Rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  /**
   * How many of this clock's milliseconds pass per real millisecond: 1 for the
   * real world, e.g. 120 in the sandbox. SDK waiters sleep in real time, so
   * their delays are divided by this.
   */
  readonly scale: number
}

function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason)
      return
    }

    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, Math.max(0, ms))
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal?.reason)
    }

    signal?.addEventListener('abort', onAbort, {once: true})
  })
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: realSleep,
  scale: 1,
}

/**
 * A clock that runs `scale` times faster than real time from `origin`.
 * The sandbox uses it so simulated minutes pass in real seconds.
 */
export function acceleratedClock(scale: number, nowSim: () => number): Clock {
  return {
    now: nowSim,
    sleep: (ms, signal) => realSleep(ms / scale, signal),
    scale,
  }
}

/** A clock that moves only when told to; sleeping advances it at once. For tests. */
export class ManualClock implements Clock {
  public readonly scale = 1
  private current: number

  public constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start
  }

  public now(): number {
    return this.current
  }

  public advance(ms: number): void {
    this.current += ms
  }

  public async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason
    this.current += Math.max(0, ms)
    // Let other promise chains run, as a real sleep would.
    await new Promise<void>((resolve) => {
      setImmediate(resolve)
    })
  }
}

/** Whole seconds from an ISO 8601 time to `now` (never negative); null for a missing or unreadable time. */
export function secondsSince(now: number, iso: string | undefined): number | null {
  const at = iso ? Date.parse(iso) : Number.NaN
  return Number.isNaN(at) ? null : Math.max(0, Math.round((now - at) / 1000))
}
