/**
 * Rules that involve more than one key, which JSON Schema cannot say (or
 * cannot say in words). They run on the config with defaults applied, after
 * the schema checks, and each stays quiet when one of its keys already has a
 * problem, so one mistake is reported once.
 *
 * A problem is placed at the key the user wrote, so "maxSize must be above
 * minSize" points at maxSize if the file sets it, else at minSize.
 */
import {APP_PROFILES, isPlainObject} from './app-defaults'
import {
  type AppName,
  isAuroraEngine,
  isDatabaseEngine,
  isScalingMetric,
  PATTERNS,
  SCALING_METRIC_INFO,
  STAGING_CHECKS,
} from './constants'
import {checkHttps} from './https-checks'
import {siteNameViolation} from './identifier-rules'
import {closest, describeValue, type ProblemList} from './problems'
import type {KeyPath} from './source-map'

export interface CrossCheckInput {
  /** The config as the user wrote it. */
  readonly raw: Record<string, unknown>
  /** `raw` with defaults applied. */
  readonly merged: Record<string, unknown>
  /** The app, when `app` is valid; app-specific rules are skipped without it. */
  readonly app?: AppName
  readonly problems: ProblemList
}

function get(obj: unknown, path: KeyPath): unknown {
  let node = obj
  for (const segment of path) {
    if (!isPlainObject(node) && !Array.isArray(node)) return undefined
    node = (node as Record<string | number, unknown>)[segment]
  }

  return node
}

const isNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x)
const isString = (x: unknown): x is string => typeof x === 'string'

/** Runs every cross-field check, adding problems to `input.problems`. */
export function crossCheck(input: CrossCheckInput): void {
  checkSiteName(input)
  checkSizes(input)
  checkRolloutBatch(input)
  checkScaling(input)
  checkNetwork(input)
  checkDatabase(input)
  checkCache(input)
  checkStaging(input)
  checkTimezone(input)
  checkArchitecture(input)
  checkHttps(input)
}

class Context {
  public constructor(private readonly input: CrossCheckInput) {}

  /** The resolved value at `path`, or undefined if it (or a key on the way) already has a problem. */
  public value(path: KeyPath): unknown {
    return this.input.problems.hasProblemAt(path) ? undefined : get(this.input.merged, path)
  }

  /** True when the user wrote `path` in the file. */
  public written(path: KeyPath): boolean {
    return get(this.input.raw, path) !== undefined
  }

  /** The first of `paths` the user wrote, else the first. */
  public pick(...paths: KeyPath[]): KeyPath {
    return paths.find((p) => this.written(p)) ?? paths[0]
  }

  public add(path: KeyPath, message: string): void {
    this.input.problems.add(path, message)
  }
}

function checkSizes(input: CrossCheckInput): void {
  const c = new Context(input)
  const min = c.value(['environment', 'minSize'])
  const max = c.value(['environment', 'maxSize'])
  const policy = c.value(['environment', 'rollout', 'policy'])
  if (!isNumber(min) || !isNumber(max)) return
  const maxPath: KeyPath = ['environment', 'maxSize']
  const minPath: KeyPath = ['environment', 'minSize']
  const at = c.pick(maxPath, minPath)
  const defaultNote = (path: KeyPath) => (c.written(path) ? '' : ', the default')

  if (max < min) {
    c.add(
      at,
      at === maxPath
        ? `must be at least environment.minSize (${min}${defaultNote(minPath)}) (got ${max})`
        : `must be at most environment.maxSize (${max}${defaultNote(maxPath)}) (got ${min}); raise maxSize too`,
    )
  } else if (max === min && policy === 'RollingByHealth') {
    // DESIGN invariant 3: a rolling update takes instances out of service a
    // batch at a time; EB keeps minSize in service only if it can go above it.
    c.add(
      at,
      `with environment.rollout.policy RollingByHealth, maxSize must be above minSize (both are ${min}), ` +
        'or a rollout cannot keep minSize instances in service; raise environment.maxSize or set environment.rollout.policy: Immutable',
    )
  }
}

