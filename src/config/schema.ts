/**
 * The shape of hactl.yml, written once with TypeBox so it gives both the
 * TypeScript type (`HactlConfig`) and the JSON Schema that ajv validates
 * against and editors complete from.
 *
 * `HactlConfigSchema` describes the *resolved* config: every default applied,
 * so nearly every key is required. The file a user writes is validated
 * against `configFileSchema()`, the same schema with only site, app and region
 * required, because defaults are filled in after validation (they depend on
 * `app`, see `app-defaults.ts`).
 */
import {type SchemaOptions, type Static, type TSchema, Type} from '@sinclair/typebox'

import {APP_PROFILES, COMMON_DEFAULTS} from './app-defaults'
import {
  APP_NAMES,
  CACHE_ENGINES,
  DATABASE_ENGINES,
  type NamedPattern,
  PATTERNS,
  ROLLOUT_POLICIES,
  SCALING_METRIC_INFO,
  SCALING_METRICS,
  STAGING_CHECKS,
  THROUGHPUT_MODES,
} from './constants'

/**
 * A string enum as a plain JSON Schema `enum` (TypeBox's `Union` of literals
 * would give `anyOf`, whose ajv errors are one per branch and unreadable).
 */
function StringEnum<const T extends readonly string[]>(values: T, options: SchemaOptions = {}) {
  return Type.Unsafe<T[number]>({...options, enum: [...values], type: 'string'})
}

function Pattern(named: NamedPattern, options: SchemaOptions = {}) {
  return Type.String({...options, pattern: named.pattern})
}

function Section<T extends Parameters<typeof Type.Object>[0]>(title: string, description: string, properties: T) {
  return Type.Object(properties, {additionalProperties: false, description, title})
}

const perApp = (pick: (p: (typeof APP_PROFILES)[keyof typeof APP_PROFILES]) => string): string =>
  Object.values(APP_PROFILES)
    .map((p) => `${p.label} ${pick(p)}`)
    .join('; ')

const metricDefaults = SCALING_METRICS.map((m) => {
  const info = SCALING_METRIC_INFO[m]
  return info.defaults
    ? `${m} ${info.defaults.lower}–${info.defaults.upper} (${info.unit})`
    : `${m} none, set both (${info.unit})`
}).join('; ')

const Network = Section(
  'Network',
  'Where the environment runs. Leave it out to use the default VPC and its default subnets.',
  {
    loadBalancerSubnets: Type.Array(Pattern(PATTERNS.subnetId), {
      default: [],
      description:
        'Subnets for the Application Load Balancer (public ones for a public site). Empty: the default subnets. An ALB needs subnets in at least two Availability Zones.',
      uniqueItems: true,
    }),
    subnets: Type.Array(Pattern(PATTERNS.subnetId), {
      default: [],
      description:
        'Subnets for the web instances and the seed, in at least two Availability Zones. Empty: the default subnets of the default VPC.',
      uniqueItems: true,
    }),
    vpcId: Pattern(PATTERNS.vpcId, {
      default: COMMON_DEFAULTS.vpcId,
      description:
        '"default" for the Region\'s default VPC, or a VPC id (vpc-…). With your own VPC, list at least two subnets in both subnets and loadBalancerSubnets.',
    }),
  },
)

const Scaling = Section(
  'Scaling trigger',
  'When Elastic Beanstalk adds or removes web instances (aws:autoscaling:trigger).',
  {
    evaluationPeriods: Type.Integer({
      default: COMMON_DEFAULTS.evaluationPeriods,
      description: 'How many consecutive periods the metric must be past a threshold before scaling.',
      maximum: 600,
      minimum: 1,
    }),
    lowerThreshold: Type.Number({
      description: 'Scale in (remove an instance) below this value, in the metric\'s unit. Defaults: see upperThreshold.',
      minimum: 0,
    }),
    metric: StringEnum(SCALING_METRICS, {
      default: COMMON_DEFAULTS.metric,
      description:
        'The CloudWatch metric to scale on. Latency is not offered: it is a Classic Load Balancer metric, and hactl uses an Application Load Balancer (use TargetResponseTime).',
    }),
    periodMinutes: Type.Integer({
      default: COMMON_DEFAULTS.periodMinutes,
      description: 'Minutes between metric evaluations.',
      maximum: 1440,
      minimum: 1,
    }),
    upperThreshold: Type.Number({
      description: `Scale out (add an instance) above this value, in the metric's unit. Defaults (lower–upper) by metric: ${metricDefaults}.`,
      minimum: 0,
    }),
  },
)

