/**
 * What `hactl doctor` judges of the staging tests (src/doctor/checks/staging.ts):
 * the schedule and what it targets, the newest recorded run, and the newest
 * scheduled one. Read-only.
 */
import type {AwsClients} from '../aws/clients'
import type {HactlConfig} from '../config'
import {entryOf, type StagingRunEntry} from './history'
import {lastRunParameterName} from './record'
import {readStagingSchedule, type StagingScheduleView} from './schedule'

export interface StagingFacts {
  readonly schedule?: StagingScheduleView
  /** The newest recorded run, any trigger. */
  readonly last?: StagingRunEntry
  /** The newest recorded scheduled run (a skip included). */
  readonly lastScheduled?: StagingRunEntry
  /** When the facts were read (ms, the clients' clock). */
  readonly readAt: number
}

export async function readStagingFacts(clients: Pick<AwsClients, 'ec2' | 'scheduler' | 'ssm'>, config: Pick<HactlConfig, 'region' | 'site'>, now: () => number): Promise<StagingFacts> {
  const ssm = await clients.ssm()
  const readAt = now()
  const [schedule, versions] = await Promise.all([readStagingSchedule({clients, config}), ssm.getParameterHistory(lastRunParameterName(config.site))])
  const runs = versions.map(entryOf).sort((a, b) => b.version - a.version)
  const lastScheduled = runs.find((run) => run.trigger === 'schedule')
  return {readAt, ...(runs[0] ? {last: runs[0]} : {}), ...(lastScheduled ? {lastScheduled} : {}), ...(schedule ? {schedule} : {})}
}

/** A schedule's period in ms: a rate's own; a cron or at() is taken as daily (the checks allow two periods). */
export function schedulePeriodMs(expression: string): number {
  const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression)
  if (!rate) return 86_400_000
  return Number(rate[1]) * {day: 86_400_000, hour: 3_600_000, minute: 60_000}[rate[2] as 'day' | 'hour' | 'minute']
}
