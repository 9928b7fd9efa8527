/**
 * The CloudWatch Logs calls hactl makes: the site's audit log group (and,
 * later, reading the instances' logs).
 *
 * PutLogEvents needs no sequence token: AWS ignores it and accepts parallel
 * PutLogEvents on one stream (PutLogEvents API reference, `sequenceToken`:
 * "now ignored … never return InvalidSequenceTokenException",
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html).
 * FilterLogEvents pages may be partly full or empty while a nextToken remains
 * (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html),
 * so reading follows tokens to the end.
 */
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
  paginateFilterLogEvents,
  type CloudWatchLogsClient,
} from '@aws-sdk/client-cloudwatch-logs'

import type {ApiContext, Tags} from './types'
import {awsCall, hasAwsCode} from './errors'

export interface LogEvent {
  /** ms since the epoch, as written. */
  readonly timestamp: number
  readonly message: string
  readonly stream: string
  /** CloudWatch's event id: what tells apart two events of the same millisecond when a follow re-reads it. */
  readonly id?: string
}

export interface FilterOptions {
  readonly startTime?: number
  readonly endTime?: number
  /** A CloudWatch Logs filter pattern (terms, "phrases", ?or, -not, %regex%). */
  readonly filterPattern?: string
  /** Stop after this many events (the newest are then missing). @default all */
  readonly maxEvents?: number
}

export interface LogsApi {
  /** Creates the log group with a retention and tags; true if it was created, false if it existed. */
  ensureLogGroup(name: string, options: {retentionDays: number; tags: Tags}): Promise<boolean>
  /** Creates a stream in the group; an existing one is fine. */
  ensureLogStream(group: string, stream: string): Promise<void>
  /** Writes events (oldest first) to a stream. */
  putLogEvents(group: string, stream: string, events: ReadonlyArray<{timestamp: number; message: string}>): Promise<void>
  /** Every event of the group from `startTime` on (matching the pattern), all pages, by time; none when the group does not exist. */
  filterLogEvents(group: string, options: FilterOptions): Promise<LogEvent[]>
}

export function createLogsApi(client: CloudWatchLogsClient, _context: ApiContext): LogsApi {
  return {
    async ensureLogGroup(name, options) {
      try {
        await client.send(new CreateLogGroupCommand({logGroupName: name, tags: {...options.tags}}))
      } catch (error) {
        if (hasAwsCode(error, 'ResourceAlreadyExistsException')) return false
        return awsCall('logs:CreateLogGroup', () => Promise.reject(error))
      }

      await awsCall('logs:PutRetentionPolicy', () =>
        client.send(new PutRetentionPolicyCommand({logGroupName: name, retentionInDays: options.retentionDays})),
      )
      return true
    },

    async ensureLogStream(group, stream) {
      try {
        await client.send(new CreateLogStreamCommand({logGroupName: group, logStreamName: stream}))
      } catch (error) {
        if (hasAwsCode(error, 'ResourceAlreadyExistsException')) return
        await awsCall('logs:CreateLogStream', () => Promise.reject(error))
      }
    },

    async filterLogEvents(group, options) {
      try {
        const found: LogEvent[] = []
        const pages = paginateFilterLogEvents(
          {client},
          {endTime: options.endTime, filterPattern: options.filterPattern || undefined, logGroupName: group, startTime: options.startTime},
        )
        for await (const page of pages) {
          for (const event of page.events ?? []) {
            found.push({id: event.eventId, message: event.message ?? '', stream: event.logStreamName ?? '', timestamp: event.timestamp ?? 0})
          }

          if (options.maxEvents !== undefined && found.length >= options.maxEvents) break
        }

        return found.sort((a, b) => a.timestamp - b.timestamp)
      } catch (error) {
        if (hasAwsCode(error, 'ResourceNotFoundException')) return []
        return awsCall('logs:FilterLogEvents', () => Promise.reject(error))
      }
    },

    async putLogEvents(group, stream, events) {
      await awsCall('logs:PutLogEvents', () =>
        client.send(new PutLogEventsCommand({logEvents: events.map((e) => ({message: e.message, timestamp: e.timestamp})), logGroupName: group, logStreamName: stream})),
      )
    },
  }
}
