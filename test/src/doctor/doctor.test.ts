import type {ConfigurationOptionSetting} from '@aws-sdk/client-elastic-beanstalk'
import type {Image, Instance, SecurityGroup} from '@aws-sdk/client-ec2'
import type {DBInstance} from '@aws-sdk/client-rds'

import type {EbApi} from '../../../src/aws/eb'
import type {Ec2Api} from '../../../src/aws/ec2'
import type {EfsApi} from '../../../src/aws/efs'
import type {ElastiCacheApi} from '../../../src/aws/elasticache'
import type {RdsApi} from '../../../src/aws/rds'
import {ExitCode} from '../../../src/core/exit-codes'
import type {HactlConfig} from '../../../src/config/schema'
import {tlsParameterOf} from '../../../src/doctor/facts'
import {
  checksFailedError,
  type CheckId,
  DOCTOR_CHECKS,
  type DoctorClients,
  judgeSite,
  runDoctor,
  type SiteFacts,
} from '../../../src/doctor/run'
import {siteNames, type SecurityGroupRole} from '../../../src/site/names'
import {dbTlsParameters, efsPolicy, optionSettings, securityGroupSpecs, type Refs} from '../../../src/env/spec'
import {AwsError, HactlError, UserError} from '../../../src/core/errors'
import {renderDoctor} from '../../../src/ui/render-doctor'
import {RecordingReporter} from '../../../src/core/progress'
import {testConfig} from '../../_helpers/config'

const GROUP_IDS: Record<SecurityGroupRole, string> = {
  cache: 'sg-0cache',
  db: 'sg-0db',
  efs: 'sg-0efs',
  lb: 'sg-0lb',
  seed: 'sg-0seed',
  web: 'sg-0web',
}

const SUBNETS = ['subnet-a', 'subnet-b', 'subnet-c']
const ZONE_OF: Record<string, string> = {'subnet-a': 'eu-west-1a', 'subnet-b': 'eu-west-1b', 'subnet-c': 'eu-west-1c'}

