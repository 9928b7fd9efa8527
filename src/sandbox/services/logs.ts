import {
  CloudWatchLogsServiceException,
  InvalidParameterException,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  ServiceUnavailableException,
  ThrottlingException,
  type CreateLogGroupCommandInput,
  type CreateLogGroupCommandOutput,
  type CreateLogStreamCommandInput,
  type CreateLogStreamCommandOutput,
  type FilterLogEventsCommandInput,
  type FilterLogEventsCommandOutput,
  type PutLogEventsCommandInput,
  type PutLogEventsCommandOutput,
  type PutRetentionPolicyCommandInput,
  type PutRetentionPolicyCommandOutput,
} from '@aws-sdk/client-cloudwatch-logs'

import {SandboxUnsupportedError, SimError, modeledExceptions} from '../errors'
import {paginate} from '../paging'
import {defineService, type AdvanceContext, type OperationContext, type RegionState, type Result} from '../types'
import {advanceInstanceLogs} from './logs-instances'
import {compileFilterPattern} from './logs-pattern'
import {isSeed} from './ssm-seed'

const SPEC_FILE = 'src/sandbox/services/logs.md'

/*
 * The simulated CloudWatch Logs: log groups with tags and a retention, their
 * streams, and events written with PutLogEvents and read back with
 * FilterLogEvents on the simulated clock. Behaviour: logs.md beside this file.
 */

export interface LogEventRecord {
  readonly timestamp: number
  readonly message: string
  /** Simulated time it was written; orders events of equal timestamp. */
  readonly ingestedAt: number
  /** Write order across the group, for a stable sort and event ids. */
  readonly seq: number
}

export interface LogStreamRecord {
  readonly name: string
  readonly createdAt: number
  readonly events: LogEventRecord[]
}

export interface LogGroupRecord {
  readonly name: string
  readonly createdAt: number
  retentionDays: number | undefined
  readonly tags: Record<string, string>
  readonly streams: Record<string, LogStreamRecord>
  /** Events written so far (next `seq`). */
  written: number
}

export interface LogsState {
  /** By exact name. */
  groups: Record<string, LogGroupRecord>
  /** How far each instance's own logs are materialised (logs-instances.ts), by `web|seed <instance id>`. */
  streamedTo: Record<string, number>
}

const DAY_MS = 24 * 60 * 60 * 1000
const GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/
const RETENTION_DAYS = new Set([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653])
/** PutLogEvents: at most 10,000 events, and events no older than 14 days nor more than 2 hours ahead. */
const MAX_BATCH_EVENTS = 10_000
const TOO_OLD_MS = 14 * DAY_MS
const TOO_NEW_MS = 2 * 60 * 60 * 1000

function slice(region: RegionState): LogsState {
  region.logs ??= {groups: {}, streamedTo: {}}
  return region.logs
}

function invalid(message: string): SimError {
  return new SimError('InvalidParameterException', message)
}

function checkGroupName(name: string | undefined): string {
  if (name === undefined || !GROUP_NAME.test(name)) {
    throw invalid(`1 validation error detected: Value '${name ?? 'null'}' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+`)
  }

  return name
}

function groupOf(state: LogsState, name: string | undefined): LogGroupRecord {
  const group = state.groups[checkGroupName(name)]
  if (!group) throw new SimError('ResourceNotFoundException', 'The specified log group does not exist.')
  return group
}

function createLogGroup(state: LogsState, input: CreateLogGroupCommandInput, context: OperationContext): Result<CreateLogGroupCommandOutput> {
  const name = checkGroupName(input.logGroupName)
  if (input.kmsKeyId !== undefined) throw new SandboxUnsupportedError('logs', 'CreateLogGroup with kmsKeyId', SPEC_FILE)
  if (state.groups[name]) throw new SimError('ResourceAlreadyExistsException', 'The specified log group already exists')
  state.groups[name] = {createdAt: context.now, name, retentionDays: undefined, streams: {}, tags: {...input.tags}, written: 0}
  return {}
}

function putRetentionPolicy(state: LogsState, input: PutRetentionPolicyCommandInput): Result<PutRetentionPolicyCommandOutput> {
  const group = groupOf(state, input.logGroupName)
  if (input.retentionInDays === undefined || !RETENTION_DAYS.has(input.retentionInDays)) {
    throw invalid(`1 validation error detected: Value '${input.retentionInDays ?? 'null'}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${[...RETENTION_DAYS].join(', ')}]`)
  }

  group.retentionDays = input.retentionInDays
  return {}
}

function createLogStream(state: LogsState, input: CreateLogStreamCommandInput, context: OperationContext): Result<CreateLogStreamCommandOutput> {
  const group = groupOf(state, input.logGroupName)
  const name = input.logStreamName ?? ''
  if (name.length < 1 || name.length > 512 || /[:*]/.test(name)) throw invalid(`Invalid log stream name: ${name} (1–512 characters, no ':' or '*').`)
  if (group.streams[name]) throw new SimError('ResourceAlreadyExistsException', 'The specified log stream already exists')
  group.streams[name] = {createdAt: context.now, events: [], name}
  return {}
}

