import type {ManualClock} from '../../../src/core/clock'
import {acquireLock, lockParameterName, readLock, withLock} from '../../../src/site/lock'
import {ExitCode} from '../../../src/core/exit-codes'
import {LockHeldError} from '../../../src/core/errors'
import {RecordingReporter} from '../../../src/core/progress'
import {clockedSsm, type MemorySsm} from '../../_helpers/memory-ssm'
import {seededRandom, yieldTimes} from '../../_helpers/random'

describe('site lock', () => {
  let clock: ManualClock
  let ssm: MemorySsm

  beforeEach(() => ({clock, ssm} = clockedSsm()))

  const take = (holder: string, extra: {breakStale?: boolean; staleAfterMs?: number} = {}) =>
    acquireLock({clock, holder, operation: 'env create', site: 'demo', ssm, ...extra})

  it('stores who holds it and since when under /hactl/<site>/lock', async () => {
    const lock = await take('alice')
    const stored = JSON.parse(ssm.parameters.get('/hactl/demo/lock')!.value)
    expect(stored).toMatchObject({holder: 'alice', operation: 'env create', since: '2026-11-21T12:00:00.000Z'})
    expect(lock.record.holder).toBe('alice')
  })

  it('refuses a second holder, naming the first and since when, with the lock exit code', async () => {
    await take('alice')
    clock.advance(5 * 60_000)
    const second = take('bob')
    await expect(second).rejects.toBeInstanceOf(LockHeldError)
    await expect(second).rejects.toMatchObject({
      exitCode: ExitCode.LockHeld,
      holder: 'alice',
      message: expect.stringContaining('locked by alice since 2026-11-21T12:00:00.000Z (5 minutes ago)'),
    })
  })

  it('does not break a live lock even when asked to', async () => {
    await take('alice')
    clock.advance(10 * 60_000)
    await expect(take('bob', {breakStale: true})).rejects.toBeInstanceOf(LockHeldError)
    expect(JSON.parse(ssm.parameters.get(lockParameterName('demo'))!.value).holder).toBe('alice')
  })

  it('says a stale lock is stale and how to break it, but keeps it without the flag', async () => {
    await take('alice')
    clock.advance(31 * 60_000)
    const attempt = take('bob')
    await expect(attempt).rejects.toMatchObject({
      message: expect.stringContaining('stale'),
      suggestions: [expect.stringContaining('--break-lock')],
    })
  })

  it('breaks a stale lock with the explicit flag and reports whose it was', async () => {
    await take('alice')
    clock.advance(31 * 60_000)
    const lock = await take('bob', {breakStale: true})
    expect(lock.brokeStale?.holder).toBe('alice')
    expect(JSON.parse(ssm.parameters.get(lockParameterName('demo'))!.value).holder).toBe('bob')
  })

  it('refresh keeps a long-held lock from going stale', async () => {
    const lock = await take('alice')
    clock.advance(25 * 60_000)
    await lock.refresh()
    clock.advance(25 * 60_000)
    const state = await readLock({clock, site: 'demo', ssm})
    expect(state).toMatchObject({held: true, stale: false})
  })

  it('release frees the lock, twice is harmless, and never deletes someone else\'s lock', async () => {
    const alice = await take('alice')
    await alice.release()
    await alice.release()
    expect(await readLock({clock, site: 'demo', ssm})).toEqual({held: false})

    const bob = await take('bob')
    await alice.release()
    expect((await readLock({clock, site: 'demo', ssm})).record?.holder).toBe('bob')
    await bob.release()
  })

  it('refresh fails loudly when the lock was taken over', async () => {
    const alice = await take('alice')
    clock.advance(31 * 60_000)
    await take('bob', {breakStale: true})
    await expect(alice.refresh()).rejects.toMatchObject({code: 'lock-lost'})
  })

  it('does not break a stale lock that changed hands while we looked', async () => {
    await take('alice')
    clock.advance(31 * 60_000)
    let reads = 0
    ssm.beforeCall = (operation) => {
      // bob reads alice's stale lock (read 1), then re-reads it before deleting (read 2):
      // just before that second read, carol breaks it first.
      if (operation === 'getParameter' && ++reads === 2) {
        const now = new Date(clock.now()).toISOString()
        ssm.parameters.set('/hactl/demo/lock', {
          name: '/hactl/demo/lock',
          value: JSON.stringify({heartbeatAt: now, holder: 'carol', operation: 'bake', since: now, token: 'c'}),
          version: 9,
        })
      }
    }

    await expect(take('bob', {breakStale: true})).rejects.toMatchObject({holder: 'carol'})
    expect(JSON.parse(ssm.parameters.get('/hactl/demo/lock')!.value).holder).toBe('carol')
  })

  it('withLock releases even when the work fails', async () => {
    const failing = withLock({clock, holder: 'alice', operation: 'bake', site: 'demo', ssm}, async () => {
      throw new Error('boom')
    })
    await expect(failing).rejects.toThrow('boom')
    expect(await readLock({clock, site: 'demo', ssm})).toEqual({held: false})
  })

  it('lets exactly one of several operators break the same stale lock', async () => {
    // Seeded, so every run tries the same 50 interleavings and a failure replays.
    const random = seededRandom(20_261_121)
    for (let trial = 0; trial < 50; trial++) {
      ssm.parameters.clear()
      await take('alice')
      clock.advance(31 * 60_000)
      // Every call yields to the event loop 1-4 times, so the three runs interleave differently each trial.
      ssm.latency = () => yieldTimes(1 + Math.floor(random() * 4))
      const outcomes = await Promise.allSettled(['bob', 'carol', 'dave'].map((who) => take(who, {breakStale: true})))
      ssm.latency = undefined
      const winners = outcomes.filter((o) => o.status === 'fulfilled')
      expect(winners).toHaveLength(1)
      for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(LockHeldError)
      const holder = JSON.parse(ssm.parameters.get('/hactl/demo/lock')!.value).holder
      expect((winners[0] as PromiseFulfilledResult<{record: {holder: string}}>).value.record.holder).toBe(holder)
      expect([...ssm.parameters.keys()].filter((k) => k.startsWith('/hactl/demo/lock-breaks/'))).toHaveLength(1)
    }
  })

  it('judges staleness by when SSM last saw a write, not by the holder\'s clock', async () => {
    await take('alice')
    // alice's clock runs a day fast: her heartbeat claims to be from the future.
    const record = JSON.parse(ssm.parameters.get('/hactl/demo/lock')!.value)
    const future = new Date(clock.now() + 86_400_000).toISOString()
    ssm.parameters.set('/hactl/demo/lock', {...ssm.parameters.get('/hactl/demo/lock')!, value: JSON.stringify({...record, heartbeatAt: future})})
    clock.advance(31 * 60_000)
    expect(await readLock({clock, site: 'demo', ssm})).toMatchObject({held: true, stale: true})
  })

  it('a failed release neither hides the work\'s error nor claims the lock is gone', async () => {
    const reporter = new RecordingReporter()
    let lockSeen: {release(): Promise<void>} | undefined
    const failing = withLock({clock, holder: 'alice', operation: 'bake', reporter, site: 'demo', ssm}, async (lock) => {
      lockSeen = lock
      ssm.failing.set('getParameter', new Error('network down'))
      throw new Error('image failed')
    })
    await expect(failing).rejects.toThrow('image failed')
    expect(reporter.ofType('warning')[0].message).toMatch(/Could not release the site lock \/hactl\/demo\/lock \(network down\); it goes stale in 30 minutes/)
    // Once the network is back, releasing again works: the first failure did not mark it released.
    ssm.failing.clear()
    await lockSeen!.release()
    expect(await readLock({clock, site: 'demo', ssm})).toEqual({held: false})
  })
})
