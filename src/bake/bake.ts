/**
 * `hactl bake`: an AMI of the seed, only when its code passed the staging
 * tests (or with --force, said on the image), tagged with its lineage.
 *
 *   seed (running, booted ok, agent Online) ─► environment's platform ARN
 *     ─► marker + schema versions (staging-run --marker --versions) ─► gate: last-pass marker == marker? (exit 9 unless --force)
 *     ─► an image of this seed at this marker already? ── available: done (pointer written)
 *     │                                                  └ pending: wait for it (a re-run after Ctrl-C)
 *     ▼ none
 *   tags (secret-scanned) ─► stop-cron (bounded wait for a running job) ─► clean
 *     ─► CreateImage (reboot unless --no-reboot; tags on image and snapshots)
 *     ─► start-cron ◄── always: success, failure, Ctrl-C
 *     ─► wait available ─► failed? deregister + delete snapshots, exit 1
 *     ─► /hactl/<site>/bake/latest (BakeRecord)
 *
 * Idempotent: CreateImage takes no client token, so a re-run finds the image
 * by its tags (site, role, seed instance, marker) — the same code makes the
 * same image once — and EC2's unique image names stop a double create
 * within the same second (InvalidAMIName.Duplicate: the named image is adopted).
 *
 * Cron in the image: the image carries the seed's hactl-cron.timer enabled
 * (a reboot starts it again), yet web nodes launched from it never run cron.
 * The service's ExecCondition (src/seed/cron.ts role-is-seed) reads the
 * instance's own hactl:role tag through IMDS at every run, and only the
 * seed has instance tags in its metadata and the tag `seed`: on a web node
 * the read fails and the run is skipped. EB's prebuild hook
 * (.platform/hooks/prebuild/01-hactl-role.sh) also disables the units there.
 *
 * What is removed before the image, and what is kept, is in seed-scripts.ts
 * (cleanScript).
 */
import type {Image, Instance} from '@aws-sdk/client-ec2'

