/**
 * `hactl status`: one screen of truth read from AWS (a second operator or a
 * CI job sees the same): who we are, the config in use and, for its site,
 * the environment and its health, the live AMI (a bake or the platform's base
 * AMI, and whether a newer platform version means the bake should be
 * rebased), the seed and its cron, the last staging runs, the schedule, the
 * last bake and rollout (the previous image) and the lock or freeze.
 *
 *   round 1, side by side:
 *     GetCallerIdentity
 *     GetParametersByPath /hactl/<site>/ ─► lock, tests/last(-pass), bake/latest, rollout/last, pointers
 *   round 2, only when something there (or the lock) says the site was made, side by side:
 *     DescribeEnvironments ─► DescribeConfigurationSettings (ImageId) + DescribeEnvironmentHealth (Ready only)
 *     ListPlatformVersions (the config's branch, Ready)
 *     seed status (src/seed/status.ts: DescribeInstances by tag ─► boot, cron, agent)
 *       └─► with --marker: staging-run --marker on the seed (SSM Run Command) ─► is the seed changed since the last test?
 *   round 3, once the environment and the records are in:
 *     DescribeImages of the live, last-baked and previous AMIs (one call each: a gone AMI is an answer, not an error)
 *     DescribePlatformVersion of the environment's platform (is the live AMI its base AMI?)
 *   round 4, only with --drift: staging-run --marker on every web node and the seed in one SSM Run Command
 *     (src/doctor/drift-facts.ts) ─► web nodes against the live bake's marker, the seed against its app version;
 *     with --marker too, the seed's answer serves both (no second command)
 *
 * Every part read here is read-only; without `--marker` or `--drift` status
 * sends nothing to the instances. A part that does not exist yet (no seed, no bake, no test run)
 * is `null` in the result, never an error.
 */
import type {Image} from '@aws-sdk/client-ec2'

import type {AwsClients} from '../aws/clients'
import type {PlatformVersion} from '../aws/eb'
import {EB, settingOf} from '../aws/eb-options'
import {hasAwsCode} from '../aws/errors'
import type {LoadedConfig} from '../config/load'
import type {HactlConfig} from '../config/schema'
import {secondsSince} from '../core/clock'
import {UserError} from '../core/errors'
import type {Reporter} from '../core/progress'
import {isBakeOf, tagOf} from '../bake/images'
import {BAKE_TAGS, latestBakeParameterName, lastRolloutParameterName, parseBakeRecord, parseRolloutRecord} from '../bake/record'
import {readSite, type EnvironmentFacts, type SiteInventory} from '../site/inventory'
import {freezeMessageOf} from '../site/lock'
import {siteNames} from '../site/names'
import {seedStatus, type SeedStatusResult} from '../seed/status'
import {lastPassParameterName, lastRunParameterName} from '../staging/record'
import {readStagingSchedule} from '../staging/schedule'
import {liveBakeOf, readDrift, type DriftReport} from '../doctor/drift-facts'
import {readSeedMarker, type SeedMarker} from './marker'

export interface StatusOptions {
  /** The APIs status reads from. */
  readonly clients: AwsClients
  /** The hactl.yml in use, if any. */
  readonly config?: LoadedConfig
  /** Ask the seed for its change marker (SSM Run Command, a few seconds) to tell whether it changed since the last test. @default false */
  readonly marker?: boolean
  /**
   * Ask the web nodes and the seed for their change markers (one SSM Run
   * Command to all of them) to tell drift from the live image. Behind a flag
   * for the reasons `marker` is (src/status/marker.ts): it is a SendCommand
   * and takes seconds. With `marker` too, the seed's marker comes from the
   * same command. @default false
   */
  readonly drift?: boolean
  /** Where the marker's wait reports (only with `marker` or `drift`). */
  readonly reporter?: Reporter
}

export interface StatusEnvironment {
  /** The EB environment's name (hactl-<site>). */
  readonly name: string
  /** False when the environment does not exist (not made yet, or destroyed). */
  readonly exists: boolean
  /** Launching, Updating, Ready, Terminating, Terminated … */
  readonly status?: string
  /** Green, Yellow, Red, Grey (EB's colour). */
  readonly health?: string
  /** Enhanced health: Ok, Warning, Degraded, Severe …; only for a Ready environment. */
  readonly healthStatus?: string
  /** Why enhanced health is not Ok, as EB words it. */
  readonly causes?: readonly string[]
  /** Instance counts by enhanced health status. */
  readonly instances?: Readonly<Record<string, number>>
  readonly cname?: string
  readonly versionLabel?: string
  /** The platform version the environment runs. */
  readonly platformArn?: string
}

