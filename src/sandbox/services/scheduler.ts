import * as Scheduler from '@aws-sdk/client-scheduler'
import type {
  CreateScheduleCommandInput,
  CreateScheduleCommandOutput,
  DeleteScheduleCommandInput,
  DeleteScheduleCommandOutput,
  GetScheduleCommandInput,
  GetScheduleCommandOutput,
  ListSchedulesCommandInput,
  ListSchedulesCommandOutput,
  Target,
  UpdateScheduleCommandInput,
  UpdateScheduleCommandOutput,
} from '@aws-sdk/client-scheduler'

import {dueOccurrences} from '../advance'
import {SandboxUnsupportedError, SimError, sdkModeledExceptions} from '../errors'
import {paginate} from '../paging'
import {defineService, type AdvanceContext, type OperationContext, type RegionState, type Result} from '../types'
import {sendCommand} from './ssm-commands'
import {ssmSlice} from './ssm-model'
import {lastCronMinute, parseScheduleExpression, type ParsedExpression} from './scheduler-expressions'

/*
 * The simulated EventBridge Scheduler: schedules in the default group, with
 * AWS's validation and errors, that fire on the simulated clock. A firing
 * does what its target says; the sandbox models the universal target
 * `arn:aws:scheduler:::aws-sdk:ssm:sendCommand` (SSM SendCommand with the
 * target's Input). Behaviour: scheduler.md beside this file.
 */

const SPEC_FILE = 'src/sandbox/services/scheduler.md'
const DEFAULT_GROUP = 'default'
const NAME = /^[0-9a-zA-Z-_.]{1,64}$/
export const SSM_SEND_COMMAND = 'arn:aws:scheduler:::aws-sdk:ssm:sendCommand'

/** One firing, kept for tests and the spec (newest last, at most FIRINGS_KEPT). */
export interface FiringRecord {
  readonly at: number
  /** The SendCommand's command id, or the error code it met. */
  readonly commandId?: string
  readonly error?: string
}

export interface ScheduleRecord {
  readonly name: string
  readonly createdAt: number
  modifiedAt: number
  expression: string
  timezone: string
  description: string
  state: 'DISABLED' | 'ENABLED'
  target: Target
  flexibleWindow: {mode: string; maximumWindowInMinutes?: number}
  /** Simulated time up to which its occurrences have been fired (the advance phase). */
  firedUpTo: number
  firings: FiringRecord[]
}

export interface SchedulerState {
  schedules: ScheduleRecord[]
}

const FIRINGS_KEPT = 50

function slice(region: RegionState): SchedulerState {
  region.scheduler ??= {schedules: []}
  return region.scheduler
}

const invalid = (message: string) => new SimError('ValidationException', message, 400)
const notFound = (name: string) => new SimError('ResourceNotFoundException', `Schedule ${name} does not exist.`, 404)

function checkGroup(group: string | undefined): void {
  if (group !== undefined && group !== DEFAULT_GROUP) throw new SandboxUnsupportedError('scheduler', `schedule group ${group} (only the default group)`, SPEC_FILE)
}

function checkName(name: string | undefined): string {
  if (name === undefined || !NAME.test(name)) throw invalid(`1 validation error detected: Value '${name ?? 'null'}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9a-zA-Z-_.]+ and have length between 1 and 64`)
  return name
}

function roleName(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(arn)?.[1]
}

/** The role must exist and trust scheduler.amazonaws.com, as CreateSchedule checks. */
function checkRole(region: RegionState, roleArn: string | undefined): void {
  const name = roleArn === undefined ? undefined : roleName(roleArn)
  if (name === undefined) throw invalid(`1 validation error detected: Value '${roleArn ?? 'null'}' at 'target.roleArn' failed to satisfy constraint: Member must be a role ARN`)
  const role = region.iam?.roles.find((candidate) => candidate.name === name)
  if (!role || !decodeURIComponent(role.trustPolicy).includes('scheduler.amazonaws.com')) {
    throw invalid('The execution role you provide must allow AWS EventBridge Scheduler to assume the role.')
  }
}

interface CheckedInput {
  expression: string
  timezone: string
  target: Target
  flexibleWindow: ScheduleRecord['flexibleWindow']
  state: ScheduleRecord['state']
  description: string
}

