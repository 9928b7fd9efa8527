import {DURATIONS} from './durations'
import type {SandboxState} from './types'

/*
 * The advance phase: before every handler, each service that keeps deferred
 * work (EB rolling batches today; Scheduler firings and SSM commands later)
 * materialises what became due, in time order, so a handler — of any service
 * — sees the region as it is at `now`. Lifecycles of one record stay derived
 * from timestamps; advance is for work that changes other records (EB
 * launching EC2 instances) at a future simulated time.
 *
 * Simulated time keeps running between processes (simNow + real gap × speed),
 * so a state left alone for a real day at 120x is 120 simulated days behind.
 * Finite plans (an update's batches) still play out in full; recurring work
 * only catches up over the last `DURATIONS.advanceCatchUp` and fires at most
 * `MAX_CATCH_UP_FIRINGS` times per advance, so it does not fire 120 times.
 */

/** What recurring work may fire at most per advance, however far behind it is. */
export const MAX_CATCH_UP_FIRINGS = 1

/** The simulated window an advance covers: recurring work due in (from, now] fires. */
export interface CatchUpWindow {
  readonly from: number
  readonly now: number
}

/** From where the region was last advanced to, but no further back than the catch-up cap. */
export function catchUpWindow(state: SandboxState, region: string, now: number): CatchUpWindow {
  const last = state.advancedTo?.[region] ?? now
  return {from: Math.max(Math.min(last, now), now - DURATIONS.advanceCatchUp), now}
}

/** Records that the region has been advanced to `now`. */
export function markAdvanced(state: SandboxState, region: string, now: number): void {
  state.advancedTo ??= {}
  if ((state.advancedTo[region] ?? Number.NEGATIVE_INFINITY) < now) state.advancedTo[region] = now
}

/**
 * The occurrences of a schedule (`first`, then every `period` ms) that fall in
 * the window, newest last, at most `limit` of them (the newest): a schedule
 * that was missed many times fires once for the lot, as a late catch-up would.
 */
export function dueOccurrences(first: number, period: number, window: CatchUpWindow, limit = MAX_CATCH_UP_FIRINGS): number[] {
  if (period <= 0) throw new Error(`A schedule's period must be positive, not ${period}.`)
  if (window.now < first) return []
  const lastIndex = Math.floor((window.now - first) / period)
  const firstIndex = window.from < first ? 0 : Math.floor((window.from - first) / period) + 1
  const from = Math.max(firstIndex, lastIndex - limit + 1)
  const due: number[] = []
  for (let index = from; index <= lastIndex; index += 1) due.push(first + index * period)
  return due
}
