/**
 * The staging tests (invariant 4, only tested seeds are baked): a schedule,
 * if there is one, sends the tests to the seed that runs now, and they ran
 * lately and passed. Whether to schedule at all is the operator's call: no
 * schedule is a skip, not a failure.
 */
import {schedulePeriodMs} from '../../staging/facts'
import {defineCheck, fail, pass, skip, type Verdict} from '../check'
import type {SiteFacts} from '../facts'

const SCHEDULE = 'Run `hactl test schedule` (e.g. --every 1h) to test the seed on a schedule.'

function checkSchedule(facts: SiteFacts): Verdict {
  const staging = facts.staging
  if (!staging) return skip('the staging schedule was not read (no SSM or Scheduler access given to doctor)', 'Run `hactl doctor`.')
  const {schedule} = staging
  if (!schedule) return skip('no staging test schedule', SCHEDULE)
  if (schedule.state !== 'ENABLED') return fail(`the schedule ${schedule.name} is ${schedule.state}`, 'Run `hactl test schedule` to enable it again.')
  if (!schedule.targetsCurrentSeed) return fail(`the schedule ${schedule.name} sends the tests to ${schedule.instanceId || 'no instance'}, which is not the running seed`, 'Run `hactl test schedule` to point it at the current seed.')
  return pass(`${schedule.name} runs ${schedule.expression} (${schedule.timezone}) on ${schedule.instanceId}`)
}

function checkLastRun(facts: SiteFacts): Verdict {
  const staging = facts.staging
  if (!staging) return skip('the staging runs were not read (no SSM access given to doctor)', 'Run `hactl doctor`.')
  const {last, lastScheduled, schedule} = staging
  if (!last) return skip('no staging run is recorded yet', 'Run `hactl test run`.')
  if (last.result === 'skip' && last.skipped === 'backoff') return fail(`scheduled runs are backed off after failing (last recorded ${last.at})`, 'Fix what `hactl test history` shows failing, then `hactl test run`: a full pass ends the back-off.')
  const tested = last.result === 'skip' ? undefined : last
  if (tested?.result === 'fail') return fail(`the last staging run (${tested.trigger}, ${tested.at}) failed: ${tested.failed.join(', ') || 'no check named'}`, 'Fix it on the seed, then `hactl test run`.')
  if (schedule) {
    const period = schedulePeriodMs(schedule.expression)
    const age = lastScheduled ? staging.readAt - Date.parse(lastScheduled.at) : Number.POSITIVE_INFINITY
    if (!(age <= 2 * period)) {
      return fail(lastScheduled ? `the last scheduled run was ${Math.round(age / 60_000)} min ago, more than two periods of ${schedule.expression}` : `no scheduled run is recorded for ${schedule.expression}`, 'Look at the schedule\'s invocations (CloudWatch metrics AWS/Scheduler) and at the seed: `hactl seed status`.')
    }
  }

  return pass(`the last run (${last.trigger}, ${last.at}) ${last.result === 'skip' ? `was skipped (${last.skipped})` : 'passed'}`)
}

const needs = ['staging'] as const
export const stagingSchedule = defineCheck({id: 'staging-schedule', judge: checkSchedule, needs: [...needs], title: 'The staging test schedule targets the running seed'})
export const stagingLastRun = defineCheck({id: 'staging-last-run', judge: checkLastRun, needs: [...needs], title: 'The staging tests ran lately, passed and are not backed off'})
