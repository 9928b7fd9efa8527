/**
 * Never roll back across a schema change. The seed shares the production
 * database, so upgrading the seed's code (WordPress core, Moodle) moves the
 * live database's schema on; an image whose code is older than that schema
 * must not go live again (Moodle refuses to run it, WordPress's db_version
 * likewise).
 *
 *   image's hactl:code-schema tag ─────────────────────────┐
 *   the live database's schema:                             ├─► code < live? refuse, naming the way back:
 *     a running seed, agent Online: staging-run --versions  │   the newest DB snapshot taken before the
 *     else: the highest hactl:db-schema of the site's bakes ┘   first bake that recorded the newer schema
 *
 * An image without the tag (baked before hactl recorded it, EB's platform
 * AMI) or a live schema nobody can tell is unknown: allowed, with a warning.
 * Versions compare as numbers: WordPress integers, Moodle decimals
 * (2024100700.00).
 */
import type {Image} from '@aws-sdk/client-ec2'

import type {Ec2Api} from '../aws/ec2'
import type {RdsApi} from '../aws/rds'
import type {SsmApi} from '../aws/ssm'
import type {HactlConfig} from '../config/schema'
import type {Clock} from '../core/clock'
import type {Reporter} from '../core/progress'
import {isAurora} from '../env/spec'
import {findSeeds} from '../seed/state'
import {siteNames} from '../site/names'
import {STAGING_RUNNER} from '../staging/runner'
import {findBakes, tagOf} from './images'
import {BAKE_TAGS} from './record'
import {runOnSeed} from './seed-command'

/** Numeric comparison of two schema versions: negative when a < b. Exact for any length (no floating point). */
export function compareSchema(a: string, b: string): number {
  const split = (value: string): [string, string] => {
    const [whole = '', fraction = ''] = value.trim().split('.')
    return [whole.replace(/^0+(?=\d)/, ''), fraction]
  }

  const [aWhole, aFraction] = split(a)
  const [bWhole, bFraction] = split(b)
  if (aWhole.length !== bWhole.length) return aWhole.length - bWhole.length
  if (aWhole !== bWhole) return aWhole < bWhole ? -1 : 1
  const width = Math.max(aFraction.length, bFraction.length)
  const [x, y] = [aFraction.padEnd(width, '0'), bFraction.padEnd(width, '0')]
  return x === y ? 0 : x < y ? -1 : 1
}

const isVersion = (value: string | undefined): value is string => value !== undefined && /^\d+(\.\d+)?$/.test(value)

/** The live database's schema and where it was read. */
export interface LiveSchema {
  readonly value: string
  /** `seed`: asked the running seed; `bakes`: the highest hactl:db-schema among the site's bakes (the schema only moves forward). */
  readonly source: 'bakes' | 'seed'
  /** The seed instance, or the bake that recorded it. */
  readonly from: string
}

export function sourceText(live: LiveSchema): string {
  return live.source === 'seed' ? `read from the seed ${live.from}` : `the highest a bake recorded, ${live.from}; no seed to ask`
}

/** Pure: the highest hactl:db-schema among the bakes. */
export function highestBakedSchema(bakes: readonly Image[]): LiveSchema | undefined {
  let best: LiveSchema | undefined
  for (const image of bakes) {
    const value = tagOf(image, BAKE_TAGS.dbSchema)
    if (isVersion(value) && (best === undefined || compareSchema(value, best.value) > 0)) best = {from: image.ImageId ?? '', source: 'bakes', value}
  }

  return best
}

export interface SchemaGuardOptions {
  readonly config: HactlConfig
  readonly clock: Clock
  readonly ec2: Ec2Api
  readonly ssm: SsmApi
  readonly rds: RdsApi
  readonly reporter: Reporter
  readonly signal?: AbortSignal
}

/** How long `staging-run --versions` may take: one query, no hashing. */
const VERSIONS_TIMEOUT_MS = 2 * 60_000

/** The database's schema as the running seed reads it (one SSM command); undefined when there is no seed to ask or it could not say. */
async function seedSchema(options: SchemaGuardOptions): Promise<LiveSchema | undefined> {
  const {ec2, reporter, ssm} = options
  const [seed] = await findSeeds(ec2, options.config.site, ['running'])
  const instanceId = seed?.InstanceId
  if (!instanceId) return undefined
  const [agent] = await ssm.describeInstanceInformation([instanceId])
  if (agent?.pingStatus !== 'Online') return undefined
  const invocation = await runOnSeed({clock: options.clock, comment: 'hactl rollout: the live database schema', instanceId, reporter, script: `${STAGING_RUNNER} --versions`, signal: options.signal, ssm, timeoutMs: VERSIONS_TIMEOUT_MS})
  const line = invocation.stdout.split('\n').find((text) => text.startsWith('{'))
  let value: string | undefined
  try {
    value = line ? (JSON.parse(line) as {dbSchema?: string}).dbSchema : undefined
  } catch {
    value = undefined
  }

  if (invocation.responseCode === 0 && isVersion(value)) return {from: instanceId, source: 'seed', value}
  reporter.emit({message: `The seed ${instanceId} could not read the database's schema version (exit ${invocation.responseCode}: ${invocation.stderr.trim().split('\n')[0] || 'no output'}); using what the bakes recorded.`, type: 'warning'})
  return undefined
}

