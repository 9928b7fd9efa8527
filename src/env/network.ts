/**
 * Where a site runs: its VPC and subnets, resolved from hactl.yml against
 * what exists, with the checks an ALB and Multi-AZ data tier need.
 */
import type {Subnet} from '@aws-sdk/client-ec2'

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
