/**
 * The bake's record on AWS: the contract between `hactl bake` (writes),
 * `hactl rollout`/`rollback`/`images` (read) and `hactl up`/`status` (read).
 *
 *   hactl bake ─► CreateImage  tags on the image and its snapshots (BAKE_TAGS)
 *              ─► ssm put-parameter /hactl/<site>/bake/latest   (BakeRecord, every successful bake)
 *   hactl rollout ─► ssm put-parameter /hactl/<site>/rollout/last (RolloutRecord, every rollout, any outcome)
 *
 * The image's tags are the source of truth ("is this AMI one of this site's
 * bakes?"); the parameters are pointers that save a DescribeImages scan and
 * whose version history is the bake and rollout history.
 */

/** Tag keys on a baked image and its snapshots. */
export const BAKE_TAGS = {
  site: 'hactl:site',
  /** Always `bake`. */
  role: 'hactl:role',
  /** The bake's run id: how a re-run finds the image it started (CreateImage has no client token). */
  runId: 'hactl:run-id',
  seedInstance: 'hactl:seed-instance',
  sourceImage: 'hactl:source-ami',
  platformArn: 'hactl:platform-arn',
  stagingRun: 'hactl:staging-run',
  /** The change marker's value (`sha256:<hex>`) the image was baked at. */
  marker: 'hactl:marker',
  appVersion: 'hactl:app-version',
  hactlVersion: 'hactl:version',
  /** `true` when baked with --force (no passing staging run for the marker). */
  forced: 'hactl:forced',
  /** The code's database schema version (WordPress `$wp_db_version`, Moodle `$version`): src/bake/schema-guard.ts. */
  codeSchema: 'hactl:code-schema',
  /** The database's schema version when the image was baked (the seed shares the production database). */
  dbSchema: 'hactl:db-schema',
} as const

export const BAKE_ROLE = 'bake'

export interface BakeRecord {
  readonly imageId: string
  readonly name: string
  readonly runId: string
  /** ISO 8601 UTC: when the image became available. */
  readonly at: string
  readonly seedInstance: string
  readonly sourceImage: string
  readonly platformArn: string
  /** The staging run the bake trusted; empty when forced without one. */
  readonly stagingRun: string
  readonly marker: string
  readonly appVersion: string
  readonly hactlVersion: string
  readonly forced: boolean
  /** The code's schema version; empty when the seed did not report it, absent in records from before it was kept. */
  readonly codeSchema?: string
  /** The database's schema version at the bake; empty when it could not be read, absent in older records. */
  readonly dbSchema?: string
}

/** `stopped`: the rollout failed, but the image before it is older than the live database schema, so it was left where it was (schema-guard.ts). */
export type RolloutOutcome = 'interrupted' | 'rolled-back' | 'stopped' | 'succeeded'

export interface RolloutRecord {
  readonly runId: string
  readonly imageId: string
  /** The AMI the environment ran before: what `hactl rollback` goes back to. */
  readonly previousImageId: string
  readonly outcome: RolloutOutcome
  /** ISO 8601 UTC. */
  readonly started: string
  readonly finished: string
  /** One line: why it rolled back (or stopped), or empty. */
  readonly cause: string
  /** The lowest number of healthy in-service instances observed during the rollout. */
  readonly lowestHealthy: number
}

export function latestBakeParameterName(site: string): string {
  return `/hactl/${site}/bake/latest`
}

export function lastRolloutParameterName(site: string): string {
  return `/hactl/${site}/rollout/last`
}

/** Parses the latest-bake parameter; throws with what is wrong on anything else. */
export function parseBakeRecord(text: string): BakeRecord {
  const value = JSON.parse(text) as Partial<BakeRecord>
  if (typeof value.imageId !== 'string' || !value.imageId.startsWith('ami-')) throw new Error('not a bake record: no imageId')
  return value as BakeRecord
}

/** Parses the last-rollout parameter; throws with what is wrong on anything else. */
export function parseRolloutRecord(text: string): RolloutRecord {
  const value = JSON.parse(text) as Partial<RolloutRecord>
  if (typeof value.imageId !== 'string' || typeof value.previousImageId !== 'string') throw new Error('not a rollout record: no imageId/previousImageId')
  return value as RolloutRecord
}
