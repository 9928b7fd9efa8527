/**
 * A seeded pseudo-random source (mulberry32), so a test that shuffles or
 * interleaves work does the same thing on every run and a failure can be
 * replayed from its seed.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d_2b_79_f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** Yields to the event loop `hops` times (no timers, so no real time passes). */
export async function yieldTimes(hops: number): Promise<void> {
  for (let i = 0; i < hops; i++) await new Promise((resolve) => setImmediate(resolve))
}
