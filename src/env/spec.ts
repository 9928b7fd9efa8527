/**
 * What a site's environment should look like, computed from hactl.yml alone:
 * the security group rules, the EB option settings, the environment
 * properties, the IAM policies and the create inputs of the data tier.
 *
 * Pure functions, so `hactl plan` can show all of it offline and
 * `hactl env create` builds exactly what the plan showed. What is only known
 * once something exists (a group id, an endpoint) comes in through
 * {@link Refs}; offline, the plan passes placeholders.
 */
import type {ConfigurationOptionSetting} from '@aws-sdk/client-elastic-beanstalk'
import type {IpPermission} from '@aws-sdk/client-ec2'
import type {CreateCacheClusterCommandInput, CreateReplicationGroupCommandInput} from '@aws-sdk/client-elasticache'
import type {CreateDBClusterCommandInput, CreateDBInstanceCommandInput} from '@aws-sdk/client-rds'

import {EB} from '../aws/eb-options'
import {tagList} from '../aws/resource-calls'
import {isAuroraEngine, SCALING_METRIC_INFO} from '../config/constants'
import type {HactlConfig} from '../config/schema'
import {INSTANCE_LOG_RETENTION_DAYS} from '../site/log-groups'
import {siteNames, type SecurityGroupRole} from '../site/names'
import type {SitePointers} from '../seed/pointers'
import {httpsEnabled, httpsOptionSettings} from './https'

import type {Tags} from '../aws/types'

export type {Tags}

/** What only exists once created; offline the plan fills in placeholders. */
export interface Refs {
  readonly account: string
  readonly vpcId: string
  readonly instanceSubnets: readonly string[]
  readonly loadBalancerSubnets: readonly string[]
  readonly securityGroups: Readonly<Record<SecurityGroupRole, string>>
  readonly efsId: string
  readonly accessPointId: string
  readonly db: {readonly endpoint: string; readonly port: number; readonly readerEndpoint?: string; readonly secretArn: string}
  readonly cache: {readonly endpoint: string; readonly port: number; readonly secretArn?: string}
  /** The app's own DB user and password (pointers.ts dbAppSecretArn): what the app renders, never the master secret. */
  readonly appDbSecretArn: string
  /** The site's ACM certificate (with `domain`); the HTTPS listener is set only with it. */
  readonly certificateArn?: string
}

/** EB environment properties: at most 4,096 bytes together, values at most 256 characters (AWS-NOTES §1.10). */
export const ENV_PROPERTIES_MAX_BYTES = 4096
export const ENV_PROPERTY_VALUE_MAX = 256

/** The web root inside the bundle; the predeploy hook points it at the baked code (kept equal to bundle.ts's by a test). */
export const DOCUMENT_ROOT = '/public'

export function tagsFor(config: HactlConfig, role: string): Tags {
  return {...config.tags, 'hactl:role': role, 'hactl:site': config.site}
}

export function dbPort(config: HactlConfig): number {
  return config.database.engine.includes('postgres') ? 5432 : 3306
}

export function cachePort(config: HactlConfig): number {
  return config.cache.engine === 'redis' ? 6379 : 11211
}

export function isAurora(config: HactlConfig): boolean {
  return isAuroraEngine(config.database.engine)
}

// ---------------------------------------------------------------------------
// Security groups

export interface SecurityGroupSpec {
  readonly role: SecurityGroupRole
  readonly name: string
  readonly description: string
  /** Who may connect, for people: "tcp/3306 from web, seed". */
  readonly admits: readonly string[]
  readonly ingress: readonly IpPermission[]
}

function fromGroups(port: number, groups: readonly string[], why: string): IpPermission {
  return {
    FromPort: port,
    IpProtocol: 'tcp',
    ToPort: port,
    UserIdGroupPairs: groups.map((GroupId) => ({Description: why, GroupId})),
  }
}

function fromAnywhere(port: number, why: string): IpPermission {
  return {FromPort: port, IpProtocol: 'tcp', IpRanges: [{CidrIp: '0.0.0.0/0', Description: why}], Ipv6Ranges: [{CidrIpv6: '::/0', Description: why}], ToPort: port}
}

