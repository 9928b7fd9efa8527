import type {
  DeleteSnapshotCommandInput,
  DeleteSnapshotCommandOutput,
  DescribeSnapshotAttributeCommandInput,
  DescribeSnapshotAttributeCommandOutput,
  ModifySnapshotAttributeCommandInput,
  ModifySnapshotAttributeCommandOutput,
  DescribeSnapshotsCommandInput,
  DescribeSnapshotsCommandOutput,
  Snapshot,
} from '@aws-sdk/client-ec2'

import {SandboxUnsupportedError} from '../errors'
import type {Handler, OperationContext, Result} from '../types'
import {
  errors,
  invalidParameterValue,
  isoDate,
  matchesFilters,
  missingParameter,
  pageOf,
  requireIds,
  snapshotState,
  toTagList,
  type Ec2State,
  type FilterFields,
  type SnapshotRecord,
} from './ec2-model'

/*
 * The account's own EBS snapshots: the ones CreateImage takes (ec2-images.ts).
 * Amazon's platform AMIs' snapshots are not the account's and are not listed.
 * Behaviour: ec2.md.
 */

function toSnapshot(snapshot: SnapshotRecord, context: OperationContext): Snapshot {
  const state = snapshotState(snapshot, context.now)
  return {
    SnapshotId: snapshot.id,
    VolumeId: snapshot.volumeId ?? 'vol-ffffffff',
    VolumeSize: snapshot.volumeSize,
    StartTime: new Date(snapshot.startedAt),
    State: state,
    StateMessage: state === 'error' ? 'Injected fault image-failed (hactl sandbox).' : undefined,
    Progress: state === 'pending' ? '0%' : '100%',
    OwnerId: context.account,
    Description: snapshot.description,
    // The seed's root volume is encrypted with the account's default key (src/seed/launch.ts); the sandbox keeps no volumes.
    Encrypted: true,
    StorageTier: 'standard',
    Tags: toTagList(snapshot.tags),
  }
}

const SNAPSHOT_FILTERS: FilterFields<SnapshotRecord & {readonly stateName: string; readonly ownerId: string}> = {
  'snapshot-id': (snapshot) => [snapshot.id],
  'status': (snapshot) => [snapshot.stateName],
  'owner-id': (snapshot) => [snapshot.ownerId],
  'volume-id': (snapshot) => [snapshot.volumeId],
  'volume-size': (snapshot) => [String(snapshot.volumeSize)],
  'description': (snapshot) => [snapshot.description],
  'start-time': (snapshot) => [isoDate(snapshot.startedAt)],
  'encrypted': () => ['true'],
}

export const describeSnapshots: Handler<Ec2State, DescribeSnapshotsCommandInput, Result<DescribeSnapshotsCommandOutput>> = (state, input, context) => {
  const ids = input.SnapshotIds ?? []
  const chosen = ids.length > 0 ? requireIds(ids, state.snapshots, 'snap', errors.snapshotMalformed, (missing) => errors.snapshotNotFound(missing[0])) : state.snapshots
  // Every snapshot here is the account's own: Owners `self` or the account id match, others match nothing.
  const owners = [...(input.OwnerIds ?? [])]
  const owned = owners.length === 0 || owners.some((owner) => owner === 'self' || owner === context.account)
  const matching = (owned ? chosen : [])
    .filter((snapshot) =>
      matchesFilters({...snapshot, ownerId: context.account, stateName: snapshotState(snapshot, context.now)}, snapshot.tags, input.Filters, SNAPSHOT_FILTERS),
    )
    .sort((a, b) => a.startedAt - b.startedAt || (a.id < b.id ? -1 : 1))
  const page = pageOf(matching, input, ids.length > 0, 'SnapshotIds')
  return {Snapshots: page.items.map((snapshot) => toSnapshot(snapshot, context)), NextToken: page.nextToken}
}

