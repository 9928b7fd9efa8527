import type {ConfigurationOptionSetting, EventSeverity} from '@aws-sdk/client-elastic-beanstalk'

import {DURATIONS} from '../durations'
import type {OperationContext} from '../types'
import {ec2Slice} from './ec2-model'
import {appendEvent} from './eb-events'
import {fleetSize, launchInstances, liveMembers, setLaunch, terminateMembers} from './eb-fleet'
import {optionValue, type EbContext, type EbEnvironmentRecord, type EbLaunchSpec, type EbOperationRecord} from './eb-model'

/*
 * A launch-configuration change (a new ImageId, …) under a health-based
 * rolling update (`aws:autoscaling:updatepolicy:rollingupdate`
 * RollingUpdateEnabled true, RollingUpdateType Health): EB replaces the
 * instances batch by batch, each batch healthy before the next starts
 * (EB Developer Guide, using-features.rollingupdates; AWS-NOTES-2 B.2).
 *
 *   UpdateEnvironment ──► planRollingUpdate: batches with launchAt, healthyAt
 *                         or failedAt, retireAt — nothing launched yet
 *   advance phase     ──► advanceRollingUpdates: steps whose time has come
 *                         launch / retire EC2 instances and append events
 *   a failed batch    ──► EB's own rollback: a new plan back to the previous
 *                         option settings (old ImageId), same policy
 *
 * With MinInstancesInService ≥ desired − batch, the underlying CloudFormation
 * update launches first (desired temporarily N + batch) and retires the old
 * batch once the new one is healthy; otherwise it terminates a batch first.
 *
 * `Immutable` (RollingUpdateType Immutable) plans the same way with its own
 * batches: one new instance in a temporary group, once healthy the rest of a
 * full set, once all are healthy the old ones retire; a failure (or an abort)
 * terminates every new instance and leaves the old fleet as it was.
 * AbortEnvironmentUpdate reverts as a failed batch does (`revert`).
 * Time-based (`Time`) updates still replace all instances at once
 * (eb-fleet.ts replaceFleet). Events follow CloudFormation's rolling-update
 * wording (AWS-NOTES-2 B.2); how EB relays them is unverified, so callers
 * should match on severity and time, not text.
 */

const ROLLING = 'aws:autoscaling:updatepolicy:rollingupdate'

export interface RollingPolicy {
  /** Health: batches over the old instances. Immutable: a full new set beside them, then a swap. */
  readonly type: 'Health' | 'Immutable'
  readonly batchSize: number
  readonly minInService: number
  /** Per batch: not healthy by then, the update fails. */
  readonly timeout: number
}

/** One batch: the old instances it replaces and when its steps happen (simulated ms). */
export interface EbBatchRecord {
  readonly retire: readonly string[]
  /** New instances it launches. Optional: absent (= as many as it retires) in states written before Immutable. */
  readonly count?: number
  readonly launchAt: number
  /** When its new instances pass their health checks; undefined for a batch that fails. */
  readonly healthyAt: number | undefined
  /** When EB gives up on it (the `health-red` or `instance-unhealthy` fault): the update fails and rolls back. */
  readonly failedAt: number | undefined
  /** When its old instances are terminated; undefined when the batch fails first (launch-first). */
  readonly retireAt: number | undefined
  /** What fails in a failing batch: absent (states before the kind existed) is `deployment`. */
  readonly failure?: BatchFailure
  /** The new instances, once launched. */
  launched: string[]
}

/**
 * How a failing batch fails: `deployment` (the `health-red` fault), the
 * application fails to deploy on every new instance; `instance` (the
 * `instance-unhealthy` fault), its first new instance never passes the load
 * balancer's health checks while the others are fine.
 */
export type BatchFailure = 'deployment' | 'instance'

export interface EbRollingRecord {
  readonly type: 'Health' | 'Immutable'
  /** When the update (or the rollback) started. */
  readonly start: number
  readonly launchFirst: boolean
  readonly spec: EbLaunchSpec
  /** What a rollback returns to. */
  readonly previous: {readonly spec: EbLaunchSpec; readonly optionSettings: ConfigurationOptionSetting[]}
  /** True for EB's own rollback after a failed batch. */
  readonly rollback: boolean
  readonly policy: RollingPolicy
  readonly batches: EbBatchRecord[]
  /**
   * When the Auto Scaling group scales out by one in the middle of the update
   * (the `scale-out` fault); absent: it does not. Optional: absent in states
   * written before the fault existed.
   */
  readonly scaleOutAt?: number
  /** How many of the plan's steps (see `stepsOf`) have been materialised. */
  applied: number
}

