/**
 * A site's bakes on AWS: found by their tags (hactl:site + hactl:role=bake),
 * the roles the site gives some of them (live, rollback target, latest bake,
 * the seed's source), and their removal (image, then its snapshots). Shared
 * by `hactl bake` (a failed image), `hactl images list` and `images prune`.
 *
 *   live            the environment's ImageId (aws:autoscaling:launchconfiguration)
 *   rollback target /hactl/<site>/rollout/last previousImageId
 *   latest          /hactl/<site>/bake/latest imageId
 *   seed source     the ImageId the seed instance was launched from
 *   saved config    a saved configuration of the site's EB application (its ImageId setting)
 *   launch template the $Latest/$Default version of a launch template of the site
 *                   (tagged hactl:site, or EB's, tagged elasticbeanstalk:environment-name)
 */
import type {Image} from '@aws-sdk/client-ec2'

import type {AwsClients} from '../aws/clients'
import type {EbApi} from '../aws/eb'
import type {Ec2Api} from '../aws/ec2'
import {EB, settingOf} from '../aws/eb-options'
import type {SsmApi} from '../aws/ssm'
import type {Tags} from '../aws/types'
import {siteNames} from '../site/names'
import {findSeeds} from '../seed/state'
import {BAKE_ROLE, BAKE_TAGS, lastRolloutParameterName, latestBakeParameterName, parseBakeRecord, parseRolloutRecord} from './record'

/** The tag EB puts on its environment's resources (its launch template among them). */
const EB_ENVIRONMENT_TAG = 'elasticbeanstalk:environment-name'

/** The two tags every bake carries and is found by. */
export function bakeSelector(site: string): Tags {
  return {[BAKE_TAGS.role]: BAKE_ROLE, [BAKE_TAGS.site]: site}
}

export function tagOf(image: Pick<Image, 'Tags'>, key: string): string | undefined {
  return image.Tags?.find((tag) => tag.Key === key)?.Value
}

/** True for an image tagged as one of this site's bakes. */
export function isBakeOf(image: Pick<Image, 'Tags'>, site: string): boolean {
  return tagOf(image, BAKE_TAGS.site) === site && tagOf(image, BAKE_TAGS.role) === BAKE_ROLE
}

/** The site's own bakes in any state (pending, available, failed …), newest first. */
export async function findBakes(ec2: Ec2Api, site: string, filter: {states?: readonly string[]; names?: readonly string[]} = {}): Promise<Image[]> {
  const images = await ec2.describeImages({...filter, owners: ['self'], tags: bakeSelector(site)})
  return [...images].sort((a, b) => Date.parse(b.CreationDate ?? '') - Date.parse(a.CreationDate ?? '') || ((a.ImageId ?? '') < (b.ImageId ?? '') ? 1 : -1))
}

/** `2025-09-10T17:43:00.123Z` → `20250910T174300`. */
export function compactUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '').replaceAll(/[-:]/g, '')
}

/**
 * `hactl-<site>-<yyyymmddThhmmss>-<first 8 hex of the marker>`: unique per
 * account and Region (EC2 refuses a second image of the same name), sortable,
 * and it says which code is inside. Within EC2's 3–128 characters of
 * `A-Za-z0-9()[] ./-'@_`: a site name is at most 23 of `[a-z0-9-]`.
 */
export function bakeImageName(site: string, at: number, marker: string): string {
  const short = marker.replace(/^sha256:/, '').slice(0, 8) || 'nomarker'
  return `hactl-${site}-${compactUtc(at)}-${short}`
}

/** What the site gives some images: the ids, each possibly absent. */
export interface ImageRoles {
  /** The environment's ImageId setting (undefined: no environment, or EB's platform default). */
  readonly live?: string
  /** What `hactl rollback` goes back to: the last rollout's previous image. */
  readonly rollbackTarget?: string
  /** The newest successful bake. */
  readonly latest?: string
  /** The AMIs the site's seeds were launched from. */
  readonly seedSources: readonly string[]
  /** The site's EB application's saved configurations that name an ImageId. */
  readonly savedConfigurations: ReadonlyArray<{readonly name: string; readonly imageId: string}>
  /** The site's launch templates and the ImageIds of their $Latest and $Default versions. */
  readonly launchTemplates: ReadonlyArray<{readonly name: string; readonly imageIds: readonly string[]}>
}

async function parameterField<T>(ssm: SsmApi, name: string, parse: (text: string) => T): Promise<T | undefined> {
  const parameter = await ssm.getParameter(name)
  if (!parameter) return undefined
  try {
    return parse(parameter.value)
  } catch {
    // A pointer hactl cannot read names no image: nothing is protected by it, nor removed because of it.
    return undefined
  }
}