function checkInput(region: RegionState, input: CreateScheduleCommandInput | UpdateScheduleCommandInput): CheckedInput {
  checkGroup(input.GroupName)
  const expression = input.ScheduleExpression
  if (expression === undefined) throw invalid("1 validation error detected: Value null at 'scheduleExpression' failed to satisfy constraint: Member must not be null")
  parseScheduleExpression(expression, (message) => invalid(message))
  const timezone = input.ScheduleExpressionTimezone ?? 'UTC'
  try {
    new Intl.DateTimeFormat('en-US', {timeZone: timezone})
  } catch {
    throw invalid(`Invalid Schedule Expression Timezone ${timezone}.`)
  }

  const window = input.FlexibleTimeWindow
  if (window?.Mode !== 'OFF' && window?.Mode !== 'FLEXIBLE') throw invalid("1 validation error detected: Value at 'flexibleTimeWindow.mode' failed to satisfy constraint: Member must satisfy enum value set: [OFF, FLEXIBLE]")
  if (window.Mode === 'FLEXIBLE' && (window.MaximumWindowInMinutes === undefined || window.MaximumWindowInMinutes < 1 || window.MaximumWindowInMinutes > 1440)) {
    throw invalid('MaximumWindowInMinutes must be between 1 and 1440 when Mode is FLEXIBLE.')
  }

  const target = input.Target
  if (!target?.Arn) throw invalid("1 validation error detected: Value null at 'target.arn' failed to satisfy constraint: Member must not be null")
  checkRole(region, target.RoleArn)
  const retry = target.RetryPolicy
  if (retry?.MaximumRetryAttempts !== undefined && (retry.MaximumRetryAttempts < 0 || retry.MaximumRetryAttempts > 185)) throw invalid('MaximumRetryAttempts must be between 0 and 185.')
  if (retry?.MaximumEventAgeInSeconds !== undefined && (retry.MaximumEventAgeInSeconds < 60 || retry.MaximumEventAgeInSeconds > 86_400)) throw invalid('MaximumEventAgeInSeconds must be between 60 and 86400.')
  if (target.Arn === SSM_SEND_COMMAND) {
    try {
      JSON.parse(target.Input ?? '')
    } catch {
      throw invalid('Target Input must be a valid JSON text for an AWS SDK target.')
    }
  }

  return {
    description: input.Description ?? '',
    expression,
    flexibleWindow: {mode: window.Mode, ...(window.MaximumWindowInMinutes === undefined ? {} : {maximumWindowInMinutes: window.MaximumWindowInMinutes})},
    state: input.State ?? 'ENABLED',
    target: {
      ...target,
      RetryPolicy: {MaximumEventAgeInSeconds: retry?.MaximumEventAgeInSeconds ?? 86_400, MaximumRetryAttempts: retry?.MaximumRetryAttempts ?? 185},
    },
    timezone,
  }
}

const arnOf = (name: string, context: OperationContext) => `arn:aws:scheduler:${context.region}:${context.account}:schedule/${DEFAULT_GROUP}/${name}`

function createSchedule(state: SchedulerState, input: CreateScheduleCommandInput, context: OperationContext, region: RegionState): Result<CreateScheduleCommandOutput> {
  const name = checkName(input.Name)
  const checked = checkInput(region, input)
  if (state.schedules.some((schedule) => schedule.name === name)) throw new SimError('ConflictException', `Schedule ${name} already exists.`, 409)
  state.schedules.push({...checked, createdAt: context.now, firedUpTo: context.now, firings: [], modifiedAt: context.now, name})
  return {ScheduleArn: arnOf(name, context)}
}

function find(state: SchedulerState, input: {Name?: string; GroupName?: string}): ScheduleRecord {
  checkGroup(input.GroupName)
  const name = checkName(input.Name)
  const found = state.schedules.find((schedule) => schedule.name === name)
  if (!found) throw notFound(name)
  return found
}

function updateSchedule(state: SchedulerState, input: UpdateScheduleCommandInput, context: OperationContext, region: RegionState): Result<UpdateScheduleCommandOutput> {
  const found = find(state, input)
  // UpdateSchedule replaces every field: what it is not given goes back to its default.
  Object.assign(found, checkInput(region, input), {modifiedAt: context.now})
  return {ScheduleArn: arnOf(found.name, context)}
}

function getSchedule(state: SchedulerState, input: GetScheduleCommandInput, context: OperationContext): Result<GetScheduleCommandOutput> {
  const found = find(state, input)
  return {
    Arn: arnOf(found.name, context),
    CreationDate: new Date(found.createdAt),
    Description: found.description,
    FlexibleTimeWindow: {Mode: found.flexibleWindow.mode as 'OFF', MaximumWindowInMinutes: found.flexibleWindow.maximumWindowInMinutes},
    GroupName: DEFAULT_GROUP,
    LastModificationDate: new Date(found.modifiedAt),
    Name: found.name,
    ScheduleExpression: found.expression,
    ScheduleExpressionTimezone: found.timezone,
    State: found.state,
    Target: found.target,
  }
}

