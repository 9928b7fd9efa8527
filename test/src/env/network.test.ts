import type {RouteTable, Subnet, VpcEndpoint} from '@aws-sdk/client-ec2'

import type {Ec2Api} from '../../../src/aws/ec2'
import {REQUIRED_INTERFACE_ENDPOINTS, checkVpcDns, describeEgressGap, judgeEgress, oneSubnetPerZone, resolveNetwork} from '../../../src/env/network'
import {UserError} from '../../../src/core/errors'
import {testConfig} from '../../_helpers/config'

const SUBNETS: Subnet[] = [
  {AvailabilityZone: 'eu-west-1a', DefaultForAz: true, SubnetId: 'subnet-aaaaaaaa', VpcId: 'vpc-11111111'},
  {AvailabilityZone: 'eu-west-1b', DefaultForAz: true, SubnetId: 'subnet-bbbbbbbb', VpcId: 'vpc-11111111'},
  {AvailabilityZone: 'eu-west-1a', DefaultForAz: false, SubnetId: 'subnet-cccccccc', VpcId: 'vpc-11111111'},
  {AvailabilityZone: 'eu-west-1b', DefaultForAz: false, SubnetId: 'subnet-dddddddd', VpcId: 'vpc-22222222'},
]

function fakeEc2(): Ec2Api {
  const partial: Partial<Ec2Api> = {
    describeDefaultVpc: async () => ({VpcId: 'vpc-11111111'}),
    async describeSubnets(filter) {
      if (filter.subnetIds) return SUBNETS.filter((s) => filter.subnetIds?.includes(s.SubnetId ?? ''))
      return SUBNETS.filter((s) => s.VpcId === filter.vpcId)
    },
    describeVpcs: async (ids) => (ids.includes('vpc-11111111') ? [{VpcId: 'vpc-11111111'}] : []),
  }
  return partial as Ec2Api
}

describe('resolveNetwork', () => {
  it('uses the default VPC\'s default subnets, one mount-target subnet per AZ', async () => {
    const network = await resolveNetwork(fakeEc2(), testConfig())
    expect(network).toMatchObject({loadBalancerSubnets: ['subnet-aaaaaaaa', 'subnet-bbbbbbbb'], subnets: ['subnet-aaaaaaaa', 'subnet-bbbbbbbb'], vpcId: 'vpc-11111111'})
    expect(oneSubnetPerZone(network)).toEqual([
      {subnetId: 'subnet-aaaaaaaa', zone: 'eu-west-1a'},
      {subnetId: 'subnet-bbbbbbbb', zone: 'eu-west-1b'},
    ])
  })

  it('refuses two load balancer subnets in one AZ before anything is built', async () => {
    const config = testConfig({network: {loadBalancerSubnets: ['subnet-aaaaaaaa', 'subnet-bbbbbbbb', 'subnet-cccccccc'], subnets: ['subnet-aaaaaaaa', 'subnet-bbbbbbbb'], vpcId: 'vpc-11111111'}})
    await expect(resolveNetwork(fakeEc2(), config)).rejects.toThrow('Two load balancer subnets are in eu-west-1a')
  })

  it('refuses subnets of another VPC, unknown ones, and a single AZ', async () => {
    const lb = ['subnet-aaaaaaaa', 'subnet-bbbbbbbb']
    const other = testConfig({network: {loadBalancerSubnets: lb, subnets: ['subnet-aaaaaaaa', 'subnet-dddddddd'], vpcId: 'vpc-11111111'}})
    await expect(resolveNetwork(fakeEc2(), other)).rejects.toThrow('is not in VPC vpc-11111111')
    const unknown = testConfig({network: {loadBalancerSubnets: lb, subnets: ['subnet-aaaaaaaa', 'subnet-eeeeeeee'], vpcId: 'vpc-11111111'}})
    await expect(resolveNetwork(fakeEc2(), unknown)).rejects.toThrow(UserError)
    const single = testConfig({network: {loadBalancerSubnets: lb, subnets: ['subnet-aaaaaaaa', 'subnet-cccccccc'], vpcId: 'vpc-11111111'}})
    await expect(resolveNetwork(fakeEc2(), single)).rejects.toThrow('cover 1 Availability Zone')
  })
})

