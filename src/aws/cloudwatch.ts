/**
 * The CloudWatch calls hactl makes: reading the state of the alarms a
 * rollout watches (`environment.rollout.alarms`). DescribeAlarms takes at
 * most 100 names per call and pages its answer (NextToken); both are hidden here.
 */
import {paginateDescribeAlarms, type CloudWatchClient} from '@aws-sdk/client-cloudwatch'

import type {ApiContext} from './types'
import {awsCall} from './errors'

export interface AlarmReading {
  readonly name: string
  /** OK, ALARM or INSUFFICIENT_DATA. */
  readonly state: string
  readonly reason: string
  readonly updatedAt?: Date
}

export interface CloudWatchApi {
  /** The metric alarms of these names (all pages); a name that does not exist is simply absent. */
  describeAlarms(names: readonly string[]): Promise<AlarmReading[]>
}

/** DescribeAlarms: "AlarmNames … Maximum number of 100 items". */
const NAMES_PER_CALL = 100

export function createCloudWatchApi(client: CloudWatchClient, _context: ApiContext): CloudWatchApi {
  return {
    async describeAlarms(names) {
      if (names.length === 0) return []
      return awsCall('cloudwatch:DescribeAlarms', async () => {
        const found: AlarmReading[] = []
        for (let start = 0; start < names.length; start += NAMES_PER_CALL) {
          const pages = paginateDescribeAlarms({client}, {AlarmNames: names.slice(start, start + NAMES_PER_CALL), AlarmTypes: ['MetricAlarm']})
          for await (const page of pages) {
            for (const alarm of page.MetricAlarms ?? []) {
              found.push({name: alarm.AlarmName ?? '', reason: alarm.StateReason ?? '', state: alarm.StateValue ?? 'INSUFFICIENT_DATA', updatedAt: alarm.StateUpdatedTimestamp})
            }
          }
        }

        return found
      })
    },
  }
}