export const deleteSnapshot: Handler<Ec2State, DeleteSnapshotCommandInput, Result<DeleteSnapshotCommandOutput>> = (state, input, _context) => {
  if (input.SnapshotId === undefined) throw missingParameter('SnapshotId')
  const [snapshot] = requireIds([input.SnapshotId], state.snapshots, 'snap', errors.snapshotMalformed, (missing) => errors.snapshotNotFound(missing[0]))
  // "You cannot delete a snapshot of the root device of an EBS volume used by a registered AMI" (AWS-NOTES §4.3).
  const user = state.images.find((image) => image.blockDevices.some((device) => device.snapshotId === snapshot.id))
  if (user) throw errors.snapshotInUse(snapshot.id, user.id)
  state.snapshots = state.snapshots.filter((candidate) => candidate.id !== snapshot.id)
  return {}
}

// ---- createVolumePermission -------------------------------------------------

const SPEC_FILE = 'src/sandbox/services/ec2.md'

function requireSnapshot(state: Ec2State, id: string | undefined): SnapshotRecord {
  if (id === undefined) throw missingParameter('SnapshotId')
  return requireIds([id], state.snapshots, 'snap', errors.snapshotMalformed, (missing) => errors.snapshotNotFound(missing[0]))[0]
}

function checkAttribute(attribute: string | undefined): void {
  if (attribute === 'createVolumePermission') return
  if (attribute === 'productCodes' || attribute === 'sseType') throw new SandboxUnsupportedError('ec2', `snapshot attribute ${attribute}`, SPEC_FILE)
  throw invalidParameterValue(`Value (${attribute ?? ''}) for parameter attribute is invalid. Unknown attribute.`)
}

/** Who besides the owner may create volumes from it: `all` (public) and account ids. */
export const describeSnapshotAttribute: Handler<Ec2State, DescribeSnapshotAttributeCommandInput, Result<DescribeSnapshotAttributeCommandOutput>> = (state, input) => {
  checkAttribute(input.Attribute)
  const snapshot = requireSnapshot(state, input.SnapshotId)
  return {SnapshotId: snapshot.id, CreateVolumePermissions: (snapshot.createVolumePermissions ?? []).map((entry) => (entry.group === 'all' ? {Group: 'all'} : {UserId: entry.userId}))}
}

/** Adds or removes `all` and account ids: `OperationType` with `GroupNames`/`UserIds`, or `CreateVolumePermission` `Add`/`Remove`. */
export const modifySnapshotAttribute: Handler<Ec2State, ModifySnapshotAttributeCommandInput, Result<ModifySnapshotAttributeCommandOutput>> = (state, input) => {
  checkAttribute(input.Attribute ?? 'createVolumePermission')
  const snapshot = requireSnapshot(state, input.SnapshotId)
  type Entry = {group?: string; userId?: string}
  const flat: Entry[] = [...(input.GroupNames ?? []).map((group) => ({group})), ...(input.UserIds ?? []).map((userId) => ({userId}))]
  const entries = (list: ReadonlyArray<{Group?: string; UserId?: string}> | undefined): Entry[] => (list ?? []).map((entry) => (entry.Group === undefined ? {userId: entry.UserId} : {group: entry.Group}))
  const add = input.OperationType === 'add' ? flat : entries(input.CreateVolumePermission?.Add)
  const remove = input.OperationType === 'remove' ? flat : entries(input.CreateVolumePermission?.Remove)
  if (flat.some((entry) => entry.group !== undefined && entry.group !== 'all')) throw invalidParameterValue("Value for parameter group is invalid. Only 'all' is supported.")
  const same = (a: Entry, b: Entry) => a.group === b.group && a.userId === b.userId
  const kept = (snapshot.createVolumePermissions ?? []).filter((entry) => !remove.some((gone) => same(entry, gone)))
  snapshot.createVolumePermissions = [...kept, ...add.filter((entry) => !kept.some((have) => same(entry, have)))]
  return {}
}
