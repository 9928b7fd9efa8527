/** Human rendering of `hactl test run / history / schedule`. */
import type {StagingHistoryResult} from '../staging/history'
import type {StagingRunResult} from '../staging/run'
import type {StagingScheduleResult} from '../staging/schedule'

const MARK = {fail: 'FAIL', pass: 'ok  ', skip: 'skip'} as const

function row(label: string, value: string): string {
  return `  ${label.padEnd(12)} ${value}`
}

export function renderTestRun(result: StagingRunResult): string {
  const width = Math.max(...result.checks.map((check) => check.id.length), 8)
  const lines = result.checks.map((check) => `  ${MARK[check.status]} ${check.id.padEnd(width)} ${String(check.ms).padStart(6)} ms  ${check.message}`)
  const passed = result.checks.filter((check) => check.status === 'pass').length
  const verdict =
    result.result === 'pass'
      ? `Staging tests of ${result.site} passed on ${result.instance}: ${passed} of ${result.checks.length} checks${result.selection === 'partial' ? ' (a partial run: it does not count as the last pass)' : ''}.`
      : `Staging tests of ${result.site} FAILED on ${result.instance}: ${result.failed.join(', ')}.`
  const tail = [
    row('run', `${result.runId} (${result.trigger}), ${result.started} → ${result.finished}`),
    row('marker', result.marker.value ?? '?'),
    row('recorded', result.recorded ? `yes, in /hactl/${result.site}/tests/last${result.result === 'pass' && result.selection === 'all' ? ' and tests/last-pass' : ''}` : 'NO: a bake will not count this run'),
  ]
  if (result.junit) tail.push(row('JUnit', result.junit))
  return [verdict, ...lines, '', ...tail].join('\n')
}

export function renderTestHistory(result: StagingHistoryResult): string {
  if (result.runs.length === 0) return `No staging run of ${result.site} is recorded yet. \`hactl test run\` runs the suite on the seed.`
  const lines = result.runs.map((run) => {
    const what = run.result === 'skip' ? `skipped (${run.skipped === 'frozen' ? 'site frozen' : 'backed off'})` : run.result === 'fail' ? `FAIL ${run.failed.join(', ')}` : `pass${run.selection === 'partial' ? ' (partial)' : ''}`
    return `  ${run.at}  ${run.trigger.padEnd(8)} ${what}${run.marker ? `  ${run.marker.slice(0, 19)}` : ''}`
  })
  const seed = !result.lastPassMarker
    ? 'No full run has passed yet: a bake would refuse this seed.'
    : result.changedSinceLastPass === undefined
      ? `The seed's marker could not be read${result.markerNote ? ` (${result.markerNote})` : ''}.`
      : result.changedSinceLastPass
        ? 'The seed HAS CHANGED since its last passing run: run `hactl test run` before a bake.'
        : 'The seed has not changed since its last passing run.'
  return [`Staging runs of ${result.site}, newest first (${result.runs.length}${result.more ? ` of ${result.total}` : ''}):`, ...lines, '', seed].join('\n')
}

export function renderTestSchedule(result: StagingScheduleResult): string {
  if (!result.schedule) return `Site ${result.site} has no staging test schedule${result.deleted ? ' any more: deleted it and its role' : ''}.`
  const {schedule} = result
  return [
    `${result.changed ? 'Scheduled' : 'Already scheduled'}: the staging tests of ${result.site} run ${schedule.expression} (${schedule.timezone}).`,
    row('schedule', `${schedule.name} (${schedule.state})`),
    row('target', `ssm:sendCommand on ${schedule.instanceId}${schedule.targetsCurrentSeed ? '' : ' (NOT the current seed)'}`),
    row('role', schedule.roleArn),
    row('notify', schedule.notifyTopicArn ?? 'none'),
    '',
    'Failed scheduled runs back off (after 3 in a row only every 4th runs); `hactl test history` lists the runs.',
  ].join('\n')
}
