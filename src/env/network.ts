/**
 * Where a site runs: its VPC and subnets, resolved from hactl.yml against
 * what exists, with the checks an ALB and Multi-AZ data tier need.
 */
import type {Route, RouteTable, Subnet, VpcEndpoint} from '@aws-sdk/client-ec2'

import type {Ec2Api} from '../aws/ec2'
import type {HactlConfig} from '../config/schema'
import {UserError} from '../core/errors'

export interface SiteNetwork {
  readonly vpcId: string
  /** Instance (and seed, EFS, DB, cache) subnets, one or more per AZ. */
  readonly subnets: readonly string[]
  readonly loadBalancerSubnets: readonly string[]
  /** Subnet id → AZ name. */
  readonly zoneOf: Readonly<Record<string, string>>
}

function zonesOf(subnets: readonly Subnet[]): Set<string> {
  return new Set(subnets.map((subnet) => subnet.AvailabilityZone ?? ''))
}

async function resolveVpc(ec2: Ec2Api, vpcId: string): Promise<string> {
  if (vpcId === 'default') {
    const vpc = await ec2.describeDefaultVpc()
    if (!vpc?.VpcId) {
      throw new UserError('no-default-vpc', 'This Region has no default VPC.', {
        suggestions: ['Set network.vpcId and network.subnets / network.loadBalancerSubnets in hactl.yml to a VPC of yours.'],
      })
    }

    return vpc.VpcId
  }

  const found = await ec2.describeVpcs([vpcId]).catch(() => [])
  if (found.length === 0) {
    throw new UserError('vpc-not-found', `VPC ${vpcId} (network.vpcId) does not exist in this Region.`, {
      suggestions: ['Check network.vpcId and --region; `aws ec2 describe-vpcs` lists your VPCs.'],
    })
  }

  return vpcId
}

async function resolveSubnets(ec2: Ec2Api, vpcId: string, wanted: readonly string[], key: string): Promise<Subnet[]> {
  if (wanted.length === 0) {
    const all = await ec2.describeSubnets({vpcId})
    const defaults = all.filter((subnet) => subnet.DefaultForAz)
    return defaults.length > 0 ? defaults : all
  }

  const found = await ec2.describeSubnets({subnetIds: wanted}).catch(() => [] as Subnet[])
  const missing = wanted.filter((id) => !found.some((subnet) => subnet.SubnetId === id))
  if (missing.length > 0) {
    throw new UserError('subnet-not-found', `Subnet ${missing.join(', ')} (${key}) does not exist in this Region.`, {
      suggestions: [`Check ${key} in hactl.yml.`],
    })
  }

  const elsewhere = found.filter((subnet) => subnet.VpcId !== vpcId)
  if (elsewhere.length > 0) {
    throw new UserError('subnet-wrong-vpc', `Subnet ${elsewhere.map((s) => s.SubnetId).join(', ')} (${key}) is not in VPC ${vpcId}.`, {
      suggestions: [`List subnets of ${vpcId} in ${key}.`],
    })
  }

  return found
}

export async function resolveNetwork(ec2: Ec2Api, config: HactlConfig): Promise<SiteNetwork> {
  const vpcId = await resolveVpc(ec2, config.network.vpcId)
  const subnets = await resolveSubnets(ec2, vpcId, config.network.subnets, 'network.subnets')
  const lbSubnets =
    config.network.loadBalancerSubnets.length > 0
      ? await resolveSubnets(ec2, vpcId, config.network.loadBalancerSubnets, 'network.loadBalancerSubnets')
      : subnets
  for (const [list, key] of [
    [subnets, 'network.subnets'],
    [lbSubnets, 'network.loadBalancerSubnets'],
  ] as const) {
    if (zonesOf(list).size < 2) {
      throw new UserError('too-few-zones', `The subnets for ${key} cover ${zonesOf(list).size} Availability Zone(s); hactl needs two or more.`, {
        suggestions: [`List subnets in at least two Availability Zones in ${key}: the load balancer, Multi-AZ database and cache need them.`],
      })
    }
  }

  // An ALB takes one subnet per Availability Zone; two in one zone fail inside EB, after the data tier was built.
  const lbZones = lbSubnets.map((subnet) => subnet.AvailabilityZone ?? '')
  const twice = lbZones.find((zone, index) => lbZones.indexOf(zone) !== index)
  if (twice) {
    throw new UserError('load-balancer-subnets-same-zone', `Two load balancer subnets are in ${twice}; an Application Load Balancer takes one subnet per Availability Zone.`, {
      suggestions: [`List one subnet per Availability Zone in ${config.network.loadBalancerSubnets.length > 0 ? 'network.loadBalancerSubnets' : 'network.subnets'}.`],
    })
  }

  const zoneOf = Object.fromEntries([...subnets, ...lbSubnets].map((subnet) => [subnet.SubnetId ?? '', subnet.AvailabilityZone ?? '']))
  return {
    loadBalancerSubnets: lbSubnets.map((subnet) => subnet.SubnetId ?? '').sort(),
    subnets: subnets.map((subnet) => subnet.SubnetId ?? '').sort(),
    vpcId,
    zoneOf,
  }
}