function checkSiteName(input: CrossCheckInput): void {
  const c = new Context(input)
  const site = c.value(['site'])
  // A name that fails the schema's pattern already has its problem.
  if (!isString(site) || !new RegExp(PATTERNS.site.pattern).test(site)) return
  const violation = siteNameViolation(site)
  if (violation) c.add(['site'], `${violation}; choose another site name (got ${describeValue(site)})`)
}

/**
 * RollingByHealth keeps minSize in service by launching each batch beside the
 * old instances, up to maxSize; a batch larger than that headroom is
 * undefined behaviour in EB/CloudFormation (AWS-NOTES-2 A.1 row 11).
 */
function checkRolloutBatch(input: CrossCheckInput): void {
  const c = new Context(input)
  const min = c.value(['environment', 'minSize'])
  const max = c.value(['environment', 'maxSize'])
  const batch = c.value(['environment', 'rollout', 'batchSize'])
  const policy = c.value(['environment', 'rollout', 'policy'])
  if (policy !== 'RollingByHealth' || !isNumber(min) || !isNumber(max) || !isNumber(batch) || max <= min) return
  if (batch <= max - min) return
  const batchPath: KeyPath = ['environment', 'rollout', 'batchSize']
  c.add(
    c.pick(batchPath, ['environment', 'maxSize']),
    `with RollingByHealth, rollout.batchSize (${batch}) must be at most maxSize − minSize (${max} − ${min} = ${max - min}), ` +
      'so a batch can start beside the instances kept in service; lower batchSize or raise environment.maxSize',
  )
}

function checkScaling(input: CrossCheckInput): void {
  const c = new Context(input)
  const base: KeyPath = ['environment', 'scaling']
  const metric = c.value([...base, 'metric'])
  if (!isScalingMetric(metric)) return
  const info = SCALING_METRIC_INFO[metric]
  const upper = c.value([...base, 'upperThreshold'])
  const lower = c.value([...base, 'lowerThreshold'])

  for (const key of ['upperThreshold', 'lowerThreshold'] as const) {
    const path = [...base, key]
    if (!c.written(path) && !info.defaults && !input.problems.hasProblemAt(path)) {
      c.add(path, `is required with metric ${metric} (in ${info.unit}): no default fits most sites`)
    }

    const v = key === 'upperThreshold' ? upper : lower
    if (info.max !== undefined && isNumber(v) && v > info.max) {
      c.add(path, `${metric} is a percentage; must be <= ${info.max} (got ${v})`)
    }
  }

  if (isNumber(upper) && isNumber(lower) && lower >= upper) {
    const at = c.pick([...base, 'lowerThreshold'], [...base, 'upperThreshold'])
    c.add(at, `lowerThreshold (${lower}) must be below upperThreshold (${upper}), or the environment would scale in and out at once`)
  }
}

function checkNetwork(input: CrossCheckInput): void {
  const c = new Context(input)
  const vpcId = c.value(['network', 'vpcId'])
  if (!isString(vpcId)) return
  const custom = vpcId !== 'default'
  for (const key of ['subnets', 'loadBalancerSubnets'] as const) {
    const list = c.value(['network', key])
    if (!Array.isArray(list)) continue
    const what = key === 'subnets' ? 'the web instances and the seed' : 'the load balancer'
    if (custom && list.length < 2) {
      c.add(
        ['network', key],
        `must list at least two subnets in different Availability Zones for ${what} when network.vpcId is your own VPC (${vpcId})`,
      )
    } else if (list.length === 1) {
      // One subnet is one AZ: the site would go down with it, and an ALB refuses it.
      c.add(['network', key], `must list at least two subnets in different Availability Zones, or none for the default subnets`)
    }
  }
}

