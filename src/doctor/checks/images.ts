/**
 * The baked images (issue 11, DESIGN invariants 3 and 4): the environment
 * runs a bake of this site, every web instance runs it, `hactl rollback`
 * has an image to go back to, and the site's AMIs keep their disks
 * encrypted and are shared with no one (launchPermission, createVolumePermission).
 * Whether an image is public by its own flag is amis.ts (Image.Public).
 *
 *   live AMI       the environment's ImageId (aws:autoscaling:launchconfiguration)
 *   rollback target /hactl/<site>/rollout/last previousImageId
 *
 * Before the first rollout the environment runs its platform's AMI, which is
 * fine: the live-AMI check skips and says so.
 */
import type {Image, Instance} from '@aws-sdk/client-ec2'

import type {SharePermission} from '../../aws/ec2'
import {isBakeOf} from '../../bake/images'
import {BAKE_ROLE, BAKE_TAGS} from '../../bake/record'
import type {SiteNames} from '../../site/names'
import {defineCheck, fail, listOf, pass, plural, skip, type Verdict} from '../check'
import type {SiteFacts} from '../facts'

const FIRST_ROLLOUT = 'Once the seed passes its tests: `hactl bake`, then `hactl rollout`.'
const NO_SSM = 'Run `hactl doctor` with SSM access (it reads /hactl/<site>/rollout/last).'

/** Whether the image carries the two tags every bake of the site is found by (src/bake/record.ts BAKE_TAGS). */
/** `ami-1 (hactl-demo-20300101T000000-abcd1234)`. */
function named(imageId: string, image: Image | undefined): string {
  return image?.Name ? `${imageId} (${image.Name})` : imageId
}

function imageOf(facts: SiteFacts, imageId: string): Image | undefined {
  return facts.images.find((image) => image.ImageId === imageId) ?? (facts.rollout?.targetImage?.ImageId === imageId ? facts.rollout.targetImage : undefined)
}

function checkLiveIsBake(facts: SiteFacts, names: SiteNames): Verdict {
  if (!facts.environment) return skip(`no environment ${names.environment} yet`)
  const live = facts.environmentImageId
  if (!live) return skip(`${names.environment} has no ImageId setting: it runs its platform's AMI`, FIRST_ROLLOUT)
  const {site} = facts.config
  const image = facts.images.find((candidate) => candidate.ImageId === live)
  if (image && isBakeOf(image, site)) return pass(`${named(live, image)} is a bake of ${site}`)
  const record = facts.rollout?.record
  const rollback = '`hactl rollout` (the latest bake) or `hactl rollback` puts a bake of the site back.'
  if (record) return fail(`${names.environment} runs ${named(live, image)}, not a bake of ${site}, although hactl rolled out ${record.imageId} (${record.outcome}, ${record.finished})`, rollback)
  if (image) return fail(`${names.environment} runs ${named(live, image)}, an AMI of the account that is not a bake of ${site} (tags ${BAKE_TAGS.site}, ${BAKE_TAGS.role}=${BAKE_ROLE})`, `Bake one instead: ${FIRST_ROLLOUT.toLowerCase()}`)
  if (!facts.rollout) return skip(`${names.environment} runs ${live}, not an AMI of the account; whether hactl rolled out before was not read (no SSM access)`, NO_SSM)
  return skip(`${names.environment} runs its platform's AMI ${live}: no rollout yet, which is fine until the first`, FIRST_ROLLOUT)
}

