/** A site as `hactl env create` leaves it, as SiteFacts, and the edits the doctor tests break it with. */
import type {ConfigurationOptionSetting} from '@aws-sdk/client-elastic-beanstalk'
import type {Instance, SecurityGroup} from '@aws-sdk/client-ec2'
import type {DBInstance} from '@aws-sdk/client-rds'
import type {HactlConfig} from '../../../../src/config/schema'
import {type CheckId, judgeSite, type SiteFacts} from '../../../../src/doctor/run'
import {siteNames, type SecurityGroupRole} from '../../../../src/site/names'
import {dbTlsParameters, efsPolicy, optionSettings, securityGroupSpecs, type Refs} from '../../../../src/env/spec'
import {legacyMemcachedConfig, testConfig} from '../../../_helpers/config'

export const GROUP_IDS: Record<SecurityGroupRole, string> = {
  cache: 'sg-0cache',
  db: 'sg-0db',
  efs: 'sg-0efs',
  lb: 'sg-0lb',
  seed: 'sg-0seed',
  web: 'sg-0web',
}

export const SUBNETS = ['subnet-a', 'subnet-b', 'subnet-c']
export const ZONE_OF: Record<string, string> = {'subnet-a': 'eu-west-1a', 'subnet-b': 'eu-west-1b', 'subnet-c': 'eu-west-1c'}

export function refs(): Refs {
  return {
    accessPointId: 'fsap-0123456789abcdef0',
    account: '123456789012',
    appDbSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:hactl/demo/db-app-AbCdEf',
    cache: {endpoint: 'master.hactl-demo.abc123.euw1.cache.amazonaws.com', port: 6379, secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:hactl/demo/cache-auth-AbCdEf'},
    db: {
      endpoint: 'hactl-demo-db.c9akciq32.eu-west-1.rds.amazonaws.com',
      port: 3306,
      secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-3f2a1c4e-8b7d-4e0f-9a1b-2c3d4e5f6a7b-XyZ123',
    },
    efsId: 'fs-0123456789abcdef0',
    instanceSubnets: SUBNETS,
    loadBalancerSubnets: SUBNETS,
    securityGroups: GROUP_IDS,
    vpcId: 'vpc-0123',
  }
}

export function groups(config: HactlConfig): SecurityGroup[] {
  return securityGroupSpecs(config, GROUP_IDS).map((spec) => ({
    GroupId: GROUP_IDS[spec.role],
    GroupName: spec.name,
    IpPermissions: [...spec.ingress],
    Tags: [
      {Key: 'hactl:site', Value: config.site},
      {Key: 'hactl:role', Value: spec.role},
    ],
  }))
}

export function instance(id: string, tokens: 'required' | 'optional' = 'required', groupIds: readonly string[] = [GROUP_IDS.web]): Instance {
  return {
    InstanceId: id,
    MetadataOptions: {HttpTokens: tokens},
    SecurityGroups: groupIds.map((GroupId) => ({GroupId})),
    State: {Name: 'running'},
  }
}

export const FS_ID = 'fs-0123456789abcdef0'

/** A site exactly as `hactl env create` leaves it: every check passes. */
export function healthySite(config: HactlConfig = testConfig()): SiteFacts {
  const names = siteNames(config.site, config.region)
  const mountTargetIds = ['fsmt-00', 'fsmt-01', 'fsmt-02']
  return {
    cache: {
      group: {
        AtRestEncryptionEnabled: true,
        AuthTokenEnabled: true,
        MemberClusters: [`${names.cache}-001`, `${names.cache}-002`],
        ReplicationGroupId: names.cache,
        Status: 'available',
        TransitEncryptionEnabled: true,
        TransitEncryptionMode: 'required',
      },
      kind: 'redis',
      memberGroups: {[`${names.cache}-001`]: [GROUP_IDS.cache], [`${names.cache}-002`]: [GROUP_IDS.cache]},
    },
    config,
    database: {
      instance: {
        DBInstanceIdentifier: names.db,
        DBParameterGroups: [{DBParameterGroupName: names.dbParameterGroup, ParameterApplyStatus: 'in-sync'}],
        DeletionProtection: true,
        MultiAZ: true,
        PubliclyAccessible: false,
        StorageEncrypted: true,
        VpcSecurityGroups: [{Status: 'active', VpcSecurityGroupId: GROUP_IDS.db}],
      },
      kind: 'instance',
      tls: {parameterGroup: names.dbParameterGroup, values: dbTlsParameters(config)},
    },
    environment: {
      description: {EnvironmentName: names.environment, Status: 'Ready'},
      instances: [instance('i-0aaa'), instance('i-0bbb')],
      settings: optionSettings(config, refs()),
    },
    fileSystem: {
      backup: 'ENABLED',
      description: {
        CreationTime: new Date(0),
        CreationToken: names.efsCreationToken,
        Encrypted: true,
        FileSystemId: FS_ID,
        LifeCycleState: 'available',
        NumberOfMountTargets: 3,
        OwnerId: '123456789012',
        PerformanceMode: 'generalPurpose',
        SizeInBytes: {Value: 6144},
        Tags: [],
      },
      mountTargetGroups: Object.fromEntries(mountTargetIds.map((id) => [id, [GROUP_IDS.efs]])),
      mountTargets: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'].map((zone, i) => ({
        AvailabilityZoneName: zone,
        FileSystemId: FS_ID,
        LifeCycleState: 'available',
        MountTargetId: mountTargetIds[i],
        SubnetId: SUBNETS[i],
      })),
      policy: efsPolicy(config, refs()),
    },
    images: [],
    network: {loadBalancerSubnets: SUBNETS, subnets: SUBNETS, vpcId: 'vpc-0123', zoneOf: ZONE_OF},
    securityGroups: groups(config),
    seed: healthySeed(config),
    siteInstances: [],
    sharing: {},
    snapshots: [],
    vpc: {dns: {hostnames: true, support: true}, egress: {missingEndpoints: [], ok: true, subnetsWithoutRoute: []}, vpcId: 'vpc-0123'},
  }
}

