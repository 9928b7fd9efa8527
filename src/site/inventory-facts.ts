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
  /** The EB environment; with `settings`, `health` (only asked of a Ready environment) and `instances` read too. */
  readonly environment?: boolean | {readonly settings?: boolean; readonly health?: boolean; readonly instances?: boolean}
  /** The six security groups, by name in this VPC (where `env create` makes them). */
  readonly securityGroups?: {readonly vpcId: string}
  /** Instance role, EB service role, instance profile. */
  readonly iam?: boolean
  /** The EFS file system, its mount targets and access points; `policy` adds the file system policy. */
  readonly uploads?: boolean | {readonly policy?: boolean}
  /** The RDS instance or Aurora cluster; `members` adds an Aurora cluster's instances, `supporting` the subnet and parameter groups. */
  readonly database?: boolean | {readonly members?: boolean; readonly supporting?: boolean}
  /** The Redis replication group or Memcached cluster; `supporting` adds the cache subnet group. */
  readonly cache?: boolean | {readonly supporting?: boolean}
  /** The Redis AUTH token secret. */
  readonly secrets?: boolean
  /** An application version (by label) and whether its bundle is in S3. */
  readonly bundle?: {readonly versionLabel: string}
  /** Instances tagged as the site's seed. */
  readonly seed?: boolean
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
}

export interface CacheFacts {
  readonly replicationGroup?: ReplicationGroup
  readonly cluster?: CacheCluster
  /** When `supporting` was wanted. */
  readonly subnetGroup?: CacheSubnetGroup
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
  readonly images?: ImageFacts
  readonly pointers?: PointerFacts
  readonly lock?: LockState
}