// ---- policy -----------------------------------------------------------------

/** ISO 8601 `PT#H#M#S` as ms; undefined when it is not one. */
export function isoDuration(value: string): number | undefined {
  const match = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(value)
  if (!match || value === 'PT') return undefined
  const [, hours, minutes, seconds] = match
  return ((Number(hours ?? 0) * 60 + Number(minutes ?? 0)) * 60 + Number(seconds ?? 0)) * 1000
}

/**
 * The health-based or immutable policy of the settings, or undefined when a
 * launch change replaces all instances at once (rolling updates off, `Time`).
 * Defaults are EB's: MaxBatchSize one third of MinSize rounded up,
 * MinInstancesInService the lower of MinSize and MaxSize − 1, Timeout PT30M.
 */
export function rollingPolicy(settings: readonly ConfigurationOptionSetting[]): RollingPolicy | undefined {
  const type = optionValue(settings, ROLLING, 'RollingUpdateType')
  if (type !== 'Health' && type !== 'Immutable') return undefined
  // Immutable is a type of its own; Health needs rolling updates on.
  if (type === 'Health' && optionValue(settings, ROLLING, 'RollingUpdateEnabled')?.toLowerCase() !== 'true') return undefined
  const size = fleetSize(settings)
  const number = (name: string, fallback: number) => {
    const value = Number(optionValue(settings, ROLLING, name) ?? Number.NaN)
    return Number.isInteger(value) ? value : fallback
  }

  return {
    type,
    batchSize: Math.max(1, number('MaxBatchSize', Math.ceil(size.min / 3))),
    minInService: number('MinInstancesInService', Math.min(size.min, size.max - 1)),
    timeout: isoDuration(optionValue(settings, ROLLING, 'Timeout') ?? '') ?? DURATIONS.ebRollingTimeout,
  }
}

// ---- planning ---------------------------------------------------------------

interface PlanInput {
  readonly start: number
  readonly old: readonly string[]
  readonly desired: number
  readonly policy: RollingPolicy
  /** The first batch fails, and how; undefined: none fails. */
  readonly failFirst: BatchFailure | undefined
}

/** Batches over the old instances, oldest first, timed one after the other. */
function planBatches(input: PlanInput, launchFirst: boolean): EbBatchRecord[] {
  const {policy} = input
  const batches: EbBatchRecord[] = []
  let time = input.start + DURATIONS.ebBatchGap
  for (let first = 0; first < input.old.length; first += policy.batchSize) {
    const retire = input.old.slice(first, first + policy.batchSize)
    const fails = input.failFirst !== undefined && first === 0
    const healthyAt = fails ? undefined : time + DURATIONS.ebBatchHealthy
    const failedAt = fails ? time + policy.timeout : undefined
    const retireAt = launchFirst ? healthyAt : time
    batches.push({retire, launchAt: time, healthyAt, failedAt, retireAt, ...(fails ? {failure: input.failFirst} : {}), launched: []})
    // A failed batch ends the plan: what follows is the rollback's.
    if (fails) break
    time = (healthyAt ?? time) + DURATIONS.ebBatchGap
  }

  return batches
}

/**
 * Immutable: one new instance, once healthy as many more as make a full set
 * (the desired count), once all are healthy the old instances retire. Each
 * launch waits for health like a rolling batch; the first failing ends the plan.
 */
function planImmutable(input: PlanInput): EbBatchRecord[] {
  const batches: EbBatchRecord[] = []
  let time = input.start + DURATIONS.ebBatchGap
  for (const count of [1, input.desired - 1].filter((n) => n > 0)) {
    const fails = input.failFirst !== undefined && batches.length === 0
    const healthyAt = fails ? undefined : time + DURATIONS.ebBatchHealthy
    const failedAt = fails ? time + input.policy.timeout : undefined
    batches.push({retire: [], count, launchAt: time, healthyAt, failedAt, retireAt: undefined, ...(fails ? {failure: input.failFirst} : {}), launched: []})
    if (healthyAt === undefined) return batches
    time = healthyAt + DURATIONS.ebBatchGap
  }

  // The swap: the new instances join the original group, the old ones and the temporary group go.
  batches.push({retire: [...input.old], count: 0, launchAt: time, healthyAt: time, failedAt: undefined, retireAt: time, launched: []})
  return batches
}

