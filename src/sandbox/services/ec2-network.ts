import type {
  AuthorizeSecurityGroupIngressCommandInput,
  AuthorizeSecurityGroupIngressCommandOutput,
  CreateSecurityGroupCommandInput,
  CreateSecurityGroupCommandOutput,
  DeleteSecurityGroupCommandInput,
  DeleteSecurityGroupCommandOutput,
  DescribeSecurityGroupsCommandInput,
  DescribeSecurityGroupsCommandOutput,
  DescribeSubnetsCommandInput,
  DescribeSubnetsCommandOutput,
  DescribeVpcsCommandInput,
  DescribeVpcsCommandOutput,
  IpPermission,
  SecurityGroup,
  SecurityGroupRule,
  Subnet,
  Vpc,
} from '@aws-sdk/client-ec2'

import {SimError} from '../errors'
import type {Handler, OperationContext, Result} from '../types'
import {
  allTrafficOut,
  errors,
  instanceState,
  invalidParameterValue,
  isWellFormedId,
  matchesFilters,
  missingParameter,
  pageOf,
  requireIds,
  tagsFromSpecs,
  toTagList,
  type Ec2State,
  type FilterFields,
  type RuleRecord,
  type SecurityGroupRecord,
  type SubnetRecord,
  type VpcRecord,
} from './ec2-model'

// ---- VPCs and subnets ------------------------------------------------------

const VPC_FILTERS: FilterFields<VpcRecord> = {
  'vpc-id': (vpc) => [vpc.id],
  'is-default': (vpc) => [String(vpc.isDefault)],
  'cidr': (vpc) => [vpc.cidr],
  'cidr-block-association.cidr-block': (vpc) => [vpc.cidr],
  'state': () => ['available'],
  'owner-id': () => [],
}

function toVpc(vpc: VpcRecord, context: OperationContext): Vpc {
  return {
    VpcId: vpc.id,
    CidrBlock: vpc.cidr,
    State: 'available',
    IsDefault: vpc.isDefault,
    OwnerId: context.account,
    InstanceTenancy: 'default',
    DhcpOptionsId: vpc.dhcpOptionsId,
    CidrBlockAssociationSet: [{AssociationId: `vpc-cidr-assoc-${vpc.id.slice(4)}`, CidrBlock: vpc.cidr, CidrBlockState: {State: 'associated'}}],
    Tags: toTagList(vpc.tags),
  }
}

export const describeVpcs: Handler<Ec2State, DescribeVpcsCommandInput, Result<DescribeVpcsCommandOutput>> = (state, input, context) => {
  const ids = input.VpcIds ?? []
  const chosen = ids.length > 0 ? requireIds(ids, state.vpcs, 'vpc', errors.vpcMalformed, errors.vpcNotFound) : state.vpcs
  const matching = chosen.filter((vpc) => matchesFilters(vpc, vpc.tags, input.Filters, VPC_FILTERS))
  const page = pageOf(matching, input, ids.length > 0, 'vpcIds')
  return {Vpcs: page.items.map((vpc) => toVpc(vpc, context)), NextToken: page.nextToken}
}

const SUBNET_FILTERS: FilterFields<SubnetRecord> = {
  'subnet-id': (subnet) => [subnet.id],
  'vpc-id': (subnet) => [subnet.vpcId],
  'availability-zone': (subnet) => [subnet.az],
  'default-for-az': (subnet) => [String(subnet.defaultForAz)],
  'cidr-block': (subnet) => [subnet.cidr],
  'state': () => ['available'],
}

function toSubnet(subnet: SubnetRecord, context: OperationContext): Subnet {
  return {
    SubnetId: subnet.id,
    SubnetArn: `arn:aws:ec2:${context.region}:${context.account}:subnet/${subnet.id}`,
    VpcId: subnet.vpcId,
    CidrBlock: subnet.cidr,
    AvailabilityZone: subnet.az,
    DefaultForAz: subnet.defaultForAz,
    MapPublicIpOnLaunch: subnet.defaultForAz,
    State: 'available',
    // A /20 has 4096 addresses, of which AWS reserves 5.
    AvailableIpAddressCount: 4091,
    OwnerId: context.account,
    Tags: toTagList(subnet.tags),
  }
}