/** Pure: the newest available snapshot taken before `beforeMs`. */
export function snapshotBefore<T extends {readonly status: string; readonly createdAt?: Date}>(snapshots: readonly T[], beforeMs: number): T | undefined {
  return [...snapshots]
    .filter((snapshot) => snapshot.status === 'available' && snapshot.createdAt !== undefined && snapshot.createdAt.getTime() < beforeMs)
    .sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0))[0]
}

/**
 * The way back, one sentence: the newest manual or automated snapshot of the
 * site's database taken before the first bake that recorded a schema newer
 * than `code` (before now when no bake did).
 */
export async function wayBack(options: SchemaGuardOptions, bakes: readonly Image[], code: string): Promise<string> {
  const {config} = options
  const db = siteNames(config.site, config.region).db
  const newer = bakes
    .filter((image) => isVersion(tagOf(image, BAKE_TAGS.dbSchema)) && compareSchema(tagOf(image, BAKE_TAGS.dbSchema) ?? '', code) > 0)
    .sort((a, b) => Date.parse(a.CreationDate ?? '') - Date.parse(b.CreationDate ?? ''))[0]
  const cutoff = newer?.CreationDate ? Date.parse(newer.CreationDate) : options.clock.now()
  const snapshots = await options.rds.listSnapshots({automated: true, cluster: isAurora(config), prefix: '', sourceId: db}).catch(() => [])
  const snapshot = snapshotBefore(snapshots, cutoff)
  if (!snapshot) return `No snapshot of ${db} from before the schema moved was found: take one before upgrading next time (\`aws rds create-db-snapshot\`).`
  // The upgrade happened after the last bake that still recorded the old schema: a snapshot newer than that may already hold the new one.
  const lastOld = bakes
    .filter((image) => isVersion(tagOf(image, BAKE_TAGS.dbSchema)) && compareSchema(tagOf(image, BAKE_TAGS.dbSchema) ?? '', code) <= 0)
    .sort((a, b) => Date.parse(b.CreationDate ?? '') - Date.parse(a.CreationDate ?? ''))[0]
  const surelyBefore = lastOld?.CreationDate !== undefined && (snapshot.createdAt?.getTime() ?? 0) <= Date.parse(lastOld.CreationDate)
  const when = newer ? `before ${newer.ImageId} recorded schema ${tagOf(newer, BAKE_TAGS.dbSchema)}` : 'the newest one'
  const check = surelyBefore ? '' : ` Check that it predates the upgrade${lastOld ? ` (the schema was still ${tagOf(lastOld, BAKE_TAGS.dbSchema)} when ${lastOld.ImageId} was baked, ${lastOld.CreationDate})` : ''}: a snapshot taken after it holds the new schema too.`
  return `The way back is the database as it was: restore snapshot ${snapshot.id} of ${db} (taken ${snapshot.createdAt?.toISOString()}, ${when}), then roll the image out.${check}`
}

/** Pure: the image's code schema against the live one. */
export interface KnownSchema {
  readonly code: string
  readonly live: LiveSchema
}

export type SchemaJudgement = {readonly state: 'unknown'; readonly why: string} | (KnownSchema & {readonly state: 'ok'}) | (KnownSchema & {readonly state: 'older'})

export function judgeSchema(imageId: string, image: Pick<Image, 'Tags'> | undefined, live: LiveSchema | undefined): SchemaJudgement {
  const code = image && tagOf(image, BAKE_TAGS.codeSchema)
  if (!isVersion(code)) return {state: 'unknown', why: `image ${imageId} has no ${BAKE_TAGS.codeSchema} tag (not baked by a hactl that records it)`}
  if (!live) return {state: 'unknown', why: `the live database's schema is unknown (no seed to ask, no bake recorded ${BAKE_TAGS.dbSchema})`}
  return compareSchema(code, live.value) < 0 ? {code, live, state: 'older'} : {code, live, state: 'ok'}
}

/** What the guard found for one image; `wayBack` only when its code is older than the live schema. */
export interface SchemaCheck {
  readonly judgement: SchemaJudgement
  readonly wayBack?: string
}

/**
 * Judges one image against the live schema, reading that only when the
 * image says its own (no SSM command for an image of unknown schema). Warns
 * when it cannot tell.
 */
export async function checkSchema(options: SchemaGuardOptions, imageId: string, image: Pick<Image, 'Tags'> | undefined): Promise<SchemaCheck> {
  const unknownTag = judgeSchema(imageId, image, undefined)
  let judgement = unknownTag
  let bakes: Image[] = []
  if (isVersion(image && tagOf(image, BAKE_TAGS.codeSchema))) {
    bakes = await findBakes(options.ec2, options.config.site)
    const live = (await seedSchema(options)) ?? highestBakedSchema(bakes)
    judgement = judgeSchema(imageId, image, live)
  }

  if (judgement.state === 'unknown') {
    options.reporter.emit({message: `Cannot tell whether ${imageId}'s code is older than the live database schema: ${judgement.why}. Going ahead.`, type: 'warning'})
    return {judgement}
  }

  if (judgement.state === 'ok') return {judgement}
  return {judgement, wayBack: await wayBack(options, bakes, judgement.code)}
}

/** One line: the versions and their source. */
export function olderText(imageId: string, judgement: KnownSchema): string {
  return `${imageId}'s code is at schema ${judgement.code}, older than the live database's ${judgement.live.value} (${sourceText(judgement.live)})`
}
