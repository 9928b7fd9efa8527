/**
 * `hactl test schedule`: the staging suite on a schedule. EventBridge
 * Scheduler calls SSM SendCommand itself (the universal target), with its
 * own execution role, so nothing of hactl's runs when the tests do:
 *
 *   schedule hactl-<site>-staging-tests (expression, time zone, FlexibleTimeWindow OFF)
 *     └─ target arn:aws:scheduler:::aws-sdk:ssm:sendCommand
 *          Input   = SendCommand(AWS-RunShellScript, [seed], staging-run --trigger schedule [--notify ARN])
 *          RoleArn = hactl-<site>-<region>-scheduler: trusts scheduler.amazonaws.com from this account only,
 *                    may ssm:SendCommand on that document and that instance, nothing else
 *          RetryPolicy: 2 attempts within an hour (Scheduler retries the API call, never a failed check)
 *
 * Scheduler cannot see a check fail: the runner on the seed keeps the
 * streak, backs off and notifies (runner.ts, record.ts BACKOFF). A new seed
 * has a new instance id, so `hactl seed create` calls retargetSchedule.
 */
import type {AwsClients} from '../aws/clients'
import {SSM_SEND_COMMAND_TARGET, type Schedule, type ScheduleSpec} from '../aws/scheduler'
import type {HactlConfig} from '../config'
import type {Clock} from '../core/clock'
import {AwsError, UserError} from '../core/errors'
import type {Reporter} from '../core/progress'
import {findSeeds, requireSeed} from '../seed/state'
import {siteNames} from '../site/names'
import {notifyTopicArn} from './record'
import {runnerCommand} from './run'

export type ScheduleClients = Pick<AwsClients, 'clock' | 'ec2' | 'iam' | 'scheduler' | 'sts'>

/**
 * A role made a moment ago is not yet assumable everywhere (IAM is
 * eventually consistent), and CreateSchedule checks that Scheduler can
 * assume it: "The execution role you provide must allow AWS EventBridge
 * Scheduler to assume the role." For a role this run made, that answer is
 * retried for up to {@link ROLE_PROPAGATION_MS}; for an older role it is
 * the real answer and fails at once.
 */
export const ROLE_PROPAGATION_MS = 60_000
const ROLE_RETRY_MS = 5000

export async function whileRolePropagates<T>(clock: Clock, roleIsNew: boolean, call: () => Promise<T>): Promise<T> {
  const until = clock.now() + ROLE_PROPAGATION_MS
  for (;;) {
    try {
      return await call()
    } catch (error) {
      const notYet = roleIsNew && error instanceof AwsError && error.awsCode === 'ValidationException' && /assume the role/i.test(error.message)
      if (!notYet || clock.now() + ROLE_RETRY_MS > until) throw error
      await clock.sleep(ROLE_RETRY_MS)
    }
  }
}

/** What the command asks for: a rate, a cron expression, the hactl.yml default, or no schedule at all. */
export type ScheduleRequest = {readonly every: string} | {readonly cron: string; readonly timezone?: string} | {readonly off: true} | {readonly fromConfig: true}

export interface ScheduleStagingOptions {
  readonly config: Pick<HactlConfig, 'notify' | 'region' | 'site' | 'staging' | 'tags'>
  readonly clients: ScheduleClients
  readonly reporter: Reporter
  readonly request: ScheduleRequest
}

export interface StagingScheduleView {
  readonly name: string
  readonly arn: string
  readonly expression: string
  readonly timezone: string
  readonly state: string
  /** The instance the target sends the runner to. */
  readonly instanceId: string
  readonly targetsCurrentSeed: boolean
  readonly roleArn: string
  readonly notifyTopicArn?: string
  readonly maximumRetryAttempts: number
}

export interface StagingScheduleResult {
  readonly site: string
  /** The schedule as it now is; absent after --off (or when there is none). */
  readonly schedule?: StagingScheduleView
  /** Whether this run created or changed anything. */
  readonly changed: boolean
  /** --off: whether a schedule was there to delete. */
  readonly deleted?: boolean
}

/** Scheduler retries the SendCommand call itself; low, as a failed call a day later helps nobody (AWS-NOTES-2 B.5). */
export const SCHEDULE_RETRY = {maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 2} as const
const ROLE_POLICY = 'hactl-send-staging-tests'

/** `--every 1h` → `rate(1 hour)`; 15m, 90min, 6h, 1d. */
export function rateExpression(every: string): string {
  const match = /^(\d+)\s*(m|min|mins|minutes?|h|hours?|d|days?)$/i.exec(every.trim())
  const count = Number(match?.[1] ?? 0)
  if (!match || count < 1) {
    throw new UserError('bad-every', `--every ${every} is not an interval.`, {suggestions: ['Give a number and a unit: 15m, 1h, 6h, 1d (EventBridge Scheduler\'s least is 1 minute).']})
  }
  const unit = match[2].toLowerCase().startsWith('m') ? 'minute' : match[2].toLowerCase().startsWith('h') ? 'hour' : 'day'
  return `rate(${count} ${unit}${count === 1 ? '' : 's'})`
}

