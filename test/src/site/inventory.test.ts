/**
 * The site inventory: one call reads each resource at most once, parts not
 * wanted are not read at all, and a site that does not exist comes back as
 * absent parts rather than errors.
 */
import {AwsClients} from '../../../src/aws/clients'
import {ManualClock} from '../../../src/core/clock'
import {openSandbox} from '../../../src/sandbox'
import {readSite, type InventoryClients, type SiteWant} from '../../../src/site/inventory'
import {RESOURCE_KIND_LABELS, RESOURCE_KINDS} from '../../../src/site/inventory-kinds'
import {legacyMemcachedConfig, testConfig} from '../../_helpers/config'
import {removeTempStateDirs, tempStateDir} from '../sandbox/clients'

type Api = Record<string, jest.Mock>

/** Narrow per-service fakes answering as a fully created Redis + RDS site; every method a jest.fn so calls can be counted. */
function existingSite(): {clients: InventoryClients; apis: Record<string, Api>} {
  const apis: Record<string, Api> = {
    eb: {
      configurationSettings: jest.fn(async () => [{Namespace: 'aws:autoscaling:asg', OptionName: 'MinSize', Value: '2'}]),
      describeApplication: jest.fn(async () => ({ApplicationName: 'hactl-demo'})),
      describeApplicationVersion: jest.fn(async () => ({SourceBundle: {S3Bucket: 'eb-bucket', S3Key: 'hactl/demo/bundles/v1.zip'}, VersionLabel: 'v1'})),
      describeEnvironment: jest.fn(async () => ({EnvironmentId: 'e-1', EnvironmentName: 'hactl-demo', Health: 'Green', Status: 'Ready', VersionLabel: 'v1'})),
      environmentHealth: jest.fn(async () => ({causes: [], healthStatus: 'Ok', instances: {Ok: 2}})),
      environmentResources: jest.fn(async () => ({autoScalingGroups: [], instanceIds: ['i-2', 'i-1'], loadBalancers: []})),
    },
    ec2: {
      describeImages: jest.fn(async () => [{ImageId: 'ami-1'}]),
      describeInstances: jest.fn(async (filter: {instanceIds?: string[]}) => (filter.instanceIds ?? ['i-seed']).map((InstanceId) => ({InstanceId}))),
      findSecurityGroups: jest.fn(async (_vpc: string, names: string[]) => new Map(names.map((name, i) => [name, {GroupId: `sg-${i}`, GroupName: name}]))),
    },
    efs: {
      describeAccessPoints: jest.fn(async () => [{AccessPointId: 'fsap-1'}]),
      describeMountTargets: jest.fn(async () => [{AvailabilityZoneName: 'eu-west-1b'}, {AvailabilityZoneName: 'eu-west-1a'}]),
      fileSystemPolicy: jest.fn(async () => '{"Statement":[]}'),
      findFileSystem: jest.fn(async () => ({FileSystemId: 'fs-1'})),
    },
    elasticache: {
      describeCacheCluster: jest.fn(async () => undefined),
      describeReplicationGroup: jest.fn(async () => ({ReplicationGroupId: 'hactl-demo'})),
      describeSubnetGroup: jest.fn(async () => ({CacheSubnetGroupName: 'hactl-demo-cache'})),
    },
    iam: {
      getInstanceProfile: jest.fn(async () => ({Arn: 'arn:profile'})),
      getRole: jest.fn(async (name: string) => ({Arn: `arn:role/${name}`, RoleName: name})),
    },
    rds: {
      describeCluster: jest.fn(async () => undefined),
      describeClusterInstances: jest.fn(async () => []),
      describeInstance: jest.fn(async () => ({DBInstanceIdentifier: 'hactl-demo-db'})),
      describeSubnetGroup: jest.fn(async () => ({DBSubnetGroupName: 'hactl-demo-db'})),
      parameterGroupExists: jest.fn(async () => true),
    },
    s3: {objectExists: jest.fn(async () => true)},
    secrets: {describeSecret: jest.fn(async () => ({arn: 'arn:secret', name: 'hactl/demo/cache-auth'}))},
    ssm: {
      getParametersByPath: jest.fn(async () => [
        {name: '/hactl/demo/lock', value: '{}', version: 1},
        {name: '/hactl/demo/images/current', value: 'ami-1', version: 1},
      ]),
    },
  }
  const service = (name: string) => jest.fn(async () => apis[name])
  const clients = Object.fromEntries(Object.keys(apis).map((name) => [name, service(name)])) as unknown as InventoryClients
  return {apis, clients}
}

const EVERYTHING: SiteWant = {
  application: true,
  bundle: {versionLabel: 'v1'},
  cache: {supporting: true},
  database: {members: true, supporting: true},
  environment: {health: true, instances: true, settings: true},
  iam: true,
  images: true,
  pointers: true,
  secrets: true,
  securityGroups: {vpcId: 'vpc-1'},
  seed: true,
  uploads: {policy: true},
}

