/**
 * The order keys are written in, as a reader meets them: required keys
 * first, then each section in the order its keys matter. Shared by the
 * commented hactl.yml `hactl init` writes and by `hactl config show`, and
 * kept apart from the schema so that `config show` does not load TypeBox.
 */

/** Order of the top-level keys. */
export const KEY_ORDER: readonly string[] = [
  'site',
  'app',
  'region',
  'domain',
  'network',
  'environment',
  'https',
  'uploads',
  'database',
  'cache',
  'seed',
  'cron',
  'staging',
  'images',
  'tags',
]

/** Order of the keys inside each section (the schema's is alphabetical). */
export const SECTION_ORDER: Readonly<Record<string, readonly string[]>> = {
  cache: ['engine', 'nodeType', 'replicas'],
  cron: ['enabled', 'command', 'intervalMinutes'],
  database: ['engine', 'version', 'instanceClass', 'multiAz', 'readers', 'storageGb', 'backupRetentionDays', 'name'],
  environment: ['platform', 'instanceType', 'minSize', 'maxSize', 'healthCheckPath', 'scaling', 'rollout'],
  'environment.rollout': ['policy', 'batchSize', 'timeoutMinutes'],
  'environment.scaling': ['metric', 'upperThreshold', 'lowerThreshold', 'periodMinutes', 'evaluationPeriods'],
  https: ['certificateArn', 'alternativeNames', 'hstsMaxAge'],
  network: ['vpcId', 'subnets', 'loadBalancerSubnets'],
  staging: ['schedule', 'timezone', 'checks', 'custom', 'checkLimitSeconds', 'suiteLimitSeconds'],
  uploads: ['storage', 'throughputMode', 'path'],
}

type Json = Record<string, unknown>

/** A copy of a config with its keys in reading order (unknown keys last, sorted; tags as written). */
export function orderConfig(config: Json): Json {
  return order(config, '', KEY_ORDER)
}

function order(value: Json, path: string, keys: readonly string[] | undefined): Json {
  const known = keys ?? []
  const rest = Object.keys(value)
    .filter((k) => !known.includes(k))
    .sort()
  const out: Json = {}
  for (const key of [...known, ...rest]) {
    if (!(key in value)) continue
    const v = value[key]
    const childPath = path === '' ? key : `${path}.${key}`
    out[key] =
      typeof v === 'object' && v !== null && !Array.isArray(v) && key !== 'tags' ? order(v as Json, childPath, SECTION_ORDER[childPath]) : v
  }

  return out
}
