import type {DescribeEventsCommandInput, DescribeEventsCommandOutput, EventDescription, EventSeverity} from '@aws-sdk/client-elastic-beanstalk'

import {paginate} from '../paging'
import type {Handler, Result} from '../types'
import {checkMaxRecords, errors, type EbContext, type EbEnvironmentRecord, type EbEventRecord, type EbState} from './eb-model'

/*
 * Events are planned when an operation starts: each step of the operation
 * gets a date at a fraction of its duration, and DescribeEvents shows the
 * ones whose date has come. So the event stream follows the simulated clock
 * without timers, and a later process sees the same stream.
 */

/** One planned event: when (fraction of the operation's duration) and what. */
export type PlannedEvent = readonly [fraction: number, message: string, severity?: EventSeverity]

/** Adds the operation's events to the state, dated along its duration. */
export function planEvents(state: EbState, env: EbEnvironmentRecord, steps: readonly PlannedEvent[]): void {
  const {startedAt, duration} = env.operation
  for (const [fraction, message, severity] of steps) appendEvent(state, env, startedAt + Math.round(fraction * duration), message, severity ?? 'INFO')
}

/** Adds one event at a given time: what the advance phase appends as deferred work materialises. */
export function appendEvent(state: EbState, env: EbEnvironmentRecord, date: number, message: string, severity: EventSeverity): void {
  state.events.push({
    date,
    message,
    severity,
    application: env.application,
    environmentName: env.name,
    environmentId: env.id,
    versionLabel: env.versionLabel,
    requestId: env.operation.requestId,
  })
}

const SEVERITY_RANK: Readonly<Record<EventSeverity, number>> = {TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4, FATAL: 5}

function matches(event: EbEventRecord, input: DescribeEventsCommandInput, now: number): boolean {
  if (event.date > now) return false
  if (input.StartTime !== undefined && event.date < input.StartTime.getTime()) return false
  if (input.EndTime !== undefined && event.date >= input.EndTime.getTime()) return false
  if (input.Severity !== undefined && SEVERITY_RANK[event.severity] < SEVERITY_RANK[input.Severity]) return false
  // Template and platform events are not simulated: those filters match nothing.
  if (input.TemplateName !== undefined || input.PlatformArn !== undefined) return false
  const fields: ReadonlyArray<readonly [string | undefined, string | undefined]> = [
    [input.ApplicationName, event.application],
    [input.EnvironmentName, event.environmentName],
    [input.EnvironmentId, event.environmentId],
    [input.VersionLabel, event.versionLabel],
    [input.RequestId, event.requestId],
  ]
  return fields.every(([wanted, value]) => wanted === undefined || wanted === value)
}

function toEvent(event: EbEventRecord): EventDescription {
  return {
    EventDate: new Date(event.date),
    Message: event.message,
    ApplicationName: event.application,
    EnvironmentName: event.environmentName,
    VersionLabel: event.versionLabel,
    RequestId: event.requestId,
    Severity: event.severity,
  }
}

/** Newest first, as EB returns them; events of the same instant in reverse order of planning. */
export const describeEvents: Handler<EbContext, DescribeEventsCommandInput, Result<DescribeEventsCommandOutput>> = (eb, input, context) => {
  const visible = eb.state.events
    .map((event, index) => ({event, index}))
    .filter(({event}) => matches(event, input, context.now))
    .sort((a, b) => b.event.date - a.event.date || b.index - a.index)
    .map(({event}) => toEvent(event))
  const page = paginate(visible, {
    maxResults: checkMaxRecords(input.MaxRecords, 1000),
    nextToken: input.NextToken,
    defaultSize: 1000,
    badToken: errors.badNextToken,
  })
  return {Events: page.items, NextToken: page.nextToken}
}