/** An AMI as DescribeImages answers it; `exists: false` once deregistered. */
export interface StatusImage {
  readonly imageId: string
  readonly exists: boolean
  readonly name?: string
  readonly state?: string
  /** ISO 8601, EC2's CreationDate. */
  readonly createdAt?: string
  readonly ageSeconds?: number
}

export interface LiveImage extends StatusImage {
  /** `bake`: tagged as one of this site's bakes; `platform`: the platform version's base AMI; `other`: neither. */
  readonly kind: 'bake' | 'other' | 'platform'
  /** For a bake: the change marker it was baked at. */
  readonly marker?: string
  /** For a bake: the platform version it was based on (its tag). */
  readonly platformArn?: string
}

export interface PlatformStatus {
  /** The config's platform branch. */
  readonly branch: string
  /** The newest Ready version of the branch; null when the region lists none. */
  readonly latest: {readonly arn: string; readonly version: string} | null
  /** What the live AMI is built on: the bake's platform tag, else the environment's platform. */
  readonly basedOn: string | null
  /** A newer version of the branch exists than the live AMI is built on. */
  readonly newer: boolean
  /** The live AMI is a bake on an older platform version: seed from the new base AMI and bake again. */
  readonly rebase: boolean
}

export interface StagingRunStatus {
  readonly runId: string
  readonly result: string
  readonly trigger?: string
  /** `all`, or `partial` (a partial run never becomes last-pass). */
  readonly selection?: string
  readonly finished: string
  readonly ageSeconds: number | null
  /** The change marker's value (`sha256:<hex>`) the run saw. */
  readonly marker: string
  /** Ids of failed checks. */
  readonly failed: readonly string[]
}

export interface TestsStatus {
  /** /hactl/<site>/tests/last: the newest run, scheduled or manual; null before the first. */
  readonly last: StagingRunStatus | null
  /** /hactl/<site>/tests/last-pass: the newest full passing run; null before the first. */
  readonly lastPass: StagingRunStatus | null
  /** The seed's marker now: only with --marker (see src/status/marker.ts). */
  readonly seedMarker?: SeedMarker
  /** The seed's marker differs from the last run's: null when not asked (no --marker) or not answered. */
  readonly changedSinceLast: boolean | null
  /** The seed's marker differs from the last passing run's (what a bake compares): null when not known. */
  readonly changedSinceLastPass: boolean | null
}

export interface SeedSummary {
  /** null when the site has no seed. */
  readonly instanceId: string | null
  /** EC2 state, or `none`. */
  readonly state: string
  readonly imageId?: string
  readonly boot: string | null
  /** The SSM agent: Online, ConnectionLost, or not registered. */
  readonly agent: string
  /** The last cron heartbeat; null when none was ever written. */
  readonly cron: {readonly at: string; readonly exit: number; readonly ageSeconds: number} | null
  /** More than one seed: doctor fails on it. */
  readonly extraSeeds: readonly string[]
}

export interface ScheduleStatus {
  /** The EventBridge Scheduler schedule that runs the staging tests (siteNames().testSchedule). */
  readonly name: string
  /** ENABLED, DISABLED, or `missing` (no schedule: `hactl test schedule` makes one). */
  readonly state: string
  readonly expression?: string
  readonly timezone?: string
  /** False when the schedule still sends the tests to a seed that is gone (`hactl test schedule` retargets it). */
  readonly targetsCurrentSeed?: boolean
}

export interface BakeStatus {
  readonly imageId: string
  readonly at: string
  readonly ageSeconds: number | null
  readonly marker: string
  readonly forced: boolean
  /** This bake is the AMI the environment runs. */
  readonly live: boolean
  /** The bake was made from the marker of the last passing run. */
  readonly ofLastPass: boolean | null
  /** Still registered (DescribeImages). */
  readonly exists: boolean
}

export interface RolloutStatus {
  readonly imageId: string
  readonly outcome: string
  readonly finished: string
  readonly ageSeconds: number | null
  readonly cause: string
  /** What `hactl rollback` goes back to, and whether that AMI is still registered. */
  readonly previous: StatusImage
}