/** The same site on Aurora MySQL (writer in eu-west-1a, one reader in eu-west-1b) with Memcached. */
export function auroraSite(config: HactlConfig = legacyMemcachedConfig({database: {engine: 'aurora-mysql'}, environment: {rollout: {policy: 'Immutable'}}})): SiteFacts {
  const names = siteNames(config.site, config.region)
  const member = (index: number, zone: string): DBInstance => ({AvailabilityZone: zone, DBInstanceClass: 'db.t4g.medium', DBInstanceIdentifier: names.auroraInstance(index)})
  return {
    ...healthySite(config),
    cache: {
      cluster: {
        CacheClusterId: names.cache,
        SecurityGroups: [{SecurityGroupId: GROUP_IDS.cache, Status: 'active'}],
        TransitEncryptionEnabled: true,
        TransitEncryptionMode: 'required',
      },
      kind: 'memcached',
    },
    database: {
      cluster: {
        DBClusterIdentifier: names.db,
        DBClusterMembers: [
          {DBClusterParameterGroupStatus: 'in-sync', DBInstanceIdentifier: names.auroraInstance(0), IsClusterWriter: true},
          {DBClusterParameterGroupStatus: 'in-sync', DBInstanceIdentifier: names.auroraInstance(1), IsClusterWriter: false},
        ],
        DBClusterParameterGroup: names.dbParameterGroup,
        DeletionProtection: true,
        Engine: 'aurora-mysql',
        StorageEncrypted: true,
        VpcSecurityGroups: [{Status: 'active', VpcSecurityGroupId: GROUP_IDS.db}],
      },
      instances: [member(0, 'eu-west-1a'), member(1, 'eu-west-1b')],
      kind: 'cluster',
      tls: {parameterGroup: names.dbParameterGroup, values: {require_secure_transport: '1'}},
    },
  }
}