export const describeSubnets: Handler<Ec2State, DescribeSubnetsCommandInput, Result<DescribeSubnetsCommandOutput>> = (state, input, context) => {
  const ids = input.SubnetIds ?? []
  const chosen = ids.length > 0 ? requireIds(ids, state.subnets, 'subnet', errors.subnetMalformed, errors.subnetNotFound) : state.subnets
  const matching = chosen.filter((subnet) => matchesFilters(subnet, subnet.tags, input.Filters, SUBNET_FILTERS))
  const page = pageOf(matching, input, ids.length > 0, 'subnetIds')
  return {Subnets: page.items.map((subnet) => toSubnet(subnet, context)), NextToken: page.nextToken}
}

export function defaultVpc(state: Ec2State): VpcRecord {
  const vpc = state.vpcs.find((candidate) => candidate.isDefault)
  if (!vpc) throw new SimError('VPCIdNotSpecified', 'No default VPC for this user')
  return vpc
}

// ---- security groups -------------------------------------------------------

const GROUP_FILTERS: FilterFields<SecurityGroupRecord> = {
  'group-id': (group) => [group.id],
  'group-name': (group) => [group.name],
  'vpc-id': (group) => [group.vpcId],
  'description': (group) => [group.description],
}

/** Rules with the same protocol and ports form one IpPermission, as EC2 reports them. */
function toPermissions(rules: readonly RuleRecord[], context: OperationContext): IpPermission[] {
  const permissions = new Map<string, IpPermission>()
  for (const rule of rules) {
    const key = `${rule.protocol}:${rule.fromPort}:${rule.toPort}`
    const permission = permissions.get(key) ?? {
      IpProtocol: rule.protocol,
      FromPort: rule.fromPort,
      ToPort: rule.toPort,
      IpRanges: [],
      Ipv6Ranges: [],
      PrefixListIds: [],
      UserIdGroupPairs: [],
    }
    if (rule.cidrIpv4 !== undefined) permission.IpRanges?.push({CidrIp: rule.cidrIpv4, Description: rule.description})
    if (rule.cidrIpv6 !== undefined) permission.Ipv6Ranges?.push({CidrIpv6: rule.cidrIpv6, Description: rule.description})
    if (rule.groupId !== undefined) {
      permission.UserIdGroupPairs?.push({GroupId: rule.groupId, UserId: context.account, Description: rule.description})
    }

    permissions.set(key, permission)
  }

  return [...permissions.values()]
}

function toSecurityGroup(group: SecurityGroupRecord, context: OperationContext): SecurityGroup {
  return {
    GroupId: group.id,
    GroupName: group.name,
    Description: group.description,
    VpcId: group.vpcId,
    OwnerId: context.account,
    SecurityGroupArn: groupArn(group.id, context),
    IpPermissions: toPermissions(group.ingress, context),
    IpPermissionsEgress: toPermissions(group.egress, context),
    Tags: toTagList(group.tags),
  }
}

function groupArn(id: string, context: OperationContext): string {
  return `arn:aws:ec2:${context.region}:${context.account}:security-group/${id}`
}

/** Group names resolve in the default VPC only, as in EC2. */
function groupByName(state: Ec2State, name: string): SecurityGroupRecord {
  const vpc = defaultVpc(state)
  const group = state.securityGroups.find((candidate) => candidate.vpcId === vpc.id && candidate.name === name)
  if (!group) throw new SimError('InvalidGroup.NotFound', `The security group '${name}' does not exist in default VPC '${vpc.id}'`)
  return group
}

export function groupById(state: Ec2State, id: string): SecurityGroupRecord {
  if (!isWellFormedId(id, 'sg')) throw new SimError('InvalidGroupId.Malformed', `Invalid id: "${id}" (expecting "sg-...")`)
  const group = state.securityGroups.find((candidate) => candidate.id === id)
  if (!group) throw errors.groupNotFound(id)
  return group
}

