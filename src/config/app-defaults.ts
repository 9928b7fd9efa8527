/**
 * Defaults for hactl.yml. Most depend on the app (paths, cron line, health
 * URL, staging checks, database engine), a few on other keys the user set
 * (the database and cache engine, the scaling metric, the web instance type),
 * so they are computed from the user's values rather than written into the
 * schema. Adding a third PHP app means adding one entry to `APP_PROFILES`.
 */
import {
  type AppName,
  type CacheEngine,
  type DatabaseEngine,
  type ScalingMetric,
  STAGING_CHECKS_BY_APP,
  type StagingCheck,
  CACHE_ENGINES,
  isAuroraEngine,
  isDatabaseEngine,
  isScalingMetric,
  SCALING_METRIC_INFO,
} from './constants'

/** What an app changes in the defaults, and which values it supports. */
export interface AppProfileDefaults {
  /** Display name, e.g. "WordPress". */
  readonly label: string
  /** The load balancer's health check path (`HEALTH_ENDPOINT` for both apps today). */
  readonly healthCheckPath: string
  /** Where the app keeps user uploads (on EFS). */
  readonly uploadsPath: string
  /** Engines the app supports, the default first. */
  readonly databaseEngines: readonly DatabaseEngine[]
  readonly databaseName: string
  /** Run on the seed, from the application root, every `cron.intervalMinutes`. */
  readonly cronCommand: string
  /** Checks the app supports; all of them run by default. */
  readonly checks: readonly StagingCheck[]
}

/**
 * hactl's own health script, which the bundle puts in the web root: it loads
 * the app's config, opens the database and the cache, and answers 200 or 503.
 * An app page such as /login/index.php is no health check: the load balancer
 * does not send the site's Host, and Moodle answers a host mismatch with a
 * 200 redirect page, so a broken image would pass (AWS-NOTES-2 A.1 #7).
 */
export const HEALTH_ENDPOINT = '/hactl-health.php'

export const APP_PROFILES: Readonly<Record<AppName, AppProfileDefaults>> = {
  moodle: {
    checks: [...STAGING_CHECKS_BY_APP.common, ...STAGING_CHECKS_BY_APP.moodle],
    cronCommand: 'php admin/cli/cron.php',
    // Moodle recommends PostgreSQL; it also runs on MySQL, MariaDB and Aurora.
    databaseEngines: ['postgres', 'aurora-postgresql', 'mysql', 'mariadb', 'aurora-mysql'],
    databaseName: 'moodle',
    healthCheckPath: HEALTH_ENDPOINT,
    label: 'Moodle',
    // $CFG->dataroot: outside the web root, as Moodle requires.
    uploadsPath: '/mnt/moodledata',
  },
  wordpress: {
    checks: [...STAGING_CHECKS_BY_APP.common, ...STAGING_CHECKS_BY_APP.wordpress],
    cronCommand: 'wp cron event run --due-now',
    // WordPress speaks only the MySQL protocol.
    databaseEngines: ['mysql', 'mariadb', 'aurora-mysql'],
    databaseName: 'wordpress',
    healthCheckPath: HEALTH_ENDPOINT,
    label: 'WordPress',
    uploadsPath: 'wp-content/uploads',
  },
}

/** Defaults that are the same for every app, documented in the JSON Schema. */
export const COMMON_DEFAULTS = {
  backupRetentionDays: 7,
  batchSize: 1,
  cacheEngine: 'redis' as CacheEngine,
  cacheNodeType: 'cache.t4g.small',
  cacheReplicas: 1,
  cronEnabled: true,
  cronIntervalMinutes: 1,
  dbInstanceClass: 'db.t4g.medium',
  evaluationPeriods: 1,
  imagesKeep: 5,
  /** HSTS off for the first rollout: a wrong certificate must not lock browsers out for a year. */
  hstsMaxAge: 0,
  instanceType: 't3.small',
  maxSize: 4,
  metric: 'CPUUtilization' as ScalingMetric,
  minSize: 2,
  multiAz: true,
  periodMinutes: 5,
  platform: 'PHP 8.3 running on 64bit Amazon Linux 2023',
  policy: 'RollingByHealth' as const,
  // One reader: the failover target in a second AZ.
  readers: 1,
  rolloutTimeoutMinutes: 30,
  schedule: 'cron(0 3 * * ? *)',
  // One check's limit, and the suite's: under SSM's default executionTimeout of 3600 s.
  stagingCheckLimitSeconds: 60,
  stagingSuiteLimitSeconds: 900,
  storageGb: 20,
  throughputMode: 'elastic' as const,
  timezone: 'UTC',
  vpcId: 'default',
}

type Json = Record<string, unknown>

