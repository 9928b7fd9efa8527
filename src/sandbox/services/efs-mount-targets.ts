import {
  type CreateMountTargetCommandInput,
  type CreateMountTargetCommandOutput,
  type DeleteMountTargetCommandInput,
  type DeleteMountTargetCommandOutput,
  type DescribeMountTargetSecurityGroupsCommandInput,
  type DescribeMountTargetSecurityGroupsCommandOutput,
  type DescribeMountTargetsCommandInput,
  type DescribeMountTargetsCommandOutput,
  type ModifyMountTargetSecurityGroupsCommandInput,
  type ModifyMountTargetSecurityGroupsCommandOutput,
  type MountTargetDescription,
} from '@aws-sdk/client-efs'

import {SandboxUnsupportedError} from '../errors'
import {type Handler, type OperationContext, type Result} from '../types'
import {ec2Slice, privateIpIn, type Ec2State, type SubnetRecord} from './ec2-model'
import {EfsError, type EfsFileSystemRecord, type EfsMountTargetRecord, type EfsView, availabilityZoneId, badRequest, findAccessPoint, findFileSystem, findMountTarget, mountTargetState, pageOf, requireAvailable} from './efs-model'

// ---- mount targets ----------------------------------------------------------

function toMountTarget(mt: EfsMountTargetRecord, context: OperationContext): MountTargetDescription {
  return {
    OwnerId: context.account,
    MountTargetId: mt.id,
    FileSystemId: mt.fileSystemId,
    SubnetId: mt.subnetId,
    LifeCycleState: mountTargetState(mt, context.now),
    IpAddress: mt.ipAddress,
    NetworkInterfaceId: mt.networkInterfaceId,
    AvailabilityZoneId: availabilityZoneId(mt.az),
    AvailabilityZoneName: mt.az,
    VpcId: mt.vpcId,
  }
}

/** The groups for a mount target: given (at most 5, all in the subnet's VPC) or the VPC's default group. */
function checkSecurityGroups(ec2: Ec2State, vpcId: string, groups: readonly string[] | undefined): string[] {
  if (groups === undefined || groups.length === 0) {
    const fallback = ec2.securityGroups.find((group) => group.vpcId === vpcId && group.name === 'default')
    return fallback ? [fallback.id] : []
  }

  if (groups.length > 5) throw new EfsError('SecurityGroupLimitExceeded', 'A mount target can have at most 5 security groups.')
  const missing = groups.filter((id) => !ec2.securityGroups.some((group) => group.id === id && group.vpcId === vpcId))
  if (missing.length > 0) {
    throw new EfsError('SecurityGroupNotFound', `Security group(s) ${missing.join(', ')} do not exist in VPC '${vpcId}'.`)
  }

  return [...new Set(groups)]
}

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((total, octet) => total * 256 + Number(octet), 0)
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/')
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) return false
  const size = 2 ** (32 - Number(bits))
  const start = ipToNumber(base)
  return ipToNumber(ip) >= start && ipToNumber(ip) < start + size
}

function findSubnet(ec2: Ec2State, subnetId: string | undefined): SubnetRecord {
  if (subnetId === undefined || subnetId === '') throw badRequest('SubnetId is required.')
  const subnet = ec2.subnets.find((candidate) => candidate.id === subnetId)
  if (!subnet) throw new EfsError('SubnetNotFound', `The subnet ID '${subnetId}' does not exist`)
  return subnet
}

/** One mount target per AZ, all in one VPC, in the file system's AZ for One Zone. */
function checkPlacement(view: EfsView, fs: EfsFileSystemRecord, subnet: SubnetRecord): void {
  if (fs.availabilityZoneName !== undefined && subnet.az !== fs.availabilityZoneName) {
    throw new EfsError(
      'AvailabilityZonesMismatch',
      `The subnet is in ${subnet.az}, but One Zone file system '${fs.id}' is in ${fs.availabilityZoneName}.`,
    )
  }

  const siblings = view.efs.mountTargets.filter((mt) => mt.fileSystemId === fs.id)
  if (siblings.some((mt) => mt.az === subnet.az)) throw new EfsError('MountTargetConflict', 'mount target already exists in this AZ')
  if (siblings.some((mt) => mt.vpcId !== subnet.vpcId)) {
    throw new EfsError('MountTargetConflict', `All mount targets of file system '${fs.id}' must be in one VPC.`)
  }
}