const Rollout = Section('Rollout', 'How a new AMI replaces the running instances (aws:autoscaling:updatepolicy:rollingupdate).', {
  alarms: Type.Array(Pattern(PATTERNS.alarmName, {maxLength: 255, minLength: 1}), {
    default: [],
    description:
      'CloudWatch alarms (names, in the site\'s Region) that `hactl rollout` watches: any of them in ALARM during the rollout rolls it back, like a Red environment. E.g. your 5xx-rate or latency alarm.',
    maxItems: 20,
    uniqueItems: true,
  }),
  batchSize: Type.Integer({
    default: COMMON_DEFAULTS.batchSize,
    description: 'RollingByHealth: instances replaced at a time.',
    maximum: 10_000,
    minimum: 1,
  }),
  policy: StringEnum(ROLLOUT_POLICIES, {
    default: COMMON_DEFAULTS.policy,
    description:
      'RollingByHealth replaces instances in batches, each batch healthy before the next, never below minSize in service (so maxSize must be above minSize). Immutable starts a full new set beside the old one and swaps them: safest, briefly double the instances.',
  }),
  timeoutMinutes: Type.Integer({
    default: COMMON_DEFAULTS.rolloutTimeoutMinutes,
    description: 'How long a new instance may take to pass health checks before the rollout fails and is rolled back.',
    maximum: 1440,
    minimum: 5,
  }),
})

const Environment = Section('Environment', 'The Elastic Beanstalk environment that serves the site.', {
  healthCheckPath: Pattern(PATTERNS.urlPath, {
    description: `Path the load balancer requests to decide an instance is healthy; a PHP page that needs the database. Default: ${perApp((p) => p.healthCheckPath)}.`,
  }),
  instanceType: Pattern(PATTERNS.instanceType, {
    default: COMMON_DEFAULTS.instanceType,
    description: 'EC2 instance type of the web instances.',
  }),
  maxSize: Type.Integer({
    default: COMMON_DEFAULTS.maxSize,
    description: 'Most web instances. Must be at least minSize, and above it with rollout policy RollingByHealth.',
    maximum: 10_000,
    minimum: 1,
  }),
  minSize: Type.Integer({
    default: COMMON_DEFAULTS.minSize,
    description: 'Fewest web instances in service, also during a rollout. 2 or more keeps the site up when an instance or an AZ fails.',
    maximum: 10_000,
    minimum: 1,
  }),
  platform: Pattern(PATTERNS.platform, {
    default: COMMON_DEFAULTS.platform,
    description: 'Elastic Beanstalk PHP platform branch (Amazon Linux 2023).',
  }),
  rollout: Rollout,
  scaling: Scaling,
})

const Uploads = Section('Uploads', 'User uploads live only on EFS (never in the AMI), shared by every instance and the seed.', {
  path: Pattern(PATTERNS.uploadsPath, {
    description: `Where the app reads and writes uploads; relative paths are under the application root. Default: ${perApp((p) => p.uploadsPath)}.`,
  }),
  storage: Type.Literal('efs', {default: 'efs', description: 'Storage for uploads. Only "efs" for now.'}),
  throughputMode: StringEnum(THROUGHPUT_MODES, {
    default: COMMON_DEFAULTS.throughputMode,
    description: 'EFS throughput mode: elastic follows the load and suits spiky sites; bursting is cheaper for steady small ones.',
  }),
})