/**
 * The site's security groups. Only the load balancer's listener is open to the
 * world; the web group admits only the load balancer; the data tier admits only
 * the web instances and the seed, each on its own port; the seed admits nothing
 * (it is reached through SSM, never SSH).
 */
export function securityGroupSpecs(config: HactlConfig, ids: Readonly<Record<SecurityGroupRole, string>>): SecurityGroupSpec[] {
  const names = siteNames(config.site, config.region)
  const clients = [ids.web, ids.seed]
  const spec = (role: SecurityGroupRole, description: string, admits: string[], ingress: IpPermission[]): SecurityGroupSpec => ({
    admits,
    description: `hactl ${config.site}: ${description}`,
    ingress,
    name: names.securityGroup[role],
    role,
  })
  return [
    // With a domain, 443 (HTTPS) too; 80 stays open for the redirect to HTTPS.
    spec('lb', 'load balancer listener', httpsEnabled(config) ? ['tcp/80, tcp/443 from 0.0.0.0/0 and ::/0 (the listeners)'] : ['tcp/80 from 0.0.0.0/0 and ::/0 (the listener)'], [
      fromAnywhere(80, 'HTTP listener'),
      ...(httpsEnabled(config) ? [fromAnywhere(443, 'HTTPS listener')] : []),
    ]),
    spec('web', 'web instances', ['tcp/80 from lb'], [fromGroups(80, [ids.lb], 'load balancer')]),
    spec('seed', 'seed instance (no inbound: reached through SSM)', [], []),
    spec('efs', 'uploads file system', ['tcp/2049 from web, seed'], [fromGroups(2049, clients, 'NFS from web and seed')]),
    spec('db', 'database', [`tcp/${dbPort(config)} from web, seed`], [fromGroups(dbPort(config), clients, 'database from web and seed')]),
    spec('cache', 'cache', [`tcp/${cachePort(config)} from web, seed`], [fromGroups(cachePort(config), clients, 'cache from web and seed')]),
  ]
}

// ---------------------------------------------------------------------------
// Elastic Beanstalk

/**
 * Environment properties: pointers only (ids, endpoints, secret ARNs), never
 * a secret. An empty value is left out, not sent as "": EB may drop empty
 * properties, and then every re-run would see a difference and send an
 * UpdateEnvironment (issue 8, found by trying 13); the boot scripts treat a
 * missing property as empty.
 */
export function environmentProperties(config: HactlConfig, refs: Refs): Record<string, string> {
  const all: Record<string, string> = {
    HACTL_APP: config.app,
    HACTL_CACHE_ENDPOINT: refs.cache.endpoint,
    HACTL_CACHE_ENGINE: config.cache.engine,
    HACTL_CACHE_PORT: String(refs.cache.port),
    HACTL_CACHE_SECRET_ARN: refs.cache.secretArn ?? '',
    HACTL_DB_ENDPOINT: refs.db.endpoint,
    HACTL_DB_NAME: config.database.name,
    HACTL_DB_PORT: String(refs.db.port),
    HACTL_DB_READER_ENDPOINT: refs.db.readerEndpoint ?? '',
    HACTL_DB_SECRET_ARN: refs.db.secretArn,
    HACTL_EFS_ACCESS_POINT: refs.accessPointId,
    HACTL_EFS_ID: refs.efsId,
    HACTL_HEALTH_PATH: config.environment.healthCheckPath,
    HACTL_SITE: config.site,
    HACTL_UPLOADS_PATH: config.uploads.path,
  }
  return Object.fromEntries(Object.entries(all).filter(([, value]) => value !== ''))
}

/**
 * The site's pointer parameter (`/hactl/<site>/site`, src/seed/pointers.ts):
 * what the seed and the web nodes read at boot to find the database, the
 * cache, the uploads and the ARNs of their secrets. No secret in it.
 */
export function sitePointers(config: HactlConfig, refs: Pick<Refs, 'accessPointId' | 'appDbSecretArn' | 'cache' | 'db' | 'efsId'>): SitePointers {
  return {
    app: config.app,
    cacheEndpoint: refs.cache.endpoint,
    cacheEngine: config.cache.engine,
    cachePort: refs.cache.port,
    cacheSecretArn: refs.cache.secretArn ?? '',
    cacheTls: true,
    dbAppSecretArn: refs.appDbSecretArn,
    dbEndpoint: refs.db.endpoint,
    dbEngine: config.database.engine,
    dbName: config.database.name,
    dbPort: refs.db.port,
    dbReaderEndpoint: refs.db.readerEndpoint ?? '',
    dbSecretArn: refs.db.secretArn,
    efsAccessPoint: refs.accessPointId,
    efsId: refs.efsId,
    site: config.site,
    uploadsPath: config.uploads.path,
  }
}

