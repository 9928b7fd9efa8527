/**
 * The EC2 calls hactl makes: the network it lands in, the seed instance and
 * the images baked from it. Paging and waiting are hidden in here.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateImageCommand,
  CreateSecurityGroupCommand,
  CreateTagsCommand,
  DeleteSecurityGroupCommand,
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeInstanceAttributeCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcsCommand,
  type EC2Client,
  type Filter,
  type Image,
  type Instance,
  type IpPermission,
  RunInstancesCommand,
  type RouteTable,
  type RunInstancesCommandInput,
  type SecurityGroup,
  type Snapshot,
  type Subnet,
  TerminateInstancesCommand,
  type Vpc,
  type VpcEndpoint,
  paginateDescribeImages,
  paginateDescribeInstanceTypeOfferings,
  paginateDescribeInstanceTypes,
  type _InstanceType,
  paginateDescribeInstances,
  paginateDescribeRouteTables,
  paginateDescribeSnapshots,
  paginateDescribeSubnets,
  paginateDescribeVpcEndpoints,
  waitUntilImageAvailable,
  DescribeImageAttributeCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeSnapshotAttributeCommand,
  type LaunchTemplate,
  paginateDescribeLaunchTemplates,
  waitUntilInstanceRunning,
  waitUntilInstanceTerminated,
} from '@aws-sdk/client-ec2'

import {gunzipSync} from 'node:zlib'

import type {ApiContext, Tags, WaitControl} from './types'
import {awsCall, hasAwsCode} from './errors'
import {runSdkWaiter} from './wait'
import {tagList} from './resource-calls'

export interface Ec2Api {
  /** The account's default VPC in the region, if it has one. */
  describeDefaultVpc(): Promise<Vpc | undefined>
  describeVpcs(vpcIds: readonly string[]): Promise<Vpc[]>
  describeSubnets(filter: {subnetIds?: readonly string[]; vpcId?: string}): Promise<Subnet[]>
  describeSecurityGroups(filter: {groupIds?: readonly string[]; tags?: Tags; vpcId?: string}): Promise<SecurityGroup[]>
  /** The groups of these names in the VPC (one call), by name; a name with no group is absent. */
  findSecurityGroups(vpcId: string, names: readonly string[]): Promise<Map<string, SecurityGroup>>
  /** Creates a group (with AWS's default allow-all egress); returns its id. */
  createSecurityGroup(input: {description: string; name: string; tags: Tags; vpcId: string}): Promise<string>
  /** Adds ingress rules; rules that already exist are left alone (a re-run is a no-op). */
  authorizeIngress(groupId: string, permissions: readonly IpPermission[]): Promise<void>
  /** Deletes a group; false if it did not exist. */
  deleteSecurityGroup(groupId: string): Promise<boolean>
  /** Launches instances; pass a ClientToken so a re-run finds the same instance. */
  runInstances(input: RunInstancesCommandInput): Promise<Instance[]>
  /** Instances by id, or by tag (all of the given tags must match). */
  describeInstances(filter: {instanceIds?: readonly string[]; states?: readonly string[]; tags?: Tags}): Promise<Instance[]>
  terminateInstances(instanceIds: readonly string[]): Promise<void>
  /** The instance's user data as text (base64 decoded, gunzipped when gzipped, as cloud-init reads it); undefined if it has none. */
  instanceUserData(instanceId: string): Promise<string | undefined>
  createTags(resourceIds: readonly string[], tags: Tags): Promise<void>
  /** Starts an image from an instance; returns the new image id. */
  createImage(input: {description?: string; instanceId: string; name: string; noReboot?: boolean; tags: Tags}): Promise<string>
  /** Images by id, or by owner, tag, name and state (all pages). */
  describeImages(filter: {imageIds?: readonly string[]; owners?: readonly string[]; tags?: Tags; names?: readonly string[]; states?: readonly string[]}): Promise<Image[]>
  /** Deregisters an image (its snapshots stay: deleteSnapshot them after); false if it was already gone. */
  deregisterImage(imageId: string): Promise<boolean>
  /** The account's own snapshots by id or tag (all pages). */
  describeSnapshots(filter: {snapshotIds?: readonly string[]; tags?: Tags}): Promise<Snapshot[]>
  /** Deletes a snapshot; false if it was already gone. InvalidSnapshot.InUse (a registered image uses it) is an AwsError. */
  deleteSnapshot(snapshotId: string): Promise<boolean>
  /** Launch templates carrying all of the given tags (all pages), each with the ImageIds of its $Latest and $Default versions. */
  launchTemplateImages(tags: Tags): Promise<Array<{id: string; name: string; imageIds: string[]}>>
  /** Who besides the owner may launch the image: DescribeImageAttribute launchPermission (Group `all` = public, UserId = another account). */
  imageLaunchPermissions(imageId: string): Promise<SharePermission[]>
  /** Who besides the owner may create volumes from the snapshot: DescribeSnapshotAttribute createVolumePermission. */
  snapshotVolumePermissions(snapshotId: string): Promise<SharePermission[]>
  waitForInstancesRunning(instanceIds: readonly string[], wait: WaitControl): Promise<void>
  waitForInstancesTerminated(instanceIds: readonly string[], wait: WaitControl): Promise<void>
  waitForImageAvailable(imageId: string, wait: WaitControl): Promise<void>
  /** The VPC's DNS attributes (two calls: DescribeVpcAttribute answers one attribute at a time). */
  describeVpcDns(vpcId: string): Promise<{support: boolean; hostnames: boolean}>
  /** Every route table of the VPC, the main one included. */
  describeRouteTables(vpcId: string): Promise<RouteTable[]>
  /** Every VPC endpoint in the VPC, of any type and state. */
  describeVpcEndpoints(vpcId: string): Promise<VpcEndpoint[]>
  /** Instance type → the AZs (of those asked) where EC2 offers it; a type offered nowhere is absent. */
  instanceTypeZones(instanceTypes: readonly string[], zones: readonly string[]): Promise<Map<string, Set<string>>>
  /** The CPU architectures each instance type supports (DescribeInstanceTypes ProcessorInfo.SupportedArchitectures). */
  instanceTypeArchitectures(instanceTypes: readonly string[]): Promise<Map<string, readonly string[]>>
}