export interface StatusResult {
  readonly identity: {
    readonly account: string
    readonly arn: string
    readonly region: string
    readonly sandbox: boolean
    readonly endpoint?: string
  }
  readonly config?: {
    readonly path: string
    readonly site: string
    readonly app: string
    readonly region: string
  }
  readonly lock?: {
    readonly held: boolean
    readonly holder?: string
    readonly operation?: string
    readonly since?: string
    readonly stale?: boolean
    /** A deploy freeze's message (`hactl lock acquire`): it holds until `hactl lock release`. */
    readonly freeze?: string
  }
  /** SSM parameters under /hactl/<site>/ other than the lock: name below the prefix → value. */
  readonly pointers?: Readonly<Record<string, string>>
  /** Absent without a hactl.yml, or when nothing under /hactl/<site>/ says the site was made (then not read); the parts below likewise. */
  readonly environment?: StatusEnvironment
  /** The environment's ImageId option; null when the environment does not exist. */
  readonly liveImage?: LiveImage | null
  readonly platform?: PlatformStatus
  readonly seed?: SeedSummary
  readonly tests?: TestsStatus
  readonly schedule?: ScheduleStatus
  /** /hactl/<site>/bake/latest; null before the first bake. */
  readonly bake?: BakeStatus | null
  /** /hactl/<site>/rollout/last; null before the first rollout. */
  readonly rollout?: RolloutStatus | null
  /** Web nodes and the seed against the live bake (src/doctor/drift-facts.ts): only with --drift. */
  readonly drift?: DriftReport
  /** Records under /hactl/<site>/ status could not read (a hand-edited parameter …): name → why. */
  readonly unreadable?: Readonly<Record<string, string>>
}

export async function getStatus(options: StatusOptions): Promise<StatusResult> {
  const {clients, config} = options
  const sts = await clients.sts()
  const [identity, site] = await Promise.all([sts.getCallerIdentity(), config ? readSiteStatus(options, config.config) : undefined])
  return {
    config: config
      ? {app: config.config.app, path: config.path, region: config.config.region, site: config.config.site}
      : undefined,
    identity: {
      account: identity.account,
      arn: identity.arn,
      endpoint: clients.endpointUrl,
      region: clients.configuredRegion ?? (await sts.region()),
      sandbox: clients.isSandbox,
    },
    ...site,
  }
}

type SiteStatus = Omit<StatusResult, 'config' | 'identity'>