function newRolling(
  input: PlanInput,
  spec: EbLaunchSpec,
  previous: EbRollingRecord['previous'],
  rollback: boolean,
): EbRollingRecord {
  const {policy} = input
  // CloudFormation launches first when terminating a batch would go below MinInstancesInService; Immutable always does.
  const immutable = policy.type === 'Immutable' && !rollback
  const launchFirst = immutable || policy.minInService >= input.desired - policy.batchSize
  const batches = immutable ? planImmutable(input) : planBatches(input, launchFirst)
  return {type: immutable ? 'Immutable' : 'Health', start: input.start, launchFirst, spec, previous, rollback, policy, batches, applied: 0}
}

/** The end of the plan: its last step plus the wrap-up. */
export function rollingEnd(rolling: EbRollingRecord): number {
  const last = stepsOf(rolling).at(-1)?.at ?? rolling.start
  return last + DURATIONS.ebBatchGap
}

/**
 * Plans the replacement of the environment's live instances with `spec`; the
 * caller sets the environment's operation from it (`operationFor`). Nothing
 * launches now: the advance phase does, as the batches' times come.
 */
export function planRollingUpdate(
  eb: EbContext,
  env: EbEnvironmentRecord,
  change: {readonly spec: EbLaunchSpec; readonly policy: RollingPolicy; readonly failFirst: BatchFailure | undefined; readonly scaleOut?: boolean},
  context: OperationContext,
): EbRollingRecord {
  const ec2 = ec2Slice(eb.region, context)
  const size = fleetSize(env.optionSettings)
  const old = liveMembers(env, ec2, context.now).map((instance) => instance.id)
  const desired = Math.min(size.max, Math.max(size.min, old.length))
  const previous = {spec: env.launch, optionSettings: env.operation.previousOptionSettings ?? env.optionSettings}
  const rolling = newRolling({start: context.now, old, desired, policy: change.policy, failFirst: change.failFirst}, change.spec, previous, false)
  // Halfway through the first batch's health checks: the launch template already has the new settings.
  const first = rolling.batches[0]
  return change.scaleOut === true && first !== undefined ? {...rolling, scaleOutAt: first.launchAt + Math.round(DURATIONS.ebBatchHealthy / 2)} : rolling
}

// ---- steps ------------------------------------------------------------------

type StepKind = 'launch' | 'healthy' | 'retire' | 'fail' | 'scale-out'

interface Step {
  readonly at: number
  readonly kind: StepKind
  readonly batch: number
}

/** The plan's steps in time order; at the same time in batch order, launch-first or terminate-first as planned. */
function stepsOf(rolling: EbRollingRecord): Step[] {
  const steps: Step[] = []
  rolling.batches.forEach((batch, index) => {
    const retire: Step[] = batch.retireAt === undefined ? [] : [{at: batch.retireAt, kind: 'retire', batch: index}]
    const launch: Step = {at: batch.launchAt, kind: 'launch', batch: index}
    const end: Step = batch.failedAt === undefined ? {at: batch.healthyAt ?? batch.launchAt, kind: 'healthy', batch: index} : {at: batch.failedAt, kind: 'fail', batch: index}
    steps.push(...(rolling.launchFirst ? [launch, end, ...retire] : [...retire, launch, end]))
  })
  if (rolling.scaleOutAt !== undefined) steps.push({at: rolling.scaleOutAt, kind: 'scale-out', batch: 0})
  // Stable: steps at one instant keep the order above.
  return steps.sort((a, b) => a.at - b.at)
}

/** The batch a (new) instance belongs to in the environment's current rolling update, if any. */
export function batchOf(env: EbEnvironmentRecord, instanceId: string): EbBatchRecord | undefined {
  return env.operation.rolling?.batches.find((batch) => batch.launched.includes(instanceId))
}

/** How the instance fails in its failing batch, or undefined when it does not (an `instance` failure fails the batch's first only). */
export function failureOf(env: EbEnvironmentRecord, instanceId: string): BatchFailure | undefined {
  const batch = batchOf(env, instanceId)
  if (batch?.failedAt === undefined) return undefined
  const failure = batch.failure ?? 'deployment'
  return failure === 'instance' && batch.launched[0] !== instanceId ? undefined : failure
}

// ---- materialising ----------------------------------------------------------

function event(eb: EbContext, env: EbEnvironmentRecord, at: number, message: string, severity: EventSeverity = 'INFO'): void {
  appendEvent(eb.state, env, at, message, severity)
}

function progress(rolling: EbRollingRecord, index: number): number {
  return Math.round((100 * (index + 1)) / rolling.batches.length)
}

