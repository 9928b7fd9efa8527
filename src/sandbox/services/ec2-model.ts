import type {Filter, HttpTokensState, InstanceMetadataEndpointState, InstanceMetadataTagsState, InstanceStateName, Tag, TagSpecification} from '@aws-sdk/client-ec2'

import {DURATIONS} from '../durations'
import {SimError} from '../errors'
import {hexOf} from '../ids'
import {paginate, wildcardMatch, type Page} from '../paging'
import type {OperationContext, RegionState} from '../types'
import {checkTags as checkTagRules, reservedPrefixes, type TagRules} from '../tags'
import type {LaunchTemplateRecord} from './ec2-launch-templates'

/*
 * The EC2 state and what the EC2 handlers share: records (times in simulated
 * ms, so the state file is plain JSON), the fresh account, lifecycles derived
 * from timestamps, filters, tags, ids and AWS's error wording.
 */

export type Tags = Record<string, string>

export interface VpcRecord {
  readonly id: string
  readonly cidr: string
  readonly isDefault: boolean
  readonly dhcpOptionsId: string
  /** Absent (state files from before) = on, as in a default VPC. CreateVpc turns hostnames off, as AWS does. */
  enableDnsSupport?: boolean
  enableDnsHostnames?: boolean
  tags: Tags
}

/**
 * A route the sandbox adds to a VPC's main route table (an S3 gateway
 * endpoint's prefix-list route). The main table itself, its local route and
 * the default VPC's internet gateway route are derived from the VPC, so a
 * fresh account's ids do not move.
 */
export interface RouteRecord {
  readonly destinationCidrBlock?: string
  readonly destinationPrefixListId?: string
  readonly gatewayId?: string
  readonly natGatewayId?: string
}

export interface VpcEndpointRecord {
  readonly id: string
  readonly vpcId: string
  readonly serviceName: string
  readonly type: 'Interface' | 'Gateway'
  readonly subnetIds: string[]
  readonly routeTableIds: string[]
  readonly createdAt: number
  tags: Tags
}

export interface SubnetRecord {
  readonly id: string
  readonly vpcId: string
  readonly cidr: string
  readonly az: string
  readonly defaultForAz: boolean
  tags: Tags
}

/** One security group rule: a protocol/port range and one peer. */
export interface RuleRecord {
  readonly id: string
  readonly protocol: string
  readonly fromPort: number | undefined
  readonly toPort: number | undefined
  readonly cidrIpv4?: string
  readonly cidrIpv6?: string
  readonly groupId?: string
  readonly description?: string
}

export interface SecurityGroupRecord {
  readonly id: string
  readonly name: string
  readonly description: string
  readonly vpcId: string
  ingress: RuleRecord[]
  egress: RuleRecord[]
  tags: Tags
}

export interface MetadataOptionsRecord {
  httpTokens: HttpTokensState
  httpPutResponseHopLimit: number
  httpEndpoint: InstanceMetadataEndpointState
  instanceMetadataTags: InstanceMetadataTagsState
  /** When they last changed: State is `pending` for a few seconds after. */
  modifiedAt: number
}

export interface InstanceRecord {
  readonly id: string
  readonly reservationId: string
  readonly imageId: string
  readonly instanceType: string
  readonly subnetId: string
  readonly vpcId: string
  readonly az: string
  readonly privateIp: string
  readonly securityGroupIds: string[]
  readonly rootVolumeId: string
  readonly rootVolumeSize: number
  readonly launchIndex: number
  readonly launchedAt: number
  readonly keyName: string | undefined
  readonly iamInstanceProfileArn: string | undefined
  readonly clientToken: string | undefined
  /** Set by the `impaired` fault: the instance status check fails once initialised. */
  readonly impaired: boolean
  /** UserData as given (base64); absent when none was given (and in older state files). */
  readonly userData?: string
  /** Set by the `boot-failed` fault: a seed's simulated boot reports failure (ssm-seed.ts). */
  readonly bootFailed?: boolean
  terminatedAt: number | undefined
  metadataOptions: MetadataOptionsRecord
  tags: Tags
  /** The last CreateImage without NoReboot: the instance shut down and came back (agent offline meanwhile). */
  rebootedAt?: number
  /** A seed's `systemctl stop hactl-cron.timer` (ssm-cron.ts); cleared by a start, undone by a reboot. */
  cronStoppedAt?: number
  /** A seed's `systemctl start hactl-cron.timer` after a stop (ssm-cron.ts). */
  cronStartedAt?: number
}