describe('readSite', () => {
  afterAll(removeTempStateDirs)

  it('reads every wanted part with each describe called once', async () => {
    const {apis, clients} = existingSite()
    const site = await readSite({clients, config: testConfig(), want: EVERYTHING})

    for (const [service, api] of Object.entries(apis)) {
      for (const [method, fn] of Object.entries(api)) {
        // getRole is asked once per role (two roles); describeInstances once for the environment, once for the seed.
        // describeSecret: the cache token and the app's DB secret.
        const expected = method === 'getRole' || method === 'describeSecret' || (service === 'ec2' && method === 'describeInstances') ? 2 : 1
        // A Redis + RDS instance site asks nothing of the Aurora or Memcached calls.
        const unused = ['describeCacheCluster', 'describeCluster', 'describeClusterInstances'].includes(method)
        expect({call: `${service}.${method}`, times: fn.mock.calls.length}).toEqual({call: `${service}.${method}`, times: unused ? 0 : expected})
      }
    }

    expect(apis.iam.getRole.mock.calls.map(([name]) => name).sort()).toEqual(['hactl-demo-eu-west-1-eb-service', 'hactl-demo-eu-west-1-instance'])
    expect(site.environment?.instances.map((i) => i.InstanceId)).toEqual(['i-1', 'i-2'])
    expect(site.environment?.health?.healthStatus).toBe('Ok')
    expect(site.uploads?.mountTargets.map((t) => t.AvailabilityZoneName)).toEqual(['eu-west-1a', 'eu-west-1b'])
    expect(Object.keys(site.securityGroups?.byRole ?? {})).toEqual(['lb', 'web', 'seed', 'efs', 'db', 'cache'])
    expect(site.bundle).toMatchObject({objectExists: true, versionLabel: 'v1'})
    expect(site.seed?.instances.map((i) => i.InstanceId)).toEqual(['i-seed'])
    // The lock is site/lock's to read; pointers are everything else under /hactl/<site>/.
    expect(site.pointers?.values).toEqual({'images/current': 'ami-1'})
  })

  it('reads nothing it was not asked for', async () => {
    const {apis, clients} = existingSite()
    const site = await readSite({clients, config: testConfig(), want: {environment: true}})
    expect(site.environment?.description?.Status).toBe('Ready')
    expect(site.environment?.settings).toEqual([])
    expect(site.uploads).toBeUndefined()
    expect(site.database).toBeUndefined()
    const called = Object.entries(apis).flatMap(([service, api]) => Object.entries(api).filter(([, fn]) => fn.mock.calls.length > 0).map(([m]) => `${service}.${m}`))
    expect(called).toEqual(['eb.describeEnvironment'])
  })

  it('asks EB for health only of a Ready environment', async () => {
    const {apis, clients} = existingSite()
    apis.eb.describeEnvironment.mockResolvedValue({EnvironmentName: 'hactl-demo', Status: 'Launching'})
    const site = await readSite({clients, config: testConfig(), want: {environment: {health: true}}})
    expect(site.environment?.health).toBeUndefined()
    expect(apis.eb.environmentHealth).not.toHaveBeenCalled()
  })

  it('reads an Aurora cluster and its instances, and a Memcached cluster, by the engines hactl.yml names', async () => {
    const {apis, clients} = existingSite()
    apis.rds.describeCluster.mockResolvedValue({DBClusterIdentifier: 'hactl-demo-db'})
    apis.rds.describeClusterInstances.mockResolvedValue([{DBInstanceIdentifier: 'hactl-demo-db-1'}])
    apis.elasticache.describeCacheCluster.mockResolvedValue({CacheClusterId: 'hactl-demo'})
    const config = legacyMemcachedConfig({database: {engine: 'aurora-mysql'}})
    const site = await readSite({clients, config, want: {cache: true, database: {members: true}}})
    expect(site.database?.cluster?.DBClusterIdentifier).toBe('hactl-demo-db')
    expect(site.database?.clusterInstances).toHaveLength(1)
    expect(site.cache?.cluster?.CacheClusterId).toBe('hactl-demo')
    expect(apis.rds.describeInstance).not.toHaveBeenCalled()
    expect(apis.elasticache.describeReplicationGroup).not.toHaveBeenCalled()
    // Without `members`, a cluster's instances are not asked for (env status has no use for them).
    await readSite({clients, config, want: {database: true}})
    expect(apis.rds.describeClusterInstances).toHaveBeenCalledTimes(1)
  })

  it('answers a site that does not exist with absent resources, not errors (sandbox, empty region)', async () => {
    const sandbox = openSandbox({clock: new ManualClock(), region: 'eu-west-1', stateDir: tempStateDir()})
    const clients = new AwsClients({sandbox, version: 'test'})
    const site = await readSite({clients, config: testConfig(), want: {...EVERYTHING, lock: true, securityGroups: undefined}})
    expect(site.application).toEqual({application: undefined})
    expect(site.environment).toEqual({instances: [], settings: []})
    expect(site.uploads).toEqual({accessPoints: [], mountTargets: []})
    expect(site.database).toMatchObject({clusterInstances: [], instance: undefined, parameterGroupExists: false, subnetGroup: undefined})
    expect(site.cache).toEqual({cluster: undefined, replicationGroup: undefined, subnetGroup: undefined})
    expect(site.iam).toEqual({instanceProfile: undefined, instanceRole: undefined, serviceRole: undefined})
    expect(site.secrets).toEqual({cacheAuth: undefined})
    expect(site.bundle).toEqual({objectExists: undefined, version: undefined, versionLabel: 'v1'})
    expect(site.seed).toEqual({instances: []})
    expect(site.images).toEqual({images: []})
    expect(site.pointers).toEqual({values: {}})
    expect(site.lock).toEqual({held: false})
  })
})

