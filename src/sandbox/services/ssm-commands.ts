import type {
  Command,
  CommandInvocation,
  CommandInvocationStatus,
  CommandPluginStatus,
  CommandStatus,
  GetCommandInvocationCommandInput,
  GetCommandInvocationCommandOutput,
  ListCommandInvocationsCommandInput,
  ListCommandInvocationsCommandOutput,
  ListCommandsCommandInput,
  ListCommandsCommandOutput,
  SendCommandCommandInput,
  SendCommandCommandOutput,
} from '@aws-sdk/client-ssm'

import {DURATIONS} from '../durations'
import {SandboxUnsupportedError, SimError} from '../errors'
import {paginate} from '../paging'
import type {AdvanceContext, OperationContext, RegionState, Result} from '../types'
import type {InstanceRecord} from './ec2-model'
import {writeStringParameter, type CommandRecord, type InvocationRecord, type SsmState} from './ssm-model'
import {SEED_PARAMETERS, isSeed, pingStatus, seedSite} from './ssm-seed'
import {simulateScript} from './ssm-shell'
import {isRunnerScript, simulateRunner, STAGING_RUNNER_PATH, upgradeSchemas} from './ssm-staging'
import {isBakeScript, simulateBakeScript} from './ssm-cron'
import {simulateWebMarker} from './ssm-web'

/*
 * SSM Run Command with AWS-RunShellScript, on the simulated clock:
 *
 *   SendCommand ─1 s─► visible to GetCommandInvocation (InvocationDoesNotExist before)
 *        └─2 s─► InProgress ─1 s + the script's sleeps─► Success | Failed | TimedOut (advance phase)
 *
 * What a script "does" is decided when it is sent (ssm-shell.ts: the sandbox
 * never runs shell commands). Behaviour: ssm.md "Run Command".
 */

const SPEC_FILE = 'src/sandbox/services/ssm.md'
const DOCUMENT = 'AWS-RunShellScript'
const PLUGIN = 'aws:runShellScript'
/** GetCommandInvocation's limits: "The first 24,000 characters written by the plugin to stdout", 8,000 of stderr (AWS-NOTES-2 B.4). */
export const STDOUT_LIMIT = 24_000
export const STDERR_LIMIT = 8000
/** ListCommandInvocations Details' Output excerpt. UNVERIFIED figure (AWS-NOTES-2 B.4: about 2,000–2,500). */
export const DETAILS_OUTPUT_LIMIT = 2500
/** AWS-RunShellScript executionTimeout: default 3600 s, at most 172800 s (AWS-NOTES-2 B.4). */
const EXECUTION_TIMEOUT = {default: 3600, max: 172_800}
/** SendCommand TimeoutSeconds: 30 s to 30 days, default 3600 (AWS-NOTES §6.1). */
const DELIVERY_TIMEOUT = {default: 3600, min: 30, max: 2_592_000}

/** The SSM Run Command part of a region: SSM's own state and the EC2 instances it runs on. */
export interface RunCommandContext {
  readonly state: SsmState
  readonly region: RegionState
}

// ---- timing -----------------------------------------------------------------

const visibleAt = (command: CommandRecord) => command.requestedAt + DURATIONS.ssmInvocationVisible
const startedAt = (command: CommandRecord) => command.requestedAt + DURATIONS.ssmCommandDelivery
const endsAt = (command: CommandRecord, invocation: InvocationRecord) =>
  startedAt(command) + DURATIONS.ssmCommandRun + invocation.result.seconds * 1000

function instanceOf(region: RegionState, id: string): InstanceRecord | undefined {
  return region.ec2?.instances.find((instance) => instance.id === id)
}

/** How an invocation ends, when its end has come: its exit code, its timeout, or its instance going away first. */
function ending(command: CommandRecord, invocation: InvocationRecord, instance: InstanceRecord | undefined): NonNullable<InvocationRecord['finished']> {
  const end = endsAt(command, invocation)
  const gone = instance?.terminatedAt
  if (gone !== undefined && gone < end) return {at: gone, status: 'Failed', details: 'Undeliverable', responseCode: -1}
  const {result} = invocation
  // An execution timeout stops the script; AWS's ResponseCode for it is UNVERIFIED (-1 here: no exit code).
  if (result.timedOut) return {at: end, status: 'TimedOut', details: 'ExecutionTimedOut', responseCode: -1}
  return {at: end, status: result.exit === 0 ? 'Success' : 'Failed', details: result.exit === 0 ? 'Success' : 'Failed', responseCode: result.exit}
}