function refs(): Refs {
  return {
    accessPointId: 'fsap-0123456789abcdef0',
    account: '123456789012',
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

function groups(config: HactlConfig): SecurityGroup[] {
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

function instance(id: string, tokens: 'required' | 'optional' = 'required', groupIds: readonly string[] = [GROUP_IDS.web]): Instance {
  return {
    InstanceId: id,
    MetadataOptions: {HttpTokens: tokens},
    SecurityGroups: groupIds.map((GroupId) => ({GroupId})),
    State: {Name: 'running'},
  }
}

const FS_ID = 'fs-0123456789abcdef0'

/** A site exactly as `hactl env create` leaves it: every check passes. */
function healthySite(config: HactlConfig = testConfig()): SiteFacts {
  const names = siteNames(config.site)
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
    siteInstances: [],
  }
}

/** The same site on Aurora MySQL (writer in eu-west-1a, one reader in eu-west-1b) with Memcached. */
function auroraSite(config: HactlConfig = testConfig({cache: {engine: 'memcached'}, database: {engine: 'aurora-mysql'}, environment: {rollout: {policy: 'Immutable'}}})): SiteFacts {
  const names = siteNames(config.site)
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

type InstanceDb = Extract<SiteFacts['database'], {kind: 'instance'}>
type ClusterDb = Extract<SiteFacts['database'], {kind: 'cluster'}>
type RedisCache = Extract<SiteFacts['cache'], {kind: 'redis'}>

/** The healthy site with a change to its RDS instance (and its TLS facts). */
function withDb(facts: SiteFacts, change: Partial<DBInstance>, tls?: InstanceDb['tls'] | null): SiteFacts {
  const db = facts.database as InstanceDb
  return {...facts, database: {...db, instance: {...db.instance, ...change}, tls: tls === null ? undefined : (tls ?? db.tls)}}
}

function withRedis(facts: SiteFacts, change: Partial<RedisCache['group']>): SiteFacts {
  const cache = facts.cache as RedisCache
  return {...facts, cache: {...cache, group: {...cache.group, ...change}}}
}

/** A group that is not the site's: `default`, or EB's own instance group. */
function foreignGroup(id: string, name: string, ingress: SecurityGroup['IpPermissions']): SecurityGroup {
  return {GroupId: id, GroupName: name, IpPermissions: ingress, Tags: []}
}

function withSettings(facts: SiteFacts, change: (settings: ConfigurationOptionSetting[]) => ConfigurationOptionSetting[]): SiteFacts {
  const env = facts.environment!
  return {...facts, environment: {...env, settings: change([...env.settings])}}
}

function setOption(namespace: string, name: string, value: string | undefined) {
  return (settings: ConfigurationOptionSetting[]): ConfigurationOptionSetting[] => {
    const rest = settings.filter((s) => !(s.Namespace === namespace && s.OptionName === name))
    return value === undefined ? rest : [...rest, {Namespace: namespace, OptionName: name, Value: value}]
  }
}

function addIngress(facts: SiteFacts, role: SecurityGroupRole, permission: NonNullable<SecurityGroup['IpPermissions']>[number]): SiteFacts {
  return {
    ...facts,
    securityGroups: facts.securityGroups.map((group) =>
      group.GroupId === GROUP_IDS[role] ? {...group, IpPermissions: [...(group.IpPermissions ?? []), permission]} : group,
    ),
  }
}

/** The ids of the checks that failed. */
function failing(facts: SiteFacts): CheckId[] {
  return judgeSite(facts)
    .checks.filter((check) => check.status === 'fail')
    .map((check) => check.id)
}

function check(facts: SiteFacts, id: CheckId) {
  const found = judgeSite(facts).checks.find((c) => c.id === id)
  if (!found) throw new Error(`no check ${id}`)
  return found
}

describe('judgeSite: a site as env create leaves it', () => {
  it('passes every check, in the documented order, with a one-line detail each', () => {
    const result = judgeSite(healthySite())
    expect(result.checks.map((c) => c.id)).toEqual(Object.keys(DOCTOR_CHECKS))
    expect(result.checks.filter((c) => c.status !== 'pass')).toEqual([])
    expect(result).toMatchObject({failed: 0, passed: 15, site: 'demo', skipped: 0})
    for (const c of result.checks) {
      expect(c.detail).not.toContain('\n')
      expect(c.remedy).toBeUndefined()
      expect(c.title).toBe(DOCTOR_CHECKS[c.id])
    }

    expect(check(healthySite(), 'imdsv2').detail).toBe('IMDSv2 required on 2 instances and in the launch settings')
  })

  it('passes with Aurora (a reader), Memcached and Immutable rollouts too', () => {
    const config = testConfig({cache: {engine: 'memcached'}, database: {engine: 'aurora-mysql'}, environment: {rollout: {policy: 'Immutable'}}})
    const names = siteNames(config.site)
    const facts = auroraSite(config)
    expect(failing(facts)).toEqual([])
    expect(check(facts, 'rollout-capacity').detail).toContain('immutably')
    expect(check(facts, 'db-multi-az').detail).toBe(
      'Aurora cluster hactl-demo-db has 1 reader outside the writer\'s zone eu-west-1a (hactl-demo-db-2 in eu-west-1b) to fail over to',
    )
    expect(check(facts, 'db-tls').detail).toBe('Aurora cluster hactl-demo-db refuses connections without TLS (require_secure_transport=1 in DB cluster parameter group hactl-demo-db)')
    expect(check(facts, 'cache-encrypted').detail).toBe(`Memcached cluster ${names.cache} is encrypted in transit; Memcached cannot encrypt at rest (it holds only caches and sessions; choose redis for that)`)
  })
})

describe('judgeSite: each broken invariant fails exactly its check', () => {
  const healthy = healthySite()

  it('imdsv2: DisableIMDSv1 off in the environment', () => {
    const facts = withSettings(healthy, setOption('aws:autoscaling:launchconfiguration', 'DisableIMDSv1', 'false'))
    expect(failing(facts)).toEqual(['imdsv2'])
    expect(check(facts, 'imdsv2')).toMatchObject({
      detail: expect.stringContaining('hactl-demo does not set DisableIMDSv1=true'),
      remedy: expect.stringContaining('OptionName=DisableIMDSv1,Value=true'),
    })
  })

  it('imdsv2: an instance (of the environment or tagged with the site) with HttpTokens optional', () => {
    const env = {...healthy.environment!, instances: [instance('i-0aaa'), instance('i-0bad', 'optional')]}
    expect(check({...healthy, environment: env}, 'imdsv2')).toMatchObject({
      detail: 'i-0bad accepts IMDSv1 (HttpTokens optional)',
      remedy: 'aws ec2 modify-instance-metadata-options --http-tokens required --instance-id i-0bad',
      status: 'fail',
    })
    const seed = {...healthy, siteInstances: [instance('i-0seed', 'optional')]}
    expect(failing(seed)).toEqual(['imdsv2'])
    expect(check(seed, 'imdsv2').detail).toContain('i-0seed')
  })

  it('efs-encrypted, db-encrypted, cache-encrypted: one each', () => {
    const fs = healthy.fileSystem!
    expect(failing({...healthy, fileSystem: {...fs, description: {...fs.description, Encrypted: false}}})).toEqual(['efs-encrypted'])
    const db = healthy.database as Extract<SiteFacts['database'], {kind: 'instance'}>
    expect(failing({...healthy, database: {...db, instance: {...db.instance, StorageEncrypted: false}}})).toEqual(['db-encrypted'])
    const cache = healthy.cache as Extract<SiteFacts['cache'], {kind: 'redis'}>
    const noTransit = {...healthy, cache: {...cache, group: {...cache.group, TransitEncryptionEnabled: false}}}
    expect(failing(noTransit)).toEqual(['cache-encrypted'])
    expect(check(noTransit, 'cache-encrypted').detail).toBe('Redis replication group hactl-demo is not encrypted in transit')
    const memcached: SiteFacts = {...healthy, cache: {cluster: {TransitEncryptionEnabled: false}, kind: 'memcached'}}
    expect(failing(memcached)).toEqual(['cache-encrypted'])
  })

  it('db-encrypted looks at the Aurora cluster', () => {
    const aurora = auroraSite()
    const db = aurora.database as ClusterDb
    expect(failing({...aurora, database: {...db, cluster: {...db.cluster, StorageEncrypted: false}}})).toEqual(['db-encrypted'])
  })

  it('security-groups: SSH from the world on the web group, named with its group and a revoke command', () => {
    const facts = addIngress(healthy, 'web', {FromPort: 22, IpProtocol: 'tcp', IpRanges: [{CidrIp: '0.0.0.0/0'}], ToPort: 22})
    expect(failing(facts)).toEqual(['security-groups'])
    expect(check(facts, 'security-groups')).toMatchObject({
      detail: 'sg-0web (hactl-demo-web) admits tcp/22 from 0.0.0.0/0 (only the load balancer\'s listener, tcp/80 and tcp/443, may be open to the world)',
      remedy: "Remove the rule: aws ec2 revoke-security-group-ingress --group-id sg-0web --ip-permissions 'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=0.0.0.0/0}]'",
    })
  })

  it('security-groups: the listener may be public (80, 443), anything else on the load balancer may not', () => {
    const https = addIngress(healthy, 'lb', {FromPort: 443, IpProtocol: 'tcp', Ipv6Ranges: [{CidrIpv6: '::/0'}], ToPort: 443})
    expect(failing(https)).toEqual([])
    const wide = addIngress(healthy, 'lb', {FromPort: 0, IpProtocol: 'tcp', IpRanges: [{CidrIp: '0.0.0.0/0'}], ToPort: 65_535})
    expect(failing(wide)).toEqual(['security-groups'])
    const all = addIngress(healthy, 'lb', {IpProtocol: '-1', Ipv6Ranges: [{CidrIpv6: '::/0'}]})
    expect(check(all, 'security-groups').detail).toContain('admits all traffic from ::/0')
  })

  it('security-groups: port 22 from anywhere at all, even a private range', () => {
    const facts = addIngress(healthy, 'seed', {FromPort: 20, IpProtocol: 'tcp', IpRanges: [{CidrIp: '10.0.0.0/8'}], ToPort: 25})
    expect(check(facts, 'security-groups').detail).toBe('sg-0seed (hactl-demo-seed) admits tcp/20-25 from 10.0.0.0/8 (no SSH port: instances are reached through SSM)')
  })

  it('security-groups: the data tier admits only web and seed, only on its port', () => {
    const wrongPort = addIngress(healthy, 'db', {FromPort: 5432, IpProtocol: 'tcp', ToPort: 5432, UserIdGroupPairs: [{GroupId: GROUP_IDS.web}]})
    expect(check(wrongPort, 'security-groups').detail).toContain('sg-0db (hactl-demo-db) admits tcp/5432 from sg-0web (only the web and seed groups, on tcp/3306)')
    const wrongPeer = addIngress(healthy, 'cache', {FromPort: 6379, IpProtocol: 'tcp', ToPort: 6379, UserIdGroupPairs: [{GroupId: GROUP_IDS.lb}]})
    expect(failing(wrongPeer)).toEqual(['security-groups'])
    const cidr = addIngress(healthy, 'efs', {FromPort: 2049, IpProtocol: 'tcp', IpRanges: [{CidrIp: '172.31.0.0/16'}], ToPort: 2049})
    expect(check(cidr, 'security-groups').remedy).toContain("--group-id sg-0efs --ip-permissions 'IpProtocol=tcp,FromPort=2049,ToPort=2049,IpRanges=[{CidrIp=172.31.0.0/16}]'")
  })

  it('db-multi-az: single-AZ RDS, or Aurora without a reader', () => {
    const single = withDb(healthy, {MultiAZ: false})
    expect(failing(single)).toEqual(['db-multi-az'])
    expect(check(single, 'db-multi-az').remedy).toContain('aws rds modify-db-instance --db-instance-identifier hactl-demo-db --multi-az --apply-immediately')
    const aurora = auroraSite()
    const db = aurora.database as ClusterDb
    const writerOnly: SiteFacts = {
      ...aurora,
      database: {...db, cluster: {...db.cluster, DBClusterMembers: db.cluster.DBClusterMembers!.slice(0, 1)}, instances: db.instances.slice(0, 1)},
    }
    expect(failing(writerOnly)).toEqual(['db-multi-az'])
    expect(check(writerOnly, 'db-multi-az').remedy).toContain('database.readers')
  })

  it('db-not-public and db-deletion-protection', () => {
    const db = healthy.database as Extract<SiteFacts['database'], {kind: 'instance'}>
    expect(failing({...healthy, database: {...db, instance: {...db.instance, PubliclyAccessible: true}}})).toEqual(['db-not-public'])
    expect(failing({...healthy, database: {...db, instance: {...db.instance, DeletionProtection: false}}})).toEqual(['db-deletion-protection'])
  })

  it('efs-mount-targets: a zone of the site without an available mount target', () => {
    const fs = healthy.fileSystem!
    const gone = {...healthy, fileSystem: {...fs, mountTargets: fs.mountTargets.slice(0, 2)}}
    expect(failing(gone)).toEqual(['efs-mount-targets'])
    expect(check(gone, 'efs-mount-targets').detail).toBe('fs-0123456789abcdef0 has no available mount target in eu-west-1c: instances there cannot reach the uploads')
    const deleting = {...healthy, fileSystem: {...fs, mountTargets: fs.mountTargets.map((t, i) => (i === 0 ? {...t, LifeCycleState: 'deleting' as const} : t))}}
    expect(check(deleting, 'efs-mount-targets').detail).toContain('eu-west-1a')
  })

  it('efs-mount-targets fails (with the reason) when the network cannot be resolved', () => {
    const facts = {...healthy, network: new UserError('vpc-not-found', 'VPC vpc-gone (network.vpcId) does not exist in this Region.', {suggestions: ['Check network.vpcId.']})}
    expect(failing(facts)).toEqual(['efs-mount-targets'])
    expect(check(facts, 'efs-mount-targets').remedy).toBe('Check network.vpcId.')
  })

  it('efs-backups: policy disabled', () => {
    expect(failing({...healthy, fileSystem: {...healthy.fileSystem!, backup: 'DISABLED'}})).toEqual(['efs-backups'])
  })

  it('rollout-capacity: MinInstancesInService below MinSize, MaxSize not above MinSize, rolling off, Time, AllAtOnce', () => {
    const ns = 'aws:autoscaling:updatepolicy:rollingupdate'
    const low = withSettings(healthy, setOption(ns, 'MinInstancesInService', '0'))
    expect(failing(low)).toEqual(['rollout-capacity'])
    expect(check(low, 'rollout-capacity')).toMatchObject({
      detail: 'hactl-demo keeps only 0 of MinSize 2 in service during a rollout (MinInstancesInService 0)',
      remedy: expect.stringContaining('OptionName=MinInstancesInService,Value=2'),
    })
    expect(failing(withSettings(healthy, setOption('aws:autoscaling:asg', 'MaxSize', '2')))).toEqual(['rollout-capacity'])
    expect(failing(withSettings(healthy, setOption(ns, 'RollingUpdateEnabled', 'false')))).toEqual(['rollout-capacity'])
    expect(failing(withSettings(healthy, setOption(ns, 'RollingUpdateType', 'Time')))).toEqual(['rollout-capacity'])
    expect(failing(withSettings(healthy, setOption('aws:elasticbeanstalk:command', 'DeploymentPolicy', 'AllAtOnce')))).toEqual(['rollout-capacity'])
  })

  it("rollout-capacity: unset MinInstancesInService takes EB's default, min(MinSize, MaxSize - 1)", () => {
    const unset = withSettings(healthy, setOption('aws:autoscaling:updatepolicy:rollingupdate', 'MinInstancesInService', undefined))
    expect(failing(unset)).toEqual([])
  })

  it('no-plaintext-secrets: DB_PASSWORD in an environment property, named but never shown', () => {
    const facts = withSettings(healthy, setOption('aws:elasticbeanstalk:application:environment', 'DB_PASSWORD', 'hunter2hunter2'))
    expect(failing(facts)).toEqual(['no-plaintext-secrets'])
    const found = check(facts, 'no-plaintext-secrets')
    expect(found.detail).toContain('DB_PASSWORD')
    expect(JSON.stringify(found)).not.toContain('hunter2')
    expect(found.remedy).toContain('--options-to-remove Namespace=aws:elasticbeanstalk:application:environment,OptionName=DB_PASSWORD')
  })

  it('amis-private: a public baked AMI of the site, or a public custom live AMI', () => {
    const image: Image = {ImageId: 'ami-0abc', Name: 'hactl-demo-20250101', Public: true}
    const facts = {...healthy, images: [image]}
    expect(failing(facts)).toEqual(['amis-private'])
    expect(check(facts, 'amis-private')).toMatchObject({
      detail: expect.stringContaining('ami-0abc (hactl-demo-20250101) is public'),
      remedy: "aws ec2 modify-image-attribute --image-id ami-0abc --launch-permission 'Remove=[{Group=all}]'",
    })
    const privateLive = {...healthy, environmentImageId: 'ami-0abc', images: [{...image, Public: false}]}
    expect(check(privateLive, 'amis-private').detail).toBe('1 AMI of the site, all private, the live one included')
  })
})

describe('judgeSite: security groups actually attached', () => {
  const healthy = healthySite()
  const DEFAULT = 'sg-0default'
  const EB_GROUP = 'sg-0awseb'
  const openDefault = foreignGroup(DEFAULT, 'default', [
    {IpProtocol: '-1', UserIdGroupPairs: [{GroupId: DEFAULT}]},
    {FromPort: 3306, IpProtocol: 'tcp', IpRanges: [{CidrIp: '0.0.0.0/0'}], ToPort: 3306},
  ])

  it('a database moved to an open `default` group fails, with the command that gives it its own group back', () => {
    const facts = {...withDb(healthy, {VpcSecurityGroups: [{VpcSecurityGroupId: DEFAULT}]}), securityGroups: [...healthy.securityGroups, openDefault]}
    expect(failing(facts)).toEqual(['security-groups'])
    const found = check(facts, 'security-groups')
    expect(found.detail).toBe(
      'RDS instance hactl-demo-db does not carry hactl-demo-db (it has sg-0default (default)), sg-0default (default, on hactl-demo-db) admits all traffic from sg-0default, tcp/3306 from 0.0.0.0/0 (no SSH port: instances are reached through SSM)',
    )
    expect(found.remedy).toMatch(/^aws rds modify-db-instance --db-instance-identifier hactl-demo-db --vpc-security-group-ids sg-0db --apply-immediately; Remove the rules: /)
    expect(found.remedy).toContain("--group-id sg-0default --ip-permissions 'IpProtocol=tcp,FromPort=3306,ToPort=3306,IpRanges=[{CidrIp=0.0.0.0/0}]'")
  })

  it('a group added beside the database\'s own is held to the database\'s rules', () => {
    const extra = foreignGroup('sg-0extra', 'ops-access', [{FromPort: 3306, IpProtocol: 'tcp', IpRanges: [{CidrIp: '10.0.0.0/8'}], ToPort: 3306}])
    const facts = {
      ...withDb(healthy, {VpcSecurityGroups: [{VpcSecurityGroupId: GROUP_IDS.db}, {VpcSecurityGroupId: 'sg-0extra'}]}),
      securityGroups: [...healthy.securityGroups, extra],
    }
    expect(check(facts, 'security-groups').detail).toBe('sg-0extra (ops-access, on hactl-demo-db) admits tcp/3306 from 10.0.0.0/8 (only the web and seed groups, on tcp/3306)')
    // The same group on a web instance only has to keep the world and port 22 out.
    const onWeb = {...healthy, environment: {...healthy.environment!, instances: [instance('i-0aaa', 'required', [GROUP_IDS.web, 'sg-0extra'])]}, securityGroups: [...healthy.securityGroups, extra]}
    expect(failing(onWeb)).toEqual([])
  })

  it("EB's own instance group (22 and 80 from the world) on the environment's instances fails; the remedy disables it", () => {
    const ebGroup = foreignGroup(EB_GROUP, 'awseb-e-abc123-stack-AWSEBSecurityGroup-1X2Y3Z', [
      {FromPort: 22, IpProtocol: 'tcp', IpRanges: [{CidrIp: '0.0.0.0/0'}], ToPort: 22},
      {FromPort: 80, IpProtocol: 'tcp', IpRanges: [{CidrIp: '0.0.0.0/0'}], ToPort: 80},
    ])
    const env = {...healthy.environment!, instances: [instance('i-0aaa', 'required', [GROUP_IDS.web, EB_GROUP]), instance('i-0bbb', 'required', [GROUP_IDS.web, EB_GROUP])]}
    const facts = {...healthy, environment: env, securityGroups: [...healthy.securityGroups, ebGroup]}
    expect(failing(facts)).toEqual(['security-groups'])
    expect(check(facts, 'security-groups')).toMatchObject({
      detail: expect.stringMatching(/^sg-0awseb \(awseb-e-abc123-stack-AWSEBSecurityGroup-1X2Y3Z, on i-0aaa, i-0bbb\) admits tcp\/22 from 0\.0\.0\.0\/0, tcp\/80 from 0\.0\.0\.0\/0 \(only the load balancer's listener/),
      remedy: 'aws elasticbeanstalk update-environment --environment-name hactl-demo --option-settings Namespace=aws:autoscaling:launchconfiguration,OptionName=DisableDefaultEC2SecurityGroup,Value=true',
    })
  })

  it('each resource must carry its own group: web and seed instances, Redis members, mount targets, the Aurora cluster', () => {
    const webless = {...healthy, environment: {...healthy.environment!, instances: [instance('i-0aaa', 'required', [GROUP_IDS.seed])]}}
    expect(check(webless, 'security-groups')).toMatchObject({
      detail: 'instance i-0aaa does not carry hactl-demo-web (it has sg-0seed (hactl-demo-seed))',
      remedy: 'aws elasticbeanstalk update-environment --environment-name hactl-demo --option-settings Namespace=aws:autoscaling:launchconfiguration,OptionName=SecurityGroups,Value=sg-0web',
    })
    const seed = {...instance('i-0seed', 'required', [GROUP_IDS.web]), Tags: [{Key: 'hactl:site', Value: 'demo'}, {Key: 'hactl:role', Value: 'seed'}]}
    expect(check({...healthy, siteInstances: [seed]}, 'security-groups').remedy).toBe('aws ec2 modify-instance-attribute --instance-id i-0seed --groups sg-0seed')
    const cache = healthy.cache as RedisCache
    const member = {...healthy, cache: {...cache, memberGroups: {...cache.memberGroups, 'hactl-demo-002': [GROUP_IDS.web]}}}
    expect(check(member, 'security-groups')).toMatchObject({
      detail: 'cache cluster hactl-demo-002 does not carry hactl-demo-cache (it has sg-0web (hactl-demo-web))',
      remedy: 'aws elasticache modify-replication-group --replication-group-id hactl-demo --security-group-ids sg-0cache --apply-immediately',
    })
    const fs = healthy.fileSystem!
    const target = {...healthy, fileSystem: {...fs, mountTargetGroups: {...fs.mountTargetGroups, 'fsmt-01': [GROUP_IDS.db]}}}
    expect(check(target, 'security-groups').remedy).toBe('aws efs modify-mount-target-security-groups --mount-target-id fsmt-01 --security-groups sg-0efs')
    const aurora = auroraSite()
    const db = aurora.database as ClusterDb
    const cluster = {...aurora, database: {...db, cluster: {...db.cluster, VpcSecurityGroups: [{VpcSecurityGroupId: GROUP_IDS.cache}]}}}
    expect(check(cluster, 'security-groups').remedy).toBe('aws rds modify-db-cluster --db-cluster-identifier hactl-demo-db --vpc-security-group-ids sg-0db --apply-immediately')
    const memcached = {...aurora, cache: {cluster: {CacheClusterId: 'hactl-demo', SecurityGroups: [{SecurityGroupId: GROUP_IDS.db}], TransitEncryptionEnabled: true}, kind: 'memcached' as const}}
    expect(check(memcached, 'security-groups').remedy).toBe('aws elasticache modify-cache-cluster --cache-cluster-id hactl-demo --security-group-ids sg-0cache --apply-immediately')
  })

  it("a resource whose role's group no longer exists, and one AWS reports with no group at all", () => {
    const noDbGroup = {...healthy, securityGroups: healthy.securityGroups.filter((group) => group.GroupId !== GROUP_IDS.db)}
    expect(check(noDbGroup, 'security-groups')).toMatchObject({
      detail: 'RDS instance hactl-demo-db does not carry hactl-demo-db, which does not exist (it has sg-0db)',
      remedy: 'Run `hactl env create`: it creates hactl-demo-db.',
    })
    // In a VPC every resource has a group; none means it went between two reads.
    const fs = healthy.fileSystem!
    expect(failing({...healthy, fileSystem: {...fs, mountTargetGroups: {...fs.mountTargetGroups, 'fsmt-01': []}}})).toEqual([])
  })

  it("a group tagged with another site's role is not taken for this site's", () => {
    const other = {...healthy.securityGroups.find((group) => group.GroupId === GROUP_IDS.db)!, GroupId: 'sg-0other', GroupName: 'hactl-other-db', Tags: [{Key: 'hactl:site', Value: 'other'}, {Key: 'hactl:role', Value: 'db'}]}
    const facts = {...withDb(healthy, {VpcSecurityGroups: [{VpcSecurityGroupId: 'sg-0other'}]}), securityGroups: [...healthy.securityGroups, other]}
    expect(check(facts, 'security-groups').detail).toContain('RDS instance hactl-demo-db does not carry hactl-demo-db (it has sg-0other (hactl-other-db))')
  })
})

describe('judgeSite: cache-encrypted', () => {
  const healthy = healthySite()

  it('Redis must require TLS, not merely prefer it', () => {
    const preferred = withRedis(healthy, {TransitEncryptionMode: 'preferred'})
    expect(failing(preferred)).toEqual(['cache-encrypted'])
    expect(check(preferred, 'cache-encrypted')).toMatchObject({
      detail: 'Redis replication group hactl-demo accepts plain-text connections too (TransitEncryptionMode preferred)',
      remedy: expect.stringContaining('ElastiCache cannot change TLS on a group with an AUTH token'),
    })
    // Without AUTH, ElastiCache changes the mode in place.
    const bare = withRedis(healthy, {AuthTokenEnabled: false, TransitEncryptionMode: 'preferred'})
    expect(check(bare, 'cache-encrypted').remedy).toMatch(
      /^aws elasticache modify-replication-group --replication-group-id hactl-demo --transit-encryption-mode required --apply-immediately; .*--auth-token-update-strategy ROTATE/,
    )
    const off = withRedis(healthy, {AuthTokenEnabled: false, TransitEncryptionEnabled: false})
    expect(check(off, 'cache-encrypted').remedy).toContain('--transit-encryption-enabled --transit-encryption-mode preferred --apply-immediately, then (clients on TLS)')
  })

  it('Redis must have AUTH on; the remedy points at the secret, never shows it', () => {
    const noAuth = withRedis(healthy, {AuthTokenEnabled: false})
    expect(failing(noAuth)).toEqual(['cache-encrypted'])
    expect(check(noAuth, 'cache-encrypted')).toMatchObject({
      detail: 'Redis replication group hactl-demo lets clients in without the AUTH token (AuthTokenEnabled false)',
      remedy: expect.stringContaining('--secret-id hactl/demo/cache-auth'),
    })
  })

  it('several problems read as one line', () => {
    const bad = withRedis(healthy, {AtRestEncryptionEnabled: false, AuthTokenEnabled: false, TransitEncryptionEnabled: false, TransitEncryptionMode: undefined})
    expect(check(bad, 'cache-encrypted').detail).toBe(
      'Redis replication group hactl-demo is not encrypted at rest or in transit and lets clients in without the AUTH token (AuthTokenEnabled false)',
    )
  })

  it('a mode AWS does not report passes when the flags are on, and says so', () => {
    const unreported = withRedis(healthy, {TransitEncryptionMode: undefined})
    expect(check(unreported, 'cache-encrypted')).toMatchObject({
      detail: 'Redis replication group hactl-demo is encrypted at rest and in transit (mode not reported), AUTH on',
      status: 'pass',
    })
    expect(check(healthy, 'cache-encrypted').detail).toBe('Redis replication group hactl-demo is encrypted at rest and in transit, TLS required, AUTH on')
  })

  it('Memcached: TLS on and required', () => {
    const aurora = auroraSite()
    const memcached = (change: object): SiteFacts => ({...aurora, cache: {cluster: {...(aurora.cache as Extract<SiteFacts['cache'], {kind: 'memcached'}>).cluster, ...change}, kind: 'memcached'}})
    expect(failing(memcached({TransitEncryptionMode: 'preferred'}))).toEqual(['cache-encrypted'])
    expect(check(memcached({TransitEncryptionMode: undefined}), 'cache-encrypted').detail).toBe('Memcached cluster hactl-demo is encrypted in transit (mode not reported); Memcached cannot encrypt at rest (it holds only caches and sessions; choose redis for that)')
  })
})

describe('judgeSite: db-multi-az on Aurora wants a reader in another zone', () => {
  const aurora = auroraSite()
  const db = aurora.database as ClusterDb
  const zones = (writer: string | undefined, reader: string | undefined): SiteFacts => ({
    ...aurora,
    database: {...db, instances: [{...db.instances[0], AvailabilityZone: writer}, {...db.instances[1], AvailabilityZone: reader}]},
  })

  it("fails when the only reader shares the writer's zone, with a command that adds one elsewhere", () => {
    const same = zones('eu-west-1a', 'eu-west-1a')
    expect(failing(same)).toEqual(['db-multi-az'])
    expect(check(same, 'db-multi-az')).toMatchObject({
      detail: "Aurora cluster hactl-demo-db has its only reader (hactl-demo-db-2) in the writer's zone eu-west-1a: losing that zone takes the site down",
      remedy:
        'Add a reader in another zone: aws rds create-db-instance --db-cluster-identifier hactl-demo-db --db-instance-identifier hactl-demo-db-3 --engine aurora-mysql --db-instance-class db.t4g.medium --availability-zone eu-west-1b --no-publicly-accessible; then delete hactl-demo-db-2 if one reader is enough.',
    })
  })

  it('fails when RDS does not say where the writer is; passes once a reader is elsewhere', () => {
    expect(check(zones(undefined, 'eu-west-1b'), 'db-multi-az').detail).toContain('in a zone RDS does not report for the writer')
    expect(failing(zones('eu-west-1c', 'eu-west-1b'))).toEqual([])
  })

  it('without DBClusterMembers the first instance is taken for the writer', () => {
    const facts = {...zones('eu-west-1a', 'eu-west-1b'), database: {...db, cluster: {...db.cluster, DBClusterMembers: undefined}}}
    expect(check(facts, 'db-multi-az').status).toBe('pass')
  })
})

describe('judgeSite: db-tls', () => {
  const healthy = healthySite()
  const names = siteNames('demo')

  it('the parameter doctor reads is the one env create sets', () => {
    for (const engine of ['mysql', 'mariadb', 'postgres', 'aurora-mysql', 'aurora-postgresql']) {
      const config = testConfig({app: 'moodle', database: {engine}})
      expect(Object.keys(dbTlsParameters(config))).toEqual([tlsParameterOf(config)])
    }
  })

  it('passes with require_secure_transport 1 or ON', () => {
    expect(check(healthy, 'db-tls').detail).toBe('RDS instance hactl-demo-db refuses connections without TLS (require_secure_transport=1 in DB parameter group hactl-demo-db)')
    expect(check(withDb(healthy, {}, {parameterGroup: names.dbParameterGroup, values: {require_secure_transport: 'ON'}}), 'db-tls').status).toBe('pass')
  })

  it('fails when the site\'s group has it off: re-run env create, then reboot', () => {
    const off = withDb(healthy, {}, {parameterGroup: names.dbParameterGroup, values: {require_secure_transport: '0'}})
    expect(failing(off)).toEqual(['db-tls'])
    expect(check(off, 'db-tls')).toMatchObject({
      detail: 'RDS instance hactl-demo-db accepts connections without TLS: require_secure_transport is 0 in DB parameter group hactl-demo-db',
      remedy: 'Run `hactl env create`: it sets require_secure_transport=1 in hactl-demo-db; then aws rds reboot-db-instance --db-instance-identifier hactl-demo-db',
    })
  })

  it('fails on a default group, saying how to attach the site\'s', () => {
    const standard = withDb(healthy, {DBParameterGroups: [{DBParameterGroupName: 'default.mysql8.0'}]}, {parameterGroup: 'default.mysql8.0', values: {require_secure_transport: undefined}})
    expect(check(standard, 'db-tls')).toMatchObject({
      detail: 'RDS instance hactl-demo-db accepts connections without TLS: require_secure_transport is not set in DB parameter group default.mysql8.0',
      remedy: expect.stringContaining('aws rds modify-db-instance --db-instance-identifier hactl-demo-db --db-parameter-group-name hactl-demo-db --apply-immediately; then aws rds reboot-db-instance'),
    })
    expect(check(withDb(healthy, {DBParameterGroups: []}, null), 'db-tls').detail).toBe('RDS instance hactl-demo-db accepts connections without TLS: it reports no DB parameter group')
  })

  it('fails while the value waits for a reboot', () => {
    const pending = withDb(healthy, {DBParameterGroups: [{DBParameterGroupName: names.dbParameterGroup, ParameterApplyStatus: 'pending-reboot'}]})
    expect(check(pending, 'db-tls')).toMatchObject({
      detail: 'RDS instance hactl-demo-db has require_secure_transport=1 in hactl-demo-db, but it waits for a reboot (pending-reboot)',
      remedy: 'aws rds reboot-db-instance --db-instance-identifier hactl-demo-db',
      status: 'fail',
    })
  })

  it('PostgreSQL wants rds.force_ssl=1; Aurora is judged by its cluster parameter group', () => {
    const postgres = healthySite(testConfig({app: 'moodle', database: {engine: 'postgres'}}))
    expect(check(postgres, 'db-tls').detail).toContain('rds.force_ssl=1')
    expect(check(withDb(postgres, {}, {parameterGroup: names.dbParameterGroup, values: {'rds.force_ssl': 'ON'}}), 'db-tls').status).toBe('fail')
    const aurora = auroraSite()
    const db = aurora.database as ClusterDb
    const off = {...aurora, database: {...db, tls: {parameterGroup: 'default.aurora-mysql8.0', values: {require_secure_transport: 'OFF'}}}}
    expect(check(off, 'db-tls')).toMatchObject({
      detail: 'Aurora cluster hactl-demo-db accepts connections without TLS: require_secure_transport is OFF in DB cluster parameter group default.aurora-mysql8.0',
      remedy: expect.stringContaining('--db-cluster-parameter-group-name hactl-demo-db --apply-immediately; then aws rds reboot-db-instance --db-instance-identifier hactl-demo-db-1 (each instance)'),
    })
  })
})

describe('judgeSite: efs-policy', () => {
  const healthy = healthySite()
  const withPolicy = (policy: string | undefined): SiteFacts => ({...healthy, fileSystem: {...healthy.fileSystem!, policy}})
  const statements = (JSON.parse(healthy.fileSystem!.policy!) as {Statement: Array<Record<string, unknown>>}).Statement
  const policyOf = (list: ReadonlyArray<Record<string, unknown>>): string => JSON.stringify({Statement: list, Version: '2012-10-17'})

  it('passes the policy env create puts, and an equivalent one', () => {
    expect(check(healthy, 'efs-policy').detail).toBe(`${FS_ID}'s policy denies mounts without TLS and outside the access point`)
    const equivalent = policyOf([
      {Action: 'elasticfilesystem:Client*', Condition: {Bool: {'aws:securetransport': ['false']}}, Effect: 'Deny', Principal: '*'},
      {Action: ['elasticfilesystem:ClientMount'], Condition: {Null: {'elasticfilesystem:AccessPointArn': 'true'}}, Effect: 'Deny', Principal: {AWS: ['*']}},
    ])
    expect(check(withPolicy(equivalent), 'efs-policy').status).toBe('pass')
  })

  it('fails with no policy, or one hactl cannot read', () => {
    expect(failing(withPolicy(undefined))).toEqual(['efs-policy'])
    expect(check(withPolicy(undefined), 'efs-policy')).toMatchObject({
      detail: `${FS_ID} has no file system policy: a client that reaches a mount target can mount it without TLS`,
      remedy: expect.stringContaining('Run `hactl env create`'),
    })
    expect(check(withPolicy('{not json'), 'efs-policy').detail).toContain('cannot read')
  })

  it('fails without the TLS deny, or without the access point deny', () => {
    const noTls = withPolicy(policyOf(statements.filter((s) => s.Sid !== 'DenyWithoutTls')))
    expect(failing(noTls)).toEqual(['efs-policy'])
    expect(check(noTls, 'efs-policy').detail).toBe(`${FS_ID}'s policy does not deny mounts without TLS (a Deny on aws:SecureTransport false)`)
    const noAccessPoint = withPolicy(policyOf(statements.filter((s) => s.Sid !== 'DenyExceptThroughAccessPoint')))
    expect(check(noAccessPoint, 'efs-policy').detail).toBe(`${FS_ID}'s policy does not deny mounts outside the access point`)
  })

  it('a deny that binds only some principals, or only other actions, does not count', () => {
    const narrow = statements.map((s) => (s.Sid === 'DenyWithoutTls' ? {...s, Principal: {AWS: 'arn:aws:iam::123456789012:role/x'}} : s))
    expect(check(withPolicy(policyOf(narrow)), 'efs-policy').status).toBe('fail')
    const otherAction = statements.map((s) => (s.Sid === 'DenyWithoutTls' ? {...s, Action: 'elasticfilesystem:ClientRootAccess'} : s))
    expect(check(withPolicy(policyOf(otherAction)), 'efs-policy').status).toBe('fail')
    const allow = statements.map((s) => (s.Sid === 'DenyWithoutTls' ? {...s, Effect: 'Allow'} : s))
    expect(check(withPolicy(policyOf(allow)), 'efs-policy').status).toBe('fail')
  })
})

describe('judgeSite: what does not exist yet is skipped', () => {
  it('skips every check whose resource is missing, with `hactl env create` as the remedy', () => {
    const facts: SiteFacts = {...healthySite(), cache: undefined, database: undefined, environment: undefined, fileSystem: undefined}
    const result = judgeSite(facts)
    const skipped = result.checks.filter((c) => c.status === 'skip').map((c) => c.id)
    expect(skipped).toEqual(Object.keys(DOCTOR_CHECKS).filter((id) => id !== 'security-groups'))
    expect(result.checks.find((c) => c.id === 'efs-encrypted')).toMatchObject({detail: 'no EFS file system hactl-demo-uploads yet', remedy: 'Run `hactl env create`.'})
  })
})

// ---------------------------------------------------------------------------
// runDoctor against fake APIs

/**
 * A fake API: the given methods, and a loud failure for any other one (doctor
 * must only read); `optional` names members the interface may lack, which read as absent.
 */
function fakeApi<T extends object>(methods: Partial<T>, optional: readonly string[] = []): T {
  return new Proxy(methods, {
    get(target, key) {
      if (key === 'then') return undefined
      const method = (target as Record<string | symbol, unknown>)[key]
      if (method === undefined && !optional.includes(String(key))) throw new Error(`doctor called ${String(key)}, which the fake does not offer`)
      return method
    },
  }) as T
}

interface FakeSite {
  calls: string[]
  clients: DoctorClients
}

interface FakeSiteOptions {
  exists?: boolean
  vpcMissing?: boolean
  failRds?: Error
  gate?: Promise<void>
  /** The site as AWS reports it. @default healthySite() */
  facts?: SiteFacts
  /** Groups only a lookup by id finds (attached, not tagged with the site). */
  untagged?: SecurityGroup[]
  /** The ElastiCache API without securityGroupIdsOf (it is optional). */
  noSecurityGroupIdsOf?: boolean
  /** Mount targets that are gone by the time their groups are asked for. */
  goneMountTargets?: string[]
}

/** Fake APIs answering for the healthy site; `exists: false` answers "nothing here" everywhere. */
function fakeSite(options: FakeSiteOptions = {}): FakeSite {
  const exists = options.exists ?? true
  const facts = options.facts ?? healthySite()
  const calls: string[] = []
  const call = async <T>(name: string, value: T): Promise<T> => {
    calls.push(name)
    if (options.gate && name === 'eb.describeEnvironment') await options.gate
    return value
  }

  const env = facts.environment!
  const fs = facts.fileSystem!
  const db = facts.database as InstanceDb
  const redis = facts.cache as RedisCache
  const eb = fakeApi<EbApi>({
    configurationSettings: () => call('eb.configurationSettings', [...env.settings]),
    describeEnvironment: () => call('eb.describeEnvironment', exists ? env.description : undefined),
    environmentResources: () => call('eb.environmentResources', {autoScalingGroups: [], instanceIds: env.instances.map((i) => i.InstanceId!), launchTemplates: [], loadBalancers: []}),
  })
  const ec2 = fakeApi<Ec2Api>({
    describeDefaultVpc: () => call('ec2.describeDefaultVpc', options.vpcMissing ? undefined : {VpcId: 'vpc-0123'}),
    describeImages: (filter) => call(`ec2.describeImages${filter.imageIds ? '(ids)' : '(tags)'}`, [] as Image[]),
    describeInstances: (filter) => call(`ec2.describeInstances${filter.instanceIds ? '(ids)' : '(tags)'}`, filter.instanceIds && exists ? [...env.instances] : []),
    describeSecurityGroups: (filter) =>
      filter.groupIds
        ? call(`ec2.describeSecurityGroups(${filter.groupIds.join(',')})`, (options.untagged ?? []).filter((group) => filter.groupIds!.includes(group.GroupId!)))
        : call('ec2.describeSecurityGroups', exists ? [...facts.securityGroups] : []),
    describeSubnets: () => call('ec2.describeSubnets', SUBNETS.map((id) => ({AvailabilityZone: ZONE_OF[id], DefaultForAz: true, SubnetId: id, VpcId: 'vpc-0123'}))),
  })
  const efs = fakeApi<EfsApi>({
    backupPolicyStatus: () => call('efs.backupPolicyStatus', 'ENABLED'),
    describeMountTargets: () => call('efs.describeMountTargets', [...fs.mountTargets]),
    fileSystemPolicy: (id) => call(`efs.fileSystemPolicy(${id})`, fs.policy),
    findFileSystem: () => call('efs.findFileSystem', exists ? fs.description : undefined),
    mountTargetSecurityGroups: async (id) => {
      if (options.goneMountTargets?.includes(id)) throw new AwsError('MountTargetNotFound', `Mount target ${id} does not exist`)
      return call(`efs.mountTargetSecurityGroups(${id})`, [...(fs.mountTargetGroups[id] ?? [])])
    },
  })
  const rds = fakeApi<RdsApi>({
    describeInstance: async () => {
      if (options.failRds) throw options.failRds
      return call('rds.describeInstance', exists ? db.instance : undefined)
    },
    parameterValues: (name, cluster, parameters) => call(`rds.parameterValues(${name},${cluster},${parameters.join(',')})`, {...db.tls!.values}),
  })
  const memberGroups = async (id: string): Promise<string[]> => [...(redis.memberGroups[id] ?? [])]
  const cache = fakeApi<ElastiCacheApi>(
    {
      describeCacheCluster: async (id) => {
        calls.push(`elasticache.describeCacheCluster(${id})`)
        return {CacheClusterId: id, SecurityGroups: (await memberGroups(id)).map((SecurityGroupId) => ({SecurityGroupId}))}
      },
      describeReplicationGroup: () => call('elasticache.describeReplicationGroup', exists ? redis.group : undefined),
      ...(options.noSecurityGroupIdsOf ? {} : {securityGroupIdsOf: async (id: string) => call(`elasticache.securityGroupIdsOf(${id})`, await memberGroups(id))}),
    },
    ['securityGroupIdsOf'],
  )
  return {
    calls,
    clients: {
      eb: async () => eb,
      ec2: async () => ec2,
      efs: async () => efs,
      elasticache: async () => cache,
      rds: async () => rds,
    },
  }
}

describe('runDoctor (fake APIs)', () => {
  it('reads the site, every lookup started before the slowest one answers, and passes', async () => {
    let open!: () => void
    const gate = new Promise<void>((resolve) => {
      open = resolve
    })
    const site = fakeSite({gate})
    const reporter = new RecordingReporter()
    const running = runDoctor({clients: site.clients, config: testConfig(), reporter})
    // Let every independent lookup start while the environment lookup hangs.
    await new Promise((resolve) => setImmediate(resolve))
    expect(site.calls).toEqual(
      expect.arrayContaining([
        'eb.describeEnvironment',
        'efs.findFileSystem',
        'rds.describeInstance',
        'elasticache.describeReplicationGroup',
        'ec2.describeSecurityGroups',
        'ec2.describeImages(tags)',
        'ec2.describeInstances(tags)',
        'ec2.describeDefaultVpc',
      ]),
    )
    expect(site.calls).not.toContain('eb.configurationSettings')
    open()
    const result = await running
    expect(result).toMatchObject({failed: 0, passed: 15, site: 'demo', skipped: 0})
    expect(site.calls).toEqual(
      expect.arrayContaining([
        'eb.configurationSettings',
        'eb.environmentResources',
        'ec2.describeInstances(ids)',
        `efs.fileSystemPolicy(${FS_ID})`,
        'efs.mountTargetSecurityGroups(fsmt-00)',
        'rds.parameterValues(hactl-demo-db,false,require_secure_transport)',
        'elasticache.securityGroupIdsOf(hactl-demo-001)',
      ]),
    )
    // Every attached group is one of the site's: no lookup by id.
    expect(site.calls.filter((c) => c.startsWith('ec2.describeSecurityGroups('))).toEqual([])
    expect(reporter.ofType('step').map((e) => e.state)).toEqual(['start', 'done'])
  })

  it('reads the groups attached to the site that are not tagged with it, and judges them', async () => {
    const healthy = healthySite()
    const awseb = foreignGroup('sg-0awseb', 'awseb-e-abc-stack-AWSEBSecurityGroup-XYZ', [{FromPort: 22, IpProtocol: 'tcp', IpRanges: [{CidrIp: '0.0.0.0/0'}], ToPort: 22}])
    const env = {...healthy.environment!, instances: [instance('i-0aaa', 'required', [GROUP_IDS.web, 'sg-0awseb'])]}
    const site = fakeSite({facts: {...healthy, environment: env}, untagged: [awseb]})
    const result = await runDoctor({clients: site.clients, config: testConfig()})
    expect(site.calls).toContain('ec2.describeSecurityGroups(sg-0awseb)')
    expect(result.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['security-groups'])
    expect(result.checks.find((c) => c.id === 'security-groups')?.detail).toContain('sg-0awseb (awseb-e-abc-stack-AWSEBSecurityGroup-XYZ, on i-0aaa) admits tcp/22 from 0.0.0.0/0')
  })

  it("asks a Redis member's own description when the API has no securityGroupIdsOf; skips a mount target deleted meanwhile", async () => {
    const site = fakeSite({goneMountTargets: ['fsmt-02'], noSecurityGroupIdsOf: true})
    const result = await runDoctor({clients: site.clients, config: testConfig()})
    expect(site.calls).toEqual(expect.arrayContaining(['elasticache.describeCacheCluster(hactl-demo-001)', 'elasticache.describeCacheCluster(hactl-demo-002)']))
    expect(result.failed).toBe(0)
  })

  it('lets any other failure of a mount target lookup through', async () => {
    const site = fakeSite()
    const efs = await site.clients.efs()
    const denied = new AwsError('AccessDenied', 'elasticfilesystem:DescribeMountTargetSecurityGroups was denied')
    const clients = {...site.clients, efs: async () => ({...efs, fileSystemPolicy: efs.fileSystemPolicy, mountTargetSecurityGroups: async () => Promise.reject(denied)}) as unknown as EfsApi}
    await expect(runDoctor({clients, config: testConfig()})).rejects.toBe(denied)
  })

  it('fails with a one-line UserError when nothing of the site exists', async () => {
    const site = fakeSite({exists: false})
    const running = runDoctor({clients: site.clients, config: testConfig()})
    await expect(running).rejects.toThrow(UserError)
    await expect(running).rejects.toThrow('No environment for site demo; run `hactl env create`.')
  })

  it('keeps checking when the network cannot be resolved: only efs-mount-targets fails', async () => {
    const result = await runDoctor({clients: fakeSite({vpcMissing: true}).clients, config: testConfig()})
    expect(result.checks.filter((c) => c.status === 'fail')).toEqual([
      expect.objectContaining({detail: expect.stringContaining('This Region has no default VPC.'), id: 'efs-mount-targets'}),
    ])
  })

  it('lets an AWS failure through (exit 4), reported as a failed step', async () => {
    const reporter = new RecordingReporter()
    const denied = new AwsError('AccessDenied', 'rds:DescribeDBInstances was denied')
    const running = runDoctor({clients: fakeSite({failRds: denied}).clients, config: testConfig(), reporter})
    await expect(running).rejects.toBe(denied)
    expect(reporter.ofType('step').at(-1)).toMatchObject({detail: 'rds:DescribeDBInstances was denied', state: 'fail'})
  })
})

describe('checksFailedError and renderDoctor', () => {
  const broken = judgeSite(addIngress(healthySite(), 'web', {FromPort: 22, IpProtocol: 'tcp', IpRanges: [{CidrIp: '0.0.0.0/0'}], ToPort: 22}))

  it('exit 9, the failed ids in the message, the whole result in data', () => {
    const error = checksFailedError(broken)
    expect(HactlError.isHactlError(error)).toBe(true)
    expect(error.exitCode).toBe(ExitCode.ChecksFailed)
    expect(error.message).toBe('1 check failed for site demo: security-groups.')
    expect(error.data).toEqual({...broken})
  })

  it('one line per check with its mark, the remedy after a failure, then the counts', () => {
    const text = renderDoctor(broken)
    const lines = text.split('\n')
    expect(lines[0]).toBe('Site demo')
    expect(lines).toContain('✓ imdsv2                  IMDSv2 required on 2 instances and in the launch settings')
    expect(lines.find((line) => line.startsWith('✗ security-groups'))).toMatch(/admits tcp\/22 from 0\.0\.0\.0\/0 .* — Remove the rule: aws ec2 revoke-security-group-ingress --group-id sg-0web/)
    expect(lines.at(-1)).toBe('14 passed, 1 failed')
    expect(renderDoctor({...broken, skipped: 2}).split('\n').at(-1)).toBe('14 passed, 1 failed, 2 skipped')
  })
})