function section(raw: unknown, key: string): Json {
  const value = isPlainObject(raw) ? raw[key] : undefined
  return isPlainObject(value) ? value : {}
}

export function isPlainObject(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x)
}

/**
 * The full default config (everything but site, app, region and domain) for
 * `app`, given what the user wrote in `raw`. Keys that only make sense for
 * some engines (`readers`, `storageGb`, `replicas`) are present only for them,
 * so a key the user sets for the wrong engine stands out in the checks.
 */
export function defaultsFor(app: AppName, raw: unknown): Json {
  const profile = APP_PROFILES[app]
  const userDb = section(raw, 'database')
  const engine: DatabaseEngine = isDatabaseEngine(userDb.engine) ? userDb.engine : profile.databaseEngines[0]
  const userCache = section(raw, 'cache')
  const cacheEngine =
    typeof userCache.engine === 'string' && (CACHE_ENGINES as readonly string[]).includes(userCache.engine)
      ? (userCache.engine as CacheEngine)
      : COMMON_DEFAULTS.cacheEngine
  const userEnv = section(raw, 'environment')
  const userScaling = section(userEnv, 'scaling')
  const metric = isScalingMetric(userScaling.metric) ? userScaling.metric : COMMON_DEFAULTS.metric
  const thresholds = SCALING_METRIC_INFO[metric].defaults
  const instanceType = typeof userEnv.instanceType === 'string' ? userEnv.instanceType : COMMON_DEFAULTS.instanceType

  return {
    cache: {
      engine: cacheEngine,
      nodeType: COMMON_DEFAULTS.cacheNodeType,
      // Memcached does not replicate; only Redis has replicas.
      ...(cacheEngine === 'redis' ? {replicas: COMMON_DEFAULTS.cacheReplicas} : {}),
    },
    cron: {
      command: profile.cronCommand,
      enabled: COMMON_DEFAULTS.cronEnabled,
      intervalMinutes: COMMON_DEFAULTS.cronIntervalMinutes,
    },
    database: {
      backupRetentionDays: COMMON_DEFAULTS.backupRetentionDays,
      engine,
      instanceClass: COMMON_DEFAULTS.dbInstanceClass,
      multiAz: COMMON_DEFAULTS.multiAz,
      name: profile.databaseName,
      // Aurora storage grows by itself and its replicas are readers; RDS has a
      // fixed allocated size and a standby instead.
      ...(isAuroraEngine(engine) ? {readers: COMMON_DEFAULTS.readers} : {storageGb: COMMON_DEFAULTS.storageGb}),
    },
    environment: {
      healthCheckPath: profile.healthCheckPath,
      instanceType,
      maxSize: COMMON_DEFAULTS.maxSize,
      minSize: COMMON_DEFAULTS.minSize,
      platform: COMMON_DEFAULTS.platform,
      rollout: {
        alarms: [],
        batchSize: COMMON_DEFAULTS.batchSize,
        policy: COMMON_DEFAULTS.policy,
        timeoutMinutes: COMMON_DEFAULTS.rolloutTimeoutMinutes,
      },
      scaling: {
        evaluationPeriods: COMMON_DEFAULTS.evaluationPeriods,
        metric,
        periodMinutes: COMMON_DEFAULTS.periodMinutes,
        ...(thresholds ? {lowerThreshold: thresholds.lower, upperThreshold: thresholds.upper} : {}),
      },
    },
    https: {alternativeNames: [], hstsMaxAge: COMMON_DEFAULTS.hstsMaxAge},
    images: {keep: COMMON_DEFAULTS.imagesKeep},
    network: {loadBalancerSubnets: [], subnets: [], vpcId: COMMON_DEFAULTS.vpcId},
    notify: {},
    // The seed's AMI becomes the web nodes' AMI, so by default it is the same type.
    seed: {instanceType},
    staging: {
      checkLimitSeconds: COMMON_DEFAULTS.stagingCheckLimitSeconds,
      checks: [...profile.checks],
      custom: [],
      schedule: COMMON_DEFAULTS.schedule,
      suiteLimitSeconds: COMMON_DEFAULTS.stagingSuiteLimitSeconds,
      timezone: COMMON_DEFAULTS.timezone,
    },
    tags: {},
    uploads: {
      path: profile.uploadsPath,
      storage: 'efs',
      throughputMode: COMMON_DEFAULTS.throughputMode,
    },
  }
}

/**
 * `base` with `over` laid on top: maps merge key by key, anything else
 * (lists included) in `over` replaces what is in `base`. A list replaces,
 * rather than extends, so `checks: [http-home]` means exactly that one check.
 */
export function deepMerge(base: Json, over: Json): Json {
  const out: Json = {...base}
  for (const [key, value] of Object.entries(over)) {
    const current = out[key]
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value
  }

  return out
}