function groupOf(state: Ec2State, input: {readonly GroupId?: string; readonly GroupName?: string}): SecurityGroupRecord {
  if (input.GroupId !== undefined) return groupById(state, input.GroupId)
  if (input.GroupName !== undefined) return groupByName(state, input.GroupName)
  throw missingParameter('GroupId')
}

export const describeSecurityGroups: Handler<Ec2State, DescribeSecurityGroupsCommandInput, Result<DescribeSecurityGroupsCommandOutput>> = (state, input, context) => {
  const ids = input.GroupIds ?? []
  const names = input.GroupNames ?? []
  let chosen = state.securityGroups
  if (ids.length > 0 || names.length > 0) {
    chosen = [...ids.map((id) => groupById(state, id)), ...names.map((name) => groupByName(state, name))]
  }

  const matching = chosen.filter((group) => matchesFilters(group, group.tags, input.Filters, GROUP_FILTERS))
  const page = pageOf(matching, input, ids.length > 0 || names.length > 0, 'groupIds')
  return {SecurityGroups: page.items.map((group) => toSecurityGroup(group, context)), NextToken: page.nextToken}
}

export const createSecurityGroup: Handler<Ec2State, CreateSecurityGroupCommandInput, Result<CreateSecurityGroupCommandOutput>> = (state, input, context) => {
  const name = input.GroupName
  if (!name) throw missingParameter('GroupName')
  if (!input.Description) throw missingParameter('GroupDescription')
  if (name.length > 255) throw invalidParameterValue(`Value (${name}) for parameter GroupName is invalid. Group names may be at most 255 characters`)
  if (name.startsWith('sg-')) throw invalidParameterValue(`Value (${name}) for parameter GroupName is invalid. Group names may not be in the format sg-*.`)
  const vpcId = input.VpcId ?? defaultVpc(state).id
  if (!state.vpcs.some((vpc) => vpc.id === vpcId)) throw errors.vpcNotFound([vpcId])
  if (state.securityGroups.some((group) => group.vpcId === vpcId && group.name === name)) {
    throw new SimError('InvalidGroup.Duplicate', `The security group '${name}' already exists for VPC '${vpcId}'`)
  }

  const group: SecurityGroupRecord = {
    id: context.nextId('sg'),
    name,
    description: input.Description,
    vpcId,
    ingress: [],
    egress: [allTrafficOut(context)],
    tags: tagsFromSpecs(input.TagSpecifications, 'security-group'),
  }
  state.securityGroups.push(group)
  return {GroupId: group.id, Tags: toTagList(group.tags), SecurityGroupArn: groupArn(group.id, context)}
}

/** `tcp`/`6` → `tcp`; all traffic is `-1`, which carries no ports. */
function normaliseProtocol(protocol: string | undefined): string {
  const names: Readonly<Record<string, string>> = {'6': 'tcp', '17': 'udp', '1': 'icmp', all: '-1'}
  const value = (protocol ?? '').toLowerCase()
  const normal = names[value] ?? value
  if (!['tcp', 'udp', 'icmp', 'icmpv6', '-1'].includes(normal)) {
    throw invalidParameterValue(`Invalid value '${protocol ?? ''}' for IP protocol. Unknown protocol.`)
  }

  return normal
}

function rulesOf(state: Ec2State, permission: IpPermission, context: OperationContext): RuleRecord[] {
  const protocol = normaliseProtocol(permission.IpProtocol)
  const ports = protocol === '-1' ? {fromPort: undefined, toPort: undefined} : {fromPort: permission.FromPort, toPort: permission.ToPort}
  const base = {protocol, ...ports}
  const ipv4 = (permission.IpRanges ?? []).map((range) => ({...base, cidrIpv4: range.CidrIp, description: range.Description}))
  const ipv6 = (permission.Ipv6Ranges ?? []).map((range) => ({...base, cidrIpv6: range.CidrIpv6, description: range.Description}))
  const groups = (permission.UserIdGroupPairs ?? []).map((pair) => ({
    ...base,
    groupId: groupById(state, pair.GroupId ?? '').id,
    description: pair.Description,
  }))
  return [...ipv4, ...ipv6, ...groups].map((rule) => ({id: context.nextId('sgr'), ...rule}))
}