function launchBatch(eb: EbContext, env: EbEnvironmentRecord, rolling: EbRollingRecord, index: number, context: OperationContext): void {
  const batch = rolling.batches[index]
  const count = batch.count ?? batch.retire.length
  if (count === 0) return
  if (index === 0 && rolling.type === 'Immutable') {
    event(eb, env, context.now, 'Immutable deployment policy enabled. Launching one instance with the new settings to verify health.')
    event(eb, env, context.now, `Created temporary auto scaling group ${env.stack.autoScalingGroup}-immutable.`)
  } else if (index === 0 && rolling.launchFirst) {
    event(eb, env, context.now, `Temporarily setting autoscaling group MinSize and DesiredCapacity to ${env.instanceIds.length + count}.`)
  }

  if (!rolling.launchFirst) retireBatch(eb, env, rolling, index, context)
  batch.launched = launchInstances(eb, env, rolling.spec, count, context)
  const minutes = Math.round(rolling.policy.timeout / 60_000)
  event(eb, env, context.now, `New instance(s) added to autoscaling group - Waiting on ${count} resource signal(s) with a timeout of PT${minutes}M.`)
  for (const id of batch.launched) event(eb, env, context.now, `Added instance [${id}] to your environment.`)
}

function retireBatch(eb: EbContext, env: EbEnvironmentRecord, rolling: EbRollingRecord, index: number, context: OperationContext): void {
  const batch = rolling.batches[index]
  const replacing = rolling.launchFirst ? 0 : batch.retire.length
  event(eb, env, context.now, `Terminating instance(s) [${batch.retire.join(', ')}]; replacing with ${replacing} new instance(s).`)
  terminateMembers(eb, env, batch.retire, context)
  for (const id of batch.retire) event(eb, env, context.now, `Removed instance [${id}] from your environment.`)
  if (rolling.launchFirst) event(eb, env, context.now, `Successfully terminated instance(s) [${batch.retire.join(', ')}] (Progress ${progress(rolling, index)}%).`)
}

function batchHealthy(eb: EbContext, env: EbEnvironmentRecord, rolling: EbRollingRecord, index: number, context: OperationContext): void {
  const batch = rolling.batches[index]
  if (batch.launched.length === 0) return
  for (const id of batch.launched) event(eb, env, context.now, `Received SUCCESS signal with UniqueId ${id}`)
  if (!rolling.launchFirst) event(eb, env, context.now, `Successfully terminated instance(s) [${batch.retire.join(', ')}] (Progress ${progress(rolling, index)}%).`)
}

/**
 * The batch did not become healthy within the timeout: its new instances go
 * (launch-first: the old ones are still in service), the settings return to
 * the previous ones and EB starts its own rollback update over the instances
 * that already have the new configuration.
 */
function failBatch(eb: EbContext, env: EbEnvironmentRecord, rolling: EbRollingRecord, index: number, context: OperationContext): void {
  const batch = rolling.batches[index]
  const signals = batch.failure === 'instance' ? batch.launched.length - 1 : 0
  event(eb, env, context.now, `Received ${signals} SUCCESS signal(s) out of ${batch.launched.length}. Unable to satisfy 100% MinSuccessfulInstancesPercent requirement`, 'ERROR')
  event(eb, env, context.now, 'Failed to deploy configuration.', 'ERROR')
  revert(eb, env, rolling, context)
}

/** A batch launched whose instances are not (yet) healthy. */
function inFlight(batch: EbBatchRecord, now: number): boolean {
  return batch.launched.length > 0 && (batch.healthyAt === undefined || now < batch.healthyAt)
}

/**
 * Back to the previous configuration: Immutable terminates every new
 * instance (the temporary group goes, the old fleet never left); a rolling
 * update terminates the batch in flight when it launched first (the old
 * instances are still in service), then EB's own rollback update replaces
 * the instances already on the new configuration.
 */
function revert(eb: EbContext, env: EbEnvironmentRecord, rolling: EbRollingRecord, context: OperationContext): void {
  const launched = rolling.batches.flatMap((batch) => batch.launched)
  const doomed = rolling.type === 'Immutable' ? launched : rolling.launchFirst ? rolling.batches.filter((batch) => inFlight(batch, context.now)).flatMap((batch) => batch.launched) : []
  if (doomed.length > 0) terminateMembers(eb, env, doomed, context)
  const renewed = launched.filter((id) => env.instanceIds.includes(id))
  // The settings that did not deploy stay visible as a failed draft (DescribeConfigurationSettings).
  env.failedDraft = {optionSettings: env.optionSettings, at: context.now}
  env.optionSettings = rolling.previous.optionSettings
  setLaunch(eb, env, rolling.previous.spec, context)
  const size = fleetSize(env.optionSettings)
  const desired = Math.min(size.max, Math.max(size.min, env.instanceIds.length))
  const back = newRolling(
    {start: context.now, old: renewed, desired, policy: rolling.policy, failFirst: undefined},
    rolling.previous.spec,
    rolling.previous,
    true,
  )
  event(eb, env, context.now, 'Rolling back to the previous configuration.', 'WARN')
  env.operation = operationFor(env.operation, back)
}

