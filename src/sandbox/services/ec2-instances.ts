import type {
  DescribeInstanceAttributeCommandInput,
  DescribeInstanceAttributeCommandOutput,
  DescribeInstanceStatusCommandInput,
  DescribeInstanceStatusCommandOutput,
  DescribeInstancesCommandInput,
  DescribeInstancesCommandOutput,
  Instance,
  InstanceMetadataOptionsResponse,
  InstanceStateChange,
  InstanceStatus,
  InstanceStatusSummary,
  ModifyInstanceMetadataOptionsCommandInput,
  ModifyInstanceMetadataOptionsCommandOutput,
  Reservation,
  RunInstancesCommandInput,
  RunInstancesCommandOutput,
  TerminateInstancesCommandInput,
  TerminateInstancesCommandOutput,
} from '@aws-sdk/client-ec2'

import {DURATIONS} from '../durations'
import {SandboxUnsupportedError, SimError} from '../errors'
import type {Handler, OperationContext, Result} from '../types'
import {
  STATE_CODES,
  errors,
  fingerprint,
  imageState,
  instanceState,
  invalidParameterValue,
  isWellFormedId,
  matchesFilters,
  missingParameter,
  pageOf,
  privateDnsName,
  privateIpIn,
  requireIds,
  tagsFromSpecs,
  toTagList,
  type Ec2State,
  type FilterFields,
  type ImageRecord,
  type InstanceRecord,
  type MetadataOptionsRecord,
  type SubnetRecord,
  type Tags,
} from './ec2-model'
import {groupById} from './ec2-network'
import {checkInstanceType} from './ec2-offerings'

// ---- output shapes ---------------------------------------------------------

function metadataOptionsOf(options: MetadataOptionsRecord, now: number): InstanceMetadataOptionsResponse {
  return {
    State: now < options.modifiedAt + DURATIONS.metadataOptionsApply ? 'pending' : 'applied',
    HttpTokens: options.httpTokens,
    HttpPutResponseHopLimit: options.httpPutResponseHopLimit,
    HttpEndpoint: options.httpEndpoint,
    HttpProtocolIpv6: 'disabled',
    InstanceMetadataTags: options.instanceMetadataTags,
  }
}

function toInstance(state: Ec2State, instance: InstanceRecord, context: OperationContext): Instance {
  const name = instanceState(instance, context.now) ?? 'terminated'
  const gone = name === 'terminated' || name === 'shutting-down'
  return {
    InstanceId: instance.id,
    ImageId: instance.imageId,
    InstanceType: instance.instanceType as Instance['InstanceType'],
    State: {Code: STATE_CODES[name], Name: name},
    StateTransitionReason: instance.terminatedAt === undefined ? '' : `User initiated (${new Date(instance.terminatedAt).toISOString().replace('T', ' ').slice(0, 19)} GMT)`,
    LaunchTime: new Date(instance.launchedAt),
    Placement: {AvailabilityZone: instance.az, Tenancy: 'default', GroupName: ''},
    // A terminated instance has given its network interface back.
    PrivateIpAddress: name === 'terminated' ? undefined : instance.privateIp,
    PrivateDnsName: name === 'terminated' ? '' : privateDnsName(instance.privateIp, context.region),
    SubnetId: name === 'terminated' ? undefined : instance.subnetId,
    VpcId: name === 'terminated' ? undefined : instance.vpcId,
    SecurityGroups: instance.securityGroupIds.map((id) => ({
      GroupId: id,
      GroupName: state.securityGroups.find((group) => group.id === id)?.name,
    })),
    KeyName: instance.keyName,
    IamInstanceProfile: instance.iamInstanceProfileArn === undefined ? undefined : {Arn: instance.iamInstanceProfileArn, Id: `AIPA${instance.id.slice(2, 19).toUpperCase()}`},
    AmiLaunchIndex: instance.launchIndex,
    Architecture: state.images.find((image) => image.id === instance.imageId)?.architecture ?? 'x86_64',
    RootDeviceName: '/dev/xvda',
    RootDeviceType: 'ebs',
    BlockDeviceMappings: gone
      ? []
      : [{DeviceName: '/dev/xvda', Ebs: {VolumeId: instance.rootVolumeId, Status: 'attached', AttachTime: new Date(instance.launchedAt), DeleteOnTermination: true}}],
    VirtualizationType: 'hvm',
    Hypervisor: 'xen',
    EnaSupport: true,
    EbsOptimized: false,
    ClientToken: instance.clientToken ?? '',
    MetadataOptions: metadataOptionsOf(instance.metadataOptions, context.now),
    Monitoring: {State: 'disabled'},
    Tags: toTagList(instance.tags),
  }
}