function deleteSchedule(state: SchedulerState, input: DeleteScheduleCommandInput): Result<DeleteScheduleCommandOutput> {
  const found = find(state, input)
  state.schedules = state.schedules.filter((schedule) => schedule !== found)
  return {}
}

function listSchedules(state: SchedulerState, input: ListSchedulesCommandInput, context: OperationContext): Result<ListSchedulesCommandOutput> {
  checkGroup(input.GroupName)
  if (input.MaxResults !== undefined && (input.MaxResults < 1 || input.MaxResults > 100)) throw invalid('MaxResults must be between 1 and 100.')
  const matching = state.schedules
    .filter((schedule) => (input.NamePrefix === undefined || schedule.name.startsWith(input.NamePrefix)) && (input.State === undefined || schedule.state === input.State))
    .sort((a, b) => (a.name < b.name ? -1 : 1))
  const page = paginate(matching, {badToken: () => invalid('The NextToken is not valid.'), defaultSize: 100, maxResults: input.MaxResults, nextToken: input.NextToken})
  return {
    NextToken: page.nextToken,
    Schedules: page.items.map((schedule) => ({
      Arn: arnOf(schedule.name, context),
      CreationDate: new Date(schedule.createdAt),
      GroupName: DEFAULT_GROUP,
      LastModificationDate: new Date(schedule.modifiedAt),
      Name: schedule.name,
      State: schedule.state,
      Target: {Arn: schedule.target.Arn},
    })),
  }
}

// ---- firing (the advance phase) ---------------------------------------------------------

/** The newest occurrence due in (firedUpTo, now] (catch-up fires once, as advance.ts caps it), or undefined. */
function dueAt(schedule: ScheduleRecord, expression: ParsedExpression, context: AdvanceContext): number | undefined {
  const from = Math.max(schedule.firedUpTo, context.window.from)
  if (from >= context.now) return undefined
  if (expression.kind === 'rate') return dueOccurrences(schedule.createdAt + expression.periodMs, expression.periodMs, {from, now: context.now}).pop()
  if (expression.kind === 'at') return expression.at > from && expression.at <= context.now ? expression.at : undefined
  return lastCronMinute(expression, schedule.timezone, from, context.now)
}

/** Does what the target says at `at`: the sandbox models SSM SendCommand; anything else is recorded as not run. */
function fire(region: RegionState, schedule: ScheduleRecord, at: number, context: AdvanceContext): FiringRecord {
  if (schedule.target.Arn !== SSM_SEND_COMMAND) return {at, error: 'SandboxUnsupportedTarget'}
  try {
    const input = JSON.parse(schedule.target.Input ?? '{}') as Parameters<typeof sendCommand>[1]
    const out = sendCommand({region, state: ssmSlice(region)}, input, {...context, now: at})
    return {at, commandId: out.Command?.CommandId}
  } catch (error) {
    // Scheduler would retry the call (RetryPolicy); the sandbox records the error once.
    return {at, error: error instanceof SimError ? error.code : (error as Error).name}
  }
}

function advanceScheduler(region: RegionState, context: AdvanceContext): boolean {
  let changed = false
  for (const schedule of region.scheduler?.schedules ?? []) {
    if (schedule.state !== 'ENABLED') continue
    const expression = parseScheduleExpression(schedule.expression, (message) => new Error(message))
    const at = dueAt(schedule, expression, context)
    if (at === undefined) continue
    schedule.firings = [...schedule.firings, fire(region, schedule, at, context)].slice(-FIRINGS_KEPT)
    schedule.firedUpTo = context.now
    changed = true
  }

  return changed
}

const toException = sdkModeledExceptions(Scheduler, Scheduler.SchedulerServiceException, 'json')

/** A handler that also sees the whole region (the role in IAM). */
function withRegion<I, O>(handler: (state: SchedulerState, input: I, context: OperationContext, region: RegionState) => O) {
  return (context: {state: SchedulerState; region: RegionState}, input: I, operation: OperationContext) => handler(context.state, input, operation, context.region)
}

export const scheduler = defineService<{state: SchedulerState; region: RegionState}>({
  name: 'scheduler',
  specFile: SPEC_FILE,
  throttleError: {code: 'ThrottlingException', message: 'Rate exceeded', status: 429},
  internalError: {code: 'InternalServerException', message: 'Unexpected error encountered while processing the request.', status: 500},
  slice: (region) => ({region, state: slice(region)}),
  advance: advanceScheduler,
  operations: {
    CreateSchedule: withRegion(createSchedule),
    DeleteSchedule: withRegion(deleteSchedule),
    GetSchedule: withRegion(getSchedule),
    ListSchedules: withRegion(listSchedules),
    UpdateSchedule: withRegion(updateSchedule),
  },
  toException,
})