export interface BlockDeviceRecord {
  readonly deviceName: string
  readonly snapshotId: string
  readonly volumeSize: number
}

export interface ImageRecord {
  readonly id: string
  readonly name: string
  readonly description: string | undefined
  readonly ownerId: string
  /** `amazon` for AWS-owned platform images. */
  readonly ownerAlias: string | undefined
  readonly isPublic: boolean
  readonly createdAt: number
  readonly architecture: 'x86_64' | 'arm64'
  readonly sourceInstanceId: string | undefined
  readonly blockDevices: BlockDeviceRecord[]
  /** Set by the `image-failed` fault: the image ends `failed` instead of `available`. */
  readonly failed: boolean
  tags: Tags
}

export interface SnapshotRecord {
  readonly id: string
  readonly volumeSize: number
  readonly startedAt: number
  readonly description: string
  /** The volume it was taken from (a CreateImage root volume). Absent in older state files. */
  readonly volumeId?: string
  /** Set with its image's `image-failed` fault: the snapshot ends `error`. Absent in older state files. */
  readonly failed?: boolean
  /** Who besides the owner may create volumes from it (ModifySnapshotAttribute); absent: nobody. */
  createVolumePermissions?: Array<{readonly group?: string; readonly userId?: string}>
  tags: Tags
}

/** A RunInstances ClientToken: what the first call asked for and what it launched. */
export interface ClientTokenRecord {
  readonly fingerprint: string
  readonly reservationId: string
  readonly instanceIds: string[]
}

export interface Ec2State {
  vpcs: VpcRecord[]
  subnets: SubnetRecord[]
  securityGroups: SecurityGroupRecord[]
  instances: InstanceRecord[]
  images: ImageRecord[]
  snapshots: SnapshotRecord[]
  clientTokens: Record<string, ClientTokenRecord>
  /** Routes added to main route tables, by route table id (absent in older state files). */
  extraRoutes?: Record<string, RouteRecord[]>
  vpcEndpoints?: VpcEndpointRecord[]
  /** Launch templates (ec2-launch-templates.ts; absent in older state files). */
  launchTemplates?: LaunchTemplateRecord[]
}

/** The AWS account that owns Elastic Beanstalk's platform AMIs (alias `amazon`). Typical figure. */
export const EB_PLATFORM_OWNER = '102837901569'
/** The AWS account that owns the Amazon Linux AMIs (alias `amazon`). */
export const AMAZON_LINUX_OWNER = '137112412989'

/** Amazon-owned images every fresh account can launch. Names follow the real patterns; ids are the sandbox's. */
const PLATFORM_IMAGES: ReadonlyArray<Pick<ImageRecord, 'name' | 'description' | 'ownerId' | 'architecture'> & {created: string}> = [
  {
    name: 'aws-elasticbeanstalk-amzn-2023.8.20250908.x86_64-php83-hvm-202509101743',
    description: 'AWS Elastic Beanstalk PHP 8.3 running on 64bit Amazon Linux 2023',
    ownerId: EB_PLATFORM_OWNER,
    architecture: 'x86_64',
    created: '2025-09-10T17:43:00.000Z',
  },
  {
    name: 'aws-elasticbeanstalk-amzn-2023.8.20250908.arm64-php83-hvm-202509101743',
    description: 'AWS Elastic Beanstalk PHP 8.3 running on 64bit Amazon Linux 2023',
    ownerId: EB_PLATFORM_OWNER,
    architecture: 'arm64',
    created: '2025-09-10T17:43:00.000Z',
  },
  {
    name: 'al2023-ami-2023.8.20250908.0-kernel-6.1-x86_64',
    description: 'Amazon Linux 2023 AMI 2023.8.20250908.0 x86_64 HVM kernel-6.1',
    ownerId: AMAZON_LINUX_OWNER,
    architecture: 'x86_64',
    created: '2025-09-08T20:11:00.000Z',
  },
]