/** Instances grouped by reservation, in launch order, as DescribeInstances returns them. */
function toReservations(state: Ec2State, instances: readonly InstanceRecord[], context: OperationContext): Reservation[] {
  const reservations = new Map<string, Reservation>()
  for (const instance of instances) {
    const reservation = reservations.get(instance.reservationId) ?? {
      ReservationId: instance.reservationId,
      OwnerId: context.account,
      Groups: [],
      Instances: [],
    }
    reservation.Instances?.push(toInstance(state, instance, context))
    reservations.set(instance.reservationId, reservation)
  }

  return [...reservations.values()]
}

function visibleInstances(state: Ec2State, context: OperationContext): InstanceRecord[] {
  return state.instances.filter((instance) => instanceState(instance, context.now) !== undefined)
}

function requireInstances(state: Ec2State, ids: readonly string[], context: OperationContext): InstanceRecord[] {
  return requireIds(ids, visibleInstances(state, context), 'i', errors.instanceMalformed, errors.instanceNotFound)
}

export function findInstance(state: Ec2State, id: string | undefined, context: OperationContext): InstanceRecord {
  if (id === undefined) throw missingParameter('InstanceId')
  return requireInstances(state, [id], context)[0]
}

// ---- RunInstances ----------------------------------------------------------

function launchableImage(state: Ec2State, imageId: string | undefined, context: OperationContext): ImageRecord {
  if (imageId === undefined) throw missingParameter('ImageId')
  if (!isWellFormedId(imageId, 'ami')) throw errors.imageMalformed(imageId)
  const image = state.images.find((candidate) => candidate.id === imageId)
  if (!image) throw errors.imageNotFound([imageId])
  const status = imageState(image, context.now)
  if (status !== 'available') throw new SimError('InvalidAMIID.Unavailable', `AMI '${imageId}' is ${status}, and cannot be run`)
  return image
}

function launchSubnet(state: Ec2State, input: RunInstancesCommandInput): SubnetRecord {
  if (input.SubnetId !== undefined) {
    const subnet = state.subnets.find((candidate) => candidate.id === input.SubnetId)
    if (!subnet) throw errors.subnetNotFound([input.SubnetId])
    return subnet
  }

  // Without a subnet EC2 picks a default subnet, in the AZ asked for if any.
  const az = input.Placement?.AvailabilityZone
  const subnet = state.subnets.find((candidate) => candidate.defaultForAz && (az === undefined || candidate.az === az))
  if (!subnet) throw invalidParameterValue(`Invalid availability zone: [${az ?? ''}]`)
  return subnet
}

function launchGroups(state: Ec2State, input: RunInstancesCommandInput, subnet: SubnetRecord): string[] {
  const ids = (input.SecurityGroupIds ?? []).map((id) => groupById(state, id))
  const named = (input.SecurityGroups ?? []).map((name) => {
    const group = state.securityGroups.find((candidate) => candidate.vpcId === subnet.vpcId && candidate.name === name)
    if (!group) throw errors.groupNotFound(name)
    return group
  })
  const groups = [...ids, ...named]
  const wrongVpc = groups.find((group) => group.vpcId !== subnet.vpcId)
  if (wrongVpc) {
    throw invalidParameterValue(`Security group ${wrongVpc.id} and subnet ${subnet.id} belong to different networks.`)
  }

  if (groups.length > 0) return groups.map((group) => group.id)
  const fallback = state.securityGroups.find((group) => group.vpcId === subnet.vpcId && group.name === 'default')
  return fallback ? [fallback.id] : []
}