function chooseIp(view: EfsView, subnet: SubnetRecord, requested: string | undefined, mountTargetId: string): string {
  if (requested === undefined) return privateIpIn(subnet, mountTargetId)
  if (!inCidr(requested, subnet.cidr)) throw badRequest(`IP address ${requested} is not in subnet ${subnet.id} (${subnet.cidr}).`)
  if (view.efs.mountTargets.some((mt) => mt.subnetId === subnet.id && mt.ipAddress === requested)) {
    throw new EfsError('IpAddressInUse', `IP address ${requested} is already in use in subnet ${subnet.id}.`)
  }

  return requested
}

export const createMountTarget: Handler<EfsView, CreateMountTargetCommandInput, Result<CreateMountTargetCommandOutput>> = (view, input, context) => {
  const fs = findFileSystem(view.efs, input.FileSystemId)
  requireAvailable(fs, context.now)
  if (input.IpAddressType !== undefined && input.IpAddressType !== 'IPV4_ONLY') {
    throw new SandboxUnsupportedError('efs', `CreateMountTarget with IpAddressType ${input.IpAddressType}`)
  }

  const ec2 = ec2Slice(view.region, context)
  const subnet = findSubnet(ec2, input.SubnetId)
  checkPlacement(view, fs, subnet)
  const securityGroups = checkSecurityGroups(ec2, subnet.vpcId, input.SecurityGroups)
  const id = context.nextId('fsmt')
  const mt: EfsMountTargetRecord = {
    id,
    fileSystemId: fs.id,
    subnetId: subnet.id,
    vpcId: subnet.vpcId,
    az: subnet.az,
    ipAddress: chooseIp(view, subnet, input.IpAddress, id),
    networkInterfaceId: context.nextId('eni'),
    createdAt: context.now,
    securityGroups,
    deletedAt: undefined,
  }
  view.efs.mountTargets.push(mt)
  return toMountTarget(mt, context)
}

export const describeMountTargets: Handler<EfsView, DescribeMountTargetsCommandInput, Result<DescribeMountTargetsCommandOutput>> = (view, input, context) => {
  const given = [input.FileSystemId, input.MountTargetId, input.AccessPointId].filter((value) => value !== undefined)
  if (given.length !== 1) throw badRequest('Specify exactly one of FileSystemId, MountTargetId or AccessPointId.')
  let chosen: EfsMountTargetRecord[]
  if (input.MountTargetId !== undefined) {
    chosen = [findMountTarget(view.efs, input.MountTargetId)]
  } else {
    const fileSystemId =
      input.AccessPointId === undefined ? findFileSystem(view.efs, input.FileSystemId).id : findAccessPoint(view.efs, input.AccessPointId).fileSystemId
    chosen = view.efs.mountTargets.filter((mt) => mt.fileSystemId === fileSystemId)
  }

  const page = pageOf(chosen, input.MaxItems, input.Marker, 10)
  return {MountTargets: page.items.map((mt) => toMountTarget(mt, context)), Marker: input.Marker, NextMarker: page.nextToken}
}

export const describeMountTargetSecurityGroups: Handler<EfsView, DescribeMountTargetSecurityGroupsCommandInput, Result<DescribeMountTargetSecurityGroupsCommandOutput>> = (view, input, context) => {
  const mt = findMountTarget(view.efs, input.MountTargetId)
  if (mountTargetState(mt, context.now) === 'deleting') {
    throw new EfsError('IncorrectMountTargetState', `Mount target '${mt.id}' is in the 'deleting' state.`)
  }

  return {SecurityGroups: [...mt.securityGroups]}
}

export const modifyMountTargetSecurityGroups: Handler<EfsView, ModifyMountTargetSecurityGroupsCommandInput, Result<ModifyMountTargetSecurityGroupsCommandOutput>> = (view, input, context) => {
  const mt = findMountTarget(view.efs, input.MountTargetId)
  const state = mountTargetState(mt, context.now)
  if (state !== 'available') {
    throw new EfsError('IncorrectMountTargetState', `Mount target '${mt.id}' is in the '${state}' state; it must be 'available'.`)
  }

  mt.securityGroups = checkSecurityGroups(ec2Slice(view.region, context), mt.vpcId, input.SecurityGroups)
  return {}
}

export const deleteMountTarget: Handler<EfsView, DeleteMountTargetCommandInput, Result<DeleteMountTargetCommandOutput>> = (view, input, context) => {
  const mt = findMountTarget(view.efs, input.MountTargetId)
  mt.deletedAt ??= context.now
  return {}
}
