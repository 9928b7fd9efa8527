/**
 * `hactl rollout`: put a baked AMI into the environment without dropping
 * capacity, watch it, and undo it on its own when it goes bad (DESIGN.md
 * invariant 3).
 *
 *   image (flag │ latest bake) ─► live already? ─► yes: say so, change nothing
 *        ▼ checks: this site's bake, available, architecture, platform, code not older than the live DB schema
 *                  (schema-guard.ts); env Ready, no update, MaxSize > MinSize, alarms quiet
 *   UpdateEnvironment (ImageId + rollout policy only)
 *        ▼ poll: DescribeEnvironments + events since the request + instance health + alarms ─► RolloutMonitor
 *   settled (Ready, Green) ─► no failed configuration draft, every instance on the new AMI? ─► yes: record, live pointer, done
 *        │ fail: Red beyond the grace period, an alarm in ALARM, EB's own failure, the deadline
 *        ▼
 *   previous AMI's code older than the live DB schema? ─► yes: stop where it is, record `stopped`, exit 8 with the way back
 *        ▼ no
 *   AbortEnvironmentUpdate (if still abortable) ─► wait Ready ─► instances back on the previous AMI?
 *        │ no: UpdateEnvironment back to it, wait Ready
 *        ▼ wait Green ─► record ─► exit 8 with the cause
 *
 * Ctrl-C stops watching (EB goes on), records the rollout as interrupted and
 * says what state the environment is in and how to finish or roll back.
 */
import type {ConfigurationSettingsDescription, EnvironmentDescription} from '@aws-sdk/client-elastic-beanstalk'