/** AWS's defaults when MetadataOptions is absent: IMDSv1 allowed, hop limit 1, endpoint on, no tags in IMDS. */
function metadataOptionsFrom(input: RunInstancesCommandInput, now: number): MetadataOptionsRecord {
  const given = input.MetadataOptions
  return {
    httpTokens: given?.HttpTokens ?? 'optional',
    httpPutResponseHopLimit: given?.HttpPutResponseHopLimit ?? 1,
    httpEndpoint: given?.HttpEndpoint ?? 'enabled',
    instanceMetadataTags: given?.InstanceMetadataTags ?? 'disabled',
    // Options given at launch are in force from the start.
    modifiedAt: now - DURATIONS.metadataOptionsApply,
  }
}

function checkCounts(input: RunInstancesCommandInput): number {
  const {MinCount: min, MaxCount: max} = input
  if (min === undefined) throw missingParameter('MinCount')
  if (max === undefined) throw missingParameter('MaxCount')
  if (min < 1 || max < 1) throw invalidParameterValue(`Value (${Math.min(min, max)}) for parameter count is invalid. Count must be at least 1.`)
  if (min > max) throw invalidParameterValue(`Value (${min}) for parameter minCount is invalid. minCount must be less than or equal to maxCount.`)
  return max
}

/**
 * "User data is limited to 16 KB, in raw form, before it is base64-encoded"
 * (EC2 User Guide, instancedata-add-user-data.html). hactl sends the boot
 * script gzipped, so the limit applies to the gzipped bytes.
 */
export const USER_DATA_MAX_BYTES = 16 * 1024
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/** UserData as RunInstances takes it: base64 text whose decoded bytes fit in 16 KB. Wording of both errors: UNVERIFIED. */
function checkUserData(userData: string | undefined): string | undefined {
  if (userData === undefined || userData === '') return undefined
  if (!BASE64.test(userData)) throw invalidParameterValue('Invalid BASE64 encoding of user data.')
  const bytes = Buffer.from(userData, 'base64').length
  if (bytes > USER_DATA_MAX_BYTES) {
    throw invalidParameterValue(`User data is limited to ${USER_DATA_MAX_BYTES} bytes; this is ${bytes} bytes (before base64).`)
  }

  return userData
}

/**
 * With InstanceMetadataTags enabled every tag key must be usable as a metadata
 * path: only `a-z A-Z 0-9 + - = . , _ : @`, no space or `/`, not `.`, `..` or
 * `_index`; "Non-compliance will result in failed launches for new instances
 * or an error for existing instances" (EC2 User Guide,
 * work-with-tags-in-IMDS.html; AWS-NOTES §4.5). The error code and wording are UNVERIFIED.
 */
function checkMetadataTagKeys(tags: Tags, instanceMetadataTags: string): void {
  if (instanceMetadataTags !== 'enabled') return
  const bad = Object.keys(tags).find((key) => !/^[A-Za-z0-9+\-=.,_:@]+$/.test(key) || key === '.' || key === '..' || key === '_index')
  if (bad !== undefined) {
    throw invalidParameterValue(
      `The tag key '${bad}' cannot be used with instance metadata tags: keys may only use a-z, A-Z, 0-9 and + - = . , _ : @ (no spaces or '/'), and cannot be '.', '..' or '_index'.`,
    )
  }
}

/** What a ClientToken pins down: every parameter but the token itself. */
function requestFingerprint(input: RunInstancesCommandInput): string {
  const parameters: Partial<RunInstancesCommandInput> = {...input}
  delete parameters.ClientToken
  return fingerprint(parameters)
}