function checkDatabase(input: CrossCheckInput): void {
  const c = new Context(input)
  const engine = c.value(['database', 'engine'])
  if (!isDatabaseEngine(engine)) return
  const aurora = isAuroraEngine(engine)

  if (input.app) {
    const profile = APP_PROFILES[input.app]
    if (!profile.databaseEngines.includes(engine)) {
      c.add(
        ['database', 'engine'],
        `${profile.label} does not support ${engine}; use one of ${profile.databaseEngines.join(', ')} (got "${engine}")`,
      )
    }
  }

  if (!aurora && c.written(['database', 'readers'])) {
    c.add(['database', 'readers'], `applies only to Aurora (database.engine is ${engine}); remove it, or use an aurora-* engine`)
  }

  if (aurora && c.written(['database', 'storageGb'])) {
    c.add(['database', 'storageGb'], `does not apply to Aurora, whose storage grows by itself (database.engine is ${engine}); remove it`)
  }

  checkMariaDbVersion(c, engine)

  const readers = c.value(['database', 'readers'])
  const multiAz = c.value(['database', 'multiAz'])
  if (aurora && multiAz === true && readers === 0) {
    c.add(
      c.pick(['database', 'readers'], ['database', 'multiAz']),
      'Aurora fails over to a reader, so multiAz: true needs readers: 1 or more; or set multiAz: false',
    )
  }
}

/** Oldest MariaDB with `require_secure_transport`, which hactl sets to refuse plain-text connections. */
const MARIADB_MIN_VERSION: readonly [number, number] = [10, 5]

function checkMariaDbVersion(c: Context, engine: string): void {
  const version = c.value(['database', 'version'])
  if (engine !== 'mariadb' || !isString(version)) return
  const match = /^(\d+)\.(\d+)/.exec(version) ?? /^(\d+)$/.exec(version)
  if (!match) return
  const [major, minor = 0] = match.slice(1).map(Number)
  const [minMajor, minMinor] = MARIADB_MIN_VERSION
  if (major > minMajor || (major === minMajor && minor >= minMinor)) return
  c.add(
    ['database', 'version'],
    `MariaDB ${version} has no require_secure_transport (added in 10.5), so hactl cannot refuse unencrypted connections; use "10.5" or later (got "${version}")`,
  )
}

/**
 * Memcached is refused, not downgraded. hactl requires in-transit encryption
 * on the cache, and ElastiCache Memcached over TLS needs a TLS-capable PHP
 * client: AWS ships its own (the ElastiCache Cluster Client) because the
 * stock php-memcached/libmemcached extension on the Elastic Beanstalk PHP
 * platform is not known to speak TLS (AWS-NOTES-2 A.1 row 2;
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/mem-ug/in-transit-encryption-mc.html:
 * "ensure your cache client supports TLS"). Plain text would break invariant 6.
 */
export const MEMCACHED_REFUSAL =
  'memcached is not supported: ElastiCache Memcached with in-transit encryption (which hactl requires) needs a TLS-capable PHP client, ' +
  'and the stock php-memcached extension on the Elastic Beanstalk PHP platform is not known to be one; hactl will not fall back to plain text. ' +
  'Use engine: redis (encrypted at rest and in transit, with an AUTH token)'

function checkCache(input: CrossCheckInput): void {
  const c = new Context(input)
  if (c.value(['cache', 'engine']) === 'memcached') c.add(['cache', 'engine'], MEMCACHED_REFUSAL)
}

function checkStaging(input: CrossCheckInput): void {
  if (!input.app) return
  const c = new Context(input)
  const checks = c.value(['staging', 'checks'])
  if (!Array.isArray(checks)) return
  const profile = APP_PROFILES[input.app]
  checks.forEach((check: unknown, i) => {
    if (typeof check !== 'string' || !(STAGING_CHECKS as readonly string[]).includes(check)) return
    if (!(profile.checks as readonly string[]).includes(check)) {
      c.add(['staging', 'checks', i], `"${check}" is not a ${profile.label} check; ${profile.label} checks: ${profile.checks.join(', ')}`)
    }
  })
  checkCustomChecks(c)
}