function samePeer(a: RuleRecord, b: RuleRecord): boolean {
  return (
    a.protocol === b.protocol &&
    a.fromPort === b.fromPort &&
    a.toPort === b.toPort &&
    a.cidrIpv4 === b.cidrIpv4 &&
    a.cidrIpv6 === b.cidrIpv6 &&
    a.groupId === b.groupId
  )
}

function describeRule(rule: RuleRecord): string {
  const peer = rule.cidrIpv4 ?? rule.cidrIpv6 ?? rule.groupId
  const protocol = rule.protocol === '-1' ? 'ALL' : rule.protocol.toUpperCase()
  return `peer: ${peer}, ${protocol}, from port: ${rule.fromPort ?? -1}, to port: ${rule.toPort ?? -1}, ALLOW`
}

function toRule(group: SecurityGroupRecord, rule: RuleRecord, context: OperationContext): SecurityGroupRule {
  return {
    SecurityGroupRuleId: rule.id,
    GroupId: group.id,
    GroupOwnerId: context.account,
    IsEgress: false,
    IpProtocol: rule.protocol,
    FromPort: rule.fromPort ?? -1,
    ToPort: rule.toPort ?? -1,
    CidrIpv4: rule.cidrIpv4,
    CidrIpv6: rule.cidrIpv6,
    ReferencedGroupInfo: rule.groupId === undefined ? undefined : {GroupId: rule.groupId, UserId: context.account},
    Description: rule.description,
  }
}

export const authorizeSecurityGroupIngress: Handler<Ec2State, AuthorizeSecurityGroupIngressCommandInput, Result<AuthorizeSecurityGroupIngressCommandOutput>> = (state, input, context) => {
  const group = groupOf(state, input)
  // The old flat form (IpProtocol/FromPort/ToPort/CidrIp) is one permission.
  const legacy: IpPermission[] =
    input.IpProtocol === undefined
      ? []
      : [{IpProtocol: input.IpProtocol, FromPort: input.FromPort, ToPort: input.ToPort, IpRanges: input.CidrIp ? [{CidrIp: input.CidrIp}] : []}]
  const added = [...(input.IpPermissions ?? []), ...legacy].flatMap((permission) => rulesOf(state, permission, context))
  if (added.length === 0) throw missingParameter('IpPermissions')
  const duplicate = added.find((rule) => group.ingress.some((existing) => samePeer(existing, rule)))
  if (duplicate) {
    throw new SimError('InvalidPermission.Duplicate', `the specified rule "${describeRule(duplicate)}" already exists`)
  }

  group.ingress.push(...added)
  return {Return: true, SecurityGroupRules: added.map((rule) => toRule(group, rule, context))}
}

export const deleteSecurityGroup: Handler<Ec2State, DeleteSecurityGroupCommandInput, Result<DeleteSecurityGroupCommandOutput>> = (state, input, context) => {
  const group = groupOf(state, input)
  if (group.name === 'default') {
    throw new SimError('CannotDelete', `the specified group: "${group.id}" name: "default" cannot be deleted by a user`)
  }

  const inUse = state.instances.some(
    (instance) => instance.securityGroupIds.includes(group.id) && instanceState(instance, context.now) !== 'terminated',
  )
  const referenced = state.securityGroups.some(
    (other) => other.id !== group.id && [...other.ingress, ...other.egress].some((rule) => rule.groupId === group.id),
  )
  if (inUse || referenced) throw new SimError('DependencyViolation', `resource ${group.id} has a dependent object`)
  state.securityGroups = state.securityGroups.filter((candidate) => candidate.id !== group.id)
  return {Return: true, GroupId: group.id}
}