function replay(state: Ec2State, input: RunInstancesCommandInput, context: OperationContext): Reservation | undefined {
  const token = input.ClientToken
  if (token === undefined) return undefined
  const previous = state.clientTokens[token]
  if (!previous) return undefined
  if (previous.fingerprint !== requestFingerprint(input)) {
    throw new SimError('IdempotentParameterMismatch', 'Arguments on this idempotent request are inconsistent with arguments used in previous request(s).')
  }

  const instances = state.instances.filter((instance) => previous.instanceIds.includes(instance.id))
  return toReservations(state, instances, context)[0] ?? {ReservationId: previous.reservationId, OwnerId: context.account, Groups: [], Instances: []}
}

export const runInstances: Handler<Ec2State, RunInstancesCommandInput, Result<RunInstancesCommandOutput>> = (state, input, context) => {
  const count = checkCounts(input)
  const replayed = replay(state, input, context)
  if (replayed) return replayed
  checkInstanceType(input.InstanceType)
  const image = launchableImage(state, input.ImageId, context)
  const subnet = launchSubnet(state, input)
  const groupIds = launchGroups(state, input, subnet)
  const tags = tagsFromSpecs(input.TagSpecifications, 'instance')
  const userData = checkUserData(input.UserData)
  const metadataOptions = metadataOptionsFrom(input, context.now)
  checkMetadataTagKeys(tags, metadataOptions.instanceMetadataTags)
  const reservationId = context.nextId('r')
  const impaired = context.takeFault('impaired')
  const bootFailed = context.takeFault('boot-failed')
  const profile = input.IamInstanceProfile
  const instances: InstanceRecord[] = Array.from({length: count}, (_, launchIndex) => {
    const id = context.nextId('i')
    return {
      id,
      reservationId,
      imageId: image.id,
      // EC2's default instance type when none is given.
      instanceType: input.InstanceType ?? 'm1.small',
      subnetId: subnet.id,
      vpcId: subnet.vpcId,
      az: subnet.az,
      privateIp: privateIpIn(subnet, id),
      securityGroupIds: groupIds,
      rootVolumeId: context.nextId('vol'),
      rootVolumeSize: image.blockDevices[0]?.volumeSize ?? 8,
      launchIndex,
      launchedAt: context.now,
      keyName: input.KeyName,
      iamInstanceProfileArn: profile?.Arn ?? (profile?.Name === undefined ? undefined : `arn:aws:iam::${context.account}:instance-profile/${profile.Name}`),
      clientToken: input.ClientToken,
      impaired,
      ...(userData === undefined ? {} : {userData}),
      ...(bootFailed ? {bootFailed} : {}),
      terminatedAt: undefined,
      metadataOptions: {...metadataOptions},
      tags: {...tags},
    }
  })
  state.instances.push(...instances)
  if (input.ClientToken !== undefined) {
    state.clientTokens[input.ClientToken] = {fingerprint: requestFingerprint(input), reservationId, instanceIds: instances.map((i) => i.id)}
  }

  return toReservations(state, instances, context)[0]
}

// ---- DescribeInstances / DescribeInstanceStatus ----------------------------

const INSTANCE_FILTERS: FilterFields<InstanceRecord & {readonly stateName: string}> = {
  'instance-id': (instance) => [instance.id],
  'instance-state-name': (instance) => [instance.stateName],
  'instance-state-code': (instance) => [String(STATE_CODES[instance.stateName as keyof typeof STATE_CODES])],
  'image-id': (instance) => [instance.imageId],
  'instance-type': (instance) => [instance.instanceType],
  'subnet-id': (instance) => [instance.subnetId],
  'vpc-id': (instance) => [instance.vpcId],
  'availability-zone': (instance) => [instance.az],
  'private-ip-address': (instance) => [instance.privateIp],
  'reservation-id': (instance) => [instance.reservationId],
  'client-token': (instance) => [instance.clientToken],
  'instance.group-id': (instance) => instance.securityGroupIds,
  'key-name': (instance) => [instance.keyName],
  'metadata-options.http-tokens': (instance) => [instance.metadataOptions.httpTokens],
}

