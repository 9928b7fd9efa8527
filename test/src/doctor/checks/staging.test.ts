import {stagingLastRun, stagingSchedule} from '../../../../src/doctor/checks/staging'
import type {SiteFacts} from '../../../../src/doctor/facts'
import {siteNames} from '../../../../src/site/names'
import type {StagingFacts} from '../../../../src/staging/facts'
import type {StagingRunEntry} from '../../../../src/staging/history'

const NOW = Date.parse('2030-01-15T12:00:00Z')
const names = siteNames('demo', 'eu-west-1')
const SCHEDULE = {arn: 'arn', expression: 'rate(1 hour)', instanceId: 'i-1', maximumRetryAttempts: 2, name: 'hactl-demo-staging-tests', roleArn: 'role', state: 'ENABLED', targetsCurrentSeed: true, timezone: 'UTC'}
const run = (over: Partial<StagingRunEntry>): StagingRunEntry => ({at: new Date(NOW - 30 * 60_000).toISOString(), failed: [], instance: 'i-1', marker: 'sha256:x', result: 'pass', runId: 'r', selection: 'all', trigger: 'schedule', version: 1, ...over})
const facts = (staging: Partial<StagingFacts> | undefined) => ({staging: staging && {readAt: NOW, ...staging}}) as unknown as SiteFacts

describe('doctor: staging checks', () => {
  it('skips without a schedule, fails one aimed at another instance, passes one aimed at the seed', () => {
    expect(stagingSchedule.judge(facts({}), names)).toMatchObject({status: 'skip'})
    expect(stagingSchedule.judge(facts({schedule: {...SCHEDULE, instanceId: 'i-old', targetsCurrentSeed: false}}), names)).toMatchObject({detail: expect.stringContaining('i-old'), status: 'fail'})
    expect(stagingSchedule.judge(facts({schedule: SCHEDULE}), names)).toMatchObject({status: 'pass'})
    expect(stagingSchedule.judge(facts(undefined), names)).toMatchObject({status: 'skip'})
  })

  it('fails a failed last run, a back-off, and a schedule whose last run is older than two periods', () => {
    const ok = run({})
    expect(stagingLastRun.judge(facts({last: ok, lastScheduled: ok, schedule: SCHEDULE}), names)).toMatchObject({status: 'pass'})
    expect(stagingLastRun.judge(facts({last: run({failed: ['db-connect'], result: 'fail'})}), names)).toMatchObject({detail: expect.stringContaining('db-connect'), status: 'fail'})
    expect(stagingLastRun.judge(facts({last: run({result: 'skip', skipped: 'backoff'})}), names)).toMatchObject({detail: expect.stringContaining('backed off'), status: 'fail'})
    const old = run({at: new Date(NOW - 3 * 3_600_000).toISOString()})
    expect(stagingLastRun.judge(facts({last: old, lastScheduled: old, schedule: SCHEDULE}), names)).toMatchObject({detail: expect.stringContaining('more than two periods'), status: 'fail'})
    expect(stagingLastRun.judge(facts({}), names)).toMatchObject({status: 'skip'})
  })
})
