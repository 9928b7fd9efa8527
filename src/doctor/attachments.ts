/**
 * Which security groups each resource of the site carries: the model the
 * security-groups check judges, and the loader uses to find groups attached
 * to the site that are not tagged with it.
 */
import type {Instance} from '@aws-sdk/client-ec2'
import type {DBInstance} from '@aws-sdk/client-rds'

import {siteNames, type SecurityGroupRole, type SiteNames} from '../site/names'
import type {CacheFacts, DatabaseFacts, FileSystemFacts, SiteFacts} from './facts'

/** What AWS attaches security groups to, as far as the site goes. */
export type AttachmentKind = 'cache-cluster' | 'db-cluster' | 'db-instance' | 'instance' | 'mount-target'

/** One resource of the site and the security groups AWS says it carries. */
export interface Attachment {
  readonly kind: AttachmentKind
  /** Instance id, DB instance or cluster identifier, cache cluster id, mount target id. */
  readonly id: string
  /** The hactl group it must carry; undefined for an instance of the site that is neither web nor seed. */
  readonly role?: SecurityGroupRole
  readonly groupIds: readonly string[]
  /** A Redis member cluster's replication group (where its groups are changed); a web instance's environment. */
  readonly parent?: string
}

/** A tag's value from an AWS tag list. */
export function tagOf(tags: ReadonlyArray<{Key?: string; Value?: string}> | undefined, key: string): string | undefined {
  return tags?.find((tag) => tag.Key === key)?.Value
}

function instanceAttachments(facts: SiteFacts, names: SiteNames): Attachment[] {
  const inEnvironment = new Set((facts.environment?.instances ?? []).map((instance) => instance.InstanceId))
  return uniqueInstances([...(facts.environment?.instances ?? []), ...facts.siteInstances]).map((instance) => {
    const id = instance.InstanceId ?? '?'
    const tagged = tagOf(instance.Tags, 'hactl:role')
    const web = inEnvironment.has(instance.InstanceId) || tagged === 'environment'
    const role: SecurityGroupRole | undefined = tagged === 'seed' ? 'seed' : web ? 'web' : undefined
    const groupIds = (instance.SecurityGroups ?? []).map((group) => group.GroupId ?? '')
    return {groupIds, id, kind: 'instance', parent: role === 'web' ? names.environment : undefined, role}
  })
}

function databaseAttachments(db: DatabaseFacts | undefined): Attachment[] {
  if (!db) return []
  const ids = (groups: DBInstance['VpcSecurityGroups']): string[] => (groups ?? []).map((group) => group.VpcSecurityGroupId ?? '')
  // Aurora instances carry the cluster's groups, and are changed only through it.
  if (db.kind === 'cluster') return [{groupIds: ids(db.cluster.VpcSecurityGroups), id: db.cluster.DBClusterIdentifier ?? '?', kind: 'db-cluster', role: 'db'}]
  return [{groupIds: ids(db.instance.VpcSecurityGroups), id: db.instance.DBInstanceIdentifier ?? '?', kind: 'db-instance', role: 'db'}]
}

function cacheAttachments(cache: CacheFacts | undefined): Attachment[] {
  if (!cache) return []
  if (cache.kind === 'memcached') {
    const groupIds = (cache.cluster.SecurityGroups ?? []).map((group) => group.SecurityGroupId ?? '')
    return [{groupIds, id: cache.cluster.CacheClusterId ?? '?', kind: 'cache-cluster', role: 'cache'}]
  }

  return Object.entries(cache.memberGroups).map(([id, groupIds]) => ({groupIds, id, kind: 'cache-cluster', parent: cache.group.ReplicationGroupId, role: 'cache'}))
}

function mountTargetAttachments(fs: FileSystemFacts | undefined): Attachment[] {
  return Object.entries(fs?.mountTargetGroups ?? {}).map(([id, groupIds]) => ({groupIds, id, kind: 'mount-target', role: 'efs'}))
}

/**
 * Every resource of the site with the groups it carries. A resource AWS
 * reports with no group at all is left out: in a VPC each has at least one,
 * so none means it went away between two reads.
 */
export function attachmentsOf(facts: SiteFacts): Attachment[] {
  const names = siteNames(facts.config.site, facts.config.region)
  return [
    ...instanceAttachments(facts, names),
    ...databaseAttachments(facts.database),
    ...cacheAttachments(facts.cache),
    ...mountTargetAttachments(facts.fileSystem),
  ]
    .map((attachment) => ({...attachment, groupIds: attachment.groupIds.filter((id) => id !== '')}))
    .filter((attachment) => attachment.groupIds.length > 0)
}

/** Each instance once, whichever list (the environment's, the site's by tag) reported it. */
export function uniqueInstances(instances: readonly Instance[]): Instance[] {
  const byId = new Map<string, Instance>()
  for (const instance of instances) byId.set(instance.InstanceId ?? '', instance)
  return [...byId.values()]
}