/** One launchPermission / createVolumePermission entry: a group (`all`), an account, an organization or an OU. */
export interface SharePermission {
  readonly group?: string
  readonly userId?: string
  readonly organizationArn?: string
  readonly organizationalUnitArn?: string
}

function tagFilters(tags: Tags | undefined): Filter[] {
  return Object.entries(tags ?? {}).map(([key, value]) => ({Name: `tag:${key}`, Values: [value]}))
}


function instanceStates(output: unknown): string {
  const reservations = (output as {Reservations?: Array<{Instances?: Instance[]}>}).Reservations ?? []
  const states = reservations.flatMap((r) => r.Instances ?? []).map((i) => `${i.InstanceId} ${i.State?.Name ?? '?'}`)
  return states.join(', ')
}

function imageStates(output: unknown): string {
  const images = (output as {Images?: Image[]}).Images ?? []
  return images.map((i) => `${i.ImageId} ${i.State ?? '?'}`).join(', ')
}

/** One IpPermission per CIDR range or group pair, ports and protocol kept. */
function splitBySource(permission: IpPermission): IpPermission[] {
  const base = {FromPort: permission.FromPort, IpProtocol: permission.IpProtocol, ToPort: permission.ToPort}
  return [
    ...(permission.IpRanges ?? []).map((range) => ({...base, IpRanges: [range]})),
    ...(permission.Ipv6Ranges ?? []).map((range) => ({...base, Ipv6Ranges: [range]})),
    ...(permission.UserIdGroupPairs ?? []).map((pair) => ({...base, UserIdGroupPairs: [pair]})),
  ]
}

/** A delete that is done when the thing is already gone: true if this call removed it, false if it was not there. */
async function unlessGone(operation: string, call: () => Promise<unknown>, goneCodes: readonly string[]): Promise<boolean> {
  try {
    await call()
    return true
  } catch (error) {
    if (hasAwsCode(error, ...goneCodes)) return false
    return awsCall(operation, () => Promise.reject(error))
  }
}