const Database = Section('Database', 'The RDS or Aurora database. Encrypted at rest and in transit; credentials in Secrets Manager.', {
  backupRetentionDays: Type.Integer({
    default: COMMON_DEFAULTS.backupRetentionDays,
    description: 'Days of automated backups (point-in-time recovery) to keep.',
    maximum: 35,
    minimum: 1,
  }),
  engine: StringEnum(DATABASE_ENGINES, {
    description: `Database engine. WordPress supports only mysql, mariadb and aurora-mysql. Default: ${perApp((p) => p.databaseEngines[0])}.`,
  }),
  instanceClass: Pattern(PATTERNS.dbInstanceClass, {
    default: COMMON_DEFAULTS.dbInstanceClass,
    description: 'RDS instance class of the database (and of each Aurora instance).',
  }),
  multiAz: Type.Boolean({
    default: COMMON_DEFAULTS.multiAz,
    description: 'Keep a standby (RDS) or at least one reader (Aurora) in a second Availability Zone for failover.',
  }),
  name: Pattern(PATTERNS.dbName, {description: `Name of the database the app uses. Default: ${perApp((p) => p.databaseName)}.`}),
  readers: Type.Optional(
    Type.Integer({
      description: `Aurora only: reader instances beside the writer. Default with Aurora: ${COMMON_DEFAULTS.readers}.`,
      maximum: 15,
      minimum: 0,
    }),
  ),
  storageGb: Type.Optional(
    Type.Integer({
      description: `RDS only (Aurora storage grows by itself): allocated storage in GiB. Default with RDS: ${COMMON_DEFAULTS.storageGb}.`,
      maximum: 65_536,
      minimum: 20,
    }),
  ),
  version: Type.Optional(
    Pattern(PATTERNS.dbVersion, {description: 'Engine version, in quotes (e.g. "8.0"). Leave it out for the engine\'s default version.'}),
  ),
})

const Cache = Section('Cache', 'ElastiCache for sessions and the object cache. Encrypted at rest and in transit.', {
  engine: StringEnum(CACHE_ENGINES, {
    default: COMMON_DEFAULTS.cacheEngine,
    description: 'Cache engine. redis: encrypted at rest and in transit, with an AUTH token and Multi-AZ failover. memcached is refused: over TLS it needs a PHP client the stock extension is not known to be, and hactl does not fall back to plain text.',
  }),
  nodeType: Pattern(PATTERNS.cacheNodeType, {default: COMMON_DEFAULTS.cacheNodeType, description: 'ElastiCache node type.'}),
  replicas: Type.Optional(
    Type.Integer({
      description: `Redis only: replicas of the primary, in other Availability Zones. Default with Redis: ${COMMON_DEFAULTS.cacheReplicas}.`,
      maximum: 5,
      minimum: 0,
    }),
  ),
})

const Seed = Section('Seed', 'The long-lived staging instance, outside the Auto Scaling group, that runs cron and is baked into AMIs.', {
  instanceType: Pattern(PATTERNS.instanceType, {
    description:
      'EC2 instance type of the seed. Default: environment.instanceType. Must have the same CPU architecture, since its AMI runs the web instances.',
  }),
})

const Cron = Section('Cron', 'The app\'s cron job. It runs on the seed only, never on web instances.', {
  command: Type.String({
    description: `Command run from the application root. Default: ${perApp((p) => `"${p.cronCommand}"`)}.`,
    minLength: 1,
  }),
  enabled: Type.Boolean({default: COMMON_DEFAULTS.cronEnabled, description: 'Run the cron job on the seed.'}),
  intervalMinutes: Type.Integer({
    default: COMMON_DEFAULTS.cronIntervalMinutes,
    description: 'Minutes between runs. Both Moodle and WordPress expect every minute.',
    maximum: 60,
    minimum: 1,
  }),
})

const CustomHttpCheck = Type.Object(
  {
    contains: Type.Optional(Type.String({description: 'The body must contain this text.', minLength: 1})),
    matches: Type.Optional(
      Type.String({description: 'The body must match this POSIX extended regular expression (grep -E).', minLength: 1}),
    ),
    maxMs: Type.Optional(
      Type.Integer({description: 'Slowest acceptable response, in milliseconds. Default: 3000.', maximum: 600_000, minimum: 1}),
    ),
    path: Pattern(PATTERNS.httpPath, {description: 'Path (and query) requested from the seed\'s own web server with the site\'s Host header.'}),
    status: Type.Optional(Type.Integer({description: 'Expected HTTP status. Default: 200.', maximum: 599, minimum: 100})),
  },
  {additionalProperties: false, description: 'An HTTP request to the seed\'s own web server.'},
)

