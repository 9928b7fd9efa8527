/**
 * CreateSchedule right after CreateRole: IAM is eventually consistent, so
 * Scheduler may not yet be able to assume the new role. That one answer is
 * retried for a role this run made, and only for it.
 */
import {ManualClock} from '../../../src/core/clock'
import {AwsError} from '../../../src/core/errors'
import {ROLE_PROPAGATION_MS, whileRolePropagates} from '../../../src/staging/schedule'

const notAssumable = () => new AwsError('ValidationException', 'The execution role you provide must allow AWS EventBridge Scheduler to assume the role.')

function failingTimes(times: number, error: () => Error): {call: () => Promise<string>; calls: () => number} {
  let calls = 0
  return {
    async call() {
      calls += 1
      if (calls <= times) throw error()
      return 'made'
    },
    calls: () => calls,
  }
}

describe('whileRolePropagates', () => {
  it('retries "must allow Scheduler to assume the role" for a role made now, until it is assumable', async () => {
    const clock = new ManualClock()
    const start = clock.now()
    const attempt = failingTimes(3, notAssumable)
    await expect(whileRolePropagates(clock, true, attempt.call)).resolves.toBe('made')
    expect(attempt.calls()).toBe(4)
    expect(clock.now() - start).toBeLessThanOrEqual(ROLE_PROPAGATION_MS)
  })

  it('gives up after the propagation window with AWS\'s own error', async () => {
    const clock = new ManualClock()
    const attempt = failingTimes(1000, notAssumable)
    await expect(whileRolePropagates(clock, true, attempt.call)).rejects.toThrow('assume the role')
    expect(attempt.calls()).toBeGreaterThan(1)
    expect(attempt.calls()).toBeLessThan(1000)
  })

  it('does not retry for a role that existed before: the trust policy is really wrong', async () => {
    const attempt = failingTimes(1, notAssumable)
    await expect(whileRolePropagates(new ManualClock(), false, attempt.call)).rejects.toThrow('assume the role')
    expect(attempt.calls()).toBe(1)
  })

  it('does not retry other errors', async () => {
    const attempt = failingTimes(1, () => new AwsError('ValidationException', 'Invalid Schedule Expression'))
    await expect(whileRolePropagates(new ManualClock(), true, attempt.call)).rejects.toThrow('Invalid Schedule Expression')
    expect(attempt.calls()).toBe(1)
  })
})