export function createEc2Api(client: EC2Client, context: ApiContext): Ec2Api {
  const {clock, reporter} = context

  async function waitForInstances(
    waiter: typeof waitUntilInstanceRunning,
    state: string,
    instanceIds: readonly string[],
    wait: WaitControl,
  ): Promise<void> {
    await runSdkWaiter({
      client,
      clock,
      describe: instanceStates,
      input: {InstanceIds: [...instanceIds]},
      // EC2's own waiter model polls every 15 s; without a cap the SDK's backoff grows to 120 s and
      // sees a 35 s launch up to a minute late. Every 15 s is 4 describes a minute: no throttling.
      maxDelaySeconds: 15,
      minDelaySeconds: 15,
      reporter,
      signal: wait.signal,
      timeoutMs: wait.timeoutMs,
      waiter,
      what: `instance ${instanceIds.join(', ')} to be ${state}`,
    })
  }

  return {
    async createImage(input) {
      const out = await awsCall('ec2:CreateImage', () =>
        client.send(
          new CreateImageCommand({
            Description: input.description,
            InstanceId: input.instanceId,
            Name: input.name,
            NoReboot: input.noReboot,
            TagSpecifications: [
              {ResourceType: 'image', Tags: tagList(input.tags)},
              {ResourceType: 'snapshot', Tags: tagList(input.tags)},
            ],
          }),
        ),
      )
      return out.ImageId ?? ''
    },

    async createTags(resourceIds, tags) {
      await awsCall('ec2:CreateTags', () => client.send(new CreateTagsCommand({Resources: [...resourceIds], Tags: tagList(tags)})))
    },

    async describeDefaultVpc() {
      const out = await awsCall('ec2:DescribeVpcs', () =>
        client.send(new DescribeVpcsCommand({Filters: [{Name: 'is-default', Values: ['true']}]})),
      )
      return out.Vpcs?.[0]
    },

    async describeImages(filter) {
      const filters = tagFilters(filter.tags)
      if (filter.names) filters.push({Name: 'name', Values: [...filter.names]})
      if (filter.states) filters.push({Name: 'state', Values: [...filter.states]})
      return awsCall('ec2:DescribeImages', async () => {
        const found: Image[] = []
        const input = {Filters: filters.length > 0 ? filters : undefined, ImageIds: filter.imageIds ? [...filter.imageIds] : undefined, Owners: filter.owners ? [...filter.owners] : undefined}
        for await (const page of paginateDescribeImages({client}, input)) found.push(...(page.Images ?? []))
        return found
      })
    },

    async describeSnapshots(filter) {
      return awsCall('ec2:DescribeSnapshots', async () => {
        const found: Snapshot[] = []
        const filters = tagFilters(filter.tags)
        // OwnerIds self: without it DescribeSnapshots also lists every public snapshot it may read.
        const input = {Filters: filters.length > 0 ? filters : undefined, OwnerIds: ['self'], SnapshotIds: filter.snapshotIds ? [...filter.snapshotIds] : undefined}
        for await (const page of paginateDescribeSnapshots({client}, input)) found.push(...(page.Snapshots ?? []))
        return found
      })
    },

    async launchTemplateImages(tags) {
      const templates: LaunchTemplate[] = []
      await awsCall('ec2:DescribeLaunchTemplates', async () => {
        for await (const page of paginateDescribeLaunchTemplates({client}, {Filters: tagFilters(tags)})) templates.push(...(page.LaunchTemplates ?? []))
      })
      return Promise.all(
        templates.map(async (template) => {
          const out = await awsCall('ec2:DescribeLaunchTemplateVersions', () =>
            client.send(new DescribeLaunchTemplateVersionsCommand({LaunchTemplateId: template.LaunchTemplateId, Versions: ['$Latest', '$Default']})),
          )
          const imageIds = [...new Set((out.LaunchTemplateVersions ?? []).map((version) => version.LaunchTemplateData?.ImageId ?? '').filter(Boolean))]
          return {id: template.LaunchTemplateId ?? '', imageIds, name: template.LaunchTemplateName ?? ''}
        }),
      )
    },

    async imageLaunchPermissions(imageId) {
      const out = await awsCall('ec2:DescribeImageAttribute', () => client.send(new DescribeImageAttributeCommand({Attribute: 'launchPermission', ImageId: imageId})))
      return (out.LaunchPermissions ?? []).map((entry) => ({group: entry.Group, organizationalUnitArn: entry.OrganizationalUnitArn, organizationArn: entry.OrganizationArn, userId: entry.UserId}))
    },

    async snapshotVolumePermissions(snapshotId) {
      const out = await awsCall('ec2:DescribeSnapshotAttribute', () => client.send(new DescribeSnapshotAttributeCommand({Attribute: 'createVolumePermission', SnapshotId: snapshotId})))
      return (out.CreateVolumePermissions ?? []).map((entry) => ({group: entry.Group, userId: entry.UserId}))
    },

    async deleteSnapshot(snapshotId) {
      return unlessGone('ec2:DeleteSnapshot', () => client.send(new DeleteSnapshotCommand({SnapshotId: snapshotId})), ['InvalidSnapshot.NotFound'])
    },

    async describeInstances(filter) {
      return awsCall('ec2:DescribeInstances', async () => {
        const filters = tagFilters(filter.tags)
        if (filter.states) filters.push({Name: 'instance-state-name', Values: [...filter.states]})
        const found: Instance[] = []
        const pages = paginateDescribeInstances(
          {client},
          {Filters: filters.length > 0 ? filters : undefined, InstanceIds: filter.instanceIds ? [...filter.instanceIds] : undefined},
        )
        for await (const page of pages) {
          for (const reservation of page.Reservations ?? []) found.push(...(reservation.Instances ?? []))
        }

        return found
      })
    },

    async authorizeIngress(groupId, permissions) {
      await awsCall('ec2:AuthorizeSecurityGroupIngress', async () => {
        // One call per source: EC2 fails the whole call if any one rule in it exists,
        // so a rule removed by hand would otherwise never come back on a re-run.
        for (const permission of permissions.flatMap(splitBySource)) {
          try {
            await client.send(new AuthorizeSecurityGroupIngressCommand({GroupId: groupId, IpPermissions: [permission]}))
          } catch (error) {
            if (!hasAwsCode(error, 'InvalidPermission.Duplicate')) throw error
          }
        }
      })
    },

    async createSecurityGroup(input) {
      const out = await awsCall('ec2:CreateSecurityGroup', () =>
        client.send(
          new CreateSecurityGroupCommand({
            Description: input.description,
            GroupName: input.name,
            TagSpecifications: [{ResourceType: 'security-group', Tags: tagList(input.tags)}],
            VpcId: input.vpcId,
          }),
        ),
      )
      return out.GroupId ?? ''
    },

    async deleteSecurityGroup(groupId) {
      try {
        await client.send(new DeleteSecurityGroupCommand({GroupId: groupId}))
        return true
      } catch (error) {
        if (hasAwsCode(error, 'InvalidGroup.NotFound')) return false
        return awsCall('ec2:DeleteSecurityGroup', () => Promise.reject(error))
      }
    },

    async describeSecurityGroups(filter) {
      const filters = tagFilters(filter.tags)
      if (filter.vpcId) filters.push({Name: 'vpc-id', Values: [filter.vpcId]})
      const out = await awsCall('ec2:DescribeSecurityGroups', () =>
        client.send(
          new DescribeSecurityGroupsCommand({
            Filters: filters.length > 0 ? filters : undefined,
            GroupIds: filter.groupIds ? [...filter.groupIds] : undefined,
          }),
        ),
      )
      return out.SecurityGroups ?? []
    },

    async findSecurityGroups(vpcId, names) {
      const out = await awsCall('ec2:DescribeSecurityGroups', () =>
        client.send(
          new DescribeSecurityGroupsCommand({
            Filters: [
              {Name: 'vpc-id', Values: [vpcId]},
              {Name: 'group-name', Values: [...names]},
            ],
          }),
        ),
      )
      return new Map((out.SecurityGroups ?? []).map((group) => [group.GroupName ?? '', group]))
    },

    async describeRouteTables(vpcId) {
      return awsCall('ec2:DescribeRouteTables', async () => {
        const found: RouteTable[] = []
        for await (const page of paginateDescribeRouteTables({client}, {Filters: [{Name: 'vpc-id', Values: [vpcId]}]})) found.push(...(page.RouteTables ?? []))
        return found
      })
    },

    async describeVpcDns(vpcId) {
      const [support, hostnames] = await Promise.all(
        (['enableDnsSupport', 'enableDnsHostnames'] as const).map((Attribute) =>
          awsCall('ec2:DescribeVpcAttribute', () => client.send(new DescribeVpcAttributeCommand({Attribute, VpcId: vpcId}))),
        ),
      )
      return {hostnames: hostnames.EnableDnsHostnames?.Value === true, support: support.EnableDnsSupport?.Value === true}
    },

    async describeVpcEndpoints(vpcId) {
      return awsCall('ec2:DescribeVpcEndpoints', async () => {
        const found: VpcEndpoint[] = []
        for await (const page of paginateDescribeVpcEndpoints({client}, {Filters: [{Name: 'vpc-id', Values: [vpcId]}]})) found.push(...(page.VpcEndpoints ?? []))
        return found
      })
    },

    async instanceTypeZones(instanceTypes, zones) {
      return awsCall('ec2:DescribeInstanceTypeOfferings', async () => {
        const found = new Map<string, Set<string>>()
        const pages = paginateDescribeInstanceTypeOfferings(
          {client},
          {
            Filters: [
              {Name: 'instance-type', Values: [...instanceTypes]},
              {Name: 'location', Values: [...zones]},
            ],
            LocationType: 'availability-zone',
          },
        )
        for await (const page of pages) {
          for (const offering of page.InstanceTypeOfferings ?? []) {
            const type = offering.InstanceType ?? ''
            if (!found.has(type)) found.set(type, new Set())
            found.get(type)?.add(offering.Location ?? '')
          }
        }

        return found
      })
    },

    async describeSubnets(filter) {
      return awsCall('ec2:DescribeSubnets', async () => {
        const found: Subnet[] = []
        const pages = paginateDescribeSubnets(
          {client},
          {
            Filters: filter.vpcId ? [{Name: 'vpc-id', Values: [filter.vpcId]}] : undefined,
            SubnetIds: filter.subnetIds ? [...filter.subnetIds] : undefined,
          },
        )
        for await (const page of pages) found.push(...(page.Subnets ?? []))
        return found
      })
    },

    async describeVpcs(vpcIds) {
      const out = await awsCall('ec2:DescribeVpcs', () => client.send(new DescribeVpcsCommand({VpcIds: [...vpcIds]})))
      return out.Vpcs ?? []
    },

    async deregisterImage(imageId) {
      return unlessGone('ec2:DeregisterImage', () => client.send(new DeregisterImageCommand({ImageId: imageId})), ['InvalidAMIID.NotFound', 'InvalidAMIID.Unavailable'])
    },

    async runInstances(input) {
      const out = await awsCall('ec2:RunInstances', () => client.send(new RunInstancesCommand(input)))
      return out.Instances ?? []
    },

    async instanceUserData(instanceId) {
      const out = await awsCall('ec2:DescribeInstanceAttribute', () =>
        client.send(new DescribeInstanceAttributeCommand({Attribute: 'userData', InstanceId: instanceId})),
      )
      const value = out.UserData?.Value
      if (!value) return undefined
      const raw = Buffer.from(value, 'base64')
      // gzip's magic number: the seed's boot script goes gzipped to stay under 16 KB.
      return (raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('utf8')
    },

    async terminateInstances(instanceIds) {
      await awsCall('ec2:TerminateInstances', () => client.send(new TerminateInstancesCommand({InstanceIds: [...instanceIds]})))
    },

    async waitForImageAvailable(imageId, wait) {
      await runSdkWaiter({
        client,
        clock,
        describe: imageStates,
        input: {ImageIds: [imageId]},
        // As for instances: every 15 s (EC2's waiter model), not backing off to 120 s past a 3–5 min image.
        maxDelaySeconds: 15,
        minDelaySeconds: 15,
        reporter,
        signal: wait.signal,
        timeoutMs: wait.timeoutMs,
        waiter: waitUntilImageAvailable,
        what: `image ${imageId} to be available`,
      })
    },

    async waitForInstancesRunning(instanceIds, wait) {
      await waitForInstances(waitUntilInstanceRunning, 'running', instanceIds, wait)
    },

    async waitForInstancesTerminated(instanceIds, wait) {
      await waitForInstances(waitUntilInstanceTerminated, 'terminated', instanceIds, wait)
    },

    async instanceTypeArchitectures(instanceTypes) {
      return awsCall('ec2:DescribeInstanceTypes', async () => {
        const found = new Map<string, readonly string[]>()
        for await (const page of paginateDescribeInstanceTypes({client}, {InstanceTypes: [...instanceTypes] as _InstanceType[]})) {
          for (const type of page.InstanceTypes ?? []) found.set(type.InstanceType ?? '', type.ProcessorInfo?.SupportedArchitectures ?? [])
        }

        return found
      })
    },
  }
}