/** One subnet per AZ (the first by id), for EFS mount targets: EFS allows one per AZ. */
export function oneSubnetPerZone(network: SiteNetwork): Array<{subnetId: string; zone: string}> {
  const byZone = new Map<string, string>()
  for (const subnetId of network.subnets) {
    const zone = network.zoneOf[subnetId]
    if (zone && !byZone.has(zone)) byZone.set(zone, subnetId)
  }

  return [...byZone.entries()].sort().map(([zone, subnetId]) => ({subnetId, zone}))
}

// ---- DNS and the way out ---------------------------------------------------

/**
 * A custom VPC must resolve names and give instances DNS hostnames: the EFS
 * mount helper mounts `fs-….efs.<region>.amazonaws.com`, which does not
 * resolve otherwise, so the deployment fails after the whole data tier was
 * built (AWS-NOTES-2 A.1 row 3; AWS's EB EFS sample
 * awsdocs/elastic-beanstalk-samples storage-efs-mountfilesystem.config says a
 * custom VPC needs both attributes on).
 */
export async function checkVpcDns(ec2: Ec2Api, vpcId: string): Promise<void> {
  const dns = await ec2.describeVpcDns(vpcId)
  const off = [!dns.support && 'enableDnsSupport', !dns.hostnames && 'enableDnsHostnames'].filter((name): name is string => typeof name === 'string')
  if (off.length === 0) return
  throw new UserError('vpc-dns-off', `VPC ${vpcId} has ${off.join(' and ')} off; the instances could not resolve the EFS file system's DNS name, so the site would never deploy.`, {
    suggestions: off.map((name) => `aws ec2 modify-vpc-attribute --vpc-id ${vpcId} --${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)} '{"Value":true}'`),
  })
}

/**
 * What the instances must reach when their subnets have no route to the
 * internet: Elastic Beanstalk and its health service, CloudFormation (EB's
 * bootstrap runs cfn-init against the stack), CloudWatch Logs (log and
 * health streaming), Systems Manager (ssm, ssmmessages, ec2messages: the
 * seed and Session Manager), Secrets Manager (the database and cache
 * secrets), EFS (efs-utils asks the EFS API for a mount target when DNS
 * fails), and S3 (application versions, dnf repositories) — AWS-NOTES-2 A.1
 * row 27; EB developer guide "Using Elastic Beanstalk with VPC endpoints"
 * (https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/vpc-vpce.html).
 */
export const REQUIRED_INTERFACE_ENDPOINTS = [
  'elasticbeanstalk', 'elasticbeanstalk-health', 'cloudformation', 'logs', 'ssm', 'ssmmessages', 'ec2messages', 'secretsmanager', 'elasticfilesystem',
] as const

export interface EgressFacts {
  readonly routeTables: readonly RouteTable[]
  readonly endpoints: readonly VpcEndpoint[]
}

export interface EgressVerdict {
  /** Instance subnets whose route table sends 0.0.0.0/0 nowhere the instances can use. */
  readonly subnetsWithoutRoute: readonly string[]
  /** Service names (`com.amazonaws.<region>.ssm`, …) with no endpoint, when some subnet has no route. */
  readonly missingEndpoints: readonly string[]
  /** True when every instance subnet has a route, or the VPC has every endpoint. */
  readonly ok: boolean
}

