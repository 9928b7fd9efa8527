/**
 * The fixed vocabulary of hactl.yml: the allowed values of its enumerated
 * keys and the patterns of its identifiers, each with the human sentence the
 * error messages use. Kept apart from the schema so the app defaults, the
 * cross-field checks and the prompts of `hactl init` share one list.
 */

export const APP_NAMES = ['moodle', 'wordpress'] as const
export type AppName = (typeof APP_NAMES)[number]

export const DATABASE_ENGINES = ['mysql', 'mariadb', 'postgres', 'aurora-mysql', 'aurora-postgresql'] as const
export type DatabaseEngine = (typeof DATABASE_ENGINES)[number]

export const CACHE_ENGINES = ['redis', 'memcached'] as const
export type CacheEngine = (typeof CACHE_ENGINES)[number]

export const ROLLOUT_POLICIES = ['RollingByHealth', 'Immutable'] as const
export type RolloutPolicy = (typeof ROLLOUT_POLICIES)[number]

export const THROUGHPUT_MODES = ['elastic', 'bursting'] as const
export type ThroughputMode = (typeof THROUGHPUT_MODES)[number]

/**
 * The metrics an Elastic Beanstalk scaling trigger (`aws:autoscaling:trigger`)
 * can use with the Application Load Balancer hactl always creates.
 * `Latency` is left out on purpose: it is a Classic Load Balancer metric, and
 * an ALB publishes `TargetResponseTime` instead.
 */
export const SCALING_METRICS = ['CPUUtilization', 'NetworkOut', 'NetworkIn', 'RequestCount', 'TargetResponseTime'] as const
export type ScalingMetric = (typeof SCALING_METRICS)[number]

export interface ScalingMetricInfo {
  /** The CloudWatch unit the thresholds are in, as EB's `Unit` option wants it. */
  readonly unit: 'Percent' | 'Bytes' | 'Count' | 'Seconds'
  /**
   * Thresholds used when hactl.yml names the metric but not the thresholds.
   * Absent where no number is right for most sites (request counts depend on
   * the traffic), so the operator has to choose.
   */
  readonly defaults?: {readonly upper: number; readonly lower: number}
  /** Highest meaningful threshold, e.g. 100 for a percentage. */
  readonly max?: number
}

export const SCALING_METRIC_INFO: Readonly<Record<ScalingMetric, ScalingMetricInfo>> = {
  CPUUtilization: {defaults: {lower: 30, upper: 70}, max: 100, unit: 'Percent'},
  // Elastic Beanstalk's own defaults for its NetworkOut trigger.
  NetworkIn: {defaults: {lower: 2_000_000, upper: 6_000_000}, unit: 'Bytes'},
  NetworkOut: {defaults: {lower: 2_000_000, upper: 6_000_000}, unit: 'Bytes'},
  RequestCount: {unit: 'Count'},
  TargetResponseTime: {unit: 'Seconds'},
}

/**
 * Every built-in staging check name; which ones an app may use is in its
 * profile (`app-defaults.ts`), what each does in src/apps (the app's own) and
 * src/staging/checks.ts (the common ones).
 */
export const STAGING_CHECKS_BY_APP = {
  /** Every app's. */
  common: [
    'http-home',
    'http-login',
    'http-static',
    'http-health',
    'db-connect',
    'cache-connect',
    'uploads-on-efs',
    'cron-heartbeat',
    'no-secrets-on-disk',
    'php-errors',
  ],
  moodle: ['moodle-checks', 'moodle-db-schema', 'moodle-no-pending-upgrade', 'moodle-cron-age'],
  wordpress: ['wp-core-checksums', 'wp-db-tables', 'wp-cron-due', 'wp-cron-disabled'],
} as const
export const STAGING_CHECKS = [...STAGING_CHECKS_BY_APP.common, ...STAGING_CHECKS_BY_APP.wordpress, ...STAGING_CHECKS_BY_APP.moodle] as const
export type StagingCheck = (typeof STAGING_CHECKS)[number]

/** A pattern and the sentence that explains it in an error message ("must be …"). */
export interface NamedPattern {
  readonly pattern: string
  readonly hint: string
}

function named(pattern: string, hint: string): NamedPattern {
  return {hint, pattern}
}

