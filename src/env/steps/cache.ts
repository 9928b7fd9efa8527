import {defineStep, type Step, type StepContext} from '../../core/steps'
import {cachePort, memcachedInput, replicationGroupInput, tagsFor, type Refs} from '../spec'
import {failIfBroken, required, type EnvStepOptions} from './context'
import type {LiveDataTier} from './preflight'
import type {SecurityGroupIds} from './security-groups'
import {ensureGeneratedSecret} from './generated-secret'

export type CacheRefs = Refs['cache']

export interface CacheOptions extends EnvStepOptions {
  /** The cache as the preflight found it. */
  readonly live: LiveDataTier
}

/** The Redis AUTH token's secret (undefined for memcached, which has none). */
export function cacheSecretStep(options: EnvStepOptions): Step<string | undefined> {
  const {config, names} = options
  return defineStep({
    describe: (arn) => (arn === undefined ? 'not needed for memcached' : names.cacheSecret),
    id: 'env/cache-secret',
    async run() {
      if (config.cache.engine !== 'redis') return undefined
      return ensureGeneratedSecret(options, {
        clientRequestToken: names.cacheSecretToken,
        description: `hactl ${config.site}: Redis AUTH token`,
        excludePunctuation: true,
        length: 64,
        name: names.cacheSecret,
        tags: tagsFor(config, 'cache'),
      })
    },
    title: 'Cache AUTH token (Secrets Manager)',
  })
}

interface CacheNeeds {
  readonly subnetGroup: Step<void>
  readonly secret: Step<string | undefined>
  readonly groups: Step<SecurityGroupIds>
}

/** Redis (replication group, TLS, AUTH) or Memcached, found or created, then waited for. */
export function cacheStep(options: CacheOptions, needs: CacheNeeds): Step<CacheRefs> {
  return defineStep({
    describe: (cache) => cache.endpoint,
    id: 'env/cache',
    needs,
    run: ({groups, secret}, context) =>
      options.config.cache.engine === 'redis' ? ensureRedis(options, groups, required(secret, 'cache secret'), context) : ensureMemcached(options, groups, context),
    title: `Cache (${options.config.cache.engine})`,
  })
}

async function ensureRedis(options: CacheOptions, securityGroups: SecurityGroupIds, secretArn: string, {deadline, signal, startedOperation}: StepContext): Promise<CacheRefs> {
  const cache = await options.clients.elasticache()
  const id = options.names.cache
  let group = options.live.group
  options.note('Redis replication group', id, id, group ? 'found' : 'created')
  if (!group) {
    // The token goes from Secrets Manager to ElastiCache in memory only: never printed, never in a file.
    const secrets = await options.clients.secrets()
    const token = await secrets.getSecretValue(secretArn)
    startedOperation()
    group = await cache.createReplicationGroup(replicationGroupInput(options.config, {securityGroups}, token))
  }

  failIfBroken(`cache ${id}`, group.Status)
  if (group.Status !== 'available') {
    startedOperation()
    group = await cache.waitForReplicationGroupAvailable(id, deadline.wait(signal))
  }

  const endpoint = group.NodeGroups?.[0]?.PrimaryEndpoint
  return {
    endpoint: required(endpoint?.Address, `primary endpoint of ${id}`),
    port: endpoint?.Port ?? cachePort(options.config),
    secretArn,
  }
}

async function ensureMemcached(options: CacheOptions, securityGroups: SecurityGroupIds, {deadline, signal, startedOperation}: StepContext): Promise<CacheRefs> {
  const cache = await options.clients.elasticache()
  const id = options.names.cache
  let cluster = options.live.memcached
  options.note('Memcached cluster', id, id, cluster ? 'found' : 'created')
  if (!cluster) startedOperation()
  cluster ??= await cache.createCacheCluster(memcachedInput(options.config, {securityGroups}))
  failIfBroken(`cache ${id}`, cluster.CacheClusterStatus)
  if (cluster.CacheClusterStatus !== 'available') {
    startedOperation()
    cluster = await cache.waitForCacheClusterAvailable(id, deadline.wait(signal))
  }

  return {
    endpoint: required(cluster.ConfigurationEndpoint?.Address, `configuration endpoint of ${id}`),
    port: cluster.ConfigurationEndpoint?.Port ?? cachePort(options.config),
  }
}
