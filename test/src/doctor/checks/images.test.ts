import type {Image, Instance, Snapshot} from '@aws-sdk/client-ec2'
import type {EnvironmentStatus} from '@aws-sdk/client-elastic-beanstalk'

import type {RolloutRecord} from '../../../../src/bake/record'
import {isBakeOf} from '../../../../src/bake/images'
import {imageInstancesLive, imageLiveBake, imageRollbackTarget, imagesNotShared, imageSnapshotsEncrypted} from '../../../../src/doctor/checks/images'
import type {RolloutFacts, SiteFacts} from '../../../../src/doctor/facts'
import {siteNames} from '../../../../src/site/names'
import {testConfig} from '../../../_helpers/config'

const names = siteNames('demo', 'eu-west-1')
const PLATFORM = 'ami-0platform0000000'

function bake(id: string, over: Partial<Image> = {}, site = 'demo'): Image {
  return {
    BlockDeviceMappings: [{DeviceName: '/dev/xvda', Ebs: {Encrypted: true, SnapshotId: `snap-${id.slice(4)}`}}],
    ImageId: id,
    Name: `hactl-demo-${id}`,
    State: 'available',
    Tags: [{Key: 'hactl:site', Value: site}, {Key: 'hactl:role', Value: 'bake'}],
    ...over,
  }
}

const record = (over: Partial<RolloutRecord> = {}): RolloutRecord => ({
  cause: '', finished: '2030-01-01T00:10:00Z', imageId: 'ami-b', lowestHealthy: 2, outcome: 'succeeded', previousImageId: 'ami-a', runId: 'r1', started: '2030-01-01T00:00:00Z', ...over,
})

const onAmi = (imageId: string, id = 'i-1'): Instance => ({ImageId: imageId, InstanceId: id})

interface Over {
  readonly live?: string
  readonly images?: Image[]
  readonly instances?: Instance[]
  readonly status?: EnvironmentStatus
  readonly rollout?: RolloutFacts
  readonly snapshots?: Snapshot[]
  readonly environment?: false
}

/** A site after a bake (ami-a) and a rollout of a second bake (ami-b), unless told otherwise. */
function facts(over: Over = {}): SiteFacts {
  const live = 'live' in over ? over.live : 'ami-b'
  return {
    config: testConfig(),
    environment: over.environment === false ? undefined : {description: {EnvironmentName: names.environment, Status: over.status ?? 'Ready'}, instances: over.instances ?? [onAmi('ami-b', 'i-1'), onAmi('ami-b', 'i-2')], settings: []},
    environmentImageId: live,
    images: over.images ?? [bake('ami-b'), bake('ami-a')],
    rollout: 'rollout' in over ? over.rollout : {record: record()},
    securityGroups: [],
    siteInstances: [],
    snapshots: over.snapshots ?? [{Encrypted: true, SnapshotId: 'snap-a'}, {Encrypted: true, SnapshotId: 'snap-b'}],
  }
}