/** Size as EB counts it: every `key=value`, together. */
export function environmentPropertiesSize(properties: Readonly<Record<string, string>>): number {
  return Object.entries(properties).reduce((sum, [key, value]) => sum + Buffer.byteLength(`${key}=${value}`), 0)
}

/** Problems with the properties against EB's limits (empty when fine). */
export function environmentPropertyProblems(properties: Readonly<Record<string, string>>): string[] {
  const problems = Object.entries(properties)
    .filter(([, value]) => value.length > ENV_PROPERTY_VALUE_MAX)
    .map(([key, value]) => `${key} is ${value.length} characters; Elastic Beanstalk allows ${ENV_PROPERTY_VALUE_MAX}`)
  const size = environmentPropertiesSize(properties)
  if (size > ENV_PROPERTIES_MAX_BYTES) problems.push(`environment properties total ${size} bytes; Elastic Beanstalk allows ${ENV_PROPERTIES_MAX_BYTES}`)
  return problems
}

function option(Namespace: string, OptionName: string, Value: string | number | boolean): ConfigurationOptionSetting {
  return {Namespace, OptionName, Value: String(Value)}
}

/** EB's Timeout for a health-based rolling update is PT5M–PT1H. */
function rollingTimeout(minutes: number): string {
  return `PT${Math.min(60, Math.max(5, minutes))}M`
}

/**
 * Every option that matters, set explicitly: the API applies no "recommended
 * values" (AWS-NOTES §1.13), and a setting given by API overrides the same one
 * in .ebextensions.
 */
