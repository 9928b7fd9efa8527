import type {ConfigurationOptionSetting} from '@aws-sdk/client-elastic-beanstalk'
import type {Image, Instance, SecurityGroup} from '@aws-sdk/client-ec2'

import type {EbApi} from '../../../src/aws/eb'
import type {Ec2Api} from '../../../src/aws/ec2'
import type {EfsApi} from '../../../src/aws/efs'
import type {ElastiCacheApi} from '../../../src/aws/elasticache'
import type {RdsApi} from '../../../src/aws/rds'
import {ExitCode} from '../../../src/cli/exit-codes'
import type {HactlConfig} from '../../../src/config/schema'
import {
  checksFailedError,
  type CheckId,
  DOCTOR_CHECKS,
  type DoctorClients,
  judgeSite,
  plaintextSecrets,
  runDoctor,
  secretShapeOf,
  type SiteFacts,
} from '../../../src/env/doctor'
import {siteNames, type SecurityGroupRole} from '../../../src/env/names'
import {optionSettings, securityGroupSpecs, type Refs} from '../../../src/env/spec'
import {AwsError, HactlError, UserError} from '../../../src/errors'
import {renderDoctor} from '../../../src/ui/render-doctor'
import {RecordingReporter} from '../../../src/ui/reporter'
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

function instance(id: string, tokens: 'required' | 'optional' = 'required'): Instance {
  return {InstanceId: id, MetadataOptions: {HttpTokens: tokens}, State: {Name: 'running'}}
}

