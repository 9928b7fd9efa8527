/** Fake read-only AWS APIs that answer for a site's facts: what runDoctor reads through. */
import type {Image, SecurityGroup} from '@aws-sdk/client-ec2'
import type {EbApi} from '../../../../src/aws/eb'
import type {Ec2Api} from '../../../../src/aws/ec2'
import type {EfsApi} from '../../../../src/aws/efs'
import type {ElastiCacheApi} from '../../../../src/aws/elasticache'
import type {RdsApi} from '../../../../src/aws/rds'
import type {DoctorClients, SiteFacts} from '../../../../src/doctor/run'
import {AwsError} from '../../../../src/core/errors'
import {healthySite, type InstanceDb, type RedisCache, SUBNETS, ZONE_OF} from './site'

/**
 * A fake API: the given methods, and a loud failure for any other one (doctor
 * must only read); `optional` names members the interface may lack, which read as absent.
 */
export function fakeApi<T extends object>(methods: Partial<T>, optional: readonly string[] = []): T {
  return new Proxy(methods, {
    get(target, key) {
      if (key === 'then') return undefined
      const method = (target as Record<string | symbol, unknown>)[key]
      if (method === undefined && !optional.includes(String(key))) throw new Error(`doctor called ${String(key)}, which the fake does not offer`)
      return method
    },
  }) as T
}

export interface FakeSite {
  calls: string[]
  clients: DoctorClients
}

export interface FakeSiteOptions {
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
export function fakeSite(options: FakeSiteOptions = {}): FakeSite {
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
    // The default VPC as AWS makes it: DNS on, the main route table to an internet gateway, no endpoints.
    describeRouteTables: () =>
      call('ec2.describeRouteTables', [
        {Associations: [{Main: true}], RouteTableId: 'rtb-0123', Routes: [{DestinationCidrBlock: '172.31.0.0/16', GatewayId: 'local'}, {DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-0123', State: 'active' as const}], VpcId: 'vpc-0123'},
      ]),
    describeVpcDns: () => call('ec2.describeVpcDns', {hostnames: true, support: true}),
    describeVpcEndpoints: () => call('ec2.describeVpcEndpoints', []),
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