export type InstanceDb = Extract<SiteFacts['database'], {kind: 'instance'}>
export type ClusterDb = Extract<SiteFacts['database'], {kind: 'cluster'}>
export type RedisCache = Extract<SiteFacts['cache'], {kind: 'redis'}>

/** The healthy site with a change to its RDS instance (and its TLS facts). */
export function withDb(facts: SiteFacts, change: Partial<DBInstance>, tls?: InstanceDb['tls'] | null): SiteFacts {
  const db = facts.database as InstanceDb
  return {...facts, database: {...db, instance: {...db.instance, ...change}, tls: tls === null ? undefined : (tls ?? db.tls)}}
}

export function withRedis(facts: SiteFacts, change: Partial<RedisCache['group']>): SiteFacts {
  const cache = facts.cache as RedisCache
  return {...facts, cache: {...cache, group: {...cache.group, ...change}}}
}

/** A group that is not the site's: `default`, or EB's own instance group. */
export function foreignGroup(id: string, name: string, ingress: SecurityGroup['IpPermissions']): SecurityGroup {
  return {GroupId: id, GroupName: name, IpPermissions: ingress, Tags: []}
}

export function withSettings(facts: SiteFacts, change: (settings: ConfigurationOptionSetting[]) => ConfigurationOptionSetting[]): SiteFacts {
  const env = facts.environment!
  return {...facts, environment: {...env, settings: change([...env.settings])}}
}

export function setOption(namespace: string, name: string, value: string | undefined) {
  return (settings: ConfigurationOptionSetting[]): ConfigurationOptionSetting[] => {
    const rest = settings.filter((s) => !(s.Namespace === namespace && s.OptionName === name))
    return value === undefined ? rest : [...rest, {Namespace: namespace, OptionName: name, Value: value}]
  }
}

export function addIngress(facts: SiteFacts, role: SecurityGroupRole, permission: NonNullable<SecurityGroup['IpPermissions']>[number]): SiteFacts {
  return {
    ...facts,
    securityGroups: facts.securityGroups.map((group) =>
      group.GroupId === GROUP_IDS[role] ? {...group, IpPermissions: [...(group.IpPermissions ?? []), permission]} : group,
    ),
  }
}

/** The ids of the checks that failed. */
export function failing(facts: SiteFacts): CheckId[] {
  return judgeSite(facts)
    .checks.filter((check) => check.status === 'fail')
    .map((check) => check.id)
}

export function check(facts: SiteFacts, id: CheckId) {
  const found = judgeSite(facts).checks.find((c) => c.id === id)
  if (!found) throw new Error(`no check ${id}`)
  return found
}

/** The seed as `hactl seed create` leaves it: one instance, hardened, a heartbeat 30 s old. */
export function healthySeed(config: HactlConfig = testConfig()): NonNullable<SiteFacts['seed']> {
  const readAt = Date.UTC(2026, 0, 1, 12)
  return {
    groups: [{GroupId: GROUP_IDS.seed, GroupName: `hactl-${config.site}-seed`, IpPermissions: []}],
    heartbeat: {at: new Date(readAt - 30_000).toISOString(), exit: 0, seconds: 2},
    instances: [
      {
        InstanceId: 'i-0seed',
        MetadataOptions: {HttpTokens: 'required', InstanceMetadataTags: 'enabled'},
        SecurityGroups: [{GroupId: GROUP_IDS.seed, GroupName: `hactl-${config.site}-seed`}],
        State: {Code: 16, Name: 'running'},
        Tags: [
          {Key: 'hactl:role', Value: 'seed'},
          {Key: 'hactl:site', Value: config.site},
          {Key: 'Name', Value: `hactl-${config.site}-seed`},
        ],
      },
    ],
    readAt,
    userData: '#!/bin/bash\nreadonly SITE=demo\n',
  }
}