export function optionSettings(config: HactlConfig, refs: Refs): ConfigurationOptionSetting[] {
  const names = siteNames(config.site, config.region)
  const env = config.environment
  const {scaling, rollout} = env
  const metric = SCALING_METRIC_INFO[scaling.metric]
  const rolling = rollout.policy === 'RollingByHealth'
  // The default VPC's subnets are public and have no NAT: instances need a public address to reach AWS APIs.
  const publicIp = config.network.vpcId === 'default'
  const settings = [
    option(EB.environment.namespace, EB.environment.EnvironmentType, 'LoadBalanced'),
    option(EB.environment.namespace, EB.environment.LoadBalancerType, 'application'),
    option(EB.environment.namespace, EB.environment.ServiceRole, names.serviceRole),
    option(EB.healthReporting.namespace, EB.healthReporting.SystemType, 'enhanced'),
    option(EB.managedActions.namespace, EB.managedActions.ManagedActionsEnabled, false),
    option(EB.launch.namespace, EB.launch.IamInstanceProfile, names.instanceProfile),
    option(EB.launch.namespace, EB.launch.SecurityGroups, refs.securityGroups.web),
    // Else EB adds its own instance group, open to the world on 80 and 22 (invariant 6).
    option(EB.launch.namespace, EB.launch.DisableDefaultEC2SecurityGroup, true),
    option(EB.launch.namespace, EB.launch.DisableIMDSv1, true),
    option(EB.launch.namespace, EB.launch.RootVolumeType, 'gp3'),
    option(EB.instances.namespace, EB.instances.InstanceTypes, env.instanceType),
    option(EB.vpc.namespace, EB.vpc.VPCId, refs.vpcId),
    option(EB.vpc.namespace, EB.vpc.Subnets, refs.instanceSubnets.join(',')),
    option(EB.vpc.namespace, EB.vpc.ELBSubnets, refs.loadBalancerSubnets.join(',')),
    option(EB.vpc.namespace, EB.vpc.ELBScheme, 'public'),
    option(EB.vpc.namespace, EB.vpc.AssociatePublicIpAddress, publicIp),
    option(EB.loadBalancer.namespace, EB.loadBalancer.SecurityGroups, refs.securityGroups.lb),
    option(EB.loadBalancer.namespace, EB.loadBalancer.ManagedSecurityGroup, refs.securityGroups.lb),
    option(EB.process.namespace, EB.process.HealthCheckPath, env.healthCheckPath),
    option(EB.process.namespace, EB.process.MatcherHTTPCode, '200'),
    option(EB.process.namespace, EB.process.Port, 80),
    option(EB.process.namespace, EB.process.Protocol, 'HTTP'),
    option(EB.asg.namespace, EB.asg.MinSize, env.minSize),
    option(EB.asg.namespace, EB.asg.MaxSize, env.maxSize),
    option(EB.trigger.namespace, EB.trigger.MeasureName, scaling.metric),
    option(EB.trigger.namespace, EB.trigger.Statistic, 'Average'),
    option(EB.trigger.namespace, EB.trigger.Unit, metric.unit),
    option(EB.trigger.namespace, EB.trigger.Period, scaling.periodMinutes),
    option(EB.trigger.namespace, EB.trigger.EvaluationPeriods, scaling.evaluationPeriods),
    // EB wants BreachDuration = Period × EvaluationPeriods, or it changes one of them.
    option(EB.trigger.namespace, EB.trigger.BreachDuration, scaling.periodMinutes * scaling.evaluationPeriods),
    option(EB.trigger.namespace, EB.trigger.UpperThreshold, scaling.upperThreshold),
    option(EB.trigger.namespace, EB.trigger.LowerThreshold, scaling.lowerThreshold),
    option(EB.trigger.namespace, EB.trigger.UpperBreachScaleIncrement, 1),
    option(EB.trigger.namespace, EB.trigger.LowerBreachScaleIncrement, -1),
    option(EB.rolling.namespace, EB.rolling.RollingUpdateEnabled, true),
    option(EB.rolling.namespace, EB.rolling.RollingUpdateType, rolling ? 'Health' : 'Immutable'),
    // Invariant 3: never below the minimum in service during a rollout.
    ...(rolling
      ? [
          option(EB.rolling.namespace, EB.rolling.MaxBatchSize, rollout.batchSize),
          option(EB.rolling.namespace, EB.rolling.MinInstancesInService, env.minSize),
        ]
      : []),
    option(EB.rolling.namespace, EB.rolling.Timeout, rollingTimeout(rollout.timeoutMinutes)),
    // Bundle deployments: an extra batch first, so capacity never drops (or a full immutable set).
    option(EB.command.namespace, EB.command.DeploymentPolicy, rolling ? 'RollingWithAdditionalBatch' : 'Immutable'),
    ...(rolling
      ? [option(EB.command.namespace, EB.command.BatchSizeType, 'Fixed'), option(EB.command.namespace, EB.command.BatchSize, rollout.batchSize)]
      : []),
    option(EB.phpIni.namespace, EB.phpIni.document_root, DOCUMENT_ROOT),
    // The instance logs in CloudWatch (`hactl logs`), kept after instances are replaced.
    option(EB.cloudwatchLogs.namespace, EB.cloudwatchLogs.StreamLogs, true),
    option(EB.cloudwatchLogs.namespace, EB.cloudwatchLogs.DeleteOnTerminate, false),
    option(EB.cloudwatchLogs.namespace, EB.cloudwatchLogs.RetentionInDays, INSTANCE_LOG_RETENTION_DAYS),
    ...httpsOptionSettings(refs.certificateArn),
    ...Object.entries(environmentProperties(config, refs)).map(([key, value]) =>
      option(EB.properties.namespace, key, value),
    ),
  ]
  return settings
}

/** The instance counts the plan reports. */
export interface InstanceEstimate {
  readonly web: {readonly min: number; readonly max: number}
  /** Most web instances at once during a rollout. */
  readonly webDuringRollout: number
  readonly seed: number
  readonly database: number
  readonly cacheNodes: number
}

export function estimateInstances(config: HactlConfig): InstanceEstimate {
  const env = config.environment
  const rolling = env.rollout.policy === 'RollingByHealth'
  const database = isAurora(config) ? 1 + (config.database.readers ?? 0) : config.database.multiAz ? 2 : 1
  const cacheNodes = config.cache.engine === 'redis' ? 1 + (config.cache.replicas ?? 0) : Math.max(2, config.cache.replicas ?? 0)
  return {
    cacheNodes,
    database,
    seed: 1,
    web: {max: env.maxSize, min: env.minSize},
    webDuringRollout: rolling ? Math.min(env.maxSize, env.minSize + env.rollout.batchSize) : env.maxSize * 2,
  }
}