const CustomShellCheck = Type.Object(
  {
    command: Type.String({
      description: 'A sh command run in the application root as the test user (reads the code, cannot change it); it passes when it exits 0.',
      minLength: 1,
    }),
    timeoutSeconds: Type.Optional(
      Type.Integer({description: 'The command\'s time limit. Default: staging.checkLimitSeconds.', maximum: 3600, minimum: 1}),
    ),
  },
  {additionalProperties: false, description: 'A shell command on the seed.'},
)

const CustomCheck = Type.Object(
  {
    http: Type.Optional(CustomHttpCheck),
    id: Pattern(PATTERNS.stagingCheckId, {description: 'Its name in reports, --only/--skip and history; not a built-in check\'s name.'}),
    shell: Type.Optional(CustomShellCheck),
  },
  {additionalProperties: false, description: 'A check of your own: exactly one of http or shell.'},
)

const Staging = Section('Staging tests', 'Tests run on the seed before a bake (`hactl test`), on demand and on a schedule.', {
  checkLimitSeconds: Type.Integer({
    default: COMMON_DEFAULTS.stagingCheckLimitSeconds,
    description: 'Time limit of one check, in seconds; a check still running then fails.',
    maximum: 3600,
    minimum: 1,
  }),
  checks: Type.Array(StringEnum(STAGING_CHECKS), {
    description: `Built-in checks to run. Default, and the ones each app supports: ${perApp((p) => p.checks.join(', '))}.`,
    minItems: 1,
    uniqueItems: true,
  }),
  custom: Type.Array(CustomCheck, {
    default: [],
    description:
      'Your own checks, run after the built-in ones. Each has an id and exactly one of http: {path, status (default 200), contains, matches (grep -E), maxMs (default 3000)} or shell: {command (passes on exit 0, run in the application root as the test user), timeoutSeconds (default checkLimitSeconds)}.',
    maxItems: 50,
  }),
  schedule: Pattern(PATTERNS.schedule, {
    default: COMMON_DEFAULTS.schedule,
    description: 'When scheduled tests run: an EventBridge Scheduler expression, rate(…), cron(… six fields …) or at(…).',
  }),
  suiteLimitSeconds: Type.Integer({
    default: COMMON_DEFAULTS.stagingSuiteLimitSeconds,
    description: 'Time limit of the whole suite, in seconds; checks not started by then are skipped, and the run fails.',
    maximum: 7200,
    minimum: 10,
  }),
  timezone: Pattern(PATTERNS.timezone, {
    default: COMMON_DEFAULTS.timezone,
    description: 'Time zone of the schedule (IANA name).',
  }),
})

const Https = Section(
  'HTTPS',
  'The site over HTTPS, used only when `domain` is set: an ACM certificate (DNS-validated, renewed by ACM), an HTTPS listener on 443, and HTTP on 80 redirected to HTTPS by the load balancer.',
  {
    alternativeNames: Type.Array(Type.String({format: 'hostname', maxLength: 253}), {
      default: [],
      description: 'More names the certificate covers besides `domain` (e.g. example.org next to www.example.org). At most 9.',
      maxItems: 9,
      uniqueItems: true,
    }),
    certificateArn: Type.Optional(
      Pattern(PATTERNS.certificateArn, {
        description: 'An ACM certificate to use as it is (issued, in the site\'s Region, covering `domain`). Leave it out and hactl requests one and validates it through DNS.',
      }),
    ),
    hstsMaxAge: Type.Integer({
      default: COMMON_DEFAULTS.hstsMaxAge,
      description:
        'Seconds browsers must use HTTPS only (the Strict-Transport-Security header). 0, the default, sends no header: turn it on once the site works over HTTPS, e.g. 300 first, then 31536000.',
      maximum: 63_072_000,
      minimum: 0,
    }),
  },
)