async function readSiteStatus(options: StatusOptions, config: HactlConfig): Promise<SiteStatus> {
  const {clients} = options
  const names = siteNames(config.site, config.region)
  const now = () => clients.clock.now()
  const marks = await readSite({clients, config, want: {lock: true, pointers: true}})
  const pointers = marks.pointers?.values ?? {}
  const lock = lockStatus(marks)
  // Nothing under /hactl/<site>/ and no lock: the site was never made, and an account without it costs two calls.
  if (Object.keys(pointers).length === 0 && marks.lock?.held !== true) return {lock, pointers}

  const seedRead = seedStatus({clients, config})
  const [inventory, latest, seed, seedMarker, schedule] = await Promise.all([
    readSite({clients, config, want: {environment: {health: true, instances: options.drift ? {states: ['running']} : undefined, settings: true}}}),
    latestPlatform(clients, config.environment.platform),
    seedRead,
    options.marker && !options.drift
      ? seedRead.then((found) => readSeedMarker({agent: found.ssm.pingStatus, clients, instanceId: found.seed?.instanceId, reporter: options.reporter, site: config.site}))
      : undefined,
    readStagingSchedule({clients, config}),
  ])

  const unreadable: Record<string, string> = {}
  const record = <T>(name: string, parse: (text: string) => T): T | null => {
    const text = pointers[name.slice(`/hactl/${config.site}/`.length)]
    if (text === undefined) return null
    try {
      return parse(text)
    } catch (error) {
      unreadable[name] = (error as Error).message
      return null
    }
  }

  const bakeRecord = record(latestBakeParameterName(config.site), parseBakeRecord)
  const rolloutRecord = record(lastRolloutParameterName(config.site), parseRolloutRecord)
  const last = record(lastRunParameterName(config.site), (text) => stagingRun(text, now()))
  const lastPass = record(lastPassParameterName(config.site), (text) => stagingRun(text, now()))

  const environment = inventory.environment
  const liveImageId = settingOf(environment?.settings ?? [], EB.launch.namespace, EB.launch.ImageId)
  const [images, baseImages] = await Promise.all([
    describeImagesById(clients, [liveImageId, bakeRecord?.imageId, rolloutRecord?.previousImageId]),
    platformBaseImages(clients, environment?.description?.PlatformArn),
  ])
  const imageStatus = (imageId: string): StatusImage => toStatusImage(imageId, images.get(imageId), now())

  const liveImage = liveImageId ? toLiveImage(imageStatus(liveImageId), images.get(liveImageId), config.site, baseImages) : null
  const liveBake = liveBakeOf(liveImageId, liveImageId ? images.get(liveImageId) : undefined)
  const drift = options.drift
    ? await readDrift({
        clock: clients.clock,
        live: liveBake,
        reporter: options.reporter,
        // Before the first bake the seed is asked only for --marker: there is nothing to compare it with.
        seedInstanceId: liveBake || options.marker ? seed.seed?.instanceId : undefined,
        ssm: await clients.ssm(),
        webInstances: environment?.instances ?? [],
      })
    : undefined
  const seedMarkerNow = options.marker && drift ? seedMarkerOf(drift) : seedMarker
  const marker = seedMarkerNow && 'value' in seedMarkerNow ? seedMarkerNow.value : undefined
  return {
    bake: bakeRecord
      ? {
          ageSeconds: secondsSince(now(), bakeRecord.at),
          at: bakeRecord.at,
          exists: images.has(bakeRecord.imageId),
          forced: bakeRecord.forced === true,
          imageId: bakeRecord.imageId,
          live: bakeRecord.imageId === liveImageId,
          marker: bakeRecord.marker,
          ofLastPass: lastPass ? lastPass.marker === bakeRecord.marker : null,
        }
      : null,
    environment: statusEnvironment(names.environment, environment),
    liveImage,
    lock,
    platform: platformStatus(config.environment.platform, latest, liveImage, environment?.description?.PlatformArn),
    pointers,
    rollout: rolloutRecord
      ? {
          ageSeconds: secondsSince(now(), rolloutRecord.finished),
          cause: rolloutRecord.cause,
          finished: rolloutRecord.finished,
          imageId: rolloutRecord.imageId,
          outcome: rolloutRecord.outcome,
          previous: imageStatus(rolloutRecord.previousImageId),
        }
      : null,
    schedule: schedule
      ? {expression: schedule.expression, name: schedule.name, state: schedule.state, targetsCurrentSeed: schedule.targetsCurrentSeed, timezone: schedule.timezone}
      : {name: names.testSchedule, state: 'missing'},
    seed: seedSummary(seed),
    tests: {
      changedSinceLast: marker && last ? marker !== last.marker : null,
      changedSinceLastPass: marker && lastPass ? marker !== lastPass.marker : null,
      last,
      lastPass,
      seedMarker: seedMarkerNow,
    },
    drift,
    unreadable: Object.keys(unreadable).length > 0 ? unreadable : undefined,
  }
}

/** The seed's marker as --marker shows it, taken from the drift read (one command for both). */
function seedMarkerOf(drift: DriftReport): SeedMarker {
  if (drift.seed.marker) return {value: drift.seed.marker}
  return {error: drift.seed.instanceId ? (drift.seed.why ?? 'not read') : 'no seed'}
}

/** The newest Ready version of the branch, or null when the region has none (a typo in hactl.yml: plan and doctor say so). */
async function latestPlatform(clients: AwsClients, branch: string): Promise<PlatformVersion | null> {
  try {
    return await (await clients.eb()).latestPlatform(branch)
  } catch (error) {
    if (UserError.isHactlError(error) && error.code === 'platform-not-found') return null
    throw error
  }
}

/** The base AMIs of the environment's platform version (CustomAmiList), to tell a base AMI from any other. */
async function platformBaseImages(clients: AwsClients, platformArn: string | undefined): Promise<ReadonlySet<string>> {
  if (!platformArn) return new Set()
  const platform = await (await clients.eb()).describePlatformVersion(platformArn)
  return new Set((platform?.CustomAmiList ?? []).map((ami) => ami.ImageId ?? ''))
}