describe('judgeEgress', () => {
  const REGION = 'eu-west-1'
  const local = {DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' as const}
  const main = (routes: RouteTable['Routes']): RouteTable => ({Associations: [{Main: true}], RouteTableId: 'rtb-main', Routes: [local, ...(routes ?? [])]})
  const network = {subnets: ['subnet-aaaaaaaa', 'subnet-bbbbbbbb']}
  const everyEndpoint: VpcEndpoint[] = [
    ...REQUIRED_INTERFACE_ENDPOINTS.map((service): VpcEndpoint => ({ServiceName: `com.amazonaws.${REGION}.${service}`, State: 'Available', VpcEndpointType: 'Interface'})),
    {RouteTableIds: ['rtb-main'], ServiceName: `com.amazonaws.${REGION}.s3`, State: 'Available', VpcEndpointType: 'Gateway'},
  ]

  it('passes a NAT gateway route, and an internet gateway only where instances get a public address', () => {
    const nat = main([{DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-1', State: 'active'}])
    expect(judgeEgress(network, {endpoints: [], routeTables: [nat]}, {publicIp: false, region: REGION}).ok).toBe(true)
    const igw = main([{DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active'}])
    expect(judgeEgress(network, {endpoints: [], routeTables: [igw]}, {publicIp: true, region: REGION}).ok).toBe(true)
    const verdict = judgeEgress(network, {endpoints: [], routeTables: [igw]}, {publicIp: false, region: REGION})
    expect(verdict).toMatchObject({ok: false, subnetsWithoutRoute: network.subnets})
    expect(verdict.missingEndpoints).toEqual(expect.arrayContaining([`com.amazonaws.${REGION}.ssm`, `com.amazonaws.${REGION}.s3 (gateway)`]))
    const blackhole = main([{DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-1', State: 'blackhole'}])
    expect(judgeEgress(network, {endpoints: [], routeTables: [blackhole]}, {publicIp: false, region: REGION}).ok).toBe(false)
  })

  it('uses a subnet\'s explicitly associated table before the main one', () => {
    const nat = main([{DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-1', State: 'active'}])
    const isolated: RouteTable = {Associations: [{SubnetId: 'subnet-bbbbbbbb'}], RouteTableId: 'rtb-isolated', Routes: [local]}
    const verdict = judgeEgress(network, {endpoints: [], routeTables: [nat, isolated]}, {publicIp: false, region: REGION})
    expect(verdict.subnetsWithoutRoute).toEqual(['subnet-bbbbbbbb'])
    expect(describeEgressGap(verdict)).toContain('Subnet subnet-bbbbbbbb (network.subnets) has no route to the internet')
  })

  it('passes private subnets with every endpoint, S3 as a gateway on their table', () => {
    expect(judgeEgress(network, {endpoints: everyEndpoint, routeTables: [main([])]}, {publicIp: false, region: REGION})).toMatchObject({missingEndpoints: [], ok: true})
    const s3Elsewhere = everyEndpoint.map((endpoint) => (endpoint.VpcEndpointType === 'Gateway' ? {...endpoint, RouteTableIds: ['rtb-other']} : endpoint))
    expect(judgeEgress(network, {endpoints: s3Elsewhere, routeTables: [main([])]}, {publicIp: false, region: REGION}).missingEndpoints).toEqual([`com.amazonaws.${REGION}.s3 (gateway)`])
  })
})

describe('checkVpcDns', () => {
  it('refuses a VPC with DNS hostnames or support off, naming the command that fixes it', async () => {
    const ec2 = {describeVpcDns: async () => ({hostnames: false, support: true})} as unknown as Ec2Api
    await expect(checkVpcDns(ec2, 'vpc-11111111')).rejects.toThrow(/VPC vpc-11111111 has enableDnsHostnames off/)
    await expect(checkVpcDns(ec2, 'vpc-11111111')).rejects.toMatchObject({suggestions: [expect.stringContaining('--enable-dns-hostnames')]})
    const on = {describeVpcDns: async () => ({hostnames: true, support: true})} as unknown as Ec2Api
    await expect(checkVpcDns(on, 'vpc-11111111')).resolves.toBeUndefined()
  })
})