/** The table a subnet uses: the one explicitly associated with it, else the VPC's main table. */
function tableOf(subnetId: string, tables: readonly RouteTable[]): RouteTable | undefined {
  return (
    tables.find((table) => table.Associations?.some((association) => association.SubnetId === subnetId)) ??
    tables.find((table) => table.Associations?.some((association) => association.Main))
  )
}

/**
 * A default route the instances can use. An internet gateway only serves
 * instances with a public address, which hactl gives only in the default VPC
 * (spec.ts AssociatePublicIpAddress); a NAT gateway, NAT instance, transit
 * gateway or virtual private gateway forwards for private addresses.
 */
function leadsOut(route: Route, publicIp: boolean): boolean {
  if (route.DestinationCidrBlock !== '0.0.0.0/0' || route.State === 'blackhole') return false
  if (route.NatGatewayId || route.TransitGatewayId || route.InstanceId || route.NetworkInterfaceId || route.CoreNetworkArn) return true
  const gateway = route.GatewayId ?? ''
  return gateway.startsWith('vgw-') || (publicIp && gateway.startsWith('igw-'))
}

/** A pure judge of the network facts, shared by plan, env create and doctor. */
export function judgeEgress(network: Pick<SiteNetwork, 'subnets'>, facts: EgressFacts, options: {region: string; publicIp: boolean}): EgressVerdict {
  const subnetsWithoutRoute = network.subnets.filter((subnet) => !(tableOf(subnet, facts.routeTables)?.Routes ?? []).some((route) => leadsOut(route, options.publicIp)))
  if (subnetsWithoutRoute.length === 0) return {missingEndpoints: [], ok: true, subnetsWithoutRoute}
  const live = facts.endpoints.filter((endpoint) => !['deleted', 'deleting', 'failed', 'rejected'].includes(String(endpoint.State ?? '').toLowerCase()))
  const has = (service: string) => live.some((endpoint) => endpoint.ServiceName === `com.amazonaws.${options.region}.${service}` && endpoint.VpcEndpointType === 'Interface')
  const missing = REQUIRED_INTERFACE_ENDPOINTS.filter((service) => !has(service)).map((service) => `com.amazonaws.${options.region}.${service}`)
  // S3 as a gateway on each route-less subnet's table, or as an interface endpoint.
  const s3 = `com.amazonaws.${options.region}.s3`
  const s3Tables = new Set(live.filter((endpoint) => endpoint.ServiceName === s3 && endpoint.VpcEndpointType === 'Gateway').flatMap((endpoint) => endpoint.RouteTableIds ?? []))
  const s3Served = live.some((endpoint) => endpoint.ServiceName === s3 && endpoint.VpcEndpointType === 'Interface') || subnetsWithoutRoute.every((subnet) => s3Tables.has(tableOf(subnet, facts.routeTables)?.RouteTableId ?? ''))
  if (!s3Served) missing.push(`${s3} (gateway)`)
  return {missingEndpoints: missing, ok: missing.length === 0, subnetsWithoutRoute}
}

/** Reads the route tables and endpoints of the site's VPC and judges them. */
export async function checkEgress(ec2: Ec2Api, network: SiteNetwork, config: HactlConfig): Promise<EgressVerdict> {
  const [routeTables, endpoints] = await Promise.all([ec2.describeRouteTables(network.vpcId), ec2.describeVpcEndpoints(network.vpcId)])
  return judgeEgress(network, {endpoints, routeTables}, {publicIp: config.network.vpcId === 'default', region: config.region})
}

/** One line for plan, env create and doctor. */
export function describeEgressGap(verdict: EgressVerdict): string {
  return `Subnet${verdict.subnetsWithoutRoute.length > 1 ? 's' : ''} ${verdict.subnetsWithoutRoute.join(', ')} (network.subnets) ${verdict.subnetsWithoutRoute.length > 1 ? 'have' : 'has'} no route to the internet (0.0.0.0/0 via a NAT gateway), and the VPC has no endpoint for ${verdict.missingEndpoints.join(', ')}: the instances could not bootstrap.`
}

export const EGRESS_FIX = 'Add a 0.0.0.0/0 route via a NAT gateway to those subnets\' route table, or create the missing VPC endpoints (interface endpoints with private DNS; S3 as a gateway endpoint on the subnets\' route tables).'
