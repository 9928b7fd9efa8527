/** Issue 8, found by trying 3: SIGTERM and SIGHUP unwind like Ctrl-C; a dead local holder is named, with the way out. */
import {EventEmitter} from 'node:events'

import {ManualClock} from '../../../src/core/clock'
import {LockHeldError} from '../../../src/core/errors'
import {localHolderIsGone, lockHolderName, onStopSignals, type SignalTarget} from '../../../src/cli/signals'
import {acquireLock} from '../../../src/site/lock'
import {MemorySsm} from '../../_helpers/memory-ssm'

describe('onStopSignals', () => {
  it('handles SIGTERM and SIGHUP like SIGINT, and removes every handler again', () => {
    const target = new EventEmitter()
    const seen: string[] = []
    const remove = onStopSignals((signal) => seen.push(signal), target as unknown as SignalTarget)
    target.emit('SIGTERM')
    target.emit('SIGHUP')
    target.emit('SIGINT')
    expect(seen).toEqual(['SIGTERM', 'SIGHUP', 'SIGINT'])
    remove()
    expect(['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => target.listenerCount(s))).toEqual([0, 0, 0])
  })
})

describe('localHolderIsGone', () => {
  const holder = lockHolderName('arn:aws:iam::1:user/alice', 'laptop', 4242)

  it('is true only for a dead pid on this host', () => {
    expect(holder).toBe('arn:aws:iam::1:user/alice on laptop (pid 4242)')
    expect(localHolderIsGone(holder, {host: 'laptop', isAlive: () => false})).toBe(true)
    expect(localHolderIsGone(holder, {host: 'laptop', isAlive: () => true})).toBe(false)
    expect(localHolderIsGone(holder, {host: 'ci-runner', isAlive: () => false})).toBe(false)
    expect(localHolderIsGone('alice', {host: 'laptop', isAlive: () => false})).toBe(false)
  })
})

describe('a site lock whose holder died on this host', () => {
  const clock = new ManualClock(Date.UTC(2026, 11, 7, 10, 0, 0))
  const dead = lockHolderName('arn:aws:iam::1:user/alice', 'laptop', 4242)
  const holderIsGone = (holder: string) => localHolderIsGone(holder, {host: 'laptop', isAlive: (pid) => pid !== 4242})

  it('is named as gone, with --break-lock as the way out, instead of "wait for that run"', async () => {
    const ssm = new MemorySsm(() => clock.now())
    await acquireLock({clock, holder: dead, operation: 'env create', site: 'demo', ssm})
    const second = acquireLock({clock, holder: 'bob on laptop (pid 7)', holderIsGone, operation: 'env create', site: 'demo', ssm})
    await expect(second).rejects.toBeInstanceOf(LockHeldError)
    const error = (await second.catch((e: unknown) => e)) as LockHeldError
    expect(error.message).toContain('That process is no longer running on this host')
    expect(error.suggestions).toEqual([expect.stringContaining('--break-lock')])
    expect(error.suggestions.join(' ')).not.toContain('Wait for that run')
  })

  it('is taken over with --break-lock at once, without waiting for it to go stale', async () => {
    const ssm = new MemorySsm(() => clock.now())
    await acquireLock({clock, holder: dead, operation: 'env create', site: 'demo', ssm})
    const lock = await acquireLock({breakStale: true, clock, holder: 'bob on laptop (pid 7)', holderIsGone, operation: 'env create', site: 'demo', ssm})
    expect(lock.brokeStale?.holder).toBe(dead)
  })
})