function filterInstances(
  instances: readonly InstanceRecord[],
  filters: DescribeInstancesCommandInput['Filters'],
  context: OperationContext,
): InstanceRecord[] {
  return instances.filter((instance) =>
    matchesFilters({...instance, stateName: instanceState(instance, context.now) ?? 'terminated'}, instance.tags, filters, INSTANCE_FILTERS),
  )
}

export const describeInstances: Handler<Ec2State, DescribeInstancesCommandInput, Result<DescribeInstancesCommandOutput>> = (state, input, context) => {
  const ids = input.InstanceIds ?? []
  const chosen = ids.length > 0 ? requireInstances(state, ids, context) : visibleInstances(state, context)
  // Pages count instances; each page's instances are grouped into their reservations.
  const page = pageOf(filterInstances(chosen, input.Filters, context), input, ids.length > 0, 'instancesSet')
  return {Reservations: toReservations(state, page.items, context), NextToken: page.nextToken}
}

function statusSummary(instance: InstanceRecord, now: number, check: 'reachability'): InstanceStatusSummary {
  const runningSince = instance.launchedAt + DURATIONS.instancePending
  if (now < runningSince + DURATIONS.instanceStatusInitializing) {
    return {Status: 'initializing', Details: [{Name: check, Status: 'initializing'}]}
  }

  if (instance.impaired) {
    return {Status: 'impaired', Details: [{Name: check, Status: 'failed', ImpairedSince: new Date(runningSince + DURATIONS.instanceStatusInitializing)}]}
  }

  return {Status: 'ok', Details: [{Name: check, Status: 'passed'}]}
}

function toInstanceStatus(instance: InstanceRecord, context: OperationContext): InstanceStatus {
  const name = instanceState(instance, context.now) ?? 'terminated'
  const notApplicable: InstanceStatusSummary = {Status: 'not-applicable'}
  const running = name === 'running'
  // The system check never fails in the sandbox; `impaired` is the instance's own check.
  const system = running ? statusSummary({...instance, impaired: false}, context.now, 'reachability') : notApplicable
  return {
    InstanceId: instance.id,
    AvailabilityZone: instance.az,
    InstanceState: {Code: STATE_CODES[name], Name: name},
    InstanceStatus: running ? statusSummary(instance, context.now, 'reachability') : notApplicable,
    SystemStatus: system,
  }
}

const STATUS_FILTERS: FilterFields<InstanceStatus> = {
  'availability-zone': (status) => [status.AvailabilityZone],
  'instance-state-name': (status) => [status.InstanceState?.Name],
  'instance-state-code': (status) => [String(status.InstanceState?.Code)],
  'instance-status.status': (status) => [status.InstanceStatus?.Status],
  'instance-status.reachability': (status) => [status.InstanceStatus?.Details?.[0]?.Status],
  'system-status.status': (status) => [status.SystemStatus?.Status],
  'system-status.reachability': (status) => [status.SystemStatus?.Details?.[0]?.Status],
}

export const describeInstanceStatus: Handler<Ec2State, DescribeInstanceStatusCommandInput, Result<DescribeInstanceStatusCommandOutput>> = (state, input, context) => {
  const ids = input.InstanceIds ?? []
  const chosen = ids.length > 0 ? requireInstances(state, ids, context) : visibleInstances(state, context)
  // Without IncludeAllInstances EC2 reports running instances only.
  const listed = input.IncludeAllInstances ? chosen : chosen.filter((instance) => instanceState(instance, context.now) === 'running')
  const statuses = listed
    .map((instance) => toInstanceStatus(instance, context))
    .filter((status) => matchesFilters(status, {}, input.Filters, STATUS_FILTERS))
  const page = pageOf(statuses, input, ids.length > 0, 'instancesSet')
  return {InstanceStatuses: page.items, NextToken: page.nextToken}
}

// ---- TerminateInstances / ModifyInstanceMetadataOptions --------------------

