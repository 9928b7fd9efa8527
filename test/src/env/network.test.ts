import type {Subnet} from '@aws-sdk/client-ec2'

import type {Ec2Api} from '../../../src/aws/ec2'
import {oneSubnetPerZone, resolveNetwork} from '../../../src/env/network'
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