/** Each AMI on its own: DescribeImages fails the whole call on one deregistered id, which here is an answer. */
async function describeImagesById(clients: AwsClients, ids: ReadonlyArray<string | undefined>): Promise<Map<string, Image>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== undefined && id !== ''))]
  if (wanted.length === 0) return new Map()
  const ec2 = await clients.ec2()
  const found = await Promise.all(
    wanted.map(async (imageId) => {
      try {
        return (await ec2.describeImages({imageIds: [imageId]}))[0]
      } catch (error) {
        if (hasAwsCode(error, 'InvalidAMIID.NotFound', 'InvalidAMIID.Malformed', 'InvalidAMIID.Unavailable')) return undefined
        throw error
      }
    }),
  )
  return new Map(found.filter((image): image is Image => image?.ImageId !== undefined).map((image) => [image.ImageId ?? '', image]))
}

function toStatusImage(imageId: string, image: Image | undefined, now: number): StatusImage {
  if (!image) return {exists: false, imageId}
  return {
    ageSeconds: secondsSince(now, image.CreationDate) ?? undefined,
    createdAt: image.CreationDate,
    exists: true,
    imageId,
    name: image.Name,
    state: image.State,
  }
}

function toLiveImage(status: StatusImage, image: Image | undefined, site: string, baseImages: ReadonlySet<string>): LiveImage {
  if (image && isBakeOf(image, site)) {
    return {...status, kind: 'bake', marker: tagOf(image, BAKE_TAGS.marker), platformArn: tagOf(image, BAKE_TAGS.platformArn)}
  }

  return {...status, kind: baseImages.has(status.imageId) ? 'platform' : 'other'}
}

function platformStatus(branch: string, latest: PlatformVersion | null, live: LiveImage | null, environmentPlatform: string | undefined): PlatformStatus {
  const basedOn = (live?.kind === 'bake' ? live.platformArn : undefined) ?? environmentPlatform ?? null
  // ListPlatformVersions' newest Ready version of the branch: anything else the AMI is built on is older (or another branch).
  const newer = latest !== null && basedOn !== null && basedOn !== latest.arn
  return {basedOn, branch, latest: latest ? {arn: latest.arn, version: latest.version} : null, newer, rebase: newer && live?.kind === 'bake'}
}

/** A tests/last or last-pass value (src/staging/record.ts StagingSummary), with what status shows of it. */
function stagingRun(text: string, now: number): StagingRunStatus {
  const value = JSON.parse(text) as Record<string, unknown>
  const marker = value.marker as {value?: unknown} | undefined
  if (typeof value.runId !== 'string' || typeof value.result !== 'string' || typeof marker?.value !== 'string') {
    throw new Error('not a staging run summary: no runId, result or marker')
  }

  const finished = typeof value.finished === 'string' ? value.finished : ''
  const checks = Array.isArray(value.checks) ? (value.checks as Array<{id?: unknown; status?: unknown}>) : []
  return {
    ageSeconds: secondsSince(now, finished),
    failed: checks.filter((check) => check.status === 'fail').map((check) => String(check.id)),
    finished,
    marker: marker.value,
    result: value.result,
    runId: value.runId,
    selection: typeof value.selection === 'string' ? value.selection : undefined,
    trigger: typeof value.trigger === 'string' ? value.trigger : undefined,
  }
}

function seedSummary(status: SeedStatusResult): SeedSummary {
  const {seed} = status
  return {
    agent: status.ssm.pingStatus,
    boot: status.boot ? status.boot.status : null,
    cron: status.cron ? {ageSeconds: status.cron.ageSeconds, at: status.cron.at, exit: status.cron.exit} : null,
    extraSeeds: status.extraSeeds,
    imageId: seed?.imageId,
    instanceId: seed?.instanceId ?? null,
    state: seed?.state ?? 'none',
  }
}

function lockStatus({lock}: SiteInventory): StatusResult['lock'] {
  if (!lock) return undefined
  const freeze = lock.held ? freezeMessageOf(lock.record?.operation) : undefined
  return {freeze, held: lock.held, holder: lock.record?.holder, operation: lock.record?.operation, since: lock.record?.since, stale: lock.stale}
}

function statusEnvironment(name: string, facts: EnvironmentFacts | undefined): StatusEnvironment {
  const description = facts?.description
  if (!description) return {exists: false, name}
  const health = facts?.health
  return {
    causes: health?.causes,
    cname: description.CNAME,
    exists: true,
    health: description.Health,
    healthStatus: health?.healthStatus ?? description.HealthStatus,
    instances: health?.instances,
    name,
    platformArn: description.PlatformArn,
    status: description.Status,
    versionLabel: description.VersionLabel,
  }
}