function checkRollbackTarget(facts: SiteFacts): Verdict {
  const rollout = facts.rollout
  const parameter = `/hactl/${facts.config.site}/rollout/last`
  if (!rollout) return skip('the last rollout was not read (no SSM access given to doctor)', NO_SSM)
  if (rollout.unreadable) return fail(`${parameter} is not a rollout record (${rollout.unreadable})`, 'Run `hactl rollout` again to rewrite it; `hactl rollback --image ID` names a target meanwhile.')
  const record = rollout.record
  if (!record) return skip('no rollout yet: nothing to roll back to', FIRST_ROLLOUT)
  const target = record.previousImageId
  const pick = '`hactl images list` shows the bakes left: `hactl rollback --image ID` goes back to one of them.'
  if (!target) return fail(`the last rollout (${record.runId}) recorded no previous AMI: \`hactl rollback\` has nowhere to go`, pick)
  const image = imageOf(facts, target)
  if (!image) return fail(`the rollback target ${target} no longer exists (deregistered since rollout ${record.runId})`, pick)
  if (image.State !== 'available') return fail(`the rollback target ${named(target, image)} is ${image.State ?? 'in no state'}, not available`, pick)
  const whose = isBakeOf(image, facts.config.site) ? 'a bake of the site' : image.ImageOwnerAlias === 'amazon' ? "the platform's AMI" : 'not a bake of the site'
  return pass(`the rollback target ${named(target, image)} is available (${whose})`)
}

function checkInstancesOnLive(facts: SiteFacts, names: SiteNames): Verdict {
  const environment = facts.environment
  if (!environment) return skip(`no environment ${names.environment} yet`)
  const live = facts.environmentImageId
  if (!live) return skip(`${names.environment} has no ImageId setting to compare its instances with`, FIRST_ROLLOUT)
  const status = environment.description.Status
  if (status && status !== 'Ready') return skip(`${names.environment} is ${status}: during an update instances change AMI batch by batch`, 'Run `hactl doctor` again once the environment is Ready.')
  if (environment.instances.length === 0) return skip(`${names.environment} has no running instance`, 'Look at `hactl env status`.')
  const off = environment.instances.filter((instance: Instance) => instance.ImageId !== live)
  if (off.length === 0) return pass(`${plural(environment.instances.length, 'instance')} on ${live}`)
  return fail(
    `${listOf(off.map((instance) => `${instance.InstanceId} (${instance.ImageId ?? 'no AMI'})`))} ${off.length === 1 ? 'runs' : 'run'} another AMI than the live ${live}`,
    `Replace ${off.length === 1 ? 'it' : 'each'}; the Auto Scaling group launches the live AMI: aws autoscaling terminate-instance-in-auto-scaling-group --instance-id ${off[0].InstanceId} --no-should-decrement-desired-capacity`,
  )
}

/** The snapshots behind the site's AMIs are encrypted: DescribeSnapshots' own word, else the image's block device. */
function checkSnapshotsEncrypted(facts: SiteFacts, names: SiteNames): Verdict {
  if (!facts.environment && facts.images.length === 0) return skip(`no environment ${names.environment} and no AMIs of the site yet`)
  const encrypted = new Map(facts.snapshots.map((snapshot) => [snapshot.SnapshotId ?? '', snapshot.Encrypted === true]))
  const devices = facts.images.flatMap((image) => (image.BlockDeviceMappings ?? []).filter((device) => device.Ebs?.SnapshotId).map((device) => ({device, image})))
  if (devices.length === 0) return pass(facts.images.length === 0 ? 'no AMIs of the site yet' : `${plural(facts.images.length, 'AMI')} of the site, none with a snapshot yet`)
  const plain = devices.filter(({device}) => !(encrypted.get(device.Ebs?.SnapshotId ?? '') ?? device.Ebs?.Encrypted === true))
  if (plain.length === 0) return pass(`${plural(devices.length, 'snapshot')} of ${plural(facts.images.length, 'AMI')}, all encrypted`)
  const images = [...new Set(plain.map(({image}) => image))]
  const first = images[0]
  return fail(
    `${listOf(plain.map(({device, image}) => `${device.Ebs?.SnapshotId} of ${image.ImageId}`))} ${plain.length === 1 ? 'is' : 'are'} not encrypted`,
    `Copy the image encrypted (aws ec2 copy-image --source-image-id ${first.ImageId} --source-region ${facts.config.region} --name ${first.Name ?? 'NAME'}-encrypted --encrypted), roll the copy out, then \`hactl images prune\`; \`aws ec2 enable-ebs-encryption-by-default\` keeps new ones encrypted.`,
  )
}