/** `--cron "0 3 * * ? *"` or `cron(0 3 * * ? *)` → `cron(0 3 * * ? *)`: six fields, one of day-of-month/day-of-week `?`. */
export function cronExpression(text: string): string {
  const inner = /^cron\((.*)\)$/.exec(text.trim())?.[1] ?? text.trim()
  const fields = inner.split(/\s+/)
  if (fields.length !== 6 || (fields[2] === '?') === (fields[4] === '?')) {
    throw new UserError('bad-cron', `--cron "${text}" is not an EventBridge Scheduler cron expression.`, {
      suggestions: ['Give six fields, minutes hours day-of-month month day-of-week year, with "?" in exactly one of the two day fields: --cron "0 3 * * ? *" (every day at 03:00).'],
    })
  }
  return `cron(${fields.join(' ')})`
}

function wanted(config: ScheduleStagingOptions['config'], request: ScheduleRequest): {expression: string; timezone: string} {
  if ('every' in request) return {expression: rateExpression(request.every), timezone: config.staging.timezone}
  if ('cron' in request) return {expression: cronExpression(request.cron), timezone: request.timezone ?? config.staging.timezone}
  return {expression: config.staging.schedule, timezone: config.staging.timezone}
}

/** The execution role's trust: Scheduler, on behalf of this account's schedules only (confused deputy). */
export function schedulerTrustPolicy(account: string): string {
  return JSON.stringify({
    Statement: [{Action: 'sts:AssumeRole', Condition: {StringEquals: {'aws:SourceAccount': account}}, Effect: 'Allow', Principal: {Service: 'scheduler.amazonaws.com'}}],
    Version: '2012-10-17',
  })
}

/** What the role may do: send AWS-RunShellScript to this seed, nothing else. */
export function schedulerRolePolicy(region: string, account: string, instanceId: string): string {
  return JSON.stringify({
    Statement: [
      {
        Action: 'ssm:SendCommand',
        Effect: 'Allow',
        Resource: [`arn:aws:ssm:${region}::document/AWS-RunShellScript`, `arn:aws:ec2:${region}:${account}:instance/${instanceId}`],
        Sid: 'SendStagingTestsToTheSeed',
      },
    ],
    Version: '2012-10-17',
  })
}

/** The SendCommand request Scheduler makes, as JSON with SendCommand's own names. */
export function sendCommandInput(config: ScheduleStagingOptions['config'], instanceId: string, notify: string | undefined): string {
  return JSON.stringify({
    Comment: 'hactl scheduled staging tests',
    DocumentName: 'AWS-RunShellScript',
    InstanceIds: [instanceId],
    // The run limit: the whole suite and the marker, with room to spare.
    Parameters: {commands: [runnerCommand('schedule', {notify})], executionTimeout: [String(config.staging.suiteLimitSeconds + 600)]},
    // Not delivered within 10 minutes (a seed being replaced): dropped, the next occurrence comes.
    TimeoutSeconds: 600,
  })
}

function view(schedule: Schedule, seedId: string | undefined): StagingScheduleView {
  const input = JSON.parse(schedule.target.input || '{}') as {InstanceIds?: string[]; Parameters?: {commands?: string[]}}
  const instanceId = input.InstanceIds?.[0] ?? ''
  const notify = /--notify (\S+)/.exec(input.Parameters?.commands?.[0] ?? '')?.[1]
  return {
    arn: schedule.arn,
    expression: schedule.expression,
    instanceId,
    maximumRetryAttempts: schedule.target.maximumRetryAttempts,
    name: schedule.name,
    ...(notify ? {notifyTopicArn: notify} : {}),
    roleArn: schedule.target.roleArn,
    state: schedule.state,
    targetsCurrentSeed: seedId !== undefined && seedId === instanceId,
    timezone: schedule.timezone,
  }
}

/** Makes the role (idempotent: IAM is global, the name carries the Region) and gives it this seed. */
async function ensureRole(options: ScheduleStagingOptions, account: string, instanceId: string): Promise<{arn: string; created: boolean}> {
  const {config} = options
  const iam = await options.clients.iam()
  const name = siteNames(config.site, config.region).schedulerRole
  const created = await iam.createRole({
    description: `hactl ${config.site}: EventBridge Scheduler sends the staging tests to the seed`,
    name,
    tags: {...config.tags, 'hactl:role': 'scheduler', 'hactl:site': config.site},
    trustPolicy: schedulerTrustPolicy(account),
  })
  await iam.putRolePolicy(name, ROLE_POLICY, schedulerRolePolicy(config.region, account, instanceId))
  const role = await iam.getRole(name)
  return {arn: role?.Arn ?? `arn:aws:iam::${account}:role/${name}`, created}
}