// ---------------------------------------------------------------------------
// Data tier

/** The Aurora engine's mode of the RDS engine name: aurora-mysql → mysql. */
const DEFAULT_MASTER_USER = 'hactladmin'

/**
 * `version`: the exact engine version the parameter group step resolved
 * (RDS DescribeDBEngineVersions), so the database and its parameter group's
 * family agree; without it, hactl.yml's (possibly major-only) version.
 */
export function dbInstanceInput(config: HactlConfig, refs: Pick<Refs, 'securityGroups'>, version?: string): CreateDBInstanceCommandInput {
  const names = siteNames(config.site, config.region)
  const db = config.database
  return {
    AllocatedStorage: db.storageGb ?? 20,
    AutoMinorVersionUpgrade: true,
    BackupRetentionPeriod: db.backupRetentionDays,
    CopyTagsToSnapshot: true,
    DBInstanceClass: db.instanceClass,
    DBInstanceIdentifier: names.db,
    DBName: db.name,
    DBParameterGroupName: names.dbParameterGroup,
    DBSubnetGroupName: names.dbSubnetGroup,
    DeletionProtection: true,
    Engine: db.engine,
    EngineVersion: version ?? db.version,
    // RDS keeps the password in Secrets Manager; hactl never sees it (invariant 5).
    ManageMasterUserPassword: true,
    MasterUsername: DEFAULT_MASTER_USER,
    MultiAZ: db.multiAz,
    PubliclyAccessible: false,
    StorageEncrypted: true,
    StorageType: 'gp3',
    Tags: tagList(tagsFor(config, 'db')),
    VpcSecurityGroupIds: [refs.securityGroups.db],
  }
}

/**
 * `version`: the resolved exact version. Aurora's look like
 * `8.0.mysql_aurora.3.08.0`; whether CreateDBCluster takes a bare `8.0` for
 * aurora-mysql is not documented (AWS-NOTES-2 A.1 row 5), so the exact one
 * is sent (issue 8, documentation 4).
 */
export function dbClusterInput(config: HactlConfig, refs: Pick<Refs, 'securityGroups'>, version?: string): CreateDBClusterCommandInput {
  const names = siteNames(config.site, config.region)
  const db = config.database
  return {
    BackupRetentionPeriod: db.backupRetentionDays,
    CopyTagsToSnapshot: true,
    DBClusterIdentifier: names.db,
    DBClusterParameterGroupName: names.dbParameterGroup,
    DBSubnetGroupName: names.dbSubnetGroup,
    DatabaseName: db.name,
    DeletionProtection: true,
    Engine: db.engine,
    EngineVersion: version ?? db.version,
    ManageMasterUserPassword: true,
    MasterUsername: DEFAULT_MASTER_USER,
    StorageEncrypted: true,
    Tags: tagList(tagsFor(config, 'db')),
    VpcSecurityGroupIds: [refs.securityGroups.db],
  }
}

/**
 * The Aurora writer (index 0) and readers, spread round-robin over the
 * site's Availability Zones so a reader can take over when the writer's AZ fails.
 */
export function auroraInstanceInputs(config: HactlConfig, zones: readonly string[] = []): CreateDBInstanceCommandInput[] {
  const names = siteNames(config.site, config.region)
  const count = 1 + (config.database.readers ?? 0)
  return Array.from({length: count}, (_, index) => ({
    AvailabilityZone: zones.length > 0 ? zones[index % zones.length] : undefined,
    DBClusterIdentifier: names.db,
    DBInstanceClass: config.database.instanceClass,
    DBInstanceIdentifier: names.auroraInstance(index),
    Engine: config.database.engine,
    PubliclyAccessible: false,
    Tags: tagList(tagsFor(config, index === 0 ? 'db-writer' : 'db-reader')),
  }))
}

