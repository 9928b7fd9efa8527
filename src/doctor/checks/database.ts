/** The database: refuses plain-text connections, survives an AZ, is not public, cannot be deleted by one call. */
import type {DBInstance} from '@aws-sdk/client-rds'

import type {SiteNames} from '../../site/names'
import {defineCheck, fail, listOf, pass, plural, skip, type Verdict} from '../check'
import {type DatabaseFacts, type SiteFacts, tlsParameterOf} from '../facts'

/** Values that turn the TLS parameter on: MySQL takes 1 or ON; PostgreSQL's rds.force_ssl is 0 or 1. */
function tlsEnforced(parameter: string, value: string | undefined): boolean {
  const normalized = value?.trim().toUpperCase()
  return normalized === '1' || (parameter === 'require_secure_transport' && normalized === 'ON')
}

function rebootCommand(db: DatabaseFacts, names: SiteNames): string {
  const ids = dbInstances(db).map((instance) => instance.DBInstanceIdentifier ?? '?')
  const targets = db.kind === 'instance' ? [names.db] : ids
  return `aws rds reboot-db-instance --db-instance-identifier ${targets[0] ?? names.auroraInstance(0)}${targets.length > 1 ? ' (each instance)' : ''}`
}

/** The group has the value but RDS applies it only at the next reboot. */
function tlsPendingReboot(db: DatabaseFacts): boolean {
  if (db.kind === 'instance') return db.instance.DBParameterGroups?.[0]?.ParameterApplyStatus === 'pending-reboot'
  return (db.cluster.DBClusterMembers ?? []).some((member) => member.DBClusterParameterGroupStatus === 'pending-reboot')
}

/**
 * The database refuses plain-text connections: the TLS parameter is on in
 * its (cluster) parameter group, and in effect.
 */
function checkDbTls(facts: SiteFacts, names: SiteNames): Verdict {
  const db = facts.database
  if (!db) return skip(`no database ${names.db} yet`)
  const parameter = tlsParameterOf(facts.config)
  const what = db.kind === 'instance' ? `RDS instance ${names.db}` : `Aurora cluster ${names.db}`
  const groupKind = db.kind === 'instance' ? 'DB parameter group' : 'DB cluster parameter group'
  const group = db.tls?.parameterGroup
  const value = db.tls?.values[parameter]
  const reboot = rebootCommand(db, names)
  if (group && tlsEnforced(parameter, value)) {
    if (tlsPendingReboot(db)) return fail(`${what} has ${parameter}=${value} in ${group}, but it waits for a reboot (pending-reboot)`, reboot)
    return pass(`${what} refuses connections without TLS (${parameter}=${value} in ${groupKind} ${group})`)
  }

  const attach =
    db.kind === 'instance'
      ? `aws rds modify-db-instance --db-instance-identifier ${names.db} --db-parameter-group-name ${names.dbParameterGroup} --apply-immediately`
      : `aws rds modify-db-cluster --db-cluster-identifier ${names.db} --db-cluster-parameter-group-name ${names.dbParameterGroup} --apply-immediately`
  const remedy =
    group === names.dbParameterGroup
      ? `Run \`hactl env create\`: it sets ${parameter}=1 in ${group}; then ${reboot}`
      : `Run \`hactl env create\` (it makes ${groupKind} ${names.dbParameterGroup} with ${parameter}=1), then ${attach}; then ${reboot}`
  const found = group ? `${parameter} is ${value ?? 'not set'} in ${groupKind} ${group}` : `it reports no ${groupKind}`
  return fail(`${what} accepts connections without TLS: ${found}`, remedy)
}


function checkDbMultiAz(facts: SiteFacts, names: SiteNames): Verdict {
  const db = facts.database
  if (!db) return skip(`no database ${names.db} yet`)
  if (db.kind === 'instance') {
    if (db.instance.MultiAZ) return pass(`RDS instance ${names.db} is Multi-AZ (standby in ${db.instance.SecondaryAvailabilityZone ?? 'another AZ'})`)
    return fail(
      `RDS instance ${names.db} is single-AZ: losing its Availability Zone takes the site down`,
      `aws rds modify-db-instance --db-instance-identifier ${names.db} --multi-az --apply-immediately (and keep database.multiAz: true in hactl.yml)`,
    )
  }

  return checkAuroraZones(db, facts, names)
}

/** The writer's id and the readers' ids; without DBClusterMembers, the first instance counts as the writer. */
function auroraRoles(db: Extract<DatabaseFacts, {kind: 'cluster'}>): {readonly writer?: string; readonly readers: string[]} {
  const members = db.cluster.DBClusterMembers ?? []
  if (members.length === 0) {
    const [writer, ...readers] = db.instances.map((instance) => instance.DBInstanceIdentifier ?? '?')
    return {readers, writer}
  }

  return {
    readers: members.filter((member) => !member.IsClusterWriter).map((member) => member.DBInstanceIdentifier ?? '?'),
    writer: members.find((member) => member.IsClusterWriter)?.DBInstanceIdentifier,
  }
}