/** Custom staging checks: a unique id that is no built-in's, exactly one kind, a regex that compiles. */
function checkCustomChecks(c: Context): void {
  const custom = c.value(['staging', 'custom'])
  if (!Array.isArray(custom)) return
  const seen = new Set<string>()
  custom.forEach((check: unknown, i) => {
    if (!isPlainObject(check)) return
    const {id} = check
    if (isString(id)) {
      if ((STAGING_CHECKS as readonly string[]).includes(id)) {
        c.add(['staging', 'custom', i, 'id'], `"${id}" is a built-in check's name; give your check another id`)
      } else if (seen.has(id)) {
        c.add(['staging', 'custom', i, 'id'], `"${id}" is used by an earlier custom check; ids must be unique`)
      }

      seen.add(id)
    }

    const kinds = ['http', 'shell'].filter((kind) => kind in check)
    if (kinds.length !== 1) {
      c.add(['staging', 'custom', i], `needs exactly one of http or shell (got ${kinds.length === 0 ? 'neither' : 'both'})`)
    }

    const matches = get(check, ['http', 'matches'])
    if (isString(matches) && !compiles(matches)) {
      c.add(['staging', 'custom', i, 'http', 'matches'], `is not a valid regular expression (got ${describeValue(matches)}); write a POSIX extended regular expression`)
    }
  })
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern)
    return true
  } catch {
    return false
  }
}

/**
 * True for AWS Graviton (arm64) types: the first-generation a1, and every
 * family whose generation digit is followed by a "g" among its attribute
 * letters (t4g, m6g, m7gd, c7gn, r8g, x2gd, im4gn, is4gen, hpc7g, g5g).
 * A "g" before the digit (g4dn, g6, gr6: GPU families) is not one.
 */
export function isArmInstanceType(type: string): boolean {
  const family = type.split('.')[0]
  return family === 'a1' || /^[a-z]+[0-9]+[a-z]*g[a-z]*$/.test(family)
}

let timeZones: ReadonlySet<string> | undefined

/**
 * True for an IANA time zone name: one of the runtime's canonical names, UTC,
 * or another name the runtime knows (Asia/Kolkata, US/Eastern, Etc/GMT+5;
 * the canonical list varies with the ICU version), but not a name spelt in
 * other letter case (europe/paris), which the runtime accepts and AWS may not.
 */
export function isTimeZone(name: string): boolean {
  timeZones ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC'])
  if (timeZones.has(name)) return true
  let resolved: string
  try {
    resolved = new Intl.DateTimeFormat('en-US', {timeZone: name}).resolvedOptions().timeZone
  } catch {
    return false
  }

  return resolved === name || resolved.toLowerCase() !== name.toLowerCase()
}

function checkTimezone(input: CrossCheckInput): void {
  const c = new Context(input)
  const path: KeyPath = ['staging', 'timezone']
  const zone = c.value(path)
  // A value that fails the schema's pattern already has its problem.
  if (!isString(zone) || !new RegExp(PATTERNS.timezone.pattern).test(zone) || isTimeZone(zone)) return
  const guess = closest(zone, [...(timeZones ?? []), 'UTC'])
  c.add(
    path,
    `is not a known IANA time zone (got ${describeValue(zone)}); ${guess ? `did you mean ${guess}?` : 'use a name such as UTC or Europe/Paris'}`,
  )
}

function checkArchitecture(input: CrossCheckInput): void {
  const c = new Context(input)
  const web = c.value(['environment', 'instanceType'])
  const seed = c.value(['seed', 'instanceType'])
  const re = new RegExp(PATTERNS.instanceType.pattern)
  if (!isString(web) || !isString(seed) || !re.test(web) || !re.test(seed)) return
  const arch = (t: string) => (isArmInstanceType(t) ? 'arm64 (Graviton)' : 'x86_64')
  if (arch(web) !== arch(seed)) {
    c.add(
      c.pick(['seed', 'instanceType'], ['environment', 'instanceType']),
      `${seed} is ${arch(seed)} but environment.instanceType ${web} is ${arch(web)}; the AMI baked from the seed runs the web instances, so both need the same architecture`,
    )
  }
}
