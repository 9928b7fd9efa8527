import {
  CloudWatchServiceException,
  InvalidNextToken,
  InvalidParameterCombinationException,
  InvalidParameterValueException,
  LimitExceededFault,
  MissingRequiredParameterException,
  ResourceNotFound,
  type DeleteAlarmsCommandInput,
  type DeleteAlarmsCommandOutput,
  type DescribeAlarmsCommandInput,
  type DescribeAlarmsCommandOutput,
  type MetricAlarm,
  type PutMetricAlarmCommandInput,
  type PutMetricAlarmCommandOutput,
  type SetAlarmStateCommandInput,
  type SetAlarmStateCommandOutput,
  type StateValue,
} from '@aws-sdk/client-cloudwatch'

import {DURATIONS} from '../durations'
import {SimError, modeledExceptions} from '../errors'
import {paginate} from '../paging'
import {defineService, type OperationContext, type RegionState, type Result} from '../types'

const SPEC_FILE = 'src/sandbox/services/cloudwatch.md'

/*
 * The simulated CloudWatch: metric alarms as records with a state that
 * PutMetricAlarm sets to INSUFFICIENT_DATA, SetAlarmState changes, and the
 * `alarm-fires` fault turns to ALARM a while later (as an alarm on a bad
 * image's 5xx rate would, minutes into a rollout). No metrics are stored or
 * evaluated. Behaviour: cloudwatch.md beside this file.
 */

export interface AlarmRecord {
  readonly name: string
  readonly arn: string
  metricName: string
  namespace: string
  state: StateValue
  reason: string
  updatedAt: number
  /** The `alarm-fires` fault: from then on the alarm is in ALARM (unless set since). */
  firesAt?: number
  readonly input: PutMetricAlarmCommandInput
}

export interface CloudWatchState {
  alarms: AlarmRecord[]
}