/** The AZ suffixes of a fresh region, each with its default subnet's third octet. */
const DEFAULT_AZS = [
  ['a', 0],
  ['b', 16],
  ['c', 32],
] as const

/** A fresh account: default VPC 172.31.0.0/16, one /20 default subnet per AZ, the default group, platform AMIs. */
export function freshEc2(context: OperationContext): Ec2State {
  const vpcId = context.nextId('vpc')
  const vpc: VpcRecord = {id: vpcId, cidr: '172.31.0.0/16', isDefault: true, dhcpOptionsId: context.nextId('dopt'), tags: {}}
  const subnets = DEFAULT_AZS.map(([suffix, octet]) => ({
    id: context.nextId('subnet'),
    vpcId,
    cidr: `172.31.${octet}.0/20`,
    az: `${context.region}${suffix}`,
    defaultForAz: true,
    tags: {},
  }))
  const images = PLATFORM_IMAGES.map((image) => ({
    id: context.nextId('ami'),
    name: image.name,
    description: image.description,
    ownerId: image.ownerId,
    ownerAlias: 'amazon',
    isPublic: true,
    createdAt: Date.parse(image.created),
    architecture: image.architecture,
    sourceInstanceId: undefined,
    blockDevices: [{deviceName: '/dev/xvda', snapshotId: context.nextId('snap'), volumeSize: 8}],
    failed: false,
    tags: {},
  }))
  return {
    vpcs: [vpc],
    subnets,
    securityGroups: [defaultSecurityGroup(context, vpcId)],
    instances: [],
    images,
    snapshots: [],
    clientTokens: {},
  }
}

/** Every VPC's `default` group: all traffic in from members of the group, all traffic out. */
export function defaultSecurityGroup(context: OperationContext, vpcId: string): SecurityGroupRecord {
  const id = context.nextId('sg')
  return {
    id,
    name: 'default',
    description: 'default VPC security group',
    vpcId,
    ingress: [{id: context.nextId('sgr'), protocol: '-1', fromPort: undefined, toPort: undefined, groupId: id}],
    egress: [allTrafficOut(context)],
    tags: {},
  }
}

export function allTrafficOut(context: OperationContext): RuleRecord {
  return {id: context.nextId('sgr'), protocol: '-1', fromPort: undefined, toPort: undefined, cidrIpv4: '0.0.0.0/0'}
}

/** The region's EC2 state, created on first use; terminated instances past their hour are forgotten. */
export function ec2Slice(region: RegionState, context: OperationContext): Ec2State {
  region.ec2 ??= freshEc2(context)
  const state = region.ec2
  if (state.instances.some((instance) => instanceState(instance, context.now) === undefined)) {
    state.instances = state.instances.filter((instance) => instanceState(instance, context.now) !== undefined)
  }

  return state
}

// ---- lifecycles -----------------------------------------------------------

export const STATE_CODES: Readonly<Record<InstanceStateName, number>> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
}

/** The instance's state at `now`; undefined once a terminated instance is no longer visible. */
export function instanceState(instance: InstanceRecord, now: number): InstanceStateName | undefined {
  if (instance.terminatedAt !== undefined) {
    const terminated = instance.terminatedAt + DURATIONS.instanceShuttingDown
    if (now < terminated) return 'shutting-down'
    return now < terminated + DURATIONS.terminatedVisible ? 'terminated' : undefined
  }

  return now < instance.launchedAt + DURATIONS.instancePending ? 'pending' : 'running'
}

export type ImageStateName = 'pending' | 'available' | 'failed'

export function imageState(image: ImageRecord, now: number): ImageStateName {
  if (now < image.createdAt + DURATIONS.imagePending) return 'pending'
  return image.failed ? 'failed' : 'available'
}

export type SnapshotStateName = 'pending' | 'completed' | 'error'

/** A CreateImage snapshot completes (or errs) when its image does: the image waits for its snapshots. */
export function snapshotState(snapshot: SnapshotRecord, now: number): SnapshotStateName {
  if (now < snapshot.startedAt + DURATIONS.imagePending) return 'pending'
  return snapshot.failed === true ? 'error' : 'completed'
}