export const terminateInstances: Handler<Ec2State, TerminateInstancesCommandInput, Result<TerminateInstancesCommandOutput>> = (state, input, context) => {
  const ids = input.InstanceIds ?? []
  if (ids.length === 0) throw missingParameter('InstanceId')
  const changes: InstanceStateChange[] = requireInstances(state, ids, context).map((instance) => {
    const previous = instanceState(instance, context.now) ?? 'terminated'
    instance.terminatedAt ??= context.now
    const current = instanceState(instance, context.now) ?? 'terminated'
    return {
      InstanceId: instance.id,
      PreviousState: {Code: STATE_CODES[previous], Name: previous},
      CurrentState: {Code: STATE_CODES[current], Name: current},
    }
  })
  return {TerminatingInstances: changes}
}

export const modifyInstanceMetadataOptions: Handler<Ec2State, ModifyInstanceMetadataOptionsCommandInput, Result<ModifyInstanceMetadataOptionsCommandOutput>> = (state, input, context) => {
  const instance = findInstance(state, input.InstanceId, context)
  const status = instanceState(instance, context.now)
  if (status === 'terminated' || status === 'shutting-down') {
    throw new SimError('IncorrectInstanceState', `The instance '${instance.id}' is not in a state from which it can be modified.`)
  }

  const hopLimit = input.HttpPutResponseHopLimit
  if (hopLimit !== undefined && (hopLimit < 1 || hopLimit > 64)) {
    throw invalidParameterValue(`The HttpPutResponseHopLimit value ${hopLimit} is invalid. Specify a value between 1 and 64.`)
  }

  const options = instance.metadataOptions
  checkMetadataTagKeys(instance.tags, input.InstanceMetadataTags ?? options.instanceMetadataTags)
  instance.metadataOptions = {
    httpTokens: input.HttpTokens ?? options.httpTokens,
    httpPutResponseHopLimit: hopLimit ?? options.httpPutResponseHopLimit,
    httpEndpoint: input.HttpEndpoint ?? options.httpEndpoint,
    instanceMetadataTags: input.InstanceMetadataTags ?? options.instanceMetadataTags,
    modifiedAt: context.now,
  }
  return {InstanceId: instance.id, InstanceMetadataOptions: metadataOptionsOf(instance.metadataOptions, context.now)}
}

// ---- DescribeInstanceAttribute ---------------------------------------------

/** The attributes the sandbox answers; EC2 has more (those throw SandboxUnsupportedOperation). */
const ATTRIBUTES = ['userData', 'instanceType', 'instanceInitiatedShutdownBehavior', 'disableApiTermination'] as const
const KNOWN_ATTRIBUTES = new Set([
  ...ATTRIBUTES,
  'kernel', 'ramdisk', 'rootDeviceName', 'blockDeviceMapping', 'productCodes', 'sourceDestCheck', 'groupSet',
  'ebsOptimized', 'sriovNetSupport', 'enaSupport', 'enclaveOptions', 'disableApiStop',
])

export const describeInstanceAttribute: Handler<Ec2State, DescribeInstanceAttributeCommandInput, Result<DescribeInstanceAttributeCommandOutput>> = (state, input, context) => {
  const attribute = input.Attribute
  if (attribute === undefined) throw missingParameter('Attribute')
  const instance = findInstance(state, input.InstanceId, context)
  if (!KNOWN_ATTRIBUTES.has(attribute)) throw invalidParameterValue(`Value (${attribute}) for parameter attribute is invalid. Unknown attribute.`)
  switch (attribute) {
    case 'userData': {
      // Without user data EC2 answers an empty UserData element.
      return {InstanceId: instance.id, UserData: instance.userData === undefined ? {} : {Value: instance.userData}}
    }

    case 'instanceType': {
      return {InstanceId: instance.id, InstanceType: {Value: instance.instanceType}}
    }

    case 'instanceInitiatedShutdownBehavior': {
      return {InstanceId: instance.id, InstanceInitiatedShutdownBehavior: {Value: 'stop'}}
    }

    case 'disableApiTermination': {
      return {InstanceId: instance.id, DisableApiTermination: {Value: false}}
    }

    default: {
      throw new SandboxUnsupportedError('ec2', `DescribeInstanceAttribute ${attribute}`, 'src/sandbox/services/ec2.md')
    }
  }
}