const Notify = Section('Notifications', 'Who hears of rollouts, rollbacks, bakes, failing scheduled tests and deploy freezes: one message each, through an SNS topic.', {
  email: Type.Optional(
    Type.String({
      description: 'An address to notify. hactl subscribes it to the topic messages go to (notify.topicArn, else the site\'s hactl-<site>-notify); the address must confirm the subscription once.',
      format: 'email',
      maxLength: 254,
    }),
  ),
  topicArn: Type.Optional(
    Pattern(PATTERNS.snsTopicArn, {
      description: 'An SNS topic of your own to publish to instead of the site\'s topic (e.g. one wired to chat or paging), in the site\'s Region. hactl then makes no topic of its own; the topic must exist.',
    }),
  ),
})

const Images = Section('Images', 'Baked AMIs.', {
  keep: Type.Integer({
    default: COMMON_DEFAULTS.imagesKeep,
    description: 'How many baked AMIs `hactl images prune` keeps. At least 2: the live one and the rollback target are never pruned.',
    maximum: 100,
    minimum: 2,
  }),
})

// Instance tags are readable through IMDS, which limits the key characters.
const Tags = Type.Unsafe<Record<string, string>>({
  additionalProperties: Pattern(PATTERNS.tagValue, {maxLength: 256}),
  default: {},
  description:
    'Extra tags for every resource hactl creates. Keys: 1–128 of a-z A-Z 0-9 + - = . , _ : @ (no spaces or "/"), not starting with aws: or hactl:.',
  maxProperties: 30,
  propertyNames: Pattern(PATTERNS.tagKey),
  title: 'Tags',
  type: 'object',
})

export const HactlConfigSchema = Type.Object(
  {
    app: StringEnum(APP_NAMES, {description: 'The PHP application: moodle or wordpress. Most defaults depend on it.'}),
    cache: Cache,
    cron: Cron,
    database: Database,
    domain: Type.Optional(
      Type.String({
        description: 'The site\'s public hostname, e.g. www.example.org. Leave it out to use the Elastic Beanstalk URL.',
        format: 'hostname',
        maxLength: 253,
      }),
    ),
    environment: Environment,
    https: Https,
    images: Images,
    network: Network,
    notify: Notify,
    region: Pattern(PATTERNS.region, {description: 'AWS Region the site runs in, e.g. eu-west-1. --region overrides it.'}),
    seed: Seed,
    site: Pattern(PATTERNS.site, {
      description:
        'Short name of the site: 3–23 lowercase letters, digits and "-". It goes into AWS resource names, the hactl:site tag and SSM paths (/hactl/<site>/…), so it cannot change later.',
    }),
    staging: Staging,
    tags: Tags,
    uploads: Uploads,
  },
  {
    additionalProperties: false,
    description: 'Configuration of one site run by hactl. Every key but site, app and region has a default.',
    title: 'hactl.yml',
  },
)

/** hactl.yml with every default applied. */
export type HactlConfig = Static<typeof HactlConfigSchema>

/** The keys a user must write; everything else has a default. */
export const REQUIRED_KEYS = ['site', 'app', 'region'] as const

/** Order in which keys are written to a generated hactl.yml (required first, then as a reader meets them). */
export {KEY_ORDER} from './key-order'

type JsonSchema = Record<string, unknown>

/** A plain JSON copy (TypeBox marks schemas with symbol keys that do not belong in a file). */
function plain(schema: TSchema): JsonSchema {
  return JSON.parse(JSON.stringify(schema)) as JsonSchema
}

function withoutNestedRequired(schema: JsonSchema, root: boolean): JsonSchema {
  const out: JsonSchema = {...schema}
  if (!root) delete out.required
  if (typeof out.properties === 'object' && out.properties !== null) {
    out.properties = Object.fromEntries(
      Object.entries(out.properties as Record<string, JsonSchema>).map(([k, v]) => [k, withoutNestedRequired(v, false)]),
    )
  }

  return out
}

/** The resolved schema as plain JSON, for ajv. */
export function resolvedSchema(): JsonSchema {
  return plain(HactlConfigSchema)
}

/**
 * The schema of the file as written: only site, app and region are required,
 * since every other key has a default. This is what editors get.
 */
export function configFileSchema(): JsonSchema {
  const schema = withoutNestedRequired(plain(HactlConfigSchema), true)
  schema.required = [...REQUIRED_KEYS]
  return schema
}