function putLogEvents(state: LogsState, input: PutLogEventsCommandInput, context: OperationContext): Result<PutLogEventsCommandOutput> {
  const group = groupOf(state, input.logGroupName)
  const stream = group.streams[input.logStreamName ?? '']
  if (!stream) throw new SimError('ResourceNotFoundException', 'The specified log stream does not exist.')
  const events = input.logEvents ?? []
  if (events.length < 1 || events.length > MAX_BATCH_EVENTS) throw invalid(`1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length between 1 and ${MAX_BATCH_EVENTS}`)
  for (let i = 1; i < events.length; i++) {
    if ((events[i].timestamp ?? 0) < (events[i - 1].timestamp ?? 0)) throw invalid('Log events in a single PutLogEvents request must be in chronological order.')
  }

  // Too old / too new events are not errors: AWS drops them and says which in rejectedLogEventsInfo.
  // In chronological order, so the too-old ones are a prefix.
  const tooOld = events.filter((e) => (e.timestamp ?? 0) < context.now - TOO_OLD_MS).length - 1
  const tooNew = events.findIndex((e) => (e.timestamp ?? 0) > context.now + TOO_NEW_MS)
  for (const [index, event] of events.entries()) {
    if (index <= tooOld || (tooNew !== -1 && index >= tooNew)) continue
    stream.events.push({ingestedAt: context.now, message: event.message ?? '', seq: group.written++, timestamp: event.timestamp ?? 0})
  }

  const rejected = tooOld === -1 && tooNew === -1 ? undefined : {...(tooOld === -1 ? {} : {tooOldLogEventEndIndex: tooOld + 1}), ...(tooNew === -1 ? {} : {tooNewLogEventStartIndex: tooNew})}
  return {nextSequenceToken: undefined, rejectedLogEventsInfo: rejected}
}

function filterLogEvents(state: LogsState, input: FilterLogEventsCommandInput, context: OperationContext): Result<FilterLogEventsCommandOutput> {
  if (input.logGroupIdentifier !== undefined) throw new SandboxUnsupportedError('logs', 'FilterLogEvents with logGroupIdentifier', SPEC_FILE)
  if (input.logStreamNames !== undefined && input.logStreamNamePrefix !== undefined) {
    throw invalid('logStreamNames and logStreamNamePrefix are mutually exclusive: specify at most one.')
  }

  const group = groupOf(state, input.logGroupName)
  if (input.limit !== undefined && (input.limit < 1 || input.limit > 10_000)) throw invalid('1 validation error detected: Value at \'limit\' failed to satisfy constraint: Member must have value between 1 and 10000')
  const matches = compileFilterPattern(input.filterPattern)
  // Retention: expired events are gone (AWS deletes them within days; the sandbox at once).
  const keptFrom = group.retentionDays === undefined ? -Infinity : context.now - group.retentionDays * DAY_MS
  const named = input.logStreamNames ? input.logStreamNames.map((name) => group.streams[name]).filter((s) => s !== undefined) : Object.values(group.streams)
  const streams = named.filter((stream) => input.logStreamNamePrefix === undefined || stream.name.startsWith(input.logStreamNamePrefix))
  const matching = streams
    .flatMap((stream) => stream.events.map((event) => ({event, stream: stream.name})))
    .filter(({event}) => event.timestamp >= Math.max(keptFrom, input.startTime ?? -Infinity) && event.timestamp <= (input.endTime ?? Infinity))
    .filter(({event}) => matches(event.message))
    .sort((a, b) => a.event.timestamp - b.event.timestamp || a.event.ingestedAt - b.event.ingestedAt || a.event.seq - b.event.seq)
  const page = paginate(matching, {
    badToken: () => invalid('The specified nextToken is invalid.'),
    defaultSize: 10_000,
    maxResults: input.limit,
    nextToken: input.nextToken,
  })
  return {
    events: page.items.map(({event, stream}) => ({
      eventId: String(event.seq).padStart(12, '0'),
      ingestionTime: event.ingestedAt,
      logStreamName: stream,
      message: event.message,
      timestamp: event.timestamp,
    })),
    nextToken: page.nextToken,
  }
}

/** The exceptions the CloudWatch Logs client models, thrown as their own classes. */
const toException = modeledExceptions(
  {InvalidParameterException, ResourceAlreadyExistsException, ResourceNotFoundException, ServiceUnavailableException, ThrottlingException},
  CloudWatchLogsServiceException,
  'json',
)

/** The instances' own logs (EB log streaming, the seed's CloudWatch agent), materialised as time passes. */
function advanceLogs(region: RegionState, context: AdvanceContext): boolean {
  const streaming = (region.eb?.environments.length ?? 0) > 0 || (region.ec2?.instances.some((instance) => isSeed(instance)) ?? false)
  return streaming && advanceInstanceLogs(slice(region), region, context)
}

export const logs = defineService<LogsState>({
  name: 'logs',
  specFile: SPEC_FILE,
  throttleError: {code: 'ThrottlingException', message: 'Rate exceeded', status: 400},
  internalError: {code: 'ServiceUnavailableException', message: 'The service cannot complete the request.', status: 500},
  slice,
  advance: advanceLogs,
  operations: {
    CreateLogGroup: createLogGroup,
    CreateLogStream: createLogStream,
    FilterLogEvents: filterLogEvents,
    PutLogEvents: putLogEvents,
    PutRetentionPolicy: putRetentionPolicy,
  },
  toException,
})
