/** The uploads file system: mounted only with TLS through the access point, reachable in every zone, backed up. */
import {conditionValues, denialsForEveryone, type PolicyStatement, statementsOf} from '../../aws/iam-policy'
import type {SiteNames} from '../../site/names'
import {defineCheck, fail, listOf, pass, skip, type Verdict} from '../check'
import type {SiteFacts} from '../facts'

/** A Deny for every client, covering ClientMount: the only kind of statement that enforces anything. */
function denyingMounts(statements: readonly PolicyStatement[]): PolicyStatement[] {
  return denialsForEveryone(statements, 'elasticfilesystem:ClientMount')
}

/** Denies a mount without TLS: `Bool: {aws:SecureTransport: false}`. */
function deniesPlainText(statements: readonly PolicyStatement[]): boolean {
  return denyingMounts(statements).some((s) => conditionValues(s, ['Bool'], 'aws:SecureTransport').some((value) => value.toLowerCase() === 'false'))
}

/** Denies a mount that does not name an access point (StringNotEquals / ArnNotEquals … on AccessPointArn, or Null on it). */
function deniesOutsideAccessPoint(statements: readonly PolicyStatement[]): boolean {
  const key = 'elasticfilesystem:AccessPointArn'
  return denyingMounts(statements).some(
    (s) =>
      conditionValues(s, ['StringNotEquals', 'StringNotLike', 'ArnNotEquals', 'ArnNotLike'], key).some((value) => value.includes(':access-point/')) ||
      conditionValues(s, ['Null'], key).some((value) => value.toLowerCase() === 'true'),
  )
}

/**
 * The file system policy denies a mount without TLS and one that bypasses
 * the access point: reaching a mount target is not enough to read the root.
 */
function checkEfsPolicy(facts: SiteFacts, names: SiteNames): Verdict {
  const fs = facts.fileSystem
  if (!fs) return skip(`no EFS file system ${names.efsCreationToken} yet`)
  const id = fs.description.FileSystemId
  const remedy = 'Run `hactl env create`: it puts back the policy that denies mounts without TLS or outside the access point.'
  if (fs.policy === undefined) return fail(`${id} has no file system policy: a client that reaches a mount target can mount it without TLS`, remedy)
  const statements = statementsOf(fs.policy)
  if (!statements) return fail(`${id} has a file system policy hactl cannot read (no Statement)`, remedy)
  const problems = [
    ...(deniesPlainText(statements) ? [] : ['does not deny mounts without TLS (a Deny on aws:SecureTransport false)']),
    ...(deniesOutsideAccessPoint(statements) ? [] : ['does not deny mounts outside the access point']),
  ]
  if (problems.length > 0) return fail(`${id}'s policy ${problems.join(' and ')}`, remedy)
  return pass(`${id}'s policy denies mounts without TLS and outside the access point`)
}

function checkEfsMountTargets(facts: SiteFacts, names: SiteNames): Verdict {
  const fs = facts.fileSystem
  if (!fs) return skip(`no EFS file system ${names.efsCreationToken} yet`)
  const network = facts.network
  if (!network) return skip('the site\'s network was not read', 'Run `hactl doctor` again: it reads the network for this check.')
  if (!('subnets' in network)) {
    return fail(`cannot tell which Availability Zones need a mount target: ${network.message}`, network.suggestions[0] ?? 'Check network in hactl.yml.')
  }

  const zones = [...new Set(network.subnets.map((subnet) => network.zoneOf[subnet]).filter(Boolean))].sort()
  const reachable = new Set(fs.mountTargets.filter((target) => target.LifeCycleState === 'available').map((target) => target.AvailabilityZoneName))
  const missing = zones.filter((zone) => !reachable.has(zone))
  const id = fs.description.FileSystemId
  if (missing.length === 0) return pass(`${id} has an available mount target in each of ${listOf(zones, 6)}`)
  return fail(
    `${id} has no available mount target in ${listOf(missing)}: instances there cannot reach the uploads`,
    'Run `hactl env create`: it creates the missing mount targets.',
  )
}

function checkEfsBackups(facts: SiteFacts, names: SiteNames): Verdict {
  const fs = facts.fileSystem
  if (!fs) return skip(`no EFS file system ${names.efsCreationToken} yet`)
  const id = fs.description.FileSystemId
  if (fs.backup === 'ENABLED' || fs.backup === 'ENABLING') return pass(`${id} is backed up by AWS Backup (${fs.backup})`)
  return fail(`${id} has automatic backups ${fs.backup ?? 'off'}`, `aws efs put-backup-policy --file-system-id ${id} --backup-policy Status=ENABLED`)
}

export const efsPolicy = defineCheck({id: 'efs-policy', title: 'Uploads mounted only with TLS, through the access point', needs: ['fileSystem'], judge: checkEfsPolicy})
export const efsMountTargets = defineCheck({id: 'efs-mount-targets', title: 'Uploads reachable in every Availability Zone', needs: ['fileSystem', 'network'], judge: checkEfsMountTargets})
export const efsBackups = defineCheck({id: 'efs-backups', title: 'Uploads file system backed up', needs: ['fileSystem'], judge: checkEfsBackups})
