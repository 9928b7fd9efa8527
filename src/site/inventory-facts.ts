/**
 * What `readSite` answers: typed facts about what exists for a site. Each
 * part is present only when it was wanted; inside a part, a resource that
 * does not exist is `undefined` (or an empty list), so "not asked" and
 * "asked, not there" never look alike.
 */
import type {ApplicationDescription, ApplicationVersionDescription, ConfigurationOptionSetting, EnvironmentDescription} from '@aws-sdk/client-elastic-beanstalk'
import type {Image, Instance, SecurityGroup} from '@aws-sdk/client-ec2'
import type {AccessPointDescription, FileSystemDescription, MountTargetDescription} from '@aws-sdk/client-efs'
import type {CacheCluster, CacheSubnetGroup, ReplicationGroup} from '@aws-sdk/client-elasticache'
import type {InstanceProfile, Role} from '@aws-sdk/client-iam'
import type {DBCluster, DBInstance, DBSubnetGroup} from '@aws-sdk/client-rds'

import type {EnvironmentHealth, EnvironmentResources} from '../aws/eb'
import type {SecretSummary} from '../aws/secrets'
import type {LockState} from './lock'
import type {SecurityGroupRole} from './names'

/** Which parts of the site to read. Leave a part out and nothing of it is read. */
export interface SiteWant {
  /** The EB application. */
  readonly application?: boolean
  /**
   * The EB environment; with `settings`, `health` (only asked of a Ready
   * environment) and `instances` read too (`{states}`: only instances in
   * those states, e.g. doctor's `['running']`).
   */
  readonly environment?:
    | boolean
    | {readonly settings?: boolean; readonly health?: boolean; readonly instances?: boolean | {readonly states: readonly string[]}}
  /** The six security groups, by name in this VPC (where `env create` makes them). */
  readonly securityGroups?: {readonly vpcId: string}
  /** Instance role, EB service role, instance profile. */
  readonly iam?: boolean
  /**
   * The EFS file system, its mount targets and access points; `policy` adds
   * the file system policy, `backup` the backup policy's status,
   * `mountTargetGroups` each available mount target's security groups;
   * `accessPoints: false` leaves the access points out.
   */
  readonly uploads?: boolean | {readonly policy?: boolean; readonly backup?: boolean; readonly mountTargetGroups?: boolean; readonly accessPoints?: boolean}
  /**
   * The RDS instance or Aurora cluster; `members` adds an Aurora cluster's
   * instances, `supporting` the subnet and parameter groups, `tlsParameters`
   * those parameters' values in the (cluster) parameter group it uses.
   */
  readonly database?: boolean | {readonly members?: boolean; readonly supporting?: boolean; readonly tlsParameters?: readonly string[]}
  /** The Redis replication group or Memcached cluster; `supporting` adds the cache subnet group, `memberGroups` each Redis member cluster's security groups. */
  readonly cache?: boolean | {readonly supporting?: boolean; readonly memberGroups?: boolean}
  /** The Redis AUTH token secret. */
  readonly secrets?: boolean
  /** An application version (by label) and whether its bundle is in S3. */
  readonly bundle?: {readonly versionLabel: string}
  /** Instances tagged as the site's seed. */
  readonly seed?: boolean
  /** Running instances tagged hactl:site=<site> (the seed, and web instances EB tagged). */
  readonly siteInstances?: boolean
  /** Security groups tagged hactl:site=<site>, in any VPC. */
  readonly taggedSecurityGroups?: boolean
  /** AMIs the account owns tagged with the site. */
  readonly images?: boolean
  /** SSM parameters under /hactl/<site>/ other than the lock. */
  readonly pointers?: boolean
  /** The site lock (/hactl/<site>/lock), judged stale or not by site/lock. */
  readonly lock?: boolean
}

export interface ApplicationFacts {
  readonly application?: ApplicationDescription
}

export interface EnvironmentFacts {
  readonly description?: EnvironmentDescription
  /** Deployed option settings; empty when not wanted or no environment. */
  readonly settings: readonly ConfigurationOptionSetting[]
  /** Enhanced health, read only for a Ready environment when wanted. */
  readonly health?: EnvironmentHealth
  /** What EB says the environment is made of (instance ids …), when instances were wanted. */
  readonly resources?: EnvironmentResources
  /** The environment's instances in any state, sorted by id. */
  readonly instances: readonly Instance[]
}