/** Ends the invocations whose end came by now (the advance phase). */
export function advanceCommands(region: RegionState, context: AdvanceContext): boolean {
  let changed = false
  for (const command of region.ssm?.commands ?? []) {
    for (const invocation of command.invocations) {
      if (invocation.finished !== undefined) continue
      const instance = instanceOf(region, invocation.instanceId)
      const finished = ending(command, invocation, instance)
      if (finished.at > context.now) continue
      invocation.finished = finished
      changed = true
    }
  }

  return changed
}

interface InvocationView {
  readonly status: CommandInvocationStatus
  readonly details: string
  readonly responseCode: number
  readonly started: number | undefined
  readonly ended: number | undefined
}

function viewOf(command: CommandRecord, invocation: InvocationRecord, now: number): InvocationView {
  const {finished} = invocation
  if (finished) return {status: finished.status, details: finished.details, responseCode: finished.responseCode, started: startedAt(command), ended: finished.at}
  if (now < startedAt(command)) return {status: 'Pending', details: 'Pending', responseCode: -1, started: undefined, ended: undefined}
  return {status: 'InProgress', details: 'InProgress', responseCode: -1, started: startedAt(command), ended: undefined}
}

/** SSM's date strings in GetCommandInvocation (`2025-09-10T17:43:00.123Z`); empty while not started. */
const dateString = (ms: number | undefined) => (ms === undefined ? '' : new Date(ms).toISOString())

/** ISO 8601 duration as SSM writes it (`PT1.5S`). */
function elapsed(view: InvocationView, now: number): string {
  if (view.started === undefined) return ''
  return `PT${(((view.ended ?? now) - view.started) / 1000).toFixed(3).replace(/\.?0+$/, '')}S`
}

// ---- SendCommand -------------------------------------------------------------

function invalidParameters(message: string): SimError {
  return new SimError('InvalidParameters', message)
}