import type {AwsClients} from '../aws/clients'
import type {CloudWatchApi} from '../aws/cloudwatch'
import type {EbApi} from '../aws/eb'
import {EB, settingOf} from '../aws/eb-options'
import {EnvironmentEventPoller} from '../aws/eb-watch'
import type {Ec2Api} from '../aws/ec2'
import type {SsmApi} from '../aws/ssm'
import {pollUntil} from '../aws/wait'
import type {HactlConfig} from '../config/schema'
import type {Deadline} from '../core/deadline'
import {HactlError, InterruptedError, RolledBackError, UserError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import type {Reporter} from '../core/progress'
import {liveImageParameterName} from '../seed/identity'
import {siteNames} from '../site/names'
import {checkEnvironment, checkImage, rolloutOptionSettings} from './rollout-checks'
import {failedDraft, RolloutMonitor, type RolloutLook, type RolloutVerdict} from './rollout-monitor'
import {lastRolloutParameterName, latestBakeParameterName, parseBakeRecord, type RolloutOutcome, type RolloutRecord} from './record'
import {checkSchema, judgeSchema, olderText, type SchemaGuardOptions} from './schema-guard'

export interface RolloutOptions {
  readonly config: HactlConfig
  readonly clients: Pick<AwsClients, 'clock' | 'cloudwatch' | 'eb' | 'ec2' | 'rds' | 'ssm'>
  readonly reporter: Reporter
  /** The command's --wait from when the lock was taken: how long the new image may take to settle. */
  readonly deadline: Deadline
  /** Ctrl-C or the site lock lost. */
  readonly signal?: AbortSignal
  /** This run's id, in the rollout record. */
  readonly runId: string
  /** The AMI to roll out. @default the latest bake (/hactl/<site>/bake/latest) */
  readonly imageId?: string
  /** Called once the update is requested (not for an image already live): where the command sends its notification. */
  readonly onStarted?: (change: {readonly imageId: string; readonly previousImageId: string}) => Promise<void>
  /** `rollback` may put back an image no bake tags: EB's platform AMI the site ran before its first bake. @default 'rollout' */
  readonly mode?: 'rollback' | 'rollout'
}

export interface RolloutBatch {
  readonly instances: readonly string[]
  /** ISO 8601: the first look that saw them. */
  readonly startedAt: string
  /** ISO 8601: the first look that saw the last of them Ok; null if it never did. */
  readonly healthyAt: string | null
  readonly seconds: number | null
}

export interface RolloutResult {
  readonly site: string
  readonly environment: string
  readonly imageId: string
  readonly previousImageId: string
  /** `already-live`: the environment ran the image already; nothing was changed. */
  readonly outcome: 'already-live' | 'succeeded'
  readonly policy: string
  readonly minSize: number
  /** The fewest healthy (Ok) in-service instances seen while it ran; null when nothing ran. */
  readonly lowestHealthy: number | null
  readonly batches: readonly RolloutBatch[]
  /** Every instance of the environment at the end, and its AMI. */
  readonly instances: ReadonlyArray<{readonly instanceId: string; readonly imageId: string}>
  readonly started: string
  readonly finished: string
  /** On the operation's clock (simulated in the sandbox). */
  readonly seconds: number
}

/** How long health may stay Red/Severe before the rollout is failed: EB's own bar is 12 checks over 2 minutes. */
export const HEALTH_GRACE_MS = 2 * 60_000
/** Between looks: 15 s, so each describe call runs at most 4 times a minute per environment. */
export const POLL_MS = 15_000
/** The rollback gets this long at least, whatever is left of --wait: it must finish even when the rollout timed out. */
const RECOVERY_MS = 60 * 60_000

interface Run {
  readonly options: RolloutOptions
  readonly name: string
  readonly imageId: string
  readonly previousImageId: string
  readonly started: number
  readonly eb: EbApi
  readonly ec2: Ec2Api
  readonly ssm: SsmApi
  readonly cloudwatch: CloudWatchApi
  readonly monitor: RolloutMonitor
  readonly events: EnvironmentEventPoller
}

const step = (reporter: Reporter, id: string, title: string, state: 'done' | 'fail' | 'skip' | 'start', detail?: string): void =>
  reporter.emit({detail, id, state, title, type: 'step'})

async function latestBake(ssm: SsmApi, site: string): Promise<string> {
  const parameter = await ssm.getParameter(latestBakeParameterName(site))
  if (!parameter) {
    throw new HactlError('no-bake', `${site} has no bake yet (${latestBakeParameterName(site)} does not exist).`, {
      exitCode: ExitCode.NotReady,
      suggestions: ['Bake one with `hactl bake`, or name an image with --image.'],
    })
  }

  return parseBakeRecord(parameter.value).imageId
}

function requireLive(env: EnvironmentDescription | undefined, name: string): EnvironmentDescription {
  if (env) return env
  throw new HactlError('no-environment', `Environment ${name} does not exist.`, {exitCode: ExitCode.NotReady, suggestions: ['Create it with `hactl env create`.']})
}

/** Each instance of the environment and the AMI it runs (DescribeEnvironmentResources → EC2 DescribeInstances). */
async function instanceImages(eb: EbApi, ec2: Ec2Api, name: string): Promise<Array<{instanceId: string; imageId: string}>> {
  const {instanceIds} = await eb.environmentResources(name)
  if (instanceIds.length === 0) return []
  const instances = await ec2.describeInstances({instanceIds, states: ['pending', 'running']})
  return instances.map((instance) => ({imageId: instance.ImageId ?? '', instanceId: instance.InstanceId ?? ''})).sort((a, b) => a.instanceId.localeCompare(b.instanceId))
}

/** One look: the environment, the events since the last look, each instance's health, the alarms. */
async function look(run: Run): Promise<RolloutLook> {
  const {config, reporter} = run.options
  const [env, events, instances, alarms] = await Promise.all([
    run.eb.describeEnvironment(run.name),
    run.events.poll(),
    run.eb.describeInstancesHealth(run.name),
    run.cloudwatch.describeAlarms(config.environment.rollout.alarms),
  ])
  const healthy = (instances ?? []).filter((instance) => instance.healthStatus === 'Ok').length
  reporter.emit({color: env?.Health ?? 'Grey', healthy, status: env?.HealthStatus ?? env?.Status ?? 'Unknown', total: instances?.length ?? 0, type: 'health', what: run.name})
  return {abortable: env?.AbortableOperationInProgress, alarms, at: run.options.clients.clock.now(), color: env?.Health, events, healthStatus: env?.HealthStatus, instances, status: env?.Status}
}

/** Looks until `until` says stop; returns the verdict that stopped it. */
async function watch(run: Run, what: string, timeoutMs: number, until: (verdict: RolloutVerdict, look: RolloutLook) => boolean): Promise<RolloutVerdict> {
  const {clients, reporter, signal} = run.options
  const result = await pollUntil<{verdict: RolloutVerdict; look: RolloutLook}>({
    check: (value) => (until(value.verdict, value.look) ? {state: 'done'} : {state: 'retry', status: value.verdict.verdict === 'continue' ? value.verdict.status : value.verdict.verdict}),
    clock: clients.clock,
    maxDelayMs: POLL_MS,
    minDelayMs: POLL_MS,
    async poll() {
      const seen = await look(run)
      return {look: seen, verdict: run.monitor.observe(seen)}
    },
    reporter,
    signal,
    timeoutMs,
    what,
  })
  return result.verdict
}

function batchesOf(monitor: RolloutMonitor): RolloutBatch[] {
  return monitor.batches().map((batch) => ({
    healthyAt: batch.healthyAt === undefined ? null : new Date(batch.healthyAt).toISOString(),
    instances: batch.instances,
    seconds: batch.healthyAt === undefined ? null : Math.round((batch.healthyAt - batch.startedAt) / 1000),
    startedAt: new Date(batch.startedAt).toISOString(),
  }))
}

function resultOf(run: Run, outcome: RolloutResult['outcome'], instances: RolloutResult['instances']): RolloutResult {
  const {config, clients} = run.options
  const finished = clients.clock.now()
  return {
    batches: batchesOf(run.monitor),
    environment: run.name,
    finished: new Date(finished).toISOString(),
    imageId: run.imageId,
    instances,
    lowestHealthy: run.monitor.lowestHealthy ?? null,
    minSize: config.environment.minSize,
    outcome,
    policy: config.environment.rollout.policy,
    previousImageId: run.previousImageId,
    seconds: Math.round((finished - run.started) / 1000),
    site: config.site,
    started: new Date(run.started).toISOString(),
  }
}

/** The rollout record, written on every outcome: `hactl rollback` reads previousImageId from it. */
async function record(run: Run, outcome: RolloutOutcome, cause: string): Promise<void> {
  const value: RolloutRecord = {
    cause,
    finished: new Date(run.options.clients.clock.now()).toISOString(),
    imageId: run.imageId,
    lowestHealthy: run.monitor.lowestHealthy ?? 0,
    outcome,
    previousImageId: run.previousImageId,
    runId: run.options.runId,
    started: new Date(run.started).toISOString(),
  }
  await run.ssm.putParameter({description: 'hactl: the last rollout', name: lastRolloutParameterName(run.options.config.site), overwrite: true, value: JSON.stringify(value)})
}

function onlyOn(instances: ReadonlyArray<{imageId: string}>, imageId: string): boolean {
  return instances.length > 0 && instances.every((instance) => instance.imageId === imageId)
}

function mix(instances: ReadonlyArray<{imageId: string}>): string {
  const counts = new Map<string, number>()
  for (const instance of instances) counts.set(instance.imageId, (counts.get(instance.imageId) ?? 0) + 1)
  return [...counts.entries()].map(([image, count]) => `${count} on ${image}`).join(', ') || 'no instances'
}

/** Until EB is done with the environment (Ready, health known), whatever the health: a rollback must finish. */
const settledOrReady = (_verdict: RolloutVerdict, seen: RolloutLook) => seen.status === 'Ready' && seen.color !== 'Grey' && seen.abortable !== true

/**
 * Undoes a failed rollout: abort the update while EB still can, wait for it
 * to end, put the previous AMI back if EB did not, wait for Green, record,
 * and exit 8 with the cause.
 */
async function rollBack(run: Run, cause: string): Promise<never> {
  const {config, deadline, reporter} = run.options
  await stopIfOlder(run, cause)
  reporter.emit({message: `Rolling back to ${run.previousImageId}: ${cause}`, type: 'warning'})
  step(reporter, 'rollback', `Roll back to ${run.previousImageId}`, 'start')
  const budget = () => Math.max(deadline.remainingMs(), RECOVERY_MS)
  const env = await run.eb.describeEnvironment(run.name)
  if (env?.AbortableOperationInProgress) {
    try {
      await run.eb.abortEnvironmentUpdate(run.name)
    } catch (error) {
      // EB may have ended the update (or started its own rollback) since the look: wait for it either way.
      reporter.emit({message: `AbortEnvironmentUpdate: ${(error as Error).message}`, type: 'warning'})
    }
  }

  await watch(run, `environment ${run.name} to finish the rollback`, budget(), settledOrReady)
  let instances = await instanceImages(run.eb, run.ec2, run.name)
  if (!onlyOn(instances, run.previousImageId)) {
    reporter.emit({message: `EB left ${mix(instances)}; putting ${run.previousImageId} back.`, type: 'warning'})
    await run.eb.updateEnvironment({name: run.name, optionSettings: rolloutOptionSettings(config, run.previousImageId)})
    await watch(run, `environment ${run.name} to be back on ${run.previousImageId}`, budget(), settledOrReady)
    instances = await instanceImages(run.eb, run.ec2, run.name)
  }

  await watch(run, `environment ${run.name} to be Green`, budget(), (_verdict, seen) => seen.status === 'Ready' && seen.color === 'Green')
  await record(run, 'rolled-back', cause)
  step(reporter, 'rollback', `Roll back to ${run.previousImageId}`, 'done', mix(instances))
  throw new RolledBackError(`Rollout of ${run.imageId} failed and was rolled back: ${cause}. ${run.name} is Ready and Green, ${mix(instances)}.`, {
    data: {...resultOf(run, 'succeeded', instances), cause, outcome: 'rolled-back'},
    suggestions: ['See what failed on the seed (`hactl seed exec`, `hactl test run`), fix it, bake again and roll out the new bake.'],
  })
}

async function guardOptions(options: RolloutOptions, clients: {ec2: Ec2Api; ssm: SsmApi}): Promise<SchemaGuardOptions> {
  return {clock: options.clients.clock, config: options.config, ec2: clients.ec2, rds: await options.clients.rds(), reporter: options.reporter, signal: options.signal, ssm: clients.ssm}
}

/**
 * The automatic rollback's schema check: when the image the environment ran
 * before is older than the live database schema, putting it back would make
 * things worse, so nothing is aborted or re-applied: the rollout is recorded
 * `stopped` and exit 8 says where the environment stands and the way back.
 * When the check itself fails, the rollback goes on as it would have.
 */
async function stopIfOlder(run: Run, cause: string): Promise<void> {
  const {reporter} = run.options
  if (!run.previousImageId) return
  let check
  try {
    const [image] = await run.ec2.describeImages({imageIds: [run.previousImageId]}).catch(() => [])
    check = await checkSchema(await guardOptions(run.options, run), run.previousImageId, image)
  } catch (error) {
    if (run.options.signal?.aborted) throw error
    reporter.emit({message: `Could not check ${run.previousImageId} against the live database schema (${(error as Error).message}); rolling back.`, type: 'warning'})
    return
  }

  if (check.judgement.state !== 'older') return
  const why = olderText(run.previousImageId, check.judgement)
  const [env, instances] = await Promise.all([run.eb.describeEnvironment(run.name), instanceImages(run.eb, run.ec2, run.name)])
  const state = `${env?.Status ?? 'gone'}, health ${env?.Health ?? '?'}${env?.AbortableOperationInProgress ? ', update still in progress' : ''}`
  await record(run, 'stopped', `${cause}; not rolled back: ${why}`)
  step(reporter, 'rollback', `Roll back to ${run.previousImageId}`, 'skip', 'older than the live database schema')
  throw new RolledBackError(
    `Rollout of ${run.imageId} failed (${cause}) and was not rolled back: ${why}, so putting it back would make things worse. ${run.name} was left as it is: ${state}; ${mix(instances)} (Elastic Beanstalk goes on; a batch that stays unhealthy past its timeout is reverted by EB itself). ${check.wayBack ?? ''}`.trim(),
    {
      data: {...resultOf(run, 'succeeded', instances), cause, outcome: 'stopped'},
      suggestions: [
        `Fix ${run.imageId}'s problem on the seed, run the staging tests, bake and roll out the fix (\`hactl up\`).`,
        `\`hactl status\` shows the environment; \`aws elasticbeanstalk abort-environment-update --environment-name ${run.name}\` stops an update still in progress.`,
      ],
    },
  )
}

/** Ctrl-C: say where the environment stands and how to finish or roll back. */
async function interrupted(run: Run): Promise<never> {
  const [env, instances] = await Promise.all([run.eb.describeEnvironment(run.name), instanceImages(run.eb, run.ec2, run.name)])
  await record(run, 'interrupted', 'interrupted (Ctrl-C)')
  const state = `${env?.Status ?? 'gone'}, health ${env?.Health ?? '?'}${env?.AbortableOperationInProgress ? ', update still in progress' : ''}`
  throw new InterruptedError(`Stopped watching the rollout of ${run.imageId}: ${run.name} is ${state}; ${mix(instances)}. Elastic Beanstalk goes on with the update.`, {
    suggestions: [
      `To finish: let EB complete it (\`hactl status\`), then \`hactl rollout --image ${run.imageId}\` confirms every instance runs it.`,
      `To roll back: \`aws elasticbeanstalk abort-environment-update --environment-name ${run.name}\` while it is Updating, then \`hactl rollback\` (back to ${run.previousImageId}) once it is Ready.`,
    ],
  })
}

/** Checks everything, then starts the update; undefined when the image is live already. */
async function start(options: RolloutOptions, clients: {eb: EbApi; ec2: Ec2Api; ssm: SsmApi; cloudwatch: CloudWatchApi}): Promise<Run | RolloutResult> {
  const {config, reporter} = options
  const {eb, ec2, ssm, cloudwatch} = clients
  const names = siteNames(config.site, config.region)
  const name = names.environment
  step(reporter, 'preflight', 'Check the image and the environment', 'start')
  const [env, settings, imageId] = await Promise.all([
    eb.describeEnvironment(name).then((found) => requireLive(found, name)),
    eb.configurationSettings(names.application, name).catch(() => []),
    options.imageId === undefined ? latestBake(ssm, config.site) : Promise.resolve(options.imageId),
  ])
  const previousImageId = settingOf(settings, EB.launch.namespace, EB.launch.ImageId) ?? ''
  const instanceType = (settingOf(settings, EB.instances.namespace, EB.instances.InstanceTypes) ?? config.environment.instanceType).split(',')[0].trim()
  const minSize = Number(settingOf(settings, EB.asg.namespace, EB.asg.MinSize) ?? config.environment.minSize)
  const maxSize = Number(settingOf(settings, EB.asg.namespace, EB.asg.MaxSize) ?? config.environment.maxSize)
  if (imageId === previousImageId) {
    const instances = await instanceImages(eb, ec2, name)
    if (onlyOn(instances, imageId)) {
      step(reporter, 'preflight', 'Check the image and the environment', 'skip', `${imageId} is live already`)
      const now = new Date(options.clients.clock.now()).toISOString()
      return {batches: [], environment: name, finished: now, imageId, instances, lowestHealthy: null, minSize, outcome: 'already-live', policy: config.environment.rollout.policy, previousImageId, seconds: 0, site: config.site, started: now}
    }
  }

  const [images, architectures, alarms] = await Promise.all([
    ec2.describeImages({imageIds: [imageId]}).catch(() => []),
    ec2.instanceTypeArchitectures([instanceType]),
    cloudwatch.describeAlarms(config.environment.rollout.alarms),
  ])
  const image = images.find((found) => found.ImageId === imageId)
  checkImage({
    allowUntagged: options.mode === 'rollback',
    architectures: architectures.get(instanceType) ?? [],
    image,
    imageId,
    instanceType,
    platformArn: env.PlatformArn ?? '',
    site: config.site,
  })
  checkEnvironment(config, {alarms, environment: env, maxSize, minSize})
  const schema = await checkSchema(await guardOptions(options, clients), imageId, image)
  if (schema.judgement.state === 'older') {
    throw new UserError('image-schema-older', `${olderText(imageId, schema.judgement)}: it must not go live again. ${schema.wayBack ?? ''}`.trim(), {
      suggestions: [`Roll out a bake whose code is at schema ${schema.judgement.live.value} or newer (\`hactl images list\`), or bake the seed as it is now (\`hactl up\`).`],
    })
  }

  // Said before the update starts: should it fail, the automatic rollback will stop rather than go back onto older code.
  if (schema.judgement.state !== 'unknown' && previousImageId) {
    const [previous] = await ec2.describeImages({imageIds: [previousImageId]}).catch(() => [])
    const before = judgeSchema(previousImageId, previous, schema.judgement.live)
    if (before.state === 'older') reporter.emit({message: `${olderText(previousImageId, before)}: if this rollout fails, it stops where it is instead of rolling back onto it.`, type: 'warning'})
  }

  const {instanceIds} = await eb.environmentResources(name)
  step(reporter, 'preflight', 'Check the image and the environment', 'done', `${imageId} replaces ${previousImageId || 'the platform AMI'} on ${instanceIds.length} instance(s)`)

  const started = options.clients.clock.now()
  const monitor = new RolloutMonitor({graceMs: HEALTH_GRACE_MS, original: instanceIds})
  const events = new EnvironmentEventPoller({eb, environmentName: name, reporter, since: new Date(started)})
  step(reporter, 'update', `Roll out ${imageId} (${config.environment.rollout.policy})`, 'start')
  await eb.updateEnvironment({name, optionSettings: rolloutOptionSettings(config, imageId)})
  await options.onStarted?.({imageId, previousImageId})
  return {cloudwatch, eb, ec2, events, imageId, monitor, name, options, previousImageId, ssm, started}
}

/** The rollout; a failure is rolled back and thrown as a RolledBackError (exit 8). */
export async function rollout(options: RolloutOptions): Promise<RolloutResult> {
  const [eb, ec2, ssm, cloudwatch] = await Promise.all([options.clients.eb(), options.clients.ec2(), options.clients.ssm(), options.clients.cloudwatch()])
  const run = await start(options, {cloudwatch, eb, ec2, ssm})
  if (!('monitor' in run)) return run
  const {reporter} = options
  let cause: string
  try {
    const verdict = await watch(run, `the rollout of ${run.imageId}`, options.deadline.remainingMs(), (verdict) => verdict.verdict !== 'continue')
    if (verdict.verdict === 'settled') {
      const [instances, draft] = await Promise.all([instanceImages(eb, ec2, run.name), failedDraftOf(run)])
      if (draft === undefined && onlyOn(instances, run.imageId)) return await succeed(run, instances)
      // Ready and Green, but a failed draft or not on the new image: EB's update failed (and it may have rolled back itself).
      cause = draft === undefined ? `Elastic Beanstalk ended the update with ${mix(instances)}` : `the configuration draft failed to deploy (DeploymentStatus failed); Elastic Beanstalk left ${mix(instances)}`
    } else {
      cause = verdict.verdict === 'fail' ? verdict.cause : 'unexpected verdict'
    }
  } catch (error) {
    if (options.signal?.aborted) return interrupted(run)
    if (!HactlError.isHactlError(error) || error.exitCode !== ExitCode.TimedOut) throw error
    cause = `not done within --wait (${error.message})`
  }

  step(reporter, 'update', `Roll out ${run.imageId}`, 'fail', cause)
  try {
    return await rollBack(run, cause)
  } catch (error) {
    if (options.signal?.aborted) return interrupted(run)
    throw error
  }
}

/** The update's configuration draft, when EB marked it failed (success rule: no configuration draft failed). */
async function failedDraftOf(run: Run): Promise<ConfigurationSettingsDescription | undefined> {
  const sets = await run.eb.configurationSets(siteNames(run.options.config.site, run.options.config.region).application, {environment: run.name})
  return failedDraft(sets, run.started)
}

async function succeed(run: Run, instances: RolloutResult['instances']): Promise<RolloutResult> {
  const {config, reporter} = run.options
  await Promise.all([
    record(run, 'succeeded', ''),
    run.ssm.putParameter({description: 'hactl: the AMI the environment runs', name: liveImageParameterName(config.site), overwrite: true, value: run.imageId}),
  ])
  step(reporter, 'update', `Roll out ${run.imageId}`, 'done', `${instances.length} instance(s) on ${run.imageId}`)
  return resultOf(run, 'succeeded', instances)
}
