/**
 * `hactl images list` and `hactl images prune`: the site's bakes with their
 * lineage and roles, and retention that never removes an image the site
 * still depends on.
 *
 *   findBakes (tags) ─┬─► list: each image, newest first, with its roles
 *   readImageRoles  ──┘
 *                     └─► prune: keep the N newest available, every protected one and any
 *                         pending one; deregister the rest and delete their snapshots,
 *                         then the site's bake snapshots whose image is gone
 */
import type {Image} from '@aws-sdk/client-ec2'

import type {AwsClients} from '../aws/clients'
import type {HactlConfig} from '../config/schema'
import type {Reporter} from '../core/progress'
import {bakeSelector, findBakes, protections, readImageRoles, removeImage, tagOf, type ImageRoles} from './images'
import {BAKE_TAGS} from './record'

export interface ImagesOptions {
  readonly config: HactlConfig
  readonly clients: Pick<AwsClients, 'clock' | 'eb' | 'ec2' | 'ssm'>
  readonly reporter: Reporter
}

export type ImageStatus = 'failed' | 'latest' | 'live' | 'pending' | 'previous' | 'retired'

export interface BakeImage {
  readonly imageId: string
  readonly name: string
  /** EC2's state: pending, available, failed … */
  readonly state: string
  readonly createdAt: string
  readonly ageSeconds: number
  /** The sum of its volumes, GiB. */
  readonly sizeGiB: number
  /** The first role that applies: live, previous (the rollback target), latest, else retired (or pending/failed). */
  readonly status: ImageStatus
  readonly live: boolean
  readonly rollbackTarget: boolean
  readonly latest: boolean
  /** The seed was launched from it. */
  readonly seedSource: boolean
  readonly marker: string
  readonly forced: boolean
  readonly stagingRun: string
  readonly appVersion: string
  readonly runId: string
  readonly seedInstance: string
  /** Lineage: the AMI the seed ran when it was baked (a previous bake, or the platform's AMI). */
  readonly sourceImage: string
  readonly platformArn: string
}

export interface ImagesListResult {
  readonly site: string
  readonly images: readonly BakeImage[]
  readonly live: string | null
  readonly rollbackTarget: string | null
  readonly latest: string | null
}

function statusOf(image: Image, roles: ImageRoles): ImageStatus {
  const id = image.ImageId ?? ''
  if (roles.live === id) return 'live'
  if (roles.rollbackTarget === id) return 'previous'
  if (roles.latest === id) return 'latest'
  if (image.State === 'pending' || image.State === 'failed') return image.State
  return 'retired'
}

export function describeBake(image: Image, roles: ImageRoles, now: number): BakeImage {
  const id = image.ImageId ?? ''
  const tag = (key: string): string => tagOf(image, key) ?? ''
  const created = Date.parse(image.CreationDate ?? '')
  return {
    ageSeconds: Number.isNaN(created) ? 0 : Math.max(0, Math.round((now - created) / 1000)),
    appVersion: tag(BAKE_TAGS.appVersion),
    createdAt: image.CreationDate ?? '',
    forced: tag(BAKE_TAGS.forced) === 'true',
    imageId: id,
    latest: roles.latest === id,
    live: roles.live === id,
    marker: tag(BAKE_TAGS.marker),
    name: image.Name ?? '',
    platformArn: tag(BAKE_TAGS.platformArn),
    rollbackTarget: roles.rollbackTarget === id,
    runId: tag(BAKE_TAGS.runId),
    seedInstance: tag(BAKE_TAGS.seedInstance),
    seedSource: roles.seedSources.includes(id),
    sizeGiB: (image.BlockDeviceMappings ?? []).reduce((sum, device) => sum + (device.Ebs?.VolumeSize ?? 0), 0),
    sourceImage: tag(BAKE_TAGS.sourceImage),
    stagingRun: tag(BAKE_TAGS.stagingRun),
    state: image.State ?? '',
    status: statusOf(image, roles),
  }
}

async function readBakes(options: ImagesOptions): Promise<{images: Image[]; roles: ImageRoles}> {
  const {clients, config} = options
  const [images, roles] = await Promise.all([
    clients.ec2().then((ec2) => findBakes(ec2, config.site)),
    readImageRoles({clients, region: config.region, site: config.site}),
  ])
  return {images, roles}
}