describe('ResourceKind', () => {
  it('reads what doctor judges: backup, mount-target and member groups, TLS values, site-tagged instances and groups', async () => {
    const {apis, clients} = existingSite()
    apis.efs.describeMountTargets.mockResolvedValue([
      {AvailabilityZoneName: 'eu-west-1a', LifeCycleState: 'available', MountTargetId: 'fsmt-a'},
      {AvailabilityZoneName: 'eu-west-1b', LifeCycleState: 'available', MountTargetId: 'fsmt-gone'},
      {AvailabilityZoneName: 'eu-west-1c', LifeCycleState: 'creating', MountTargetId: 'fsmt-c'},
    ])
    apis.efs.backupPolicyStatus = jest.fn(async () => 'ENABLED')
    apis.efs.mountTargetSecurityGroups = jest.fn(async (id: string) => {
      if (id === 'fsmt-gone') throw Object.assign(new Error('gone'), {name: 'MountTargetNotFound'})
      return ['sg-efs']
    })
    apis.rds.describeInstance.mockResolvedValue({DBInstanceIdentifier: 'hactl-demo-db', DBParameterGroups: [{DBParameterGroupName: 'hactl-demo-db'}]})
    apis.rds.parameterValues = jest.fn(async () => ({require_secure_transport: '1'}))
    apis.elasticache.describeReplicationGroup.mockResolvedValue({MemberClusters: ['hactl-demo-001'], ReplicationGroupId: 'hactl-demo'})
    apis.elasticache.securityGroupIdsOf = jest.fn(async () => ['sg-cache'])
    apis.ec2.describeSecurityGroups = jest.fn(async () => [{GroupId: 'sg-tagged'}])
    const site = await readSite({
      clients,
      config: testConfig(),
      want: {
        cache: {memberGroups: true},
        database: {tlsParameters: ['require_secure_transport']},
        environment: {instances: {states: ['running']}},
        siteInstances: true,
        taggedSecurityGroups: true,
        uploads: {accessPoints: false, backup: true, mountTargetGroups: true},
      },
    })
    expect(site.uploads).toMatchObject({accessPoints: [], backup: 'ENABLED', mountTargetGroups: {'fsmt-a': ['sg-efs']}})
    expect(apis.efs.describeAccessPoints).not.toHaveBeenCalled()
    expect(site.database?.tls).toEqual({parameterGroup: 'hactl-demo-db', values: {require_secure_transport: '1'}})
    expect(apis.rds.parameterValues).toHaveBeenCalledWith('hactl-demo-db', false, ['require_secure_transport'])
    expect(site.cache?.memberGroups).toEqual({'hactl-demo-001': ['sg-cache']})
    expect(site.taggedSecurityGroups).toEqual([{GroupId: 'sg-tagged'}])
    expect(apis.ec2.describeInstances).toHaveBeenCalledWith({instanceIds: ['i-2', 'i-1'], states: ['running']})
    expect(apis.ec2.describeInstances).toHaveBeenCalledWith({states: ['running'], tags: {'hactl:site': 'demo'}})
    expect(site.siteInstances?.map((i) => i.InstanceId)).toEqual(['i-seed'])
  })

  it('answers lock and pointers from one listing of /hactl/<site>/ when both are wanted', async () => {
    const {apis, clients} = existingSite()
    apis.ssm.getParameter = jest.fn()
    const site = await readSite({clients: {...clients, clock: new ManualClock()}, config: testConfig(), want: {lock: true, pointers: true}})
    expect(apis.ssm.getParametersByPath).toHaveBeenCalledTimes(1)
    expect(apis.ssm.getParameter).not.toHaveBeenCalled()
    expect(site.pointers?.values).toEqual({'images/current': 'ami-1'})
    expect(site.lock?.held).toBe(true)
  })

  it('says which client is missing when a wanted part has none', async () => {
    await expect(readSite({clients: {}, config: testConfig(), want: {database: true}})).rejects.toThrow('no rds client was given')
  })

  it('gives every kind a distinct label', () => {
    const labels = RESOURCE_KINDS.map((kind) => RESOURCE_KIND_LABELS[kind])
    expect(new Set(labels).size).toBe(RESOURCE_KINDS.length)
  })
})
