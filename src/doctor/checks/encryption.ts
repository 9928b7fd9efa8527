/** Encryption at rest (and, for the cache, in transit): the uploads, the database, the cache. */
import type {ReplicationGroup} from '@aws-sdk/client-elasticache'

import type {SiteNames} from '../../site/names'
import {defineCheck, fail, pass, skip, type Verdict} from '../check'
import type {SiteFacts} from '../facts'

function checkEfsEncrypted(facts: SiteFacts, names: SiteNames): Verdict {
  const fs = facts.fileSystem?.description
  if (!fs) return skip(`no EFS file system ${names.efsCreationToken} yet`)
  if (fs.Encrypted) return pass(`${fs.FileSystemId} is encrypted at rest${fs.KmsKeyId ? ` (${fs.KmsKeyId.split('/').pop()})` : ''}`)
  return fail(
    `${fs.FileSystemId} (${names.efsCreationToken}) is not encrypted at rest`,
    'EFS cannot encrypt an existing file system: create an encrypted one, copy the uploads across (AWS DataSync), then point the site at it.',
  )
}


function checkDbEncrypted(facts: SiteFacts, names: SiteNames): Verdict {
  const db = facts.database
  if (!db) return skip(`no database ${names.db} yet`)
  const encrypted = db.kind === 'instance' ? db.instance.StorageEncrypted : db.cluster.StorageEncrypted
  const what = db.kind === 'instance' ? `RDS instance ${names.db}` : `Aurora cluster ${names.db}`
  if (encrypted) return pass(`${what} is encrypted at rest`)
  return fail(
    `${what} is not encrypted at rest`,
    'RDS cannot encrypt a database in place: snapshot it, copy the snapshot with --kms-key-id alias/aws/rds, restore from the copy and point the site at it.',
  )
}


/** What is wrong with a cache's encryption in transit, or undefined. `mode` absent: older engines do not report it. */
function transitProblem(enabled: boolean | undefined, mode: string | undefined): string | undefined {
  if (!enabled) return 'is not encrypted in transit'
  if (mode !== undefined && mode !== 'required') return `accepts plain-text connections too (TransitEncryptionMode ${mode})`
  return undefined
}

const RECREATE_CACHE =
  'ElastiCache fixes at-rest encryption at creation: create an encrypted cache (at rest and in transit), switch the site to it, then delete this one.'

/**
 * ElastiCache changes TLS on an existing group in two steps (off → preferred
 * → required), and not at all on a group with an AUTH token.
 */
function transitRemedy(group: ReplicationGroup, modify: string): string {
  if (group.AuthTokenEnabled) {
    return 'ElastiCache cannot change TLS on a group with an AUTH token: create a group with TLS required and AUTH on, switch the site to it, then delete this one.'
  }

  return group.TransitEncryptionEnabled
    ? `${modify} --transit-encryption-mode required --apply-immediately`
    : `${modify} --transit-encryption-enabled --transit-encryption-mode preferred --apply-immediately, then (clients on TLS) ${modify} --transit-encryption-mode required --apply-immediately`
}

interface CacheProblem {
  readonly problem: string
  readonly remedy: string
}

function redisProblems(group: ReplicationGroup, id: string, names: SiteNames): CacheProblem[] {
  const modify = `aws elasticache modify-replication-group --replication-group-id ${id}`
  const problems: CacheProblem[] = []
  if (!group.AtRestEncryptionEnabled) problems.push({problem: 'is not encrypted at rest', remedy: RECREATE_CACHE})
  const transit = transitProblem(group.TransitEncryptionEnabled, group.TransitEncryptionMode)
  if (transit) problems.push({problem: transit, remedy: transitRemedy(group, modify)})
  if (!group.AuthTokenEnabled) {
    // AWS turns AUTH on for an existing group with the ROTATE strategy (and only with TLS on).
    problems.push({
      problem: 'lets clients in without the AUTH token (AuthTokenEnabled false)',
      remedy: `${modify} --auth-token "$(aws secretsmanager get-secret-value --secret-id ${names.cacheSecret} --query SecretString --output text)" --auth-token-update-strategy ROTATE --apply-immediately`,
    })
  }

  return problems
}

/**
 * Redis: encrypted at rest and in transit, TLS required (a "preferred" mode
 * still takes plain-text clients), AUTH on. Memcached: TLS (it has neither
 * at-rest encryption nor AUTH).
 */
function checkCacheEncrypted(facts: SiteFacts, names: SiteNames): Verdict {
  const cache = facts.cache
  if (!cache) return skip(`no cache ${names.cache} yet`)
  const what = cache.kind === 'redis' ? `Redis replication group ${names.cache}` : `Memcached cluster ${names.cache}`
  const mode = cache.kind === 'redis' ? cache.group.TransitEncryptionMode : cache.cluster.TransitEncryptionMode
  const problems: CacheProblem[] =
    cache.kind === 'redis'
      ? redisProblems(cache.group, cache.group.ReplicationGroupId ?? names.cache, names)
      : [transitProblem(cache.cluster.TransitEncryptionEnabled, mode)]
          .filter((problem) => problem !== undefined)
          .map((problem) => ({problem, remedy: 'ElastiCache fixes Memcached\'s encryption in transit at creation: create a cluster with it, switch the site to it, then delete this one.'}))
  const unreported = mode === undefined ? ' (mode not reported)' : ''
  if (problems.length === 0) {
    return pass(
      cache.kind === 'redis'
        ? `${what} is encrypted at rest and in transit${unreported || ', TLS required'}, AUTH on`
        : `${what} is encrypted in transit${unreported}; Memcached cannot encrypt at rest (it holds only caches and sessions; choose redis for that)`,
    )
  }

  // "not encrypted at rest" and "not encrypted in transit" read as one phrase.
  const notEncrypted = problems.filter((p) => p.problem.startsWith('is not encrypted ')).map((p) => p.problem.slice('is not encrypted '.length))
  const others = problems.filter((p) => !p.problem.startsWith('is not encrypted ')).map((p) => p.problem)
  const phrases = [...(notEncrypted.length > 0 ? [`is not encrypted ${notEncrypted.join(' or ')}`] : []), ...others]
  return fail(`${what} ${phrases.join(' and ')}`, [...new Set(problems.map((p) => p.remedy))].join('; '))
}

export const efsEncrypted = defineCheck({id: 'efs-encrypted', title: 'Uploads file system encrypted at rest', needs: ['fileSystem'], judge: checkEfsEncrypted})
export const dbEncrypted = defineCheck({id: 'db-encrypted', title: 'Database encrypted at rest', needs: ['database'], judge: checkDbEncrypted})
export const cacheEncrypted = defineCheck({id: 'cache-encrypted', title: 'Cache requires TLS (and for Redis: encrypted at rest, AUTH on)', needs: ['cache'], judge: checkCacheEncrypted})
