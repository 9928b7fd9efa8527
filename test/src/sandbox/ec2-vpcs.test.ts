import {
  CreateVpcCommand,
  CreateVpcEndpointCommand,
  DescribeInstanceTypeOfferingsCommand,
  DescribeRouteTablesCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  ModifyVpcAttributeCommand,
  RunInstancesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2'

import {privateVpc} from '../../_helpers/private-vpc'
import {REGION, manualSandbox, removeTempStateDirs} from './clients'

afterAll(removeTempStateDirs)

async function dns(ec2: EC2Client, vpcId: string): Promise<[boolean | undefined, boolean | undefined]> {
  const support = await ec2.send(new DescribeVpcAttributeCommand({Attribute: 'enableDnsSupport', VpcId: vpcId}))
  const hostnames = await ec2.send(new DescribeVpcAttributeCommand({Attribute: 'enableDnsHostnames', VpcId: vpcId}))
  return [support.EnableDnsSupport?.Value, hostnames.EnableDnsHostnames?.Value]
}

async function defaultVpcId(ec2: EC2Client): Promise<string> {
  const {Vpcs} = await ec2.send(new DescribeVpcsCommand({Filters: [{Name: 'is-default', Values: ['true']}]}))
  return Vpcs?.[0].VpcId ?? ''
}

describe('sandbox EC2: VPC DNS attributes', () => {
  it('has DNS support and hostnames on in the default VPC, hostnames off in a new one, and changes one attribute per call', async () => {
    const {ec2} = manualSandbox()
    expect(await dns(ec2, await defaultVpcId(ec2))).toEqual([true, true])
    const {Vpc} = await ec2.send(new CreateVpcCommand({CidrBlock: '10.0.0.0/16'}))
    const vpcId = Vpc?.VpcId ?? ''
    expect(await dns(ec2, vpcId)).toEqual([true, false])
    await ec2.send(new ModifyVpcAttributeCommand({EnableDnsHostnames: {Value: true}, VpcId: vpcId}))
    await ec2.send(new ModifyVpcAttributeCommand({EnableDnsSupport: {Value: false}, VpcId: vpcId}))
    expect(await dns(ec2, vpcId)).toEqual([false, true])
    await expect(
      ec2.send(new ModifyVpcAttributeCommand({EnableDnsHostnames: {Value: true}, EnableDnsSupport: {Value: true}, VpcId: vpcId})),
    ).rejects.toMatchObject({name: 'InvalidParameterCombination'})
    await expect(ec2.send(new DescribeVpcAttributeCommand({Attribute: 'enableDnsSupport', VpcId: 'vpc-00000000000000000'}))).rejects.toMatchObject({name: 'InvalidVpcID.NotFound'})
    await expect(ec2.send(new CreateVpcCommand({CidrBlock: '10.0.0.0/8'}))).rejects.toMatchObject({name: 'InvalidParameterValue'})
  })
})

describe('sandbox EC2: route tables and VPC endpoints', () => {
  it('routes the default VPC to an internet gateway and a new VPC nowhere but itself', async () => {
    const {ec2} = manualSandbox()
    const defaultId = await defaultVpcId(ec2)
    const {vpcId} = await privateVpc(ec2, REGION)
    const {RouteTables} = await ec2.send(new DescribeRouteTablesCommand({}))
    const byVpc = new Map((RouteTables ?? []).map((table) => [table.VpcId, table]))
    expect(byVpc.get(defaultId)?.Associations).toEqual([expect.objectContaining({Main: true})])
    expect(byVpc.get(defaultId)?.Routes).toEqual([
      expect.objectContaining({DestinationCidrBlock: '172.31.0.0/16', GatewayId: 'local'}),
      expect.objectContaining({DestinationCidrBlock: '0.0.0.0/0', GatewayId: expect.stringMatching(/^igw-[0-9a-f]{17}$/)}),
    ])
    expect(byVpc.get(vpcId)?.Routes).toEqual([expect.objectContaining({DestinationCidrBlock: '10.20.0.0/16', GatewayId: 'local'})])
    const {RouteTables: onlyNew} = await ec2.send(new DescribeRouteTablesCommand({Filters: [{Name: 'vpc-id', Values: [vpcId]}]}))
    expect(onlyNew).toHaveLength(1)
  })

  it('adds endpoints, a gateway endpoint with its prefix-list route, and refuses unknown services', async () => {
    const {ec2} = manualSandbox()
    const {vpcId} = await privateVpc(ec2, REGION, {endpoints: true})
    const {VpcEndpoints} = await ec2.send(new DescribeVpcEndpointsCommand({Filters: [{Name: 'vpc-id', Values: [vpcId]}]}))
    expect(VpcEndpoints?.map((endpoint) => endpoint.ServiceName)).toContain(`com.amazonaws.${REGION}.ssmmessages`)
    expect(VpcEndpoints?.find((endpoint) => endpoint.VpcEndpointType === 'Gateway')).toMatchObject({ServiceName: `com.amazonaws.${REGION}.s3`, State: 'Available'})
    const {RouteTables} = await ec2.send(new DescribeRouteTablesCommand({Filters: [{Name: 'vpc-id', Values: [vpcId]}]}))
    expect(RouteTables?.[0].Routes).toContainEqual(expect.objectContaining({DestinationPrefixListId: expect.stringMatching(/^pl-/), GatewayId: expect.stringMatching(/^vpce-/)}))
    await expect(
      ec2.send(new CreateVpcEndpointCommand({ServiceName: `com.amazonaws.${REGION}.nothing`, VpcEndpointType: 'Interface', VpcId: vpcId})),
    ).rejects.toMatchObject({name: 'InvalidServiceName'})
    await expect(
      ec2.send(new CreateVpcEndpointCommand({ServiceName: `com.amazonaws.${REGION}.ssm`, VpcEndpointType: 'Gateway', VpcId: vpcId})),
    ).rejects.toMatchObject({name: 'InvalidParameterValue'})
  })
})

describe('sandbox EC2: instance types', () => {
  it('offers real types in every AZ and nothing for a made-up one', async () => {
    const {ec2} = manualSandbox()
    const offered = await ec2.send(
      new DescribeInstanceTypeOfferingsCommand({
        Filters: [{Name: 'instance-type', Values: ['t3.small', 't9.gigantic']}],
        LocationType: 'availability-zone',
      }),
    )
    expect(offered.InstanceTypeOfferings?.map((offering) => `${offering.InstanceType} ${offering.Location}`).sort()).toEqual([
      `t3.small ${REGION}a`,
      `t3.small ${REGION}b`,
      `t3.small ${REGION}c`,
    ])
    const region = await ec2.send(new DescribeInstanceTypeOfferingsCommand({Filters: [{Name: 'instance-type', Values: ['t4g.small']}]}))
    expect(region.InstanceTypeOfferings).toEqual([{InstanceType: 't4g.small', Location: REGION, LocationType: 'region'}])
  })

  it('refuses RunInstances with a type that does not exist, as EC2 does', async () => {
    const {ec2} = manualSandbox()
    await expect(ec2.send(new RunInstancesCommand({ImageId: 'ami-00000000000000000', InstanceType: 't9.gigantic' as never, MaxCount: 1, MinCount: 1}))).rejects.toMatchObject({
      message: "Invalid value 't9.gigantic' for InstanceType.",
      name: 'InvalidParameterValue',
    })
  })
})