/** True while a CreateImage reboot has the instance down (its SSM agent offline). */
export function rebooting(instance: InstanceRecord, now: number): boolean {
  return instance.rebootedAt !== undefined && now >= instance.rebootedAt && now < instance.rebootedAt + DURATIONS.imageReboot
}

// ---- ids and errors (AWS's codes and wording) ------------------------------

const ID_SHAPE = /^[a-z]+-([0-9a-f]{8}|[0-9a-f]{17})$/

export function isWellFormedId(id: string, prefix: string): boolean {
  return id.startsWith(`${prefix}-`) && ID_SHAPE.test(id)
}

export function invalidParameterValue(message: string): SimError {
  return new SimError('InvalidParameterValue', message)
}

export function missingParameter(name: string): SimError {
  return new SimError('MissingParameter', `The request must contain the parameter ${name}`)
}

function listNotFound(code: string, what: string, ids: readonly string[]): SimError {
  return ids.length === 1
    ? new SimError(code, `The ${what} ID '${ids[0]}' does not exist`)
    : new SimError(code, `The ${what} IDs '${ids.join(', ')}' do not exist`)
}

export const errors = {
  instanceNotFound: (ids: readonly string[]) => listNotFound('InvalidInstanceID.NotFound', 'instance', ids),
  instanceMalformed: (id: string) => new SimError('InvalidInstanceID.Malformed', `Invalid id: "${id}"`),
  imageNotFound: (ids: readonly string[]) =>
    new SimError('InvalidAMIID.NotFound', `The image id${ids.length > 1 ? 's' : ''} '[${ids.join(', ')}]' ${ids.length > 1 ? 'do' : 'does'} not exist`),
  imageMalformed: (id: string) => new SimError('InvalidAMIID.Malformed', `Invalid id: "${id}" (expecting "ami-...")`),
  vpcNotFound: (ids: readonly string[]) => listNotFound('InvalidVpcID.NotFound', 'vpc', ids),
  vpcMalformed: (id: string) => new SimError('InvalidVpcID.Malformed', `Invalid id: "${id}" (expecting "vpc-...")`),
  subnetNotFound: (ids: readonly string[]) => listNotFound('InvalidSubnetID.NotFound', 'subnet', ids),
  subnetMalformed: (id: string) => new SimError('InvalidSubnetID.Malformed', `Invalid id: "${id}" (expecting "subnet-...")`),
  groupNotFound: (what: string) => new SimError('InvalidGroup.NotFound', `The security group '${what}' does not exist`),
  snapshotNotFound: (id: string) => new SimError('InvalidSnapshot.NotFound', `The snapshot '${id}' does not exist.`),
  snapshotMalformed: (id: string) => new SimError('InvalidSnapshot.Malformed', `Invalid id: "${id}" (expecting "snap-...")`),
  snapshotInUse: (id: string, imageId: string) => new SimError('InvalidSnapshot.InUse', `The snapshot ${id} is currently in use by ${imageId}`),
  badNextToken: () => new SimError('InvalidPaginationToken', 'The specified pagination token is not valid or is expired.'),
}

/** Checks ids of one kind: the first malformed id fails the call, then all unknown ids together. */
export function requireIds<T extends {readonly id: string}>(
  ids: readonly string[],
  records: readonly T[],
  prefix: string,
  malformed: (id: string) => SimError,
  notFound: (ids: readonly string[]) => SimError,
): T[] {
  const bad = ids.find((id) => !isWellFormedId(id, prefix))
  if (bad !== undefined) throw malformed(bad)
  const missing = ids.filter((id) => !records.some((record) => record.id === id))
  if (missing.length > 0) throw notFound(missing)
  return ids.map((id) => records.find((record) => record.id === id) as T)
}

// ---- tags ------------------------------------------------------------------

export function toTagList(tags: Tags): Tag[] | undefined {
  const list = Object.entries(tags).map(([Key, Value]) => ({Key, Value}))
  // EC2 leaves tagSet out when a resource has no tags, so the SDK gives undefined.
  return list.length > 0 ? list : undefined
}

