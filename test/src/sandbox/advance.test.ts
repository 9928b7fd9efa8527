import {catchUpWindow, dueOccurrences, markAdvanced} from '../../../src/sandbox/advance'
import {DURATIONS} from '../../../src/sandbox/durations'
import type {SandboxState} from '../../../src/sandbox/types'

const DAY = 24 * 60 * 60_000
const SPEED = 120

function state(): SandboxState {
  return {version: 1, account: '123456789012', seed: 's', counter: 0, simNow: 0, savedRealAt: 0, regions: {}}
}

describe('the advance phase catch-up', () => {
  it('fires a daily schedule left alone for a real day at 120x once, not 120 times', () => {
    const saved = state()
    const start = Date.UTC(2026, 0, 1)
    markAdvanced(saved, 'eu-west-1', start)
    // Simulated now after one real day: simNow + realGap × speed.
    const now = start + DAY * SPEED
    const window = catchUpWindow(saved, 'eu-west-1', now)
    expect(window.from).toBe(now - DURATIONS.advanceCatchUp)
    const due = dueOccurrences(start + 60_000, DAY, window)
    expect(due).toHaveLength(1)
    expect(due[0]).toBeLessThanOrEqual(now)
    expect(due[0]).toBeGreaterThan(now - DAY)
  })

  it('fires what came due since the last advance, and nothing twice', () => {
    const saved = state()
    markAdvanced(saved, 'eu-west-1', 1000)
    expect(dueOccurrences(0, 600, catchUpWindow(saved, 'eu-west-1', 1100))).toEqual([])
    expect(dueOccurrences(0, 600, catchUpWindow(saved, 'eu-west-1', 1200))).toEqual([1200])
    expect(dueOccurrences(0, 600, catchUpWindow(saved, 'eu-west-1', 2500), 5)).toEqual([1200, 1800, 2400])
  })

  it('starts at now for a region never advanced (a state from before the advance phase)', () => {
    expect(catchUpWindow(state(), 'eu-west-1', 5000)).toEqual({from: 5000, now: 5000})
    // The window is (from, now]: what was due at `from` fired in the advance before.
    expect(dueOccurrences(5000, 100, {from: 5000, now: 5000})).toEqual([])
    expect(dueOccurrences(5000, 100, {from: 4999, now: 5000})).toEqual([5000])
  })
})