export const PATTERNS = {
  // Never ends in "-", so `<site>-web` and friends never contain "--".
  site: named(
    '^[a-z][a-z0-9-]{1,21}[a-z0-9]$',
    'must be 3 to 23 characters: a lowercase letter, then lowercase letters, digits or "-", not ending in "-"',
  ),
  certificateArn: named(
    '^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]{36}$',
    'must be an ACM certificate ARN such as arn:aws:acm:eu-west-1:123456789012:certificate/…',
  ),
  region: named(
    '^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}$',
    'must be an AWS Region code such as eu-west-1 or us-east-1',
  ),
  vpcId: named('^(default|vpc-[0-9a-f]{8}([0-9a-f]{9})?)$', 'must be "default" or a VPC id such as vpc-0abc1234def567890'),
  subnetId: named('^subnet-[0-9a-f]{8}([0-9a-f]{9})?$', 'must be a subnet id such as subnet-0abc1234def567890'),
  // The .ebextensions and the seed boot script use AL2023's dnf and systemd.
  platform: named(
    '^PHP [0-9]+\\.[0-9]+ running on 64bit Amazon Linux 2023$',
    'must be an Elastic Beanstalk PHP platform branch on Amazon Linux 2023, such as "PHP 8.3 running on 64bit Amazon Linux 2023"',
  ),
  instanceType: named('^[a-z][a-z0-9-]*\\.[a-z0-9]+$', 'must be an EC2 instance type such as t3.small'),
  dbInstanceClass: named('^db\\.[a-z][a-z0-9-]*\\.[a-z0-9]+$', 'must be an RDS instance class such as db.t4g.medium'),
  dbVersion: named('^[0-9][0-9A-Za-z._-]*$', 'must be an engine version such as "8.0" or "16.4" (in quotes)'),
  dbName: named(
    '^[a-z][a-z0-9_]{0,62}$',
    'must be 1 to 63 characters: a lowercase letter, then lowercase letters, digits or "_"',
  ),
  cacheNodeType: named('^cache\\.[a-z][a-z0-9-]*\\.[a-z0-9]+$', 'must be an ElastiCache node type such as cache.t4g.small'),
  urlPath: named('^/[^\\s?#]*$', 'must be a URL path starting with "/", without spaces, query or fragment'),
  // A query is allowed: a custom staging check may request /?p=1.
  httpPath: named('^/[^\\s#]*$', 'must be a URL path starting with "/", without spaces or fragment'),
  stagingCheckId: named('^[a-z][a-z0-9-]{1,40}$', 'must be 2–41 lowercase letters, digits and "-", starting with a letter'),
  uploadsPath: named(
    '^(?!.*(^|/)\\.\\.(/|$))[A-Za-z0-9._/-]+$',
    'must be a path of letters, digits, ".", "_", "-" and "/", without ".." (relative paths are under the application root)',
  ),
  schedule: named(
    '^(rate\\([1-9][0-9]* (minute|minutes|hour|hours|day|days)\\)|cron\\(\\S+( \\S+){5}\\)|at\\([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\))$',
    'must be an EventBridge Scheduler expression: rate(12 hours), cron(0 3 * * ? *) with six fields, or at(2030-01-31T03:00:00)',
  ),
  // CloudWatch alarm names: 1–255 characters, no control characters (PutMetricAlarm).
  alarmName: named('^[^\\x00-\\x1f\\x7f]+$', 'must be a CloudWatch alarm name: printable characters, at most 255'),
  snsTopicArn: named(
    '^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$',
    'must be an SNS topic ARN such as arn:aws:sns:eu-west-1:123456789012:ops-alerts',
  ),
  timezone: named('^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$', 'must be an IANA time zone such as UTC or Europe/Paris'),
  // Instance tags reach the instance through IMDS, which allows only these
  // characters in keys, and never "." or ".." or "_index" alone.
  tagKey: named(
    '^(?!aws:|hactl:)(?!\\.\\.?$)(?!_index$)[A-Za-z0-9+=.,_:@-]{1,128}$',
    'must be 1 to 128 of a-z A-Z 0-9 + - = . , _ : @ (instance metadata tags allow no spaces or "/"), not "aws:…" or "hactl:…"',
  ),
  tagValue: named('^[\\p{L}\\p{Z}\\p{N}_.:/=+@-]*$', 'must use only letters, digits, spaces and _ . : / = + - @'),
} as const satisfies Record<string, NamedPattern>

export function isAppName(x: unknown): x is AppName {
  return typeof x === 'string' && (APP_NAMES as readonly string[]).includes(x)
}

export function isDatabaseEngine(x: unknown): x is DatabaseEngine {
  return typeof x === 'string' && (DATABASE_ENGINES as readonly string[]).includes(x)
}

export function isAuroraEngine(engine: DatabaseEngine): boolean {
  return engine.startsWith('aurora-')
}

export function isScalingMetric(x: unknown): x is ScalingMetric {
  return typeof x === 'string' && (SCALING_METRICS as readonly string[]).includes(x)
}