export async function listImages(options: ImagesOptions): Promise<ImagesListResult> {
  const {images, roles} = await readBakes(options)
  const now = options.clients.clock.now()
  return {
    images: images.map((image) => describeBake(image, roles, now)),
    latest: roles.latest ?? null,
    live: roles.live ?? null,
    rollbackTarget: roles.rollbackTarget ?? null,
    site: options.config.site,
  }
}

export interface PruneOptions extends ImagesOptions {
  /** How many of the newest available bakes to keep besides the protected ones. @default config.images.keep */
  readonly keep?: number
  /** Say what would go; change nothing. @default false */
  readonly dryRun?: boolean
}

export interface PruneResult {
  readonly site: string
  readonly keep: number
  readonly dryRun: boolean
  /** Every bake kept, with why. */
  readonly kept: ReadonlyArray<{readonly imageId: string; readonly name: string; readonly reasons: readonly string[]}>
  /** Every bake removed (or, with --dry-run, that would be), with the snapshots deleted. */
  readonly removed: ReadonlyArray<{readonly imageId: string; readonly name: string; readonly state: string; readonly snapshots: readonly string[]}>
  /** Bake snapshots whose image was already gone (a removal cut short), deleted too. */
  readonly orphanSnapshots: readonly string[]
}

/** Pure: which bakes stay (and why) and which go. `images` newest first. */
export function planPrune(images: readonly Image[], roles: ImageRoles, keep: number): {kept: PruneResult['kept']; doomed: Image[]} {
  const kept: Array<PruneResult['kept'][number]> = []
  const doomed: Image[] = []
  let newest = 0
  for (const image of images) {
    const reasons = protections(image.ImageId ?? '', roles)
    if (image.State === 'pending') reasons.push('still pending (a bake in progress)')
    if (image.State === 'available' && newest < keep) {
      newest += 1
      reasons.push(`one of the ${keep} newest`)
    }

    if (reasons.length > 0) kept.push({imageId: image.ImageId ?? '', name: image.Name ?? '', reasons})
    else doomed.push(image)
  }

  return {doomed, kept}
}

export async function pruneImages(options: PruneOptions): Promise<PruneResult> {
  const {clients, config, reporter} = options
  const keep = options.keep ?? config.images.keep
  const dryRun = options.dryRun === true
  const ec2 = await clients.ec2()
  const {images, roles} = await readBakes(options)
  const {doomed, kept} = planPrune(images, roles, keep)

  const removed: Array<PruneResult['removed'][number]> = []
  for (const image of doomed) {
    const imageId = image.ImageId ?? ''
    reporter.emit({detail: image.Name, id: `images/prune/${imageId}`, state: 'start', title: `${dryRun ? 'Would remove' : 'Remove'} ${imageId}`, type: 'step'})
    const snapshots = dryRun ? (image.BlockDeviceMappings ?? []).map((device) => device.Ebs?.SnapshotId ?? '').filter(Boolean) : await removeImage(ec2, image, config.site)
    removed.push({imageId, name: image.Name ?? '', snapshots, state: image.State ?? ''})
    reporter.emit({detail: snapshots.join(', '), id: `images/prune/${imageId}`, state: 'done', title: `${dryRun ? 'Would remove' : 'Remove'} ${imageId}`, type: 'step'})
  }

  // A snapshot tagged with a run id no image of the site still carries: its image went and the snapshot stayed.
  const runIds = new Set(images.filter((image) => !doomed.includes(image)).map((image) => tagOf(image, BAKE_TAGS.runId)))
  const orphans = (await ec2.describeSnapshots({tags: bakeSelector(config.site)})).filter((snapshot) => {
    const runId = tagOf(snapshot, BAKE_TAGS.runId)
    return runId !== undefined && !runIds.has(runId) && !removed.some((image) => image.snapshots.includes(snapshot.SnapshotId ?? ''))
  })
  const orphanSnapshots: string[] = []
  for (const snapshot of orphans) {
    const id = snapshot.SnapshotId ?? ''
    if (dryRun || (await ec2.deleteSnapshot(id))) orphanSnapshots.push(id)
  }

  return {dryRun, keep, kept, orphanSnapshots, removed, site: config.site}
}
