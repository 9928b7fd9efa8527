import type {ManualClock} from '../../../src/core/clock'
import {LockHeldError} from '../../../src/core/errors'
import {ExitCode} from '../../../src/core/exit-codes'
import {RecordingReporter} from '../../../src/core/progress'
import {acquireLock, freezeMessageOf, freezeSite, lockParameterName, readLock, releaseFreeze} from '../../../src/site/lock'
import {clockedSsm, type MemorySsm} from '../../_helpers/memory-ssm'

const ALICE = 'arn:aws:iam::123456789012:user/alice'
const BOB = 'arn:aws:iam::123456789012:user/bob'

describe('deploy freeze (manual site lock)', () => {
  let clock: ManualClock
  let ssm: MemorySsm

  beforeEach(() => ({clock, ssm} = clockedSsm()))

  const freeze = (principal = ALICE, message = 'exam week') => freezeSite({clock, host: 'laptop', message, principal, site: 'demo', ssm})
  const take = (extra: {breakStale?: boolean; waitMs?: number; reporter?: RecordingReporter} = {}) =>
    acquireLock({clock, holder: 'ci', operation: 'env create', site: 'demo', ssm, ...extra})

  it('is the same SSM parameter as the automatic lock, with kind, reason, holder and time', async () => {
    const result = await freeze()
    expect(result.action).toBe('created')
    const stored = JSON.parse(ssm.parameters.get(lockParameterName('demo'))!.value)
    expect(stored).toMatchObject({holder: `${ALICE} on laptop`, kind: 'manual', message: 'exam week', principal: ALICE, since: '2026-11-21T12:00:00.000Z'})
    expect(freezeMessageOf(stored.operation)).toBe('exam week')
  })

  it('refuses every command with exit 6 naming the message, even days later and with --break-lock', async () => {
    await freeze()
    clock.advance(3 * 24 * 60 * 60_000)
    const attempt = take({breakStale: true})
    await expect(attempt).rejects.toBeInstanceOf(LockHeldError)
    await expect(attempt).rejects.toMatchObject({exitCode: ExitCode.LockHeld, message: expect.stringContaining('frozen: "exam week"')})
    expect((await readLock({clock, site: 'demo', ssm})).stale).toBe(false)
  })

  it('--lock-wait never waits behind a freeze: it says so at once', async () => {
    await freeze()
    const reporter = new RecordingReporter()
    const start = clock.now()
    await expect(take({reporter, waitMs: 30 * 60_000})).rejects.toMatchObject({message: expect.stringContaining('never waits behind a deploy freeze')})
    expect(clock.now()).toBe(start)
    expect(reporter.ofType('wait')).toHaveLength(0)
  })

  it('queues behind an automatic lock with wait events, and takes it once released', async () => {
    const first = await acquireLock({clock, holder: 'alice', operation: 'env create', site: 'demo', ssm})
    const reporter = new RecordingReporter()
    let polls = 0
    ssm.beforeCall = (operation) => {
      if (operation === 'putParameter' && ++polls === 4) void first.release()
    }
    const second = await take({reporter, waitMs: 30 * 60_000})
    expect(second.record.holder).toBe('ci')
    expect(reporter.ofType('wait').length).toBeGreaterThanOrEqual(2)
    expect(reporter.ofType('wait')[0]).toMatchObject({status: expect.stringContaining('queued behind env create by alice'), timeoutMs: 30 * 60_000})
  })

  it('gives up after --lock-wait minutes with exit 6', async () => {
    await acquireLock({clock, holder: 'alice', operation: 'env create', site: 'demo', ssm})
    await expect(take({waitMs: 2 * 60_000})).rejects.toMatchObject({exitCode: ExitCode.LockHeld, message: expect.stringContaining('after waiting 2 minutes')})
  })

  it('a re-run by the same principal keeps the freeze and its time, updating the message', async () => {
    await freeze()
    clock.advance(60_000)
    expect((await freeze()).action).toBe('unchanged')
    const updated = await freeze(ALICE, 'exam week, extended')
    expect(updated).toMatchObject({action: 'updated', lock: {message: 'exam week, extended', since: '2026-11-21T12:00:00.000Z'}})
  })

  it('someone else cannot freeze over a freeze', async () => {
    await freeze()
    await expect(freeze(BOB, 'mine')).rejects.toMatchObject({exitCode: ExitCode.LockHeld, message: expect.stringContaining('"exam week"')})
  })

  it('release frees it; a second release has nothing to do', async () => {
    await freeze()
    expect(await releaseFreeze({clock, principal: ALICE, site: 'demo', ssm})).toMatchObject({forced: false, released: true})
    expect(ssm.parameters.has(lockParameterName('demo'))).toBe(false)
    expect(await releaseFreeze({clock, principal: ALICE, site: 'demo', ssm})).toEqual({forced: false, released: false})
    await expect(take()).resolves.toBeDefined()
  })

  it("someone else's freeze needs --force, and the refusal says whose it is", async () => {
    await freeze()
    await expect(releaseFreeze({clock, principal: BOB, site: 'demo', ssm})).rejects.toMatchObject({
      exitCode: ExitCode.LockHeld,
      message: expect.stringContaining(`set by ${ALICE}`),
      suggestions: [expect.stringContaining('--force')],
    })
    expect(ssm.parameters.has(lockParameterName('demo'))).toBe(true)
    const forced = await releaseFreeze({clock, force: true, principal: BOB, site: 'demo', ssm})
    expect(forced).toMatchObject({forced: true, lock: {principal: ALICE}, released: true})
  })

  it("never releases a running command's lock", async () => {
    await take()
    await expect(releaseFreeze({clock, force: true, principal: ALICE, site: 'demo', ssm})).rejects.toMatchObject({message: expect.stringContaining('not frozen')})
    expect(ssm.parameters.has(lockParameterName('demo'))).toBe(true)
  })
})