export function replicationGroupInput(
  config: HactlConfig,
  refs: Pick<Refs, 'securityGroups'>,
  authToken: string,
): CreateReplicationGroupCommandInput {
  const names = siteNames(config.site, config.region)
  const clusters = 1 + (config.cache.replicas ?? 0)
  const failover = clusters > 1
  return {
    AtRestEncryptionEnabled: true,
    AuthToken: authToken,
    AutomaticFailoverEnabled: failover,
    CacheNodeType: config.cache.nodeType,
    CacheSubnetGroupName: names.cacheSubnetGroup,
    Engine: 'redis',
    MultiAZEnabled: failover,
    NumCacheClusters: clusters,
    Port: 6379,
    ReplicationGroupDescription: `hactl ${config.site}: sessions and object cache`,
    ReplicationGroupId: names.cache,
    SecurityGroupIds: [refs.securityGroups.cache],
    Tags: tagList(tagsFor(config, 'cache')),
    TransitEncryptionEnabled: true,
    // "preferred" would still accept plaintext clients.
    TransitEncryptionMode: 'required',
  }
}

export function memcachedInput(config: HactlConfig, refs: Pick<Refs, 'securityGroups'>): CreateCacheClusterCommandInput {
  const names = siteNames(config.site, config.region)
  const nodes = estimateInstances(config).cacheNodes
  return {
    AZMode: nodes > 1 ? 'cross-az' : 'single-az',
    CacheClusterId: names.cache,
    CacheNodeType: config.cache.nodeType,
    CacheSubnetGroupName: names.cacheSubnetGroup,
    Engine: 'memcached',
    NumCacheNodes: nodes,
    Port: 11211,
    SecurityGroupIds: [refs.securityGroups.cache],
    Tags: tagList(tagsFor(config, 'cache')),
    TransitEncryptionEnabled: true,
  }
}

/** The parameters that make the database refuse unencrypted connections (invariant 6). */
export function dbTlsParameters(config: HactlConfig): Record<string, string> {
  if (config.database.engine.includes('postgres')) return {'rds.force_ssl': '1'}
  // RDS for MySQL/MariaDB takes 1; Aurora MySQL's cluster parameter takes ON.
  return {require_secure_transport: config.database.engine === 'aurora-mysql' ? 'ON' : '1'}
}

/**
 * The uploads file system's policy: no mount without TLS, and none except
 * through the site's access point, so a client that can reach a mount target
 * still cannot mount the file system's root.
 */
export function efsPolicy(config: HactlConfig, refs: Pick<Refs, 'account' | 'accessPointId' | 'efsId'>): string {
  const fileSystem = `arn:aws:elasticfilesystem:${config.region}:${refs.account}:file-system/${refs.efsId}`
  const accessPoint = `arn:aws:elasticfilesystem:${config.region}:${refs.account}:access-point/${refs.accessPointId}`
  return JSON.stringify({
    Statement: [
      {
        Action: '*',
        Condition: {Bool: {'aws:SecureTransport': 'false'}},
        Effect: 'Deny',
        Principal: {AWS: '*'},
        Resource: fileSystem,
        Sid: 'DenyWithoutTls',
      },
      {
        Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
        Condition: {StringNotEquals: {'elasticfilesystem:AccessPointArn': accessPoint}},
        Effect: 'Deny',
        Principal: {AWS: '*'},
        Resource: fileSystem,
        Sid: 'DenyExceptThroughAccessPoint',
      },
      {
        Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
        Condition: {Bool: {'elasticfilesystem:AccessedViaMountTarget': 'true'}},
        Effect: 'Allow',
        Principal: {AWS: `arn:aws:iam::${refs.account}:root`},
        Resource: fileSystem,
        Sid: 'AllowThisAccountThroughMountTargets',
      },
    ],
    Version: '2012-10-17',
  })
}

/**
 * The uid/gid the access point enforces for every NFS call, whatever user the
 * client runs as: not root (which would need ClientRootAccess), the same on
 * web nodes and the seed.
 */
export const UPLOADS_POSIX_ID = 1000

// IAM policies live in spec-iam.ts (re-exported here, so callers keep one import).
export {INSTANCE_POLICY_NAME, instancePolicy, MANAGED_POLICIES, SERVICE_POLICY_NAME, serviceRolePolicy, trustPolicy} from './spec-iam'

// ---------------------------------------------------------------------------
// Comparing with what exists

