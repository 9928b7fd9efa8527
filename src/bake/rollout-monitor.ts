/**
 * The rollout's monitor (STYLE 12: poller → monitor → printer): it takes one
 * look at the environment at a time — EB's view of it, the events since the
 * request, each instance's enhanced health, the watched alarms — keeps what a
 * report needs (the lowest healthy count, when each new instance came and
 * turned healthy) and says what to do next. Pure: no AWS, no clock.
 *
 *   pollers (rollout.ts) ──► RolloutLook ──► RolloutMonitor.observe ──► verdict
 *                                                   │                   continue │ settled │ fail(cause)
 *                                                   └─► lowestHealthy, batches
 *
 * "Ready is not success": `settled` only means EB says Ready and Green; the
 * caller then checks that no configuration draft failed (`failedDraft`) and
 * that every instance runs the new AMI.
 */
import type {ConfigurationSettingsDescription, EventDescription} from '@aws-sdk/client-elastic-beanstalk'

import type {AlarmReading} from '../aws/cloudwatch'
import type {InstanceHealth} from '../aws/eb'

/** One look at the environment during a rollout. */
export interface RolloutLook {
  /** Clock time of the look (ms). */
  readonly at: number
  /** DescribeEnvironments: Ready, Updating …; undefined when the environment is gone. */
  readonly status?: string
  /** Green, Yellow, Red, Grey. */
  readonly color?: string
  /** Enhanced health: Ok, Info, Warning, Degraded, Severe … */
  readonly healthStatus?: string
  readonly abortable?: boolean
  /** Per instance (DescribeInstancesHealth); undefined without enhanced health. */
  readonly instances?: readonly InstanceHealth[]
  /** Events new since the previous look. */
  readonly events: readonly EventDescription[]
  readonly alarms: readonly AlarmReading[]
}

export type RolloutVerdict =
  | {readonly verdict: 'continue'; readonly status: string}
  /** EB is done (Ready) and the environment is Green: now check the instances' AMIs. */
  | {readonly verdict: 'settled'}
  | {readonly verdict: 'fail'; readonly cause: string; readonly reason: FailReason}

export type FailReason = 'alarm' | 'eb-failed' | 'health'

/** One batch of new instances as observed: first seen together, healthy when the last of them was. */
export interface ObservedBatch {
  readonly instances: readonly string[]
  readonly startedAt: number
  /** undefined while one of them is not healthy yet. */
  readonly healthyAt?: number
}

/** Healthy and in service: enhanced health Ok. Info ("Performing application deployment") is not serving yet. */
export function healthyInService(instances: readonly InstanceHealth[]): number {
  return instances.filter((instance) => instance.healthStatus === 'Ok').length
}

/** An alarm the rollout watches that is firing, or undefined. */
export function firingAlarm(alarms: readonly AlarmReading[]): AlarmReading | undefined {
  return alarms.find((alarm) => alarm.state === 'ALARM')
}

/** Red, or enhanced health Severe/Degraded: what the grace period measures. */
export function isBadHealth(look: Pick<RolloutLook, 'color' | 'healthStatus'>): boolean {
  return look.color === 'Red' || look.healthStatus === 'Severe' || look.healthStatus === 'Degraded'
}

/** EB's own failure shows as ERROR events (match on severity, never on text: AWS-NOTES §2.2). */
export function ebFailure(events: readonly EventDescription[]): EventDescription | undefined {
  return events.find((event) => event.Severity === 'ERROR' || event.Severity === 'FATAL')
}

/**
 * A configuration draft that failed to deploy since `since` (ms): the
 * DescribeConfigurationSettings set with DeploymentStatus `failed` ("a draft
 * configuration that failed to successfully deploy"). One older than the
 * request is an earlier update's, not this one's; one without a date counts.
 */
export function failedDraft(sets: readonly ConfigurationSettingsDescription[], since: number): ConfigurationSettingsDescription | undefined {
  return sets.find((set) => set.DeploymentStatus === 'failed' && (set.DateUpdated === undefined || set.DateUpdated.getTime() >= since))
}

export interface MonitorOptions {
  /** The instances in service before the rollout: any other is new. */
  readonly original: readonly string[]
  /** How long health may stay Red/Severe before the rollout is failed (ms). */
  readonly graceMs: number
}

export class RolloutMonitor {
  /** The fewest healthy in-service instances any look saw; undefined before health was read. */
  public lowestHealthy: number | undefined
  private readonly original: ReadonlySet<string>
  private readonly seen = new Map<string, number>()
  private readonly healthy = new Map<string, number>()
  private badSince: number | undefined
  private ebError: EventDescription | undefined

  public constructor(private readonly options: MonitorOptions) {
    this.original = new Set(options.original)
  }

  /** Takes one look; says whether to go on, check success, or roll back. */
  public observe(look: RolloutLook): RolloutVerdict {
    this.record(look)
    this.ebError ??= ebFailure(look.events)
    const alarm = firingAlarm(look.alarms)
    if (alarm) return {cause: `alarm ${alarm.name} is in ALARM: ${alarm.reason}`, reason: 'alarm', verdict: 'fail'}
    if (this.ebError) return {cause: `Elastic Beanstalk reported the update failing: ${this.ebError.Message ?? ''}`, reason: 'eb-failed', verdict: 'fail'}
    if (isBadHealth(look)) {
      this.badSince ??= look.at
      if (look.at - this.badSince >= this.options.graceMs) {
        const seconds = Math.round((look.at - this.badSince) / 1000)
        return {cause: `health has been ${look.color ?? '?'}/${look.healthStatus ?? '?'} for ${seconds} s`, reason: 'health', verdict: 'fail'}
      }
    } else {
      this.badSince = undefined
    }

    if (look.status === 'Ready' && look.color === 'Green') return {verdict: 'settled'}
    return {status: this.status(look), verdict: 'continue'}
  }

  /** The new instances grouped by the look that first saw them, with when the last turned healthy. */
  public batches(): ObservedBatch[] {
    const byStart = new Map<number, string[]>()
    for (const [id, at] of this.seen) byStart.set(at, [...(byStart.get(at) ?? []), id])
    return [...byStart.entries()]
      .sort(([a], [b]) => a - b)
      .map(([startedAt, instances]) => {
        const times = instances.map((id) => this.healthy.get(id))
        const healthyAt = times.every((time) => time !== undefined) ? Math.max(...(times as number[])) : undefined
        return {healthyAt, instances, startedAt}
      })
  }

  private record(look: RolloutLook): void {
    if (look.instances === undefined) return
    const count = healthyInService(look.instances)
    this.lowestHealthy = Math.min(this.lowestHealthy ?? count, count)
    for (const instance of look.instances) {
      if (this.original.has(instance.instanceId)) continue
      if (!this.seen.has(instance.instanceId)) this.seen.set(instance.instanceId, look.at)
      if (instance.healthStatus === 'Ok' && !this.healthy.has(instance.instanceId)) this.healthy.set(instance.instanceId, look.at)
    }
  }

  private status(look: RolloutLook): string {
    const instances = look.instances ?? []
    return `${look.status ?? '?'} ${look.color ?? '?'}/${look.healthStatus ?? '?'}, ${healthyInService(instances)} / ${instances.length} healthy`
  }
}