const TAG_RULES: TagRules = {
  reserved: reservedPrefixes('aws:'),
  badKey: (key) => invalidParameterValue(`Tag key must be between 1 and 128 characters: '${key}'`),
  reservedKey: (key) => invalidParameterValue(`Value ( ${key} ) for parameter key is invalid. Tag keys starting with 'aws:' are reserved for internal use`),
  badValue: (key) => invalidParameterValue(`Tag value must be at most 256 characters for key '${key}'`),
  tooMany: () => new SimError('TagLimitExceeded', 'The maximum number of tags per resource (50) was exceeded'),
}

/** Checks tags as EC2 does: a key is required, at most 128/256 characters, and `aws:` is reserved. */
export function checkTags(tags: readonly Tag[]): Tags {
  return checkTagRules(TAG_RULES, tags)
}

/** The tags TagSpecifications give one resource type. */
export function tagsFromSpecs(specs: readonly TagSpecification[] | undefined, resourceType: string): Tags {
  return checkTags((specs ?? []).filter((spec) => spec.ResourceType === resourceType).flatMap((spec) => spec.Tags ?? []))
}

// ---- filters and paging ----------------------------------------------------

/** What a record answers for each filter name the operation supports (besides tag:<key>, tag-key, tag-value). */
export type FilterFields<T> = Readonly<Record<string, (record: T) => ReadonlyArray<string | undefined>>>

/**
 * EC2 filter semantics: every filter must match (AND); a filter matches when
 * any of its values matches any of the record's values (OR), with `*`/`?`
 * wildcards. An unknown filter name is an error, as AWS gives one.
 */
export function matchesFilters<T>(record: T, tags: Tags, filters: readonly Filter[] | undefined, fields: FilterFields<T>): boolean {
  return (filters ?? []).every((filter) => {
    const name = filter.Name ?? ''
    const candidates = filterValues(record, tags, name, fields)
    return (filter.Values ?? []).some((pattern) => candidates.some((value) => value !== undefined && wildcardMatch(pattern, value)))
  })
}

function filterValues<T>(record: T, tags: Tags, name: string, fields: FilterFields<T>): ReadonlyArray<string | undefined> {
  if (name.startsWith('tag:')) return [tags[name.slice(4)]]
  if (name === 'tag-key') return Object.keys(tags)
  if (name === 'tag-value') return Object.values(tags)
  const field = fields[name]
  if (!field) throw invalidParameterValue(`The filter '${name}' is invalid`)
  return field(record)
}

/** MaxResults/NextToken for the Describe calls that take them: 5–1000, not together with explicit ids. */
export function pageOf<T>(
  items: readonly T[],
  input: {readonly MaxResults?: number; readonly NextToken?: string},
  idsGiven: boolean,
  idsParameter: string,
): Page<T> {
  if (input.MaxResults !== undefined) {
    if (idsGiven) {
      throw new SimError('InvalidParameterCombination', `The parameter ${idsParameter} cannot be used with the parameter maxResults`)
    }

    if (input.MaxResults < 5 || input.MaxResults > 1000) {
      throw invalidParameterValue(`Value ( ${input.MaxResults} ) for parameter maxResults is invalid. Parameter must be between 5 and 1000.`)
    }
  }

  return paginate(items, {maxResults: input.MaxResults, nextToken: input.NextToken, defaultSize: 1000, badToken: errors.badNextToken})
}

// ---- small derived values --------------------------------------------------

/** A private address in the subnet, stable for the instance id. */
export function privateIpIn(subnet: SubnetRecord, instanceId: string): string {
  const [a, b, c] = subnet.cidr.split('/')[0].split('.').map(Number)
  const offset = 4 + (Number.parseInt(hexOf(instanceId, 8), 16) % 4000)
  return `${a}.${b}.${c + Math.floor(offset / 256)}.${offset % 256}`
}

export function privateDnsName(ip: string, region: string): string {
  return `ip-${ip.replace(/\./g, '-')}.${region}.compute.internal`
}

/** JSON with sorted keys, so two requests with the same parameters compare equal. */
export function fingerprint(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  )
}

export function isoDate(ms: number): string {
  return new Date(ms).toISOString()
}
