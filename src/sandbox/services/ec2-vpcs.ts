import type {
  CreateSubnetCommandInput,
  CreateSubnetCommandOutput,
  CreateVpcCommandInput,
  CreateVpcCommandOutput,
  CreateVpcEndpointCommandInput,
  CreateVpcEndpointCommandOutput,
  DescribeRouteTablesCommandInput,
  DescribeRouteTablesCommandOutput,
  DescribeVpcAttributeCommandInput,
  DescribeVpcAttributeCommandOutput,
  DescribeVpcEndpointsCommandInput,
  DescribeVpcEndpointsCommandOutput,
  ModifyVpcAttributeCommandInput,
  ModifyVpcAttributeCommandOutput,
  Route,
  RouteTable,
  VpcEndpoint,
} from '@aws-sdk/client-ec2'

import {SimError} from '../errors'
import {hexOf} from '../ids'
import type {Handler, OperationContext, Result} from '../types'
import {
  defaultSecurityGroup,
  errors,
  invalidParameterValue,
  matchesFilters,
  missingParameter,
  pageOf,
  requireIds,
  tagsFromSpecs,
  toTagList,
  type Ec2State,
  type FilterFields,
  type RouteRecord,
  type SubnetRecord,
  type VpcEndpointRecord,
  type VpcRecord,
} from './ec2-model'

/*
 * VPCs of one's own (CreateVpc, CreateSubnet), their DNS attributes, route
 * tables and VPC endpoints: enough for hactl's network checks to meet a VPC
 * without DNS hostnames or without a way out. Behaviour: ec2.md.
 */

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/

function checkCidr(cidr: string | undefined, min: number, max: number): string {
  if (!cidr) throw missingParameter('cidrBlock')
  const match = CIDR.exec(cidr)
  const bits = match ? Number(match[5]) : -1
  if (!match || match.slice(1, 5).some((octet) => Number(octet) > 255) || bits < min || bits > max) {
    throw invalidParameterValue(`Value (${cidr}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`)
  }

  return cidr
}

function requireVpc(state: Ec2State, vpcId: string | undefined): VpcRecord {
  if (!vpcId) throw missingParameter('vpcId')
  return requireIds([vpcId], state.vpcs, 'vpc', errors.vpcMalformed, errors.vpcNotFound)[0]
}

/** A VPC's attribute as AWS answers it: absent (older state, the default VPC) = on. */
export function dnsAttributes(vpc: VpcRecord): {support: boolean; hostnames: boolean} {
  return {support: vpc.enableDnsSupport ?? true, hostnames: vpc.enableDnsHostnames ?? true}
}

export const createVpc: Handler<Ec2State, CreateVpcCommandInput, Result<CreateVpcCommandOutput>> = (state, input, context) => {
  const cidr = checkCidr(input.CidrBlock, 16, 28)
  // A VPC made by CreateVpc resolves DNS but gives instances no DNS hostnames until asked (Amazon VPC UG, "DNS attributes for your VPC").
  const vpc: VpcRecord = {
    id: context.nextId('vpc'),
    cidr,
    isDefault: false,
    dhcpOptionsId: context.nextId('dopt'),
    enableDnsSupport: true,
    enableDnsHostnames: false,
    tags: tagsFromSpecs(input.TagSpecifications, 'vpc'),
  }
  state.vpcs.push(vpc)
  state.securityGroups.push(defaultSecurityGroup(context, vpc.id))
  return {
    Vpc: {
      VpcId: vpc.id,
      CidrBlock: vpc.cidr,
      State: 'pending',
      IsDefault: false,
      InstanceTenancy: 'default',
      DhcpOptionsId: vpc.dhcpOptionsId,
      OwnerId: context.account,
      Tags: toTagList(vpc.tags),
    },
  }
}