import type {AwsClients} from '../aws/clients'
import type {Ec2Api} from '../aws/ec2'
import {hasAwsCode} from '../aws/errors'
import type {SsmApi} from '../aws/ssm'
import type {Tags} from '../aws/types'
import type {HactlConfig} from '../config/schema'
import {Deadline} from '../core/deadline'
import {ChecksFailedError, HactlError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import type {Reporter} from '../core/progress'
import {plaintextSecrets} from '../security/secret-scan'
import {readBootResult, requireSeed} from '../seed/state'
import {waitForAgent} from '../seed/wait'
import {siteNames} from '../site/names'
import {judgeGate, readLastPass, readSeedMarker, type GateVerdict, type SeedMarker} from './gate'
import {bakeImageName, bakeSelector, findBakes, removeImage, tagOf} from './images'
import {BAKE_ROLE, BAKE_TAGS, latestBakeParameterName, type BakeRecord} from './record'
import {CRON_BUSY_EXIT, cleanScript, startCronScript, stopCronScript} from './seed-scripts'
import {runOnSeed} from './seed-command'

export interface BakeOptions {
  readonly config: HactlConfig
  readonly clients: Pick<AwsClients, 'clock' | 'eb' | 'ec2' | 'ssm'>
  readonly reporter: Reporter
  /** The command's --wait from when the lock was taken. */
  readonly deadline: Deadline
  /** Ctrl-C or the site lock lost. */
  readonly signal?: AbortSignal
  /** This run's id (the audit trail's): tagged on the image. */
  readonly runId: string
  /** hactl's version, tagged on the image. */
  readonly hactlVersion: string
  /** Bake without a passing staging run for the seed's marker; tagged hactl:forced=true. @default false */
  readonly force?: boolean
  /** CreateImage NoReboot: no restart of the seed, crash-consistent disk only. @default false */
  readonly noReboot?: boolean
  /** How long stop-cron waits for a running cron job before giving up. @default 600 */
  readonly cronWaitSeconds?: number
}

/** The bake record (what /hactl/<site>/bake/latest holds) and what this run did. */
export interface BakeResult extends BakeRecord {
  readonly site: string
  /** false when a re-run found the image of this seed at this marker (no second image). */
  readonly created: boolean
  readonly state: 'available'
  /** Whether CreateImage rebooted the seed (false with --no-reboot, and when nothing was created). */
  readonly rebooted: boolean
  readonly snapshots: readonly string[]
}

const step = (reporter: Reporter, id: string, title: string, state: 'start' | 'done' | 'skip' | 'fail', detail?: string): void =>
  reporter.emit({detail, id: `bake/${id}`, state, title, type: 'step'})

/** A waiter a step may take even when the deadline has passed: bounded, so nothing is left half done. */
const atLeast = (deadline: Deadline, ms: number): number => Math.max(deadline.remainingMs(), ms)

/** The seed as a bake needs it: running, booted ok, its agent Online. Anything else is exit 12. */
async function healthySeed(options: BakeOptions, ec2: Ec2Api, ssm: SsmApi): Promise<Instance> {
  const {clients, config, deadline, reporter, signal} = options
  step(reporter, 'seed', 'Check the seed', 'start')
  const seed = await requireSeed(ec2, config.site)
  const instanceId = seed.InstanceId ?? ''
  const boot = await readBootResult(ssm, config.site)
  if (seed.State?.Name !== 'running' || boot?.status !== 'ok') {
    throw new HactlError('seed-not-ready', `The seed ${instanceId} is not ready to bake: instance ${seed.State?.Name ?? '?'}, boot ${boot?.status ?? 'not reported'}${boot?.reason ? ` (${boot.reason})` : ''}.`, {
      exitCode: ExitCode.NotReady,
      suggestions: ['`hactl seed status` shows where it stands; `hactl seed create` waits for a booting seed.'],
    })
  }

  // A seed rebooted by an earlier bake's CreateImage comes back within a minute or two.
  const agentWait = Deadline.after(clients.clock, Math.min(deadline.remainingMs(), 5 * 60_000))
  await waitForAgent({clock: clients.clock, deadline: agentWait, instanceId, reporter, signal, ssm}).catch((error: unknown) => {
    if (!HactlError.isHactlError(error) || error.exitCode !== ExitCode.TimedOut) throw error
    throw new HactlError('seed-not-registered', `The seed ${instanceId}'s SSM agent is not Online, so the bake cannot read its marker or pause its cron.`, {
      cause: error,
      exitCode: ExitCode.NotReady,
      suggestions: ['`hactl seed status` shows its agent; check the instance role and that the subnet reaches SSM.'],
    })
  })
  step(reporter, 'seed', 'Check the seed', 'done', instanceId)
  return seed
}

async function platformArnOf(options: BakeOptions): Promise<string> {
  const environmentName = siteNames(options.config.site, options.config.region).environment
  const environment = await (await options.clients.eb()).describeEnvironment(environmentName)
  if (!environment?.PlatformArn) {
    throw new HactlError('no-environment', `Environment ${environmentName} does not exist: a bake records the platform version it was built on, for rollout to check.`, {
      exitCode: ExitCode.NotReady,
      suggestions: ['Run `hactl env create` first.'],
    })
  }

  return environment.PlatformArn
}

interface Lineage {
  readonly seed: Instance
  /** With the code's and the database's schema versions (the same SSM command). */
  readonly marker: SeedMarker
  readonly verdict: GateVerdict
  readonly platformArn: string
}

/** Every BAKE_TAGS key, with the site's own extra tags and a Name; refused if any looks like a secret. */
export function bakeTags(options: {config: HactlConfig; name: string; runId: string; hactlVersion: string; lineage: Lineage}): Tags {
  const {config, lineage} = options
  const tags: Tags = {
    ...config.tags,
    Name: options.name,
    ...bakeSelector(config.site),
    [BAKE_TAGS.role]: BAKE_ROLE,
    [BAKE_TAGS.runId]: options.runId,
    [BAKE_TAGS.seedInstance]: lineage.seed.InstanceId ?? '',
    [BAKE_TAGS.sourceImage]: lineage.seed.ImageId ?? '',
    [BAKE_TAGS.platformArn]: lineage.platformArn,
    [BAKE_TAGS.stagingRun]: lineage.verdict.stagingRun,
    [BAKE_TAGS.marker]: lineage.marker.value,
    [BAKE_TAGS.appVersion]: lineage.marker.appVersion,
    [BAKE_TAGS.hactlVersion]: options.hactlVersion,
    [BAKE_TAGS.forced]: String(lineage.verdict.forced),
    // Absent when unknown: rollout treats an image without them as of unknown schema (allowed, with a warning).
    ...(lineage.marker.codeSchema ? {[BAKE_TAGS.codeSchema]: lineage.marker.codeSchema} : {}),
    ...(lineage.marker.dbSchema ? {[BAKE_TAGS.dbSchema]: lineage.marker.dbSchema} : {}),
  }
  // The name is site, time and marker joined by hyphens: judged as those parts, since joined they
  // make one long mixed-case "token" (the T of the time) the scanner would take for a random key.
  const findings = plaintextSecrets({...tags, Name: options.name.replaceAll('-', ' ')})
  if (findings.length > 0) {
    throw new HactlError('secret-in-tags', `The image's tag ${findings[0].name} looks like a secret: ${findings[0].why}. Nothing was baked.`, {
      suggestions: ['Check `tags` in hactl.yml: tags are readable by anyone who can describe the image.'],
    })
  }

  return tags
}

/** A bake of this seed at this marker that is pending or available: what a re-run finds instead of making a second. */
async function findExisting(ec2: Ec2Api, site: string, lineage: Lineage): Promise<Image | undefined> {
  const images = await findBakes(ec2, site)
  const same = images.filter((image) => tagOf(image, BAKE_TAGS.seedInstance) === lineage.seed.InstanceId && tagOf(image, BAKE_TAGS.marker) === lineage.marker.value)
  return same.find((image) => image.State === 'available') ?? same.find((image) => image.State === 'pending')
}

async function stopCron(options: BakeOptions, ssm: SsmApi, instanceId: string): Promise<void> {
  const {clients, reporter, signal} = options
  const waitSeconds = options.cronWaitSeconds ?? 600
  step(reporter, 'cron-stop', 'Pause cron on the seed', 'start')
  const result = await runOnSeed({clock: clients.clock, comment: 'hactl bake: stop cron', instanceId, reporter, script: stopCronScript(waitSeconds), signal, ssm, timeoutMs: (waitSeconds + 120) * 1000})
  if (result.responseCode === CRON_BUSY_EXIT) {
    throw new HactlError('cron-busy', `A cron run on the seed ${instanceId} was still going after ${waitSeconds} s; no image was taken mid-job.`, {
      exitCode: ExitCode.NotReady,
      suggestions: ['Re-run `hactl bake` once it has finished (`hactl seed status` shows the last run); cron was started again.'],
    })
  }

  if (result.responseCode !== 0) throw scriptFailed('stop cron', instanceId, result)
  step(reporter, 'cron-stop', 'Pause cron on the seed', 'done', result.stdout.trim())
}

function scriptFailed(what: string, instanceId: string, result: {status: string; responseCode: number; stderr: string}): HactlError {
  return new HactlError('seed-script-failed', `Could not ${what} on the seed ${instanceId} (${result.status}, exit ${result.responseCode}): ${result.stderr.trim().split('\n')[0] || 'no output'}.`, {
    suggestions: ['`hactl seed exec -- systemctl status hactl-cron.timer` shows the timer; fix it and re-run `hactl bake`.'],
  })
}

/**
 * Starts the seed's cron timer again, whatever happened. After Ctrl-C the
 * process has seconds left: the command is sent and not waited for (the
 * agent runs it anyway). A seed rebooted by CreateImage is waited for first
 * (bounded); its reboot starts the timer by itself too.
 */
async function resumeCron(options: BakeOptions, ssm: SsmApi, instanceId: string): Promise<void> {
  const {clients, deadline, reporter, signal} = options
  step(reporter, 'cron-start', 'Resume cron on the seed', 'start')
  const fix = `Start it by hand: \`hactl seed exec -- systemctl start hactl-cron.timer\` (a reboot of the seed starts it too).`
  const sendOnly = async (): Promise<void> => {
    await ssm.sendCommand({comment: 'hactl bake: start cron', commands: [startCronScript()], instanceId})
    step(reporter, 'cron-start', 'Resume cron on the seed', 'done', 'sent (interrupted: not waited for)')
  }

  try {
    if (signal?.aborted) return await sendOnly()
    // Ctrl-C during the reboot ends this wait too: the command is then sent for the agent to run once back.
    await waitForAgent({clock: clients.clock, deadline: Deadline.after(clients.clock, atLeast(deadline, 5 * 60_000)), instanceId, reporter, signal, ssm}).catch((error: unknown) => {
      if (!signal?.aborted) throw error
    })
    if (signal?.aborted) return await sendOnly()
    const result = await runOnSeed({clock: clients.clock, comment: 'hactl bake: start cron', instanceId, reporter, script: startCronScript(), ssm, timeoutMs: 2 * 60_000})
    if (result.responseCode !== 0) throw scriptFailed('start cron', instanceId, result)
    step(reporter, 'cron-start', 'Resume cron on the seed', 'done', result.stdout.trim())
  } catch (error) {
    step(reporter, 'cron-start', 'Resume cron on the seed', 'fail')
    reporter.emit({message: `Cron on the seed ${instanceId} may still be paused: ${(error as Error).message} ${fix}`, type: 'warning'})
  }
}

/** CreateImage, or the image a create of the same name made a moment ago. */
async function createImage(ec2: Ec2Api, input: {instanceId: string; name: string; noReboot: boolean; tags: Tags; description: string}): Promise<string> {
  try {
    return await ec2.createImage(input)
  } catch (error) {
    if (!hasAwsCode(error, 'InvalidAMIName.Duplicate')) throw error
    const [existing] = await ec2.describeImages({names: [input.name], owners: ['self']})
    if (!existing?.ImageId) throw error
    return existing.ImageId
  }
}

/** Stop cron, clean, CreateImage, start cron (always). Returns the new image id. */
/**
 * The clean script ends with the seed's marker, read once cron is stopped.
 * Cron (a WordPress or Moodle auto-update) may have changed the code between
 * the gate's read and the stop: then the image would hold code no staging run
 * tested, so the bake stops before CreateImage (exit 9).
 */
export function requireSameMarker(judged: string, cleanOutput: string, instanceId: string): void {
  const line = cleanOutput.split('\n').find((text) => text.startsWith('{'))
  let now: string | undefined
  try {
    now = line ? (JSON.parse(line) as {value?: string}).value : undefined
  } catch {
    now = undefined
  }

  if (now === judged) return
  throw new ChecksFailedError(
    now === undefined
      ? `The seed ${instanceId} did not report its change marker after cron stopped, so the bake cannot tell that it images the code the gate judged (${judged}).`
      : `The seed ${instanceId} changed after the gate read its marker (cron ran an update?): judged ${judged}, now ${now}. No image was taken.`,
    {data: {judged, now: now ?? null}, suggestions: ['Run `hactl test run` on the seed as it is now, then `hactl bake` again.']},
  )
}

async function takeImage(options: BakeOptions, ec2: Ec2Api, ssm: SsmApi, lineage: Lineage): Promise<{imageId: string; name: string}> {
  const {clients, config, reporter} = options
  const instanceId = lineage.seed.InstanceId ?? ''
  const name = bakeImageName(config.site, clients.clock.now(), lineage.marker.value)
  const tags = bakeTags({config, hactlVersion: options.hactlVersion, lineage, name, runId: options.runId})
  try {
    await stopCron(options, ssm, instanceId)
    step(reporter, 'clean', 'Clean the seed for the image', 'start')
    const cleaned = await runOnSeed({clock: clients.clock, comment: 'hactl bake: clean', instanceId, reporter, script: cleanScript(), signal: options.signal, ssm, timeoutMs: 5 * 60_000})
    if (cleaned.responseCode !== 0) throw scriptFailed('clean', instanceId, cleaned)
    requireSameMarker(lineage.marker.value, cleaned.stdout, instanceId)
    step(reporter, 'clean', 'Clean the seed for the image', 'done')
    step(reporter, 'image', 'Create the image', 'start', `${name}${options.noReboot ? ' (no reboot)' : ' (the seed reboots)'}`)
    const description = `hactl bake of ${config.site} from ${instanceId} at ${lineage.marker.value.slice(0, 19)}${lineage.verdict.forced ? ' (forced)' : ''}`
    const imageId = await createImage(ec2, {description, instanceId, name, noReboot: options.noReboot === true, tags})
    step(reporter, 'image', 'Create the image', 'done', imageId)
    return {imageId, name}
  } finally {
    // Also after a stop-cron that failed half way: starting a running timer is harmless.
    await resumeCron(options, ssm, instanceId)
  }
}

/** Waits for the image; a failed one is removed with its snapshots and the bake fails. */
async function waitAvailable(options: BakeOptions, ec2: Ec2Api, imageId: string): Promise<Image> {
  const {config, deadline, reporter, signal} = options
  step(reporter, 'wait', 'Wait for the image to be available', 'start', imageId)
  try {
    await ec2.waitForImageAvailable(imageId, deadline.wait(signal))
  } catch (error) {
    if (!HactlError.isHactlError(error) || error.code !== 'wait-failed') {
      if (HactlError.isHactlError(error)) error.withSuggestions(`Re-run \`hactl bake\`: it finds ${imageId} by its tags and waits for it; no second image is made.`)
      throw error
    }
  }

  const [image] = await ec2.describeImages({imageIds: [imageId]})
  if (image?.State === 'available') {
    step(reporter, 'wait', 'Wait for the image to be available', 'done', imageId)
    return image
  }

  step(reporter, 'wait', 'Wait for the image to be available', 'fail', image?.State)
  const snapshots = image ? await removeImage(ec2, image, config.site) : []
  throw new HactlError('image-failed', `The image ${imageId} ended ${image?.State ?? 'missing'}${image?.StateReason?.Message ? `: ${image.StateReason.Message}` : ''}. It was deregistered and its snapshots (${snapshots.join(', ') || 'none'}) deleted.`, {
    data: {imageId, snapshots, state: image?.State},
    suggestions: ['Re-run `hactl bake`; if it fails again, check the seed\'s volumes and EC2\'s service health.'],
  })
}

export async function bake(options: BakeOptions): Promise<BakeResult> {
  const {clients, config, reporter} = options
  const [ec2, ssm] = await Promise.all([clients.ec2(), clients.ssm()])
  const seed = await healthySeed(options, ec2, ssm)
  const instanceId = seed.InstanceId ?? ''
  const platformArn = await platformArnOf(options)

  step(reporter, 'gate', 'Check the seed was tested', 'start')
  const [marker, lastPass] = await Promise.all([
    readSeedMarker({clock: clients.clock, instanceId, reporter, signal: options.signal, ssm}),
    readLastPass(ssm, config.site),
  ])
  const verdict = judgeGate(config.site, marker.value, lastPass, options.force === true)
  step(reporter, 'gate', 'Check the seed was tested', 'done', verdict.forced ? `forced at ${marker.value}` : `run ${verdict.stagingRun} passed at ${marker.value}`)
  if (verdict.forced) reporter.emit({message: `Baking an untested seed (--force): the image is tagged ${BAKE_TAGS.forced}=true.`, type: 'warning'})
  if (!marker.codeSchema || !marker.dbSchema) {
    reporter.emit({message: `The seed did not report its ${marker.codeSchema ? "database's" : "code's"} schema version: the image is not tagged ${marker.codeSchema ? BAKE_TAGS.dbSchema : BAKE_TAGS.codeSchema}, so rollout cannot tell whether it is older than the live database.`, type: 'warning'})
  }
  const lineage: Lineage = {marker, platformArn, seed, verdict}

  const existing = await findExisting(ec2, config.site, lineage)
  let imageId = existing?.ImageId ?? ''
  let name = existing?.Name ?? ''
  if (existing) {
    step(reporter, 'image', 'Create the image', 'skip', `${imageId} (${existing.State}) is this seed at this marker already`)
    // A pending one was started by a run that stopped early; if it was killed outright, cron may still be paused.
    if (existing.State === 'pending') await resumeCron(options, ssm, instanceId)
  } else {
    ;({imageId, name} = await takeImage(options, ec2, ssm, lineage))
  }

  const image = await waitAvailable(options, ec2, imageId)
  const tag = (key: string): string => tagOf(image, key) ?? ''
  const record: BakeRecord = {
    appVersion: tag(BAKE_TAGS.appVersion),
    at: new Date(clients.clock.now()).toISOString(),
    codeSchema: tag(BAKE_TAGS.codeSchema),
    dbSchema: tag(BAKE_TAGS.dbSchema),
    forced: tag(BAKE_TAGS.forced) === 'true',
    hactlVersion: tag(BAKE_TAGS.hactlVersion),
    imageId,
    marker: tag(BAKE_TAGS.marker),
    name: image.Name ?? name,
    platformArn: tag(BAKE_TAGS.platformArn),
    runId: tag(BAKE_TAGS.runId),
    seedInstance: tag(BAKE_TAGS.seedInstance),
    sourceImage: tag(BAKE_TAGS.sourceImage),
    stagingRun: tag(BAKE_TAGS.stagingRun),
  }
  await ssm.putParameter({description: 'hactl: the latest bake of the site (BakeRecord)', name: latestBakeParameterName(config.site), overwrite: true, value: JSON.stringify(record)})
  step(reporter, 'pointer', 'Record the latest bake', 'done', latestBakeParameterName(config.site))
  return {
    ...record,
    created: existing === undefined,
    rebooted: existing === undefined && options.noReboot !== true,
    site: config.site,
    snapshots: (image.BlockDeviceMappings ?? []).map((device) => device.Ebs?.SnapshotId ?? '').filter(Boolean),
    state: 'available',
  }
}
