import type {
  CreateImageCommandInput,
  CreateImageCommandOutput,
  DeregisterImageCommandInput,
  DeregisterImageCommandOutput,
  DescribeImagesCommandInput,
  DescribeImageAttributeCommandInput,
  DescribeImageAttributeCommandOutput,
  DescribeImagesCommandOutput,
  Image,
} from '@aws-sdk/client-ec2'

import {SandboxUnsupportedError, SimError} from '../errors'
import type {Handler, OperationContext, Result} from '../types'
import {
  errors,
  imageState,
  instanceState,
  invalidParameterValue,
  isWellFormedId,
  isoDate,
  matchesFilters,
  missingParameter,
  pageOf,
  tagsFromSpecs,
  toTagList,
  type Ec2State,
  type FilterFields,
  type ImageRecord,
} from './ec2-model'
import {findInstance} from './ec2-instances'

/** AMI names: 3–128 characters of letters, digits, ( ) [ ] space . / - ' @ _ (EC2's rule). */
const IMAGE_NAME = /^[A-Za-z0-9()[\] ./\-'@_]{3,128}$/

function toImage(image: ImageRecord, context: OperationContext): Image {
  const state = imageState(image, context.now)
  return {
    ImageId: image.id,
    Name: image.name,
    Description: image.description,
    State: state,
    StateReason: state === 'failed' ? {Code: 'Server.InternalError', Message: 'Injected fault image-failed (hactl sandbox).'} : undefined,
    OwnerId: image.ownerId,
    ImageOwnerAlias: image.ownerAlias,
    Public: image.isPublic,
    CreationDate: isoDate(image.createdAt),
    Architecture: image.architecture,
    ImageType: 'machine',
    PlatformDetails: 'Linux/UNIX',
    UsageOperation: 'RunInstances',
    RootDeviceName: '/dev/xvda',
    RootDeviceType: 'ebs',
    VirtualizationType: 'hvm',
    Hypervisor: 'xen',
    EnaSupport: true,
    SourceInstanceId: image.sourceInstanceId,
    BlockDeviceMappings: image.blockDevices.map((device) => ({
      DeviceName: device.deviceName,
      Ebs: {SnapshotId: device.snapshotId, VolumeSize: device.volumeSize, VolumeType: 'gp3', DeleteOnTermination: true, Encrypted: image.ownerAlias !== 'amazon'},
    })),
    Tags: toTagList(image.tags),
  }
}

export const createImage: Handler<Ec2State, CreateImageCommandInput, Result<CreateImageCommandOutput>> = (state, input, context) => {
  const instance = findInstance(state, input.InstanceId, context)
  const name = input.Name
  if (name === undefined) throw missingParameter('Name')
  if (!IMAGE_NAME.test(name)) {
    throw new SimError(
      'InvalidAMIName.Malformed',
      "AMI names must be between 3 and 128 characters long, and may contain letters, numbers, '(', ')', '.', '-', '/' and '_'",
    )
  }

  const clash = state.images.find((image) => image.ownerId === context.account && image.name === name)
  if (clash) throw new SimError('InvalidAMIName.Duplicate', `AMI name ${name} is already in use by AMI ${clash.id}`)
  if (instanceState(instance, context.now) !== 'running') {
    throw new SimError('IncorrectInstanceState', `The instance '${instance.id}' is not in a state from which it can be imaged.`)
  }

  const imageTags = tagsFromSpecs(input.TagSpecifications, 'image')
  const snapshotTags = tagsFromSpecs(input.TagSpecifications, 'snapshot')
  const badType = (input.TagSpecifications ?? []).find((spec) => spec.ResourceType !== 'image' && spec.ResourceType !== 'snapshot')
  if (badType) throw invalidParameterValue(`'${badType.ResourceType ?? ''}' is not a valid taggable resource type for this operation.`)
  const imageId = context.nextId('ami')
  const failed = context.takeFault('image-failed')
  const snapshot = {
    id: context.nextId('snap'),
    volumeId: instance.rootVolumeId,
    volumeSize: instance.rootVolumeSize,
    startedAt: context.now,
    // EC2's own wording for a CreateImage snapshot.
    description: `Created by CreateImage(${instance.id}) for ${imageId}`,
    failed,
    tags: snapshotTags,
  }
  state.snapshots.push(snapshot)
  // Without NoReboot EC2 shuts the instance down for a consistent image and boots it again (AWS-NOTES-2 B.3).
  if (input.NoReboot !== true) instance.rebootedAt = context.now
  state.images.push({
    id: imageId,
    name,
    description: input.Description,
    ownerId: context.account,
    ownerAlias: undefined,
    isPublic: false,
    createdAt: context.now,
    architecture: state.images.find((image) => image.id === instance.imageId)?.architecture ?? 'x86_64',
    sourceInstanceId: instance.id,
    blockDevices: [{deviceName: '/dev/xvda', snapshotId: snapshot.id, volumeSize: snapshot.volumeSize}],
    failed,
    tags: imageTags,
  })
  return {ImageId: imageId}
}

const IMAGE_FILTERS: FilterFields<ImageRecord & {readonly stateName: string}> = {
  'image-id': (image) => [image.id],
  'name': (image) => [image.name],
  'description': (image) => [image.description],
  'state': (image) => [image.stateName],
  'owner-id': (image) => [image.ownerId],
  'owner-alias': (image) => [image.ownerAlias],
  'architecture': (image) => [image.architecture],
  'is-public': (image) => [String(image.isPublic)],
  'image-type': () => ['machine'],
  'root-device-type': () => ['ebs'],
  'virtualization-type': () => ['hvm'],
  'block-device-mapping.snapshot-id': (image) => image.blockDevices.map((device) => device.snapshotId),
}

/** Owners: `self`, `amazon`, or account ids. */
function ownedBy(image: ImageRecord, owners: readonly string[], context: OperationContext): boolean {
  return owners.some((owner) =>
    owner === 'self' ? image.ownerId === context.account : owner === image.ownerAlias || owner === image.ownerId,
  )
}

function requireImages(state: Ec2State, ids: readonly string[]): ImageRecord[] {
  const bad = ids.find((id) => !isWellFormedId(id, 'ami'))
  if (bad !== undefined) throw errors.imageMalformed(bad)
  const missing = ids.filter((id) => !state.images.some((image) => image.id === id))
  if (missing.length > 0) throw errors.imageNotFound(missing)
  return state.images.filter((image) => ids.includes(image.id))
}

export const describeImages: Handler<Ec2State, DescribeImagesCommandInput, Result<DescribeImagesCommandOutput>> = (state, input, context) => {
  const ids = input.ImageIds ?? []
  const owners = input.Owners ?? []
  // Every image the sandbox knows is the account's own or a public amazon one, so all are launchable.
  let chosen = ids.length > 0 ? requireImages(state, ids) : state.images
  if (owners.length > 0) chosen = chosen.filter((image) => ownedBy(image, owners, context))
  const matching = chosen
    .filter((image) => matchesFilters({...image, stateName: imageState(image, context.now)}, image.tags, input.Filters, IMAGE_FILTERS))
    .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
  const page = pageOf(matching, input, ids.length > 0, 'ImageIds')
  return {Images: page.items.map((image) => toImage(image, context)), NextToken: page.nextToken}
}

export const deregisterImage: Handler<Ec2State, DeregisterImageCommandInput, Result<DeregisterImageCommandOutput>> = (state, input, context) => {
  if (input.ImageId === undefined) throw missingParameter('ImageId')
  const [image] = requireImages(state, [input.ImageId])
  if (image.ownerId !== context.account) throw new SimError('AuthFailure', `Not authorized for image:${image.id}`)
  state.images = state.images.filter((candidate) => candidate.id !== image.id)
  // Deregistering keeps the snapshots unless asked to delete them (DeleteAssociatedSnapshots).
  if (!input.DeleteAssociatedSnapshots) return {Return: true}
  const snapshotIds = image.blockDevices.map((device) => device.snapshotId)
  state.snapshots = state.snapshots.filter((snapshot) => !snapshotIds.includes(snapshot.id))
  return {Return: true, DeleteSnapshotResults: snapshotIds.map((SnapshotId) => ({SnapshotId, ReturnCode: 'success'}))}
}

/**
 * `launchPermission` only: Group `all` for a public image (amazon's platform
 * AMIs), nothing for the account's own (they are private; sharing with other
 * accounts is not simulated). Other attributes: `SandboxUnsupportedOperation`.
 */
export const describeImageAttribute: Handler<Ec2State, DescribeImageAttributeCommandInput, Result<DescribeImageAttributeCommandOutput>> = (state, input) => {
  if (input.ImageId === undefined) throw missingParameter('ImageId')
  if (input.Attribute !== 'launchPermission') throw new SandboxUnsupportedError('ec2', `image attribute ${input.Attribute ?? ''}`, 'src/sandbox/services/ec2.md')
  const [image] = requireImages(state, [input.ImageId])
  return {ImageId: image.id, LaunchPermissions: image.isPublic ? [{Group: 'all'}] : []}
}