export const createSubnet: Handler<Ec2State, CreateSubnetCommandInput, Result<CreateSubnetCommandOutput>> = (state, input, context) => {
  const vpc = requireVpc(state, input.VpcId)
  const cidr = checkCidr(input.CidrBlock, 16, 28)
  if (state.subnets.some((subnet) => subnet.vpcId === vpc.id && subnet.cidr === cidr)) {
    throw new SimError('InvalidSubnet.Conflict', `The CIDR '${cidr}' conflicts with another subnet`)
  }

  const az = input.AvailabilityZone ?? `${context.region}a`
  if (!/^[a-z]$/.test(az.slice(context.region.length)) || !az.startsWith(context.region)) {
    throw invalidParameterValue(`Value (${az}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: ${context.region}a, ${context.region}b, ${context.region}c.`)
  }

  const subnet: SubnetRecord = {id: context.nextId('subnet'), vpcId: vpc.id, cidr, az, defaultForAz: false, tags: tagsFromSpecs(input.TagSpecifications, 'subnet')}
  state.subnets.push(subnet)
  return {
    Subnet: {
      SubnetId: subnet.id,
      VpcId: vpc.id,
      CidrBlock: cidr,
      AvailabilityZone: az,
      DefaultForAz: false,
      MapPublicIpOnLaunch: false,
      State: 'available',
      OwnerId: context.account,
      Tags: toTagList(subnet.tags),
    },
  }
}

export const modifyVpcAttribute: Handler<Ec2State, ModifyVpcAttributeCommandInput, Result<ModifyVpcAttributeCommandOutput>> = (state, input) => {
  const vpc = requireVpc(state, input.VpcId)
  const given = [input.EnableDnsSupport, input.EnableDnsHostnames, input.EnableNetworkAddressUsageMetrics].filter((value) => value !== undefined)
  // AWS takes one attribute per request (ModifyVpcAttribute API reference: "You can only modify one attribute at a time").
  if (given.length !== 1) throw new SimError('InvalidParameterCombination', 'Fields for multiple attribute types specified: enableDnsSupport, enableDnsHostnames')
  if (input.EnableDnsSupport !== undefined) vpc.enableDnsSupport = input.EnableDnsSupport.Value ?? false
  if (input.EnableDnsHostnames !== undefined) vpc.enableDnsHostnames = input.EnableDnsHostnames.Value ?? false
  return {}
}

export const describeVpcAttribute: Handler<Ec2State, DescribeVpcAttributeCommandInput, Result<DescribeVpcAttributeCommandOutput>> = (state, input) => {
  const vpc = requireVpc(state, input.VpcId)
  const dns = dnsAttributes(vpc)
  switch (input.Attribute) {
    case 'enableDnsSupport': {
      return {VpcId: vpc.id, EnableDnsSupport: {Value: dns.support}}
    }

    case 'enableDnsHostnames': {
      return {VpcId: vpc.id, EnableDnsHostnames: {Value: dns.hostnames}}
    }

    case 'enableNetworkAddressUsageMetrics': {
      return {VpcId: vpc.id, EnableNetworkAddressUsageMetrics: {Value: false}}
    }

    default: {
      if (input.Attribute === undefined) throw missingParameter('attribute')
      throw invalidParameterValue(`Value (${String(input.Attribute)}) for parameter attribute is invalid. Unknown attribute.`)
    }
  }
}

// ---- route tables ----------------------------------------------------------

/** Every VPC has one main route table; the sandbox supports no other, so every subnet uses it implicitly. */
export function mainRouteTableId(vpcId: string): string {
  return `rtb-${hexOf(`${vpcId}:main-route-table`, 17)}`
}

/** The default VPC's internet gateway (it has one, with a 0.0.0.0/0 route to it, in every fresh account). */
function internetGatewayId(vpcId: string): string {
  return `igw-${hexOf(`${vpcId}:internet-gateway`, 17)}`
}

function routesOf(state: Ec2State, vpc: VpcRecord): RouteRecord[] {
  const table = mainRouteTableId(vpc.id)
  const internet: RouteRecord[] = vpc.isDefault ? [{destinationCidrBlock: '0.0.0.0/0', gatewayId: internetGatewayId(vpc.id)}] : []
  return [{destinationCidrBlock: vpc.cidr, gatewayId: 'local'}, ...internet, ...(state.extraRoutes?.[table] ?? [])]
}

