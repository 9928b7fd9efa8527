import {
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcEndpointCommand,
  DescribeRouteTablesCommand,
  ModifyVpcAttributeCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2'

import {REQUIRED_INTERFACE_ENDPOINTS} from '../../src/env/network'


export interface PrivateVpc {
  readonly vpcId: string
  /** One instance subnet in each of the Region's first two AZs. */
  readonly subnets: readonly string[]
  /** One load balancer subnet in each of those AZs. */
  readonly loadBalancerSubnets: readonly string[]
}

/**
 * A VPC made as a user would with the EC2 API: CreateVpc (DNS hostnames off,
 * AWS's default), two subnets, no internet or NAT gateway. Options turn DNS
 * hostnames on and add the VPC endpoints, for the cases that should pass.
 */
export async function privateVpc(ec2: EC2Client, region: string, options: {dnsHostnames?: boolean; endpoints?: boolean} = {}): Promise<PrivateVpc> {
  const {Vpc} = await ec2.send(new CreateVpcCommand({CidrBlock: '10.20.0.0/16'}))
  const vpcId = Vpc?.VpcId ?? ''
  const made: string[] = []
  for (const [index, zone] of ['a', 'b', 'a', 'b'].entries()) {
    const {Subnet} = await ec2.send(new CreateSubnetCommand({AvailabilityZone: `${region}${zone}`, CidrBlock: `10.20.${index * 16}.0/20`, VpcId: vpcId}))
    made.push(Subnet?.SubnetId ?? '')
  }

  const [subnets, loadBalancerSubnets] = [made.slice(0, 2), made.slice(2)]

  if (options.dnsHostnames) await ec2.send(new ModifyVpcAttributeCommand({EnableDnsHostnames: {Value: true}, VpcId: vpcId}))
  if (options.endpoints) {
    for (const service of REQUIRED_INTERFACE_ENDPOINTS) {
      await ec2.send(new CreateVpcEndpointCommand({ServiceName: `com.amazonaws.${region}.${service}`, SubnetIds: subnets, VpcEndpointType: 'Interface', VpcId: vpcId}))
    }

    const {RouteTables} = await ec2.send(new DescribeRouteTablesCommand({Filters: [{Name: 'vpc-id', Values: [vpcId]}]}))
    const tables = (RouteTables ?? []).map((table) => table.RouteTableId ?? '')
    await ec2.send(new CreateVpcEndpointCommand({RouteTableIds: tables, ServiceName: `com.amazonaws.${region}.s3`, VpcEndpointType: 'Gateway', VpcId: vpcId}))
  }

  return {loadBalancerSubnets, subnets, vpcId}
}