/** PutMetricAlarm: 1–255 characters. */
const MAX_NAME = 255
/** DescribeAlarms MaxRecords: 1–100, default 50. */
const MAX_RECORDS = 100
const DEFAULT_RECORDS = 50
/** DescribeAlarms and DeleteAlarms take at most 100 names. */
const MAX_NAMES = 100
const STATES: readonly StateValue[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA']

function slice(region: RegionState): CloudWatchState {
  region.cloudwatch ??= {alarms: []}
  return region.cloudwatch
}

function invalidValue(message: string): SimError {
  return new SimError('InvalidParameterValue', message)
}

function missing(name: string): SimError {
  return new SimError('MissingParameter', `The parameter ${name} is required.`)
}

/** The alarm's state now: a fired `alarm-fires` fault shows as ALARM. */
function materialise(alarm: AlarmRecord, now: number): void {
  if (alarm.firesAt === undefined || now < alarm.firesAt) return
  alarm.state = 'ALARM'
  alarm.reason = 'Threshold Crossed: 1 datapoint was greater than the threshold (sandbox: alarm-fires fault).'
  alarm.updatedAt = alarm.firesAt
  delete alarm.firesAt
}

function toMetricAlarm(alarm: AlarmRecord): MetricAlarm {
  const {input} = alarm
  return {
    AlarmName: alarm.name,
    AlarmArn: alarm.arn,
    AlarmDescription: input.AlarmDescription,
    ActionsEnabled: input.ActionsEnabled ?? true,
    AlarmActions: input.AlarmActions ?? [],
    OKActions: input.OKActions ?? [],
    InsufficientDataActions: input.InsufficientDataActions ?? [],
    MetricName: alarm.metricName,
    Namespace: alarm.namespace,
    Statistic: input.Statistic,
    Dimensions: input.Dimensions ?? [],
    Period: input.Period,
    EvaluationPeriods: input.EvaluationPeriods,
    Threshold: input.Threshold,
    ComparisonOperator: input.ComparisonOperator,
    StateValue: alarm.state,
    StateReason: alarm.reason,
    StateUpdatedTimestamp: new Date(alarm.updatedAt),
    AlarmConfigurationUpdatedTimestamp: new Date(alarm.updatedAt),
  }
}

function putMetricAlarm(state: CloudWatchState, input: PutMetricAlarmCommandInput, context: OperationContext): Result<PutMetricAlarmCommandOutput> {
  const name = input.AlarmName
  if (name === undefined) throw missing('AlarmName')
  if (name.length < 1 || name.length > MAX_NAME) throw invalidValue(`The parameter AlarmName must be between 1 and ${MAX_NAME} characters.`)
  if (input.EvaluationPeriods === undefined) throw missing('EvaluationPeriods')
  if (input.ComparisonOperator === undefined) throw missing('ComparisonOperator')
  if (input.MetricName === undefined && input.Metrics === undefined) throw new SimError('ValidationError', 'One of MetricName or Metrics must be specified.')
  const existing = state.alarms.find((alarm) => alarm.name === name)
  // An update keeps the state; a new alarm starts with no data.
  const record: AlarmRecord = {
    name,
    arn: `arn:aws:cloudwatch:${context.region}:${context.account}:alarm:${name}`,
    metricName: input.MetricName ?? '',
    namespace: input.Namespace ?? '',
    state: existing?.state ?? 'INSUFFICIENT_DATA',
    reason: existing?.reason ?? 'Unchecked: Initial alarm creation',
    updatedAt: existing?.updatedAt ?? context.now,
    input: structuredClone(input),
  }
  state.alarms = [...state.alarms.filter((alarm) => alarm.name !== name), record].sort((a, b) => a.name.localeCompare(b.name))
  return {}
}

function describeAlarms(state: CloudWatchState, input: DescribeAlarmsCommandInput, context: OperationContext): Result<DescribeAlarmsCommandOutput> {
  const names = input.AlarmNames
  if (names !== undefined && input.AlarmNamePrefix !== undefined) {
    throw new SimError('InvalidParameterCombination', 'AlarmNamePrefix and AlarmNames cannot both be specified.')
  }

  if (names !== undefined && names.length > MAX_NAMES) throw invalidValue(`The collection AlarmNames must not have a size greater than ${MAX_NAMES}.`)
  if (input.MaxRecords !== undefined && (input.MaxRecords < 1 || input.MaxRecords > MAX_RECORDS)) {
    throw invalidValue(`The parameter MaxRecords must be a value between 1 and ${MAX_RECORDS}.`)
  }

  if (input.AlarmTypes !== undefined && !input.AlarmTypes.includes('MetricAlarm')) return {MetricAlarms: [], CompositeAlarms: []}
  const armed = context.takeFault('alarm-fires')
  const matching = state.alarms.filter((alarm) => {
    if (names !== undefined && !names.includes(alarm.name)) return false
    if (input.AlarmNamePrefix !== undefined && !alarm.name.startsWith(input.AlarmNamePrefix)) return false
    return true
  })
  for (const alarm of matching) materialise(alarm, context.now)
  // Answered with the state as it is; the fault turns the alarms to ALARM a while later.
  const answer = matching.filter((alarm) => input.StateValue === undefined || alarm.state === input.StateValue)
  const page = paginate(answer, {
    maxResults: input.MaxRecords,
    nextToken: input.NextToken,
    defaultSize: DEFAULT_RECORDS,
    badToken: () => new SimError('InvalidNextToken', 'The service returned an invalid next token.'),
  })
  const output = {MetricAlarms: page.items.map(toMetricAlarm), CompositeAlarms: [], NextToken: page.nextToken}
  if (armed) for (const alarm of matching) if (alarm.state !== 'ALARM') alarm.firesAt ??= context.now + DURATIONS.alarmFires
  return output
}

function setAlarmState(state: CloudWatchState, input: SetAlarmStateCommandInput, context: OperationContext): Result<SetAlarmStateCommandOutput> {
  if (input.AlarmName === undefined) throw missing('AlarmName')
  if (input.StateValue === undefined || !STATES.includes(input.StateValue)) throw invalidValue(`The parameter StateValue must be one of ${STATES.join(', ')}.`)
  if (input.StateReason === undefined) throw missing('StateReason')
  const alarm = state.alarms.find((candidate) => candidate.name === input.AlarmName)
  if (!alarm) throw new SimError('ResourceNotFound', `Alarm ${input.AlarmName} not found`, 404)
  delete alarm.firesAt
  alarm.state = input.StateValue
  alarm.reason = input.StateReason
  alarm.updatedAt = context.now
  return {}
}

function deleteAlarms(state: CloudWatchState, input: DeleteAlarmsCommandInput): Result<DeleteAlarmsCommandOutput> {
  const names = input.AlarmNames ?? []
  if (names.length > MAX_NAMES) throw invalidValue(`The collection AlarmNames must not have a size greater than ${MAX_NAMES}.`)
  const unknown = names.filter((name) => !state.alarms.some((alarm) => alarm.name === name))
  // DeleteAlarms deletes nothing when any name is unknown.
  if (unknown.length > 0) throw new SimError('ResourceNotFound', `${unknown.length === 1 ? 'Alarm' : 'Alarms'} ${unknown.join(', ')} not found`, 404)
  state.alarms = state.alarms.filter((alarm) => !names.includes(alarm.name))
  return {}
}

const toException = modeledExceptions(
  {
    InvalidNextToken,
    InvalidParameterCombination: InvalidParameterCombinationException,
    InvalidParameterValue: InvalidParameterValueException,
    LimitExceeded: LimitExceededFault,
    MissingParameter: MissingRequiredParameterException,
    ResourceNotFound,
  },
  CloudWatchServiceException,
  'query',
)

/** The simulated CloudWatch (metric alarms only). Behaviour: cloudwatch.md beside this file. */
export const cloudwatch = defineService<CloudWatchState>({
  name: 'cloudwatch',
  specFile: SPEC_FILE,
  throttleError: {code: 'Throttling', message: 'Rate exceeded', status: 400},
  internalError: {code: 'InternalServiceError', message: 'Internal service error.', status: 500},
  slice,
  operations: {
    DeleteAlarms: deleteAlarms,
    DescribeAlarms: describeAlarms,
    PutMetricAlarm: putMetricAlarm,
    SetAlarmState: setAlarmState,
  },
  toException,
})