function toRoute(route: RouteRecord): Route {
  return {
    DestinationCidrBlock: route.destinationCidrBlock,
    DestinationPrefixListId: route.destinationPrefixListId,
    GatewayId: route.gatewayId,
    NatGatewayId: route.natGatewayId,
    Origin: route.gatewayId === 'local' ? 'CreateRouteTable' : 'CreateRoute',
    State: 'active',
  }
}

interface TableView {
  readonly vpc: VpcRecord
  readonly id: string
}

const TABLE_FILTERS = (state: Ec2State): FilterFields<TableView> => ({
  'route-table-id': (table) => [table.id],
  'vpc-id': (table) => [table.vpc.id],
  'association.main': () => ['true'],
  // Only explicit associations match on AWS; the main table has none here.
  'association.subnet-id': () => [],
  'route.destination-cidr-block': (table) => routesOf(state, table.vpc).map((route) => route.destinationCidrBlock),
  'route.gateway-id': (table) => routesOf(state, table.vpc).map((route) => route.gatewayId),
})

function toRouteTable(state: Ec2State, table: TableView, context: OperationContext): RouteTable {
  return {
    RouteTableId: table.id,
    VpcId: table.vpc.id,
    OwnerId: context.account,
    Associations: [{Main: true, RouteTableId: table.id, RouteTableAssociationId: `rtbassoc-${hexOf(table.id, 17)}`, AssociationState: {State: 'associated'}}],
    Routes: routesOf(state, table.vpc).map((route) => toRoute(route)),
    PropagatingVgws: [],
    Tags: toTagList(table.vpc.tags),
  }
}

export const describeRouteTables: Handler<Ec2State, DescribeRouteTablesCommandInput, Result<DescribeRouteTablesCommandOutput>> = (state, input, context) => {
  const tables: TableView[] = state.vpcs.map((vpc) => ({id: mainRouteTableId(vpc.id), vpc}))
  const ids = input.RouteTableIds ?? []
  const notFound = (missing: readonly string[]) => new SimError('InvalidRouteTableID.NotFound', `The routeTable ID '${missing.join(', ')}' does not exist`)
  const malformed = (id: string) => new SimError('InvalidRouteTableID.Malformed', `Invalid id: "${id}"`)
  const chosen = ids.length > 0 ? requireIds(ids, tables, 'rtb', malformed, notFound) : tables
  const matching = chosen.filter((table) => matchesFilters(table, table.vpc.tags, input.Filters, TABLE_FILTERS(state)))
  const page = pageOf(matching, input, ids.length > 0, 'routeTableIds')
  return {RouteTables: page.items.map((table) => toRouteTable(state, table, context)), NextToken: page.nextToken}
}

// ---- VPC endpoints ---------------------------------------------------------

/** The services the sandbox offers endpoints for; S3 and DynamoDB also as gateways. */
const ENDPOINT_SERVICES = [
  's3', 'dynamodb', 'ssm', 'ssmmessages', 'ec2messages', 'ec2', 'secretsmanager', 'logs', 'monitoring', 'sts', 'kms',
  'elasticbeanstalk', 'elasticbeanstalk-health', 'cloudformation', 'sqs', 'elasticfilesystem', 'elasticache', 'rds',
] as const
const GATEWAY_SERVICES = new Set(['s3', 'dynamodb'])

function s3PrefixList(region: string, service: string): string {
  return `pl-${hexOf(`${region}:${service}`, 8)}`
}

function toEndpoint(endpoint: VpcEndpointRecord): VpcEndpoint {
  return {
    VpcEndpointId: endpoint.id,
    VpcEndpointType: endpoint.type,
    VpcId: endpoint.vpcId,
    ServiceName: endpoint.serviceName,
    State: 'Available',
    SubnetIds: endpoint.type === 'Interface' ? endpoint.subnetIds : [],
    RouteTableIds: endpoint.type === 'Gateway' ? endpoint.routeTableIds : [],
    PrivateDnsEnabled: endpoint.type === 'Interface',
    CreationTimestamp: new Date(endpoint.createdAt),
    Tags: toTagList(endpoint.tags),
  }
}