/** A permission entry in words: `everyone (group all)`, `account 123456789012`, … */
function grantee(entry: SharePermission): string {
  if (entry.group === 'all') return 'everyone (group all)'
  if (entry.userId) return `account ${entry.userId}`
  return entry.organizationArn ? `organization ${entry.organizationArn}` : entry.organizationalUnitArn ? `OU ${entry.organizationalUnitArn}` : `group ${entry.group ?? '?'}`
}

/** The fix for one shared resource: remove its first grantee. */
function unshare(id: string, entry: SharePermission): string {
  const who = entry.group === 'all' ? 'Group=all' : entry.userId ? `UserId=${entry.userId}` : entry.organizationArn ? `OrganizationArn=${entry.organizationArn}` : `OrganizationalUnitArn=${entry.organizationalUnitArn ?? ''}`
  return id.startsWith('snap-')
    ? `aws ec2 modify-snapshot-attribute --snapshot-id ${id} --attribute createVolumePermission --create-volume-permission 'Remove=[{${who}}]'`
    : `aws ec2 modify-image-attribute --image-id ${id} --launch-permission 'Remove=[{${who}}]'`
}

/**
 * Nobody but the account may launch the site's AMIs or make volumes from
 * their snapshots: both hold the site's code and configuration. A public
 * image (launchPermission group `all`, Image.Public) is amis-private's to
 * report, so one problem fails one check; here: images shared with other
 * accounts, and snapshots shared with anyone.
 */
function checkNotShared(facts: SiteFacts, names: SiteNames): Verdict {
  if (!facts.environment && facts.images.length === 0) return skip(`no environment ${names.environment} and no AMIs of the site yet`)
  const sharing = facts.sharing
  if (!sharing) return skip('the launch and create-volume permissions were not read')
  if (facts.images.length === 0) return pass('no AMIs of the site yet')
  const beyondPublic = (id: string, entries: readonly SharePermission[]) => (id.startsWith('snap-') ? entries : entries.filter((entry) => entry.group !== 'all'))
  const shared = Object.entries(sharing)
    .map(([id, entries]) => [id, beyondPublic(id, entries)] as const)
    .filter(([, entries]) => entries.length > 0)
  const counted = `${plural(facts.images.filter((image) => image.ImageId !== undefined && image.ImageId in sharing).length, 'AMI')} and ${plural(facts.snapshots.length, 'snapshot')}`
  if (shared.length === 0) return pass(`${counted} of the site, shared with no one`)
  const [firstId, firstEntries] = shared[0]
  return fail(
    listOf(shared.map(([id, entries]) => `${id} ${id.startsWith('snap-') ? 'may be copied into volumes by' : 'may be launched by'} ${listOf(entries.map(grantee))}`)),
    `${unshare(firstId, firstEntries[0])}${shared.length > 1 || firstEntries.length > 1 ? ', and likewise for the others' : ''}.`,
  )
}

export const imageLiveBake = defineCheck({id: 'ami-live-bake', judge: checkLiveIsBake, needs: ['environment', 'images', 'rollout'], title: 'The environment runs a bake of this site'})
export const imageRollbackTarget = defineCheck({id: 'ami-rollback-target', judge: checkRollbackTarget, needs: ['images', 'rollout'], title: 'The rollback target exists and is available'})
export const imageInstancesLive = defineCheck({id: 'ami-instances-live', judge: checkInstancesOnLive, needs: ['environment'], title: 'Every web instance runs the live AMI'})
export const imagesNotShared = defineCheck({id: 'amis-not-shared', judge: checkNotShared, needs: ['environment', 'images', 'snapshots', 'sharing'], title: "The site's AMIs and their snapshots are shared with no one"})
export const imageSnapshotsEncrypted = defineCheck({id: 'amis-encrypted', judge: checkSnapshotsEncrypted, needs: ['environment', 'images', 'snapshots'], title: "The site's AMIs' snapshots are encrypted"})