export interface SecurityGroupFacts {
  readonly vpcId: string
  readonly byRole: Readonly<Partial<Record<SecurityGroupRole, SecurityGroup>>>
}

export interface IamFacts {
  readonly instanceRole?: Role
  readonly serviceRole?: Role
  readonly instanceProfile?: InstanceProfile
}

export interface UploadsFacts {
  readonly fileSystem?: FileSystemDescription
  readonly mountTargets: readonly MountTargetDescription[]
  readonly accessPoints: readonly AccessPointDescription[]
  /** The file system policy (JSON) when wanted; undefined when it has none. */
  readonly policy?: string
  /** ENABLED, DISABLED, ENABLING, DISABLING when `backup` was wanted; undefined when EFS has no backup policy for it. */
  readonly backup?: string
  /** Security group ids of each available mount target, when wanted (one deleted between the reads is left out). */
  readonly mountTargetGroups?: Readonly<Record<string, readonly string[]>>
}

export interface DatabaseFacts {
  /** The RDS instance (non-Aurora engines). */
  readonly instance?: DBInstance
  /** The Aurora cluster (Aurora engines). */
  readonly cluster?: DBCluster
  /** The Aurora cluster's instances, when `members` was wanted; else empty. */
  readonly clusterInstances: readonly DBInstance[]
  /** When `supporting` was wanted. */
  readonly subnetGroup?: DBSubnetGroup
  /** When `supporting` was wanted: whether the (cluster) parameter group exists. */
  readonly parameterGroupExists?: boolean
  /** When `tlsParameters` were wanted and the database exists. */
  readonly tls?: DatabaseTls
}

/** The database's (cluster) parameter group and the TLS parameters' values in it. */
export interface DatabaseTls {
  /** DB parameter group of the instance, or DB cluster parameter group of the Aurora cluster. */
  readonly parameterGroup: string
  /** Parameter → its value; undefined when the group does not set it. */
  readonly values: Readonly<Record<string, string | undefined>>
}

export interface CacheFacts {
  readonly replicationGroup?: ReplicationGroup
  readonly cluster?: CacheCluster
  /** When `supporting` was wanted. */
  readonly subnetGroup?: CacheSubnetGroup
  /** Security group ids of each Redis member cluster (`<group>-001` …), when wanted: ElastiCache reports groups per cluster. */
  readonly memberGroups?: Readonly<Record<string, readonly string[]>>
}

export interface SecretFacts {
  /** The Redis AUTH token secret, also when it is scheduled for deletion (see `deletedDate`). */
  readonly cacheAuth?: SecretSummary
  /** The app's own DB user and password (env create makes it; the seed's boot reads it). */
  readonly appDb?: SecretSummary
}

export interface BundleFacts {
  readonly versionLabel: string
  readonly version?: ApplicationVersionDescription
  /** Whether the version's bundle is in S3; undefined when there is no version to say where it would be. */
  readonly objectExists?: boolean
}

export interface SeedFacts {
  /** Instances tagged hactl:site=<site>, hactl:role=seed, not terminated. */
  readonly instances: readonly Instance[]
}

export interface ImageFacts {
  readonly images: readonly Image[]
}

export interface PointerFacts {
  /** Name below /hactl/<site>/ → value. */
  readonly values: Readonly<Record<string, string>>
}

/** Everything read about one site in one call. */
export interface SiteInventory {
  readonly site: string
  readonly application?: ApplicationFacts
  readonly environment?: EnvironmentFacts
  readonly securityGroups?: SecurityGroupFacts
  readonly iam?: IamFacts
  readonly uploads?: UploadsFacts
  readonly database?: DatabaseFacts
  readonly cache?: CacheFacts
  readonly secrets?: SecretFacts
  readonly bundle?: BundleFacts
  readonly seed?: SeedFacts
  /** Running instances tagged with the site, when `siteInstances` was wanted. */
  readonly siteInstances?: readonly Instance[]
  /** Security groups tagged with the site, when `taggedSecurityGroups` was wanted. */
  readonly taggedSecurityGroups?: readonly SecurityGroup[]
  readonly images?: ImageFacts
  readonly pointers?: PointerFacts
  readonly lock?: LockState
}