/** A zone of the site other than `zone`, for the remedy; a placeholder when the network is unknown. */
function otherZone(facts: SiteFacts, zone: string | undefined): string {
  const network = facts.network
  if (!network || !('subnets' in network)) return '<another zone>'
  return network.subnets.map((subnet) => network.zoneOf[subnet]).find((candidate) => candidate && candidate !== zone) ?? '<another zone>'
}

/**
 * Aurora survives the loss of the writer's zone only through a reader in
 * another zone: a reader beside the writer goes down with it.
 */
function checkAuroraZones(db: Extract<DatabaseFacts, {kind: 'cluster'}>, facts: SiteFacts, names: SiteNames): Verdict {
  const {readers, writer} = auroraRoles(db)
  if (readers.length === 0) {
    return fail(
      `Aurora cluster ${names.db} has no reader: losing the writer's Availability Zone takes the site down`,
      'Set database.readers: 1 (or more) in hactl.yml and run `hactl env create`: it adds the missing reader.',
    )
  }

  const zoneOf = (id: string | undefined): string | undefined => db.instances.find((instance) => instance.DBInstanceIdentifier === id)?.AvailabilityZone
  const writerZone = zoneOf(writer)
  const elsewhere = readers.filter((reader) => writerZone && zoneOf(reader) && zoneOf(reader) !== writerZone)
  if (elsewhere.length > 0) {
    return pass(`Aurora cluster ${names.db} has ${plural(elsewhere.length, 'reader')} outside the writer's zone ${writerZone} (${listOf(elsewhere.map((id) => `${id} in ${zoneOf(id)}`), 2)}) to fail over to`)
  }

  const taken = new Set(db.instances.map((instance) => instance.DBInstanceIdentifier))
  let index = 1
  while (taken.has(names.auroraInstance(index))) index++
  const writerInstance = db.instances.find((instance) => instance.DBInstanceIdentifier === writer)
  const add = `aws rds create-db-instance --db-cluster-identifier ${names.db} --db-instance-identifier ${names.auroraInstance(index)} --engine ${db.cluster.Engine ?? facts.config.database.engine} --db-instance-class ${writerInstance?.DBInstanceClass ?? facts.config.database.instanceClass} --availability-zone ${otherZone(facts, writerZone)} --no-publicly-accessible`
  const where = writerZone ? `in the writer's zone ${writerZone}` : 'in a zone RDS does not report for the writer'
  return fail(
    `Aurora cluster ${names.db} has ${readers.length === 1 ? 'its only reader' : 'every reader'} (${listOf(readers, 2)}) ${where}: losing that zone takes the site down`,
    `Add a reader in another zone: ${add}; then delete ${readers[0]} if one reader is enough.`,
  )
}

function dbInstances(db: DatabaseFacts): readonly DBInstance[] {
  return db.kind === 'instance' ? [db.instance] : db.instances
}

function checkDbNotPublic(facts: SiteFacts, names: SiteNames): Verdict {
  const db = facts.database
  if (!db) return skip(`no database ${names.db} yet`)
  const open = dbInstances(db).filter((instance) => instance.PubliclyAccessible).map((instance) => instance.DBInstanceIdentifier ?? '?')
  if (open.length === 0) return pass(`${plural(dbInstances(db).length, 'database instance')}, none publicly accessible`)
  return fail(
    `${listOf(open)} ${open.length === 1 ? 'is' : 'are'} publicly accessible`,
    `aws rds modify-db-instance --db-instance-identifier ${open[0]} --no-publicly-accessible --apply-immediately`,
  )
}

function checkDbDeletionProtection(facts: SiteFacts, names: SiteNames): Verdict {
  const db = facts.database
  if (!db) return skip(`no database ${names.db} yet`)
  const on = db.kind === 'instance' ? db.instance.DeletionProtection : db.cluster.DeletionProtection
  if (on) return pass(`${names.db} has deletion protection`)
  const command =
    db.kind === 'instance'
      ? `aws rds modify-db-instance --db-instance-identifier ${names.db} --deletion-protection --apply-immediately`
      : `aws rds modify-db-cluster --db-cluster-identifier ${names.db} --deletion-protection --apply-immediately`
  return fail(`${names.db} can be deleted by a single API call (DeletionProtection off)`, command)
}

export const dbTls = defineCheck({id: 'db-tls', title: 'Database refuses connections without TLS', needs: ['database'], judge: checkDbTls})
export const dbMultiAz = defineCheck({id: 'db-multi-az', title: 'Database survives the loss of an Availability Zone', needs: ['database', 'network'], judge: checkDbMultiAz})
export const dbNotPublic = defineCheck({id: 'db-not-public', title: 'Database not publicly accessible', needs: ['database'], judge: checkDbNotPublic})
export const dbDeletionProtection = defineCheck({id: 'db-deletion-protection', title: 'Database deletion protection on', needs: ['database'], judge: checkDbDeletionProtection})