/** True while AbortEnvironmentUpdate can still cancel the update: a batch is yet to finish, and it is not EB's rollback. */
export function abortable(env: EbEnvironmentRecord, now: number): boolean {
  const rolling = env.operation.rolling
  if (rolling === undefined || rolling.rollback) return false
  // The final phase (Immutable's swap, the last wrap-up) cannot be stopped.
  const open = rolling.batches.filter((batch) => batch.count !== 0 && (batch.healthyAt === undefined || now < batch.healthyAt))
  return open.length > 0
}

/**
 * AbortEnvironmentUpdate on a rolling or immutable update: "rolls back the
 * same way that it performed the last successful update" — the steps not yet
 * taken are dropped and the environment reverts as after a failed batch.
 */
export function abortRollingUpdate(eb: EbContext, env: EbEnvironmentRecord, context: OperationContext): void {
  const rolling = env.operation.rolling
  if (rolling === undefined) return
  event(eb, env, context.now, 'Aborting the environment update on request.', 'WARN')
  revert(eb, env, rolling, context)
}

/** The environment's operation with this rolling plan, lasting until the plan ends. */
export function operationFor(operation: EbOperationRecord, rolling: EbRollingRecord): EbOperationRecord {
  return {...operation, duration: Math.max(rollingEnd(rolling), operation.startedAt) - operation.startedAt, rolling}
}

function finish(eb: EbContext, env: EbEnvironmentRecord, rolling: EbRollingRecord, at: number): void {
  if (rolling.rollback) {
    event(eb, env, at, 'The environment was reverted to the previous configuration setting.', 'ERROR')
    event(eb, env, at, 'Environment update failed.', 'ERROR')
    return
  }

  event(eb, env, at, 'Successfully deployed new configuration to environment.')
  event(eb, env, at, 'Environment update completed successfully.')
}

/**
 * A scale-out in the middle of the update (the `scale-out` fault): the Auto
 * Scaling group's desired capacity goes up by one, within MaxSize, and the new
 * instance launches from the launch template as it is now — the update's new
 * settings, as CloudFormation updates the launch template before the group's
 * rolling update (AWS-NOTES-2 B.2: "A scale-out mid-update launches instances
 * from the new launch template"). The raised capacity stays after the update.
 */
function scaleOut(eb: EbContext, env: EbEnvironmentRecord, rolling: EbRollingRecord, _index: number, context: OperationContext): void {
  if (rolling.rollback || env.instanceIds.length >= fleetSize(env.optionSettings).max) return
  const [id] = launchInstances(eb, env, env.launch, 1, context)
  event(eb, env, context.now, `Added instance [${id}] to your environment.`)
}

const STEP: Readonly<Record<StepKind, typeof launchBatch>> = {launch: launchBatch, healthy: batchHealthy, retire: retireBatch, fail: failBatch, 'scale-out': scaleOut}

/**
 * Materialises every environment's rolling-update steps that are due, in
 * time order, each at its own simulated time (so instances launch and
 * terminate when planned, not when someone next calls). Returns true when it
 * changed anything.
 */
export function advanceRollingUpdates(eb: EbContext, context: OperationContext): boolean {
  let changed = false
  for (const env of eb.state.environments) {
    let rolling = env.operation.rolling
    while (rolling !== undefined) {
      const steps = stepsOf(rolling)
      const step = steps[rolling.applied]
      const end = rollingEnd(rolling)
      if (step === undefined) {
        if (rolling.applied === steps.length && context.now >= end) {
          finish(eb, env, rolling, end)
          rolling.applied += 1
          changed = true
        }

        break
      }

      if (step.at > context.now) break
      rolling.applied += 1
      STEP[step.kind](eb, env, rolling, step.batch, {...context, now: step.at})
      changed = true
      // A failed batch replaced the plan with its rollback.
      rolling = env.operation.rolling
    }
  }

  return changed
}