/** A site exactly as `hactl env create` leaves it: every check passes. */
function healthySite(config: HactlConfig = testConfig()): SiteFacts {
  const names = siteNames(config.site)
  return {
    cache: {
      group: {AtRestEncryptionEnabled: true, ReplicationGroupId: names.cache, Status: 'available', TransitEncryptionEnabled: true},
      kind: 'redis',
    },
    config,
    database: {
      instance: {DBInstanceIdentifier: names.db, DeletionProtection: true, MultiAZ: true, PubliclyAccessible: false, StorageEncrypted: true},
      kind: 'instance',
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
        FileSystemId: 'fs-0123456789abcdef0',
        LifeCycleState: 'available',
        NumberOfMountTargets: 3,
        OwnerId: '123456789012',
        PerformanceMode: 'generalPurpose',
        SizeInBytes: {Value: 6144},
        Tags: [],
      },
      mountTargets: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'].map((zone, i) => ({
        AvailabilityZoneName: zone,
        FileSystemId: 'fs-0123456789abcdef0',
        LifeCycleState: 'available',
        MountTargetId: `fsmt-0${i}`,
        SubnetId: SUBNETS[i],
      })),
    },
    images: [],
    network: {loadBalancerSubnets: SUBNETS, subnets: SUBNETS, vpcId: 'vpc-0123', zoneOf: ZONE_OF},
    securityGroups: groups(config),
    siteInstances: [],
  }
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
    expect(result).toMatchObject({failed: 0, passed: 13, site: 'demo', skipped: 0})
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
    const facts: SiteFacts = {
      ...healthySite(config),
      cache: {cluster: {CacheClusterId: names.cache, TransitEncryptionEnabled: true}, kind: 'memcached'},
      database: {
        cluster: {
          DBClusterIdentifier: names.db,
          DBClusterMembers: [
            {DBInstanceIdentifier: names.auroraInstance(0), IsClusterWriter: true},
            {DBInstanceIdentifier: names.auroraInstance(1), IsClusterWriter: false},
          ],
          DeletionProtection: true,
          StorageEncrypted: true,
        },
        instances: [{DBInstanceIdentifier: names.auroraInstance(0)}, {DBInstanceIdentifier: names.auroraInstance(1)}],
        kind: 'cluster',
      },
    }
    expect(failing(facts)).toEqual([])
    expect(check(facts, 'rollout-capacity').detail).toContain('immutably')
    expect(check(facts, 'db-multi-az').detail).toBe('Aurora cluster hactl-demo-db has 1 reader to fail over to')
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
    const facts: SiteFacts = {
      ...healthy,
      database: {cluster: {DBClusterMembers: [{IsClusterWriter: true}, {IsClusterWriter: false}], DeletionProtection: true, StorageEncrypted: false}, instances: [], kind: 'cluster'},
    }
    expect(failing(facts)).toEqual(['db-encrypted'])
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
    const db = healthy.database as Extract<SiteFacts['database'], {kind: 'instance'}>
    const single = {...healthy, database: {...db, instance: {...db.instance, MultiAZ: false}}}
    expect(failing(single)).toEqual(['db-multi-az'])
    expect(check(single, 'db-multi-az').remedy).toContain('aws rds modify-db-instance --db-instance-identifier hactl-demo-db --multi-az --apply-immediately')
    const writerOnly: SiteFacts = {
      ...healthy,
      database: {cluster: {DBClusterMembers: [{IsClusterWriter: true}], DeletionProtection: true, StorageEncrypted: true}, instances: [{}], kind: 'cluster'},
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

describe('judgeSite: what does not exist yet is skipped', () => {
  it('skips every check whose resource is missing, with `hactl env create` as the remedy', () => {
    const facts: SiteFacts = {...healthySite(), cache: undefined, database: undefined, environment: undefined, fileSystem: undefined}
    const result = judgeSite(facts)
    const skipped = result.checks.filter((c) => c.status === 'skip').map((c) => c.id)
    expect(skipped).toEqual(Object.keys(DOCTOR_CHECKS).filter((id) => id !== 'security-groups'))
    expect(result.checks.find((c) => c.id === 'efs-encrypted')).toMatchObject({detail: 'no EFS file system hactl-demo-uploads yet', remedy: 'Run `hactl env create`.'})
  })
})

describe('plaintextSecrets and secretShapeOf', () => {
  const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'

  it('accepts pointers, ids, endpoints, paths and ordinary settings', () => {
    const properties = {
      AUTH_KEY: '',
      HACTL_CACHE_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:hactl/demo/cache-auth-AbCdEf',
      HACTL_DB_ENDPOINT: 'hactl-demo-db.c9akciq32xyz.eu-west-1.rds.amazonaws.com',
      HACTL_DB_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-3f2a1c4e-8b7d-4e0f-9a1b-2c3d4e5f6a7b-XyZ123',
      HACTL_EFS_ACCESS_POINT: 'fsap-0123456789abcdef0',
      HACTL_UPLOADS_PATH: '/var/www/html/wp-content/uploads/2024',
      MAIL_PASSWORD: '/hactl/demo/mail-password',
      BUNDLE_SHA256: 'f2ca1bb6c7e907d06dafe4687e579fce76b37e4e93b7605022da52e6ccc26fd2',
      REQUEST_ID: '3f2a1c4e-8b7d-4e0f-9a1b-2c3d4e5f6a7b',
      SITE_URL: 'https://www.example.org/some/long/path/to/the/site/index.php',
    }
    expect(plaintextSecrets(properties)).toEqual([])
  })

  it('flags secret-looking names with a value, and secret-shaped values under any name', () => {
    const findings = plaintextSecrets({
      'api-key': 'abc',
      DB_PASSWORD: 'hunter2hunter2',
      LOGGED_IN_SALT: 'x y z',
      MY_SETTING: SECRET_KEY,
      OTHER: 'AKIAIOSFODNN7EXAMPLE',
      STRIPE: 'sk_live_4eC39HqLyjWDarjtT1zdp7dcXyZ123aB',
      WP_TOKEN_VALUE: 'some-value',
    })
    expect(findings.map((f) => f.name).sort()).toEqual(['DB_PASSWORD', 'LOGGED_IN_SALT', 'MY_SETTING', 'OTHER', 'STRIPE', 'WP_TOKEN_VALUE', 'api-key'])
    expect(findings.find((f) => f.name === 'MY_SETTING')?.why).toBe('its value looks like an AWS secret access key')
    expect(findings.find((f) => f.name === 'OTHER')?.why).toBe('its value looks like an AWS access key id')
    expect(JSON.stringify(findings)).not.toMatch(/hunter2|EXAMPLE|sk_live/)
  })

  it('secretShapeOf: private keys and long random tokens, not ARNs or digests', () => {
    expect(secretShapeOf('-----BEGIN RSA PRIVATE KEY-----\nMIIE...')).toBe('a private key')
    expect(secretShapeOf('Zx9Qm2Lp7Vt4Rk8Wn3Hs6Jd1Fb5Gc0Ya9Xe2Uq7Io4Pw')).toBe('a long random token')
    expect(secretShapeOf('arn:aws:iam::123456789012:role/Zx9Qm2Lp7Vt4Rk8Wn3Hs6Jd1Fb5Gc0Ya9Xe2Uq7Io4Pw')).toBeUndefined()
    expect(secretShapeOf('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')).toBeUndefined()
    expect(secretShapeOf('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAa1')).toBeUndefined()
  })
})

// ---------------------------------------------------------------------------
// runDoctor against fake APIs

/** A fake API: the given methods, and a loud failure for any other one (doctor must only read). */
function fakeApi<T extends object>(methods: Partial<T>): T {
  return new Proxy(methods, {
    get(target, key) {
      if (key === 'then') return undefined
      const method = (target as Record<string | symbol, unknown>)[key]
      if (method === undefined) throw new Error(`doctor called ${String(key)}, which the fake does not offer`)
      return method
    },
  }) as T
}

interface FakeSite {
  calls: string[]
  clients: DoctorClients
}

/** Fake APIs answering for the healthy site; `exists: false` answers "nothing here" everywhere. */
function fakeSite(options: {exists?: boolean; vpcMissing?: boolean; failRds?: Error; gate?: Promise<void>} = {}): FakeSite {
  const exists = options.exists ?? true
  const facts = healthySite()
  const calls: string[] = []
  const call = async <T>(name: string, value: T): Promise<T> => {
    calls.push(name)
    if (options.gate && name === 'eb.describeEnvironment') await options.gate
    return value
  }

  const env = facts.environment!
  const eb = fakeApi<EbApi>({
    configurationSettings: () => call('eb.configurationSettings', [...env.settings]),
    describeEnvironment: () => call('eb.describeEnvironment', exists ? env.description : undefined),
    environmentResources: () => call('eb.environmentResources', {autoScalingGroups: [], instanceIds: ['i-0aaa', 'i-0bbb'], launchTemplates: [], loadBalancers: []}),
  })
  const ec2 = fakeApi<Ec2Api>({
    describeDefaultVpc: () => call('ec2.describeDefaultVpc', options.vpcMissing ? undefined : {VpcId: 'vpc-0123'}),
    describeImages: (filter) => call(`ec2.describeImages${filter.imageIds ? '(ids)' : '(tags)'}`, [] as Image[]),
    describeInstances: (filter) => call(`ec2.describeInstances${filter.instanceIds ? '(ids)' : '(tags)'}`, filter.instanceIds && exists ? [...env.instances] : []),
    describeSecurityGroups: () => call('ec2.describeSecurityGroups', exists ? [...facts.securityGroups] : []),
    describeSubnets: () => call('ec2.describeSubnets', SUBNETS.map((id) => ({AvailabilityZone: ZONE_OF[id], DefaultForAz: true, SubnetId: id, VpcId: 'vpc-0123'}))),
  })
  const efs = fakeApi<EfsApi>({
    backupPolicyStatus: () => call('efs.backupPolicyStatus', 'ENABLED'),
    describeMountTargets: () => call('efs.describeMountTargets', [...facts.fileSystem!.mountTargets]),
    findFileSystem: () => call('efs.findFileSystem', exists ? facts.fileSystem!.description : undefined),
  })
  const rds = fakeApi<RdsApi>({
    describeInstance: async () => {
      if (options.failRds) throw options.failRds
      return call('rds.describeInstance', exists ? (facts.database as Extract<SiteFacts['database'], {kind: 'instance'}>).instance : undefined)
    },
  })
  const cache = fakeApi<ElastiCacheApi>({
    describeReplicationGroup: () => call('elasticache.describeReplicationGroup', exists ? (facts.cache as Extract<SiteFacts['cache'], {kind: 'redis'}>).group : undefined),
  })
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
    expect(result).toMatchObject({failed: 0, passed: 13, site: 'demo', skipped: 0})
    expect(site.calls).toEqual(expect.arrayContaining(['eb.configurationSettings', 'eb.environmentResources', 'ec2.describeInstances(ids)']))
    expect(reporter.ofType('step').map((e) => e.state)).toEqual(['start', 'done'])
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
    expect(lines.at(-1)).toBe('12 passed, 1 failed')
    expect(renderDoctor({...broken, skipped: 2}).split('\n').at(-1)).toBe('12 passed, 1 failed, 2 skipped')
  })
})