/** A UUID from the sandbox's id sequence (SSM command ids are UUIDs). */
function commandId(context: OperationContext): string {
  const hex = context.nextId('cmd', 32).slice(4)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

function checkParameters(input: SendCommandCommandInput): {commands: string[]; executionTimeout: number} {
  const parameters = input.Parameters ?? {}
  const unknown = Object.keys(parameters).find((name) => !['commands', 'workingDirectory', 'executionTimeout'].includes(name))
  if (unknown !== undefined) throw invalidParameters(`Parameter "${unknown}" is not defined in the document ${DOCUMENT}.`)
  const commands = parameters.commands ?? []
  if (commands.length === 0) throw invalidParameters(`Parameter "commands" is required by the document ${DOCUMENT}.`)
  const timeoutText = parameters.executionTimeout?.[0] ?? String(EXECUTION_TIMEOUT.default)
  const executionTimeout = Number(timeoutText)
  if (!/^\d+$/.test(timeoutText) || executionTimeout < 1 || executionTimeout > EXECUTION_TIMEOUT.max) {
    throw invalidParameters(`Parameter "executionTimeout" must be a whole number of seconds from 1 to ${EXECUTION_TIMEOUT.max}: ${timeoutText}.`)
  }

  return {commands, executionTimeout}
}

/** Every target must be an instance whose agent is Online, else InvalidInstanceId (AWS-NOTES-2 B.4). */
function checkTargets(context: RunCommandContext, ids: readonly string[], operation: OperationContext): void {
  const bad = ids.filter((id) => {
    const instance = instanceOf(context.region, id)
    return instance === undefined || pingStatus(instance, operation.now) !== 'Online'
  })
  if (bad.length > 0) {
    throw new SimError('InvalidInstanceId', `Instances [[${bad.join(', ')}]] not in a valid state for account ${operation.account}`)
  }
}

/** Every SendCommand to a seed adds one to its change counter: the sandbox cannot know what a command changed. */
function countChange(context: RunCommandContext, instanceId: string, command: CommandRecord): void {
  const instance = instanceOf(context.region, instanceId)
  if (instance === undefined || !isSeed(instance)) return
  const site = seedSite(instance)
  if (site === undefined) return
  const record = (context.state.seeds[instanceId] ??= {site, changes: 0})
  record.changes += 1
  upgradeSchemas(context.state, context.region, instance, site, command.commands)
  const value = JSON.stringify({count: record.changes, instanceId, commandId: command.id, at: new Date(command.requestedAt).toISOString()})
  writeStringParameter(context.state, SEED_PARAMETERS.changes(site), value, command.requestedAt)
}

export function sendCommand(context: RunCommandContext, input: SendCommandCommandInput, operation: OperationContext): Result<SendCommandCommandOutput> {
  if (input.DocumentName === undefined) throw new SimError('ValidationException', "1 validation error detected: Value null at 'documentName' failed to satisfy constraint: Member must not be null")
  if (input.DocumentName !== DOCUMENT) throw new SandboxUnsupportedError('ssm', `SendCommand with document ${input.DocumentName}`, SPEC_FILE)
  if (input.Targets?.length) throw new SandboxUnsupportedError('ssm', 'SendCommand with Targets (give InstanceIds)', SPEC_FILE)
  const ids = input.InstanceIds ?? []
  if (ids.length === 0 || ids.length > 50) throw new SimError('ValidationException', 'Specify 1 to 50 InstanceIds (or Targets).')
  const comment = input.Comment ?? ''
  if (comment.length > 100) throw new SimError('ValidationException', "1 validation error detected: Value at 'comment' failed to satisfy constraint: Member must have length less than or equal to 100")
  const timeoutSeconds = input.TimeoutSeconds ?? DELIVERY_TIMEOUT.default
  if (timeoutSeconds < DELIVERY_TIMEOUT.min || timeoutSeconds > DELIVERY_TIMEOUT.max) {
    throw new SimError('ValidationException', `1 validation error detected: Value '${timeoutSeconds}' at 'timeoutSeconds' failed to satisfy constraint: Member must have value between ${DELIVERY_TIMEOUT.min} and ${DELIVERY_TIMEOUT.max}`)
  }

  const {commands, executionTimeout} = checkParameters(input)
  checkTargets(context, ids, operation)
  const scripted = simulateScript(commands, executionTimeout)
  const resultOn = (instanceId: string) => {
    const instance = instanceOf(context.region, instanceId)
    const seed = context.state.seeds[instanceId]
    if (instance && !isSeed(instance)) return simulateWebMarker(commands, instance, {commands: context.state.commands, region: context.region}) ?? scripted
    const runner = {operation, region: context.region, state: context.state}
    const markerNow = (): string => (instance ? (simulateRunner([`${STAGING_RUNNER_PATH} --marker`], instance, seed, runner)?.stdout ?? '') : '')
    return (instance && isSeed(instance) && (simulateRunner(commands, instance, seed, runner) ?? simulateBakeScript(commands, instance, seed, operation.now, markerNow))) || scripted
  }
  const command: CommandRecord = {
    id: commandId(operation),
    documentName: DOCUMENT,
    comment,
    commands,
    parameters: {...input.Parameters},
    requestedAt: operation.now,
    timeoutSeconds,
    executionTimeout,
    invocations: [...new Set(ids)].map((instanceId) => ({instanceId, result: resultOn(instanceId)})),
  }
  context.state.commands.push(command)
  // The staging runner only reads the seed, and the bake's scripts change no code: neither is a change.
  if (!isRunnerScript(commands) && !isBakeScript(commands)) for (const invocation of command.invocations) countChange(context, invocation.instanceId, command)
  return {Command: toCommand(command, operation.now)}
}

// ---- reading ----------------------------------------------------------------

/** A command's overall status: Pending/InProgress while any invocation runs, else Success only if all succeeded. */
function commandStatus(command: CommandRecord, now: number): CommandStatus {
  const views = command.invocations.map((invocation) => viewOf(command, invocation, now))
  if (views.some((view) => view.status === 'InProgress')) return 'InProgress'
  if (views.some((view) => view.status === 'Pending')) return now < startedAt(command) && views.every((view) => view.status === 'Pending') ? 'Pending' : 'InProgress'
  if (views.every((view) => view.status === 'Success')) return 'Success'
  return views.some((view) => view.status === 'TimedOut') && views.every((view) => view.status !== 'Failed') ? 'TimedOut' : 'Failed'
}

function toCommand(command: CommandRecord, now: number): Command {
  const views = command.invocations.map((invocation) => viewOf(command, invocation, now))
  const status = commandStatus(command, now)
  return {
    CommandId: command.id,
    DocumentName: command.documentName,
    DocumentVersion: '$DEFAULT',
    Comment: command.comment,
    ExpiresAfter: new Date(command.requestedAt + command.timeoutSeconds * 1000),
    Parameters: command.parameters,
    InstanceIds: command.invocations.map((invocation) => invocation.instanceId),
    Targets: [],
    RequestedDateTime: new Date(command.requestedAt),
    Status: status,
    StatusDetails: status,
    MaxConcurrency: '50',
    MaxErrors: '0',
    TargetCount: views.length,
    CompletedCount: views.filter((view) => view.ended !== undefined).length,
    ErrorCount: views.filter((view) => view.status === 'Failed' || view.status === 'TimedOut').length,
    DeliveryTimedOutCount: 0,
    TimeoutSeconds: command.timeoutSeconds,
    ServiceRole: '',
    NotificationConfig: {NotificationArn: '', NotificationEvents: [], NotificationType: 'Command'},
    CloudWatchOutputConfig: {CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false},
    OutputS3BucketName: '',
    OutputS3KeyPrefix: '',
  }
}

function invocationNotFound(): SimError {
  return new SimError('InvocationDoesNotExist', 'The command ID and instance ID you specified did not match any invocations. Verify the command ID and the instance ID and try again.')
}

export function getCommandInvocation(
  context: RunCommandContext,
  input: GetCommandInvocationCommandInput,
  operation: OperationContext,
): Result<GetCommandInvocationCommandOutput> {
  if (input.CommandId === undefined || input.InstanceId === undefined) {
    throw new SimError('ValidationException', 'CommandId and InstanceId are required.')
  }

  if (input.PluginName !== undefined && input.PluginName !== PLUGIN) throw new SimError('InvalidPluginName', `The plugin name ${input.PluginName} is not valid.`)
  const command = context.state.commands.find((candidate) => candidate.id === input.CommandId)
  const invocation = command?.invocations.find((candidate) => candidate.instanceId === input.InstanceId)
  // Eventual consistency: right after SendCommand the invocation is not there yet.
  if (!command || !invocation || operation.now < visibleAt(command)) throw invocationNotFound()
  const view = viewOf(command, invocation, operation.now)
  const done = view.ended !== undefined
  return {
    CommandId: command.id,
    InstanceId: invocation.instanceId,
    Comment: command.comment,
    DocumentName: command.documentName,
    DocumentVersion: '$DEFAULT',
    PluginName: PLUGIN,
    ResponseCode: view.responseCode,
    ExecutionStartDateTime: dateString(view.started),
    ExecutionElapsedTime: elapsed(view, operation.now),
    ExecutionEndDateTime: dateString(view.ended),
    Status: view.status,
    StatusDetails: view.details,
    // Output arrives with the end of the run (the agent uploads it when the plugin finishes).
    StandardOutputContent: done ? invocation.result.stdout.slice(0, STDOUT_LIMIT) : '',
    StandardOutputUrl: '',
    StandardErrorContent: done ? invocation.result.stderr.slice(0, STDERR_LIMIT) : '',
    StandardErrorUrl: '',
    CloudWatchOutputConfig: {CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false},
  }
}

/** The Details excerpt: stdout, then stderr after SSM's separator line, cut to the excerpt's limit. */
function detailsOutput(invocation: InvocationRecord): string {
  const {stdout, stderr} = invocation.result
  return (stderr === '' ? stdout : `${stdout}\n----------ERROR-------\n${stderr}`).slice(0, DETAILS_OUTPUT_LIMIT)
}

function toInvocation(command: CommandRecord, invocation: InvocationRecord, details: boolean, operation: OperationContext): CommandInvocation {
  const view = viewOf(command, invocation, operation.now)
  return {
    CommandId: command.id,
    InstanceId: invocation.instanceId,
    InstanceName: '',
    Comment: command.comment,
    DocumentName: command.documentName,
    DocumentVersion: '$DEFAULT',
    RequestedDateTime: new Date(command.requestedAt),
    Status: view.status,
    StatusDetails: view.details,
    TraceOutput: '',
    StandardOutputUrl: '',
    StandardErrorUrl: '',
    CommandPlugins: details
      ? [
          {
            Name: PLUGIN,
            // The sandbox's invocation statuses (Pending, InProgress, Success, Failed, TimedOut) are all plugin statuses too.
            Status: view.status as CommandPluginStatus,
            StatusDetails: view.details,
            ResponseCode: view.responseCode,
            ResponseStartDateTime: view.started === undefined ? undefined : new Date(view.started),
            ResponseFinishDateTime: view.ended === undefined ? undefined : new Date(view.ended),
            Output: view.ended === undefined ? '' : detailsOutput(invocation),
            StandardOutputUrl: '',
            StandardErrorUrl: '',
            OutputS3Region: operation.region,
            OutputS3BucketName: '',
            OutputS3KeyPrefix: '',
          },
        ]
      : [],
    ServiceRole: '',
    NotificationConfig: {NotificationArn: '', NotificationEvents: [], NotificationType: 'Command'},
    CloudWatchOutputConfig: {CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false},
  }
}

function checkListInput(input: {readonly MaxResults?: number; readonly Filters?: readonly unknown[]; readonly CommandId?: string}, operation: string): void {
  if (input.Filters?.length) throw new SandboxUnsupportedError('ssm', `${operation} with Filters`, SPEC_FILE)
  const max = input.MaxResults
  if (max !== undefined && (max < 1 || max > 50)) {
    throw new SimError('ValidationException', `1 validation error detected: Value '${max}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 50`)
  }
}

/** Newest first, as the console and CLI list them. UNVERIFIED that the API orders them so. */
function newestFirst(commands: readonly CommandRecord[], input: {readonly CommandId?: string; readonly InstanceId?: string}): CommandRecord[] {
  if (input.CommandId !== undefined && !commands.some((command) => command.id === input.CommandId)) {
    throw new SimError('InvalidCommandId', `The command ID ${input.CommandId} is not valid.`)
  }

  return commands
    .filter((command) => input.CommandId === undefined || command.id === input.CommandId)
    .filter((command) => input.InstanceId === undefined || command.invocations.some((invocation) => invocation.instanceId === input.InstanceId))
    .reverse()
}

const badToken = () => new SimError('InvalidNextToken', "The specified token isn't valid.")

export function listCommandInvocations(
  context: RunCommandContext,
  input: ListCommandInvocationsCommandInput,
  operation: OperationContext,
): Result<ListCommandInvocationsCommandOutput> {
  checkListInput(input, 'ListCommandInvocations')
  const invocations = newestFirst(context.state.commands, input).flatMap((command) =>
    command.invocations
      .filter((invocation) => input.InstanceId === undefined || invocation.instanceId === input.InstanceId)
      .map((invocation) => toInvocation(command, invocation, input.Details ?? false, operation)),
  )
  const page = paginate(invocations, {maxResults: input.MaxResults, nextToken: input.NextToken, defaultSize: 50, badToken})
  return {CommandInvocations: page.items, NextToken: page.nextToken}
}

export function listCommands(context: RunCommandContext, input: ListCommandsCommandInput, operation: OperationContext): Result<ListCommandsCommandOutput> {
  checkListInput(input, 'ListCommands')
  const commands = newestFirst(context.state.commands, input).map((command) => toCommand(command, operation.now))
  const page = paginate(commands, {maxResults: input.MaxResults, nextToken: input.NextToken, defaultSize: 50, badToken})
  return {Commands: page.items, NextToken: page.nextToken}
}