export const createVpcEndpoint: Handler<Ec2State, CreateVpcEndpointCommandInput, Result<CreateVpcEndpointCommandOutput>> = (state, input, context) => {
  const vpc = requireVpc(state, input.VpcId)
  const name = input.ServiceName ?? ''
  const prefix = `com.amazonaws.${context.region}.`
  const service = name.startsWith(prefix) ? name.slice(prefix.length) : ''
  if (!(ENDPOINT_SERVICES as readonly string[]).includes(service)) {
    throw new SimError('InvalidServiceName', `The Vpc Endpoint Service '${name}' does not exist`)
  }

  const type = input.VpcEndpointType ?? 'Gateway'
  if (type !== 'Interface' && type !== 'Gateway') throw invalidParameterValue(`Value (${type}) for parameter vpcEndpointType is invalid.`)
  if (type === 'Gateway' && !GATEWAY_SERVICES.has(service)) {
    throw invalidParameterValue(`Value (${type}) for parameter vpcEndpointType is invalid. The service ${name} does not support Gateway endpoints.`)
  }

  const subnetIds = [...(input.SubnetIds ?? [])]
  requireIds(subnetIds, state.subnets.filter((subnet) => subnet.vpcId === vpc.id), 'subnet', errors.subnetMalformed, errors.subnetNotFound)
  const routeTableIds = [...(input.RouteTableIds ?? [])]
  const main = mainRouteTableId(vpc.id)
  const foreign = routeTableIds.find((id) => id !== main)
  if (foreign) throw new SimError('InvalidRouteTableId.NotFound', `The routeTable ID '${foreign}' does not exist`)
  const endpoint: VpcEndpointRecord = {
    id: context.nextId('vpce'),
    vpcId: vpc.id,
    serviceName: name,
    type,
    subnetIds,
    routeTableIds,
    createdAt: context.now,
    tags: tagsFromSpecs(input.TagSpecifications, 'vpc-endpoint'),
  }
  ;(state.vpcEndpoints ??= []).push(endpoint)
  for (const table of routeTableIds) {
    const extra = (state.extraRoutes ??= {})
    ;(extra[table] ??= []).push({destinationPrefixListId: s3PrefixList(context.region, service), gatewayId: endpoint.id})
  }

  return {VpcEndpoint: toEndpoint(endpoint)}
}

const ENDPOINT_FILTERS: FilterFields<VpcEndpointRecord> = {
  'vpc-id': (endpoint) => [endpoint.vpcId],
  'service-name': (endpoint) => [endpoint.serviceName],
  'vpc-endpoint-id': (endpoint) => [endpoint.id],
  'vpc-endpoint-type': (endpoint) => [endpoint.type],
  'vpc-endpoint-state': () => ['Available', 'available'],
}

export const describeVpcEndpoints: Handler<Ec2State, DescribeVpcEndpointsCommandInput, Result<DescribeVpcEndpointsCommandOutput>> = (state, input) => {
  const all = state.vpcEndpoints ?? []
  const ids = input.VpcEndpointIds ?? []
  const notFound = (missing: readonly string[]) => new SimError('InvalidVpcEndpointId.NotFound', `The Vpc Endpoint Id '${missing.join(', ')}' does not exist`)
  const malformed = (id: string) => new SimError('InvalidVpcEndpointId.Malformed', `Invalid Id: '${id}'`)
  const chosen = ids.length > 0 ? requireIds(ids, all, 'vpce', malformed, notFound) : all
  const matching = chosen.filter((endpoint) => matchesFilters(endpoint, endpoint.tags, input.Filters, ENDPOINT_FILTERS))
  const page = pageOf(matching, input, ids.length > 0, 'vpcEndpointIds')
  return {VpcEndpoints: page.items.map((endpoint) => toEndpoint(endpoint)), NextToken: page.nextToken}
}