/** Reads the four roles from AWS (EB settings, two SSM pointers, the seed). */
export async function readImageRoles(options: {site: string; region: string; clients: Pick<AwsClients, 'eb' | 'ec2' | 'ssm'>}): Promise<ImageRoles> {
  const {clients, site} = options
  const [eb, ec2, ssm] = await Promise.all([clients.eb(), clients.ec2(), clients.ssm()])
  const names = siteNames(site, options.region)
  const readLive = async (): Promise<string | undefined> => {
    if (!(await eb.describeEnvironment(names.environment))) return undefined
    const settings = await eb.configurationSettings(names.application, names.environment)
    return settingOf(settings, EB.launch.namespace, EB.launch.ImageId) || undefined
  }

  const [live, rollout, latest, seeds, savedConfigurations, launchTemplates] = await Promise.all([
    readLive(),
    parameterField(ssm, lastRolloutParameterName(site), parseRolloutRecord),
    parameterField(ssm, latestBakeParameterName(site), parseBakeRecord),
    findSeeds(ec2, site),
    readSavedConfigurations(eb, names.application),
    readLaunchTemplates(ec2, site, names.environment),
  ])
  return {
    latest: latest?.imageId,
    launchTemplates,
    live,
    rollbackTarget: rollout?.previousImageId || undefined,
    savedConfigurations,
    seedSources: seeds.map((seed) => seed.ImageId ?? '').filter(Boolean),
  }
}

/** Each saved configuration of the application (DescribeApplications ConfigurationTemplates) with the ImageId it sets. */
async function readSavedConfigurations(eb: EbApi, application: string): Promise<ImageRoles['savedConfigurations']> {
  const app = await eb.describeApplication(application)
  const templates = await Promise.all(
    (app?.ConfigurationTemplates ?? []).map(async (name) => {
      const [set] = await eb.configurationSets(application, {template: name})
      return {imageId: settingOf(set?.OptionSettings ?? [], EB.launch.namespace, EB.launch.ImageId) ?? '', name}
    }),
  )
  return templates.filter((template) => template.imageId !== '')
}

/** The site's own launch templates and EB's of its environment, once each. */
async function readLaunchTemplates(ec2: Ec2Api, site: string, environment: string): Promise<ImageRoles['launchTemplates']> {
  const found = (await Promise.all([ec2.launchTemplateImages({[BAKE_TAGS.site]: site}), ec2.launchTemplateImages({[EB_ENVIRONMENT_TAG]: environment})])).flat()
  return [...new Map(found.map((template) => [template.id, {imageIds: template.imageIds, name: template.name}])).values()]
}

/** Why an image may not be removed, in words: `live`, `rollback target`, … (empty: nothing protects it). */
export function protections(imageId: string, roles: ImageRoles): string[] {
  return [
    roles.live === imageId ? 'live' : '',
    roles.rollbackTarget === imageId ? 'rollback target' : '',
    roles.latest === imageId ? 'latest bake' : '',
    roles.seedSources.includes(imageId) ? 'the seed was launched from it' : '',
    ...roles.savedConfigurations.filter((saved) => saved.imageId === imageId).map((saved) => `saved configuration ${saved.name} uses it`),
    ...roles.launchTemplates.filter((template) => template.imageIds.includes(imageId)).map((template) => `launch template ${template.name} uses it`),
  ].filter(Boolean)
}

/**
 * Deregisters the image, then deletes its snapshots: those its block
 * devices name and those tagged with its run id (a failed image may name
 * none). A snapshot of a registered AMI cannot be deleted first (AWS-NOTES
 * §4.3). Returns the snapshot ids deleted; a re-run after a partial removal
 * finishes it.
 */
export async function removeImage(ec2: Ec2Api, image: Image, site: string): Promise<string[]> {
  const imageId = image.ImageId ?? ''
  await ec2.deregisterImage(imageId)
  const runId = tagOf(image, BAKE_TAGS.runId)
  const tagged = runId ? await ec2.describeSnapshots({tags: {...bakeSelector(site), [BAKE_TAGS.runId]: runId}}) : []
  const ids = new Set([
    ...(image.BlockDeviceMappings ?? []).map((device) => device.Ebs?.SnapshotId ?? ''),
    ...tagged.map((snapshot) => snapshot.SnapshotId ?? ''),
  ])
  ids.delete('')
  const deleted: string[] = []
  for (const id of ids) if (await ec2.deleteSnapshot(id)) deleted.push(id)
  return deleted
}