describe('doctor: image checks', () => {
  it('pass on a site after a bake and a rollout', () => {
    for (const check of [imageLiveBake, imageRollbackTarget, imageInstancesLive, imageSnapshotsEncrypted]) expect(check.judge(facts(), names)).toMatchObject({status: 'pass'})
    expect(imageLiveBake.judge(facts(), names).detail).toBe('ami-b (hactl-demo-ami-b) is a bake of demo')
    expect(imageRollbackTarget.judge(facts(), names).detail).toBe('the rollback target ami-a (hactl-demo-ami-a) is available (a bake of the site)')
    expect(imageInstancesLive.judge(facts(), names).detail).toBe('2 instances on ami-b')
    expect(imageSnapshotsEncrypted.judge(facts(), names).detail).toBe('2 snapshots of 2 AMIs, all encrypted')
  })

  it('a bake is the site\'s by both tags', () => {
    expect(isBakeOf(bake('ami-a'), 'demo')).toBe(true)
    expect(isBakeOf(bake('ami-a', {}, 'other'), 'demo')).toBe(false)
    expect(isBakeOf(bake('ami-a', {Tags: [{Key: 'hactl:site', Value: 'demo'}, {Key: 'hactl:role', Value: 'image'}]}), 'demo')).toBe(false)
  })

  it('live AMI: the platform\'s before the first rollout is a skip; after one, or an AMI of the account that is no bake, a failure', () => {
    const fresh = facts({images: [], live: PLATFORM, rollout: {}})
    expect(imageLiveBake.judge(fresh, names)).toMatchObject({detail: expect.stringContaining(`platform's AMI ${PLATFORM}: no rollout yet`), status: 'skip'})
    expect(imageLiveBake.judge(facts({live: PLATFORM}), names)).toMatchObject({detail: expect.stringContaining('although hactl rolled out ami-b'), status: 'fail'})
    const other = bake('ami-c', {Name: 'hand-made', Tags: []})
    expect(imageLiveBake.judge(facts({images: [other], live: 'ami-c', rollout: {}}), names)).toMatchObject({detail: expect.stringContaining('ami-c (hand-made), an AMI of the account that is not a bake of demo'), status: 'fail'})
    expect(imageLiveBake.judge(facts({images: [bake('ami-b', {}, 'other')]}), names)).toMatchObject({status: 'fail'})
    expect(imageLiveBake.judge(facts({images: [], live: PLATFORM, rollout: undefined}), names)).toMatchObject({detail: expect.stringContaining('no SSM access'), status: 'skip'})
    expect(imageLiveBake.judge(facts({live: undefined}), names)).toMatchObject({status: 'skip'})
    expect(imageLiveBake.judge(facts({environment: false}), names)).toMatchObject({status: 'skip'})
  })

  it('rollback target: gone, not available or unrecorded fails; no rollout yet skips; the platform AMI counts', () => {
    expect(imageRollbackTarget.judge(facts({images: [bake('ami-b')]}), names)).toMatchObject({detail: 'the rollback target ami-a no longer exists (deregistered since rollout r1)', status: 'fail'})
    expect(imageRollbackTarget.judge(facts({images: [bake('ami-b'), bake('ami-a', {State: 'failed'})]}), names)).toMatchObject({detail: expect.stringContaining('is failed, not available'), status: 'fail'})
    expect(imageRollbackTarget.judge(facts({rollout: {record: record({previousImageId: ''})}}), names)).toMatchObject({status: 'fail'})
    expect(imageRollbackTarget.judge(facts({rollout: {unreadable: 'not a rollout record'}}), names)).toMatchObject({detail: expect.stringContaining('/hactl/demo/rollout/last is not a rollout record'), status: 'fail'})
    expect(imageRollbackTarget.judge(facts({rollout: {}}), names)).toMatchObject({detail: 'no rollout yet: nothing to roll back to', status: 'skip'})
    expect(imageRollbackTarget.judge(facts({rollout: undefined}), names)).toMatchObject({status: 'skip'})
    const platform: Image = {ImageId: PLATFORM, ImageOwnerAlias: 'amazon', State: 'available'}
    const first = facts({images: [bake('ami-b')], rollout: {record: record({previousImageId: PLATFORM}), targetImage: platform}})
    expect(imageRollbackTarget.judge(first, names)).toMatchObject({detail: `the rollback target ${PLATFORM} is available (the platform's AMI)`, status: 'pass'})
  })

  it('instances: one on another AMI fails with the way to replace it; an update in progress skips', () => {
    const mixed = facts({instances: [onAmi('ami-b', 'i-1'), onAmi('ami-a', 'i-2')]})
    expect(imageInstancesLive.judge(mixed, names)).toEqual({
      detail: 'i-2 (ami-a) runs another AMI than the live ami-b',
      remedy: 'Replace it; the Auto Scaling group launches the live AMI: aws autoscaling terminate-instance-in-auto-scaling-group --instance-id i-2 --no-should-decrement-desired-capacity',
      status: 'fail',
    })
    expect(imageInstancesLive.judge(facts({instances: [onAmi('ami-a', 'i-2')], status: 'Updating'}), names)).toMatchObject({detail: expect.stringContaining('is Updating'), status: 'skip'})
    expect(imageInstancesLive.judge(facts({instances: []}), names)).toMatchObject({status: 'skip'})
    expect(imageInstancesLive.judge(facts({live: undefined}), names)).toMatchObject({status: 'skip'})
  })

  it('snapshots: an unencrypted one fails, judged by DescribeSnapshots, else by the image\'s block device', () => {
    const plain = facts({snapshots: [{Encrypted: false, SnapshotId: 'snap-a'}, {Encrypted: true, SnapshotId: 'snap-b'}]})
    const verdict = imageSnapshotsEncrypted.judge(plain, names)
    expect(verdict).toMatchObject({detail: 'snap-a of ami-a is not encrypted', status: 'fail'})
    expect(verdict.remedy).toContain('aws ec2 copy-image --source-image-id ami-a --source-region eu-west-1 --name hactl-demo-ami-a-encrypted --encrypted')
    const unlisted = facts({images: [bake('ami-b', {BlockDeviceMappings: [{Ebs: {Encrypted: false, SnapshotId: 'snap-x'}}]})], snapshots: []})
    expect(imageSnapshotsEncrypted.judge(unlisted, names)).toMatchObject({detail: 'snap-x of ami-b is not encrypted', status: 'fail'})
    expect(imageSnapshotsEncrypted.judge(facts({images: [], snapshots: []}), names)).toMatchObject({detail: 'no AMIs of the site yet', status: 'pass'})
    expect(imageSnapshotsEncrypted.judge(facts({environment: false, images: []}), names)).toMatchObject({status: 'skip'})
  })

  it('sharing: an AMI others may launch or a snapshot others may copy fails, naming who; unread permissions skip', () => {
    const privately = {'ami-a': [], 'ami-b': [], 'snap-a': [], 'snap-b': []}
    expect(imagesNotShared.judge({...facts(), sharing: privately}, names)).toMatchObject({detail: '2 AMIs and 2 snapshots of the site, shared with no one', status: 'pass'})
    const publicSnapshot = imagesNotShared.judge({...facts(), sharing: {...privately, 'snap-a': [{group: 'all'}]}}, names)
    expect(publicSnapshot).toMatchObject({detail: 'snap-a may be copied into volumes by everyone (group all)', status: 'fail'})
    expect(publicSnapshot.remedy).toBe("aws ec2 modify-snapshot-attribute --snapshot-id snap-a --attribute createVolumePermission --create-volume-permission 'Remove=[{Group=all}]'.")
    const sharedImage = imagesNotShared.judge({...facts(), sharing: {...privately, 'ami-b': [{userId: '210987654321'}], 'snap-b': [{group: 'all'}]}}, names)
    expect(sharedImage).toMatchObject({detail: 'ami-b may be launched by account 210987654321, snap-b may be copied into volumes by everyone (group all)', status: 'fail'})
    expect(sharedImage.remedy).toBe("aws ec2 modify-image-attribute --image-id ami-b --launch-permission 'Remove=[{UserId=210987654321}]', and likewise for the others.")
    // A public image is amis-private's failure, not this check's.
    expect(imagesNotShared.judge({...facts(), sharing: {...privately, 'ami-a': [{group: 'all'}]}}, names)).toMatchObject({status: 'pass'})
    expect(imagesNotShared.judge(facts(), names)).toMatchObject({status: 'skip'})
    expect(imagesNotShared.judge({...facts({images: []}), sharing: {}}, names)).toMatchObject({detail: 'no AMIs of the site yet', status: 'pass'})
  })
})