/** A value as EB may echo it back: lists in any order and spacing, booleans in any case. */
function normalOptionValue(value: string | undefined): string {
  const text = (value ?? '').trim()
  if (/^(true|false)$/i.test(text)) return text.toLowerCase()
  if (text.includes(',')) return text.split(',').map((part) => part.trim()).sort().join(',')
  return text
}

export interface OptionChange {
  readonly namespace: string
  readonly option: string
  readonly value: string
  /** The deployed value, undefined when the option is not set. */
  readonly current?: string
}

/**
 * The desired options whose deployed value differs. Only options hactl sets
 * are compared (EB reports dozens of its own defaults), and values are
 * compared the way EB may echo them, so a re-run never starts a needless
 * update (which, for launch settings, would replace every instance).
 */
export function changedOptions(
  desired: readonly ConfigurationOptionSetting[],
  deployed: ReadonlyArray<{readonly Namespace?: string; readonly OptionName?: string; readonly Value?: string}>,
): OptionChange[] {
  const current = new Map(deployed.map((o) => [`${o.Namespace}|${o.OptionName}`, o.Value]))
  return desired.flatMap((o) => {
    const key = `${o.Namespace}|${o.OptionName}`
    const now = current.get(key)
    if (current.has(key) && normalOptionValue(now) === normalOptionValue(o.Value)) return []
    return [{current: now, namespace: o.Namespace ?? '', option: o.OptionName ?? '', value: o.Value ?? ''}]
  })
}

/**
 * The namespaces whose changes replace every instance (a new launch
 * configuration): "Configuration changes that modify the launch
 * configuration or VPC settings require terminating all instances"
 * (EBDG `environments-updating`), and anything in the EC2 instances topic
 * (EBDG `using-features.managing.ec2`; AWS-NOTES §2.3 rule 1).
 */
export const LAUNCH_NAMESPACES: readonly string[] = [EB.launch.namespace, EB.instances.namespace, EB.vpc.namespace]

/**
 * The UpdateEnvironment calls that bring the changes about, in order. One
 * call normally; an Immutable site's launch-configuration changes go in a
 * call of their own, after the rest: "You can't perform an immutable update
 * in concert with resource configuration changes" (EBDG
 * `environmentmgmt-updates-immutable`; AWS-NOTES-2 A.1 row 13).
 */
export function optionUpdateBatches(config: HactlConfig, changes: readonly OptionChange[]): OptionChange[][] {
  if (changes.length === 0) return []
  if (config.environment.rollout.policy !== 'Immutable') return [[...changes]]
  const launch = changes.filter((change) => LAUNCH_NAMESPACES.includes(change.namespace))
  const others = changes.filter((change) => !LAUNCH_NAMESPACES.includes(change.namespace))
  return [others, launch].filter((batch) => batch.length > 0)
}

/** JSON with sorted keys, so two renderings of one policy compare equal. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }

  return JSON.stringify(value)
}

/** Whether two policy documents say the same (AWS may return them reformatted). */
export function samePolicy(a: string, b: string): boolean {
  try {
    return canonicalJson(JSON.parse(a)) === canonicalJson(JSON.parse(b))
  } catch {
    return false
  }
}

/** Settings of the live database and cache that differ from hactl.yml (hactl creates them, it does not resize them). */
export function dataTierDrift(
  config: HactlConfig,
  live: {
    readonly db?: {readonly instanceClass?: string; readonly multiAz?: boolean; readonly backupRetentionDays?: number}
    readonly cache?: {readonly nodeType?: string; readonly nodes?: number}
  },
): string[] {
  const drift: string[] = []
  const db = config.database
  const differs = (what: string, want: unknown, have: unknown) => {
    if (have !== undefined && want !== undefined && have !== want) drift.push(`${what} is ${String(have)}, hactl.yml says ${String(want)}`)
  }

  differs('database.instanceClass', db.instanceClass, live.db?.instanceClass)
  if (!isAurora(config)) differs('database.multiAz', db.multiAz, live.db?.multiAz)
  differs('database.backupRetentionDays', db.backupRetentionDays, live.db?.backupRetentionDays)
  differs('cache.nodeType', config.cache.nodeType, live.cache?.nodeType)
  differs(config.cache.engine === 'redis' ? 'cache.replicas (nodes)' : 'cache nodes', estimateInstances(config).cacheNodes, live.cache?.nodes)
  return drift
}