function specFor(options: ScheduleStagingOptions, when: {expression: string; timezone: string}, instanceId: string, roleArn: string, account: string): ScheduleSpec {
  const {config} = options
  const notify = config.notify.email || config.notify.topicArn ? notifyTopicArn(config, account) : undefined
  return {
    description: `hactl ${config.site}: staging tests on the seed`,
    expression: when.expression,
    name: siteNames(config.site, config.region).testSchedule,
    target: {arn: SSM_SEND_COMMAND_TARGET, input: sendCommandInput(config, instanceId, notify), roleArn, ...SCHEDULE_RETRY},
    timezone: when.timezone,
  }
}

const same = (a: ScheduleSpec, b: Schedule): boolean =>
  a.expression === b.expression && a.timezone === b.timezone && a.target.input === b.target.input && a.target.roleArn === b.target.roleArn && a.target.maximumRetryAttempts === b.target.maximumRetryAttempts && b.state === 'ENABLED'

/** Creates, changes, shows or (--off) deletes the schedule and its role. */
export async function scheduleStaging(options: ScheduleStagingOptions): Promise<StagingScheduleResult> {
  const {config, reporter, request} = options
  const names = siteNames(config.site, config.region)
  const scheduler = await options.clients.scheduler()
  const existing = await scheduler.getSchedule(names.testSchedule)
  if ('off' in request) {
    reporter.emit({id: 'test/schedule', state: 'start', title: `Delete the schedule ${names.testSchedule}`, type: 'step'})
    const deleted = existing ? await scheduler.deleteSchedule(names.testSchedule) : false
    await (await options.clients.iam()).deleteRole(names.schedulerRole)
    reporter.emit({detail: deleted ? 'deleted' : 'there was none', id: 'test/schedule', state: 'done', title: `Delete the schedule ${names.testSchedule}`, type: 'step'})
    return {changed: deleted, deleted, site: config.site}
  }

  const when = wanted(config, request)
  const seed = await requireSeed(await options.clients.ec2(), config.site)
  const instanceId = seed.InstanceId ?? ''
  const {account} = await (await options.clients.sts()).getCallerIdentity()
  reporter.emit({id: 'test/schedule', state: 'start', title: `Schedule the staging tests: ${when.expression} (${when.timezone})`, type: 'step'})
  const role = await ensureRole(options, account, instanceId)
  const spec = specFor(options, when, instanceId, role.arn, account)
  let changed = role.created
  if (!existing) {
    changed = (await whileRolePropagates(options.clients.clock, role.created, async () => scheduler.createSchedule(spec))) || changed
  } else if (!same(spec, existing)) {
    await whileRolePropagates(options.clients.clock, role.created, async () => scheduler.updateSchedule(spec))
    changed = true
  }

  const now = await scheduler.getSchedule(names.testSchedule)
  reporter.emit({detail: changed ? 'done' : 'already so', id: 'test/schedule', state: 'done', title: `Schedule the staging tests: ${when.expression} (${when.timezone})`, type: 'step'})
  return {changed, site: config.site, ...(now ? {schedule: view(now, instanceId)} : {})}
}

/** The schedule as it is, and whether it targets the running seed (for status and doctor); undefined when there is none. */
export async function readStagingSchedule(options: {config: Pick<HactlConfig, 'region' | 'site'>; clients: Pick<AwsClients, 'ec2' | 'scheduler'>}): Promise<StagingScheduleView | undefined> {
  const schedule = await (await options.clients.scheduler()).getSchedule(siteNames(options.config.site, options.config.region).testSchedule)
  if (!schedule) return undefined
  const [seed] = await findSeeds(await options.clients.ec2(), options.config.site, ['pending', 'running'])
  return view(schedule, seed?.InstanceId)
}

/**
 * After `hactl seed create` replaced the seed: points an existing schedule
 * (and its role) at the new instance, keeping its expression. Returns
 * whether there was a schedule to retarget.
 */
export async function retargetSchedule(options: Omit<ScheduleStagingOptions, 'request'> & {readonly instanceId: string}): Promise<boolean> {
  const names = siteNames(options.config.site, options.config.region)
  const scheduler = await options.clients.scheduler()
  const existing = await scheduler.getSchedule(names.testSchedule)
  if (!existing) return false
  const current = view(existing, options.instanceId)
  if (current.targetsCurrentSeed) return true
  const {account} = await (await options.clients.sts()).getCallerIdentity()
  const role = await ensureRole({...options, request: {fromConfig: true}}, account, options.instanceId)
  const spec = specFor({...options, request: {fromConfig: true}}, {expression: existing.expression, timezone: existing.timezone}, options.instanceId, role.arn, account)
  await whileRolePropagates(options.clients.clock, role.created, async () => scheduler.updateSchedule(spec))
  options.reporter.emit({message: `The staging test schedule ${names.testSchedule} now targets the new seed ${options.instanceId}.`, type: 'info'})
  return true
}
