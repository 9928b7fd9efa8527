/**
 * The sandbox's side of `hactl bake`: CreateImage's reboot (the seed's agent
 * offline, then back), its snapshots (tags, DescribeSnapshots,
 * InvalidSnapshot.InUse until the image is deregistered, `error` with the
 * image-failed fault), and the bake's seed scripts (ssm-cron.ts): no cron
 * heartbeats while the timer is stopped, again after a start or a reboot,
 * and none of them a change of the seed. Through hactl's own EC2 and SSM APIs.
 */
import {AwsClients} from '../../../src/aws/clients'
import {BAKE_SCRIPT_HEADERS, cleanScript, startCronScript, stopCronScript} from '../../../src/bake/seed-scripts'
import {runOnSeed} from '../../../src/bake/seed-command'
import {ManualClock} from '../../../src/core/clock'
import {silentReporter} from '../../../src/core/progress'
import {openSandbox} from '../../../src/sandbox'
import {DURATIONS} from '../../../src/sandbox/durations'
import {BAKE_SCRIPT_HEADERS as SANDBOX_HEADERS} from '../../../src/sandbox/services/ssm-cron'
import {SEED_PARAMETERS} from '../../../src/sandbox/services/ssm-seed'
import {seedTags} from '../../../src/seed/identity'
import {seedRunInstancesInput} from '../../../src/seed/launch'
import {REGION, removeTempStateDirs, tempStateDir} from './clients'
import {putSeedFiles, seedUserData} from './seed-files'

afterAll(removeTempStateDirs)

const SITE = 'demo'

async function bootedSeed(options: {faults?: string[]} = {}) {
  const clock = new ManualClock()
  const sandbox = openSandbox({clock, faults: options.faults, region: REGION, stateDir: tempStateDir()})
  const clients = new AwsClients({sandbox, version: 'test'})
  const [ec2, ssm] = await Promise.all([clients.ec2(), clients.ssm()])
  const [platform] = await ec2.describeImages({owners: ['amazon'], names: ['aws-elasticbeanstalk-*x86_64*']})
  const boot = {app: 'wordpress', region: REGION, site: SITE, source: {kind: 'release', version: '6.8.2'}, uploadsPath: 'wp-content/uploads'} as const
  await putSeedFiles(sandbox, boot)
  const userData = Buffer.from(seedUserData(boot), 'base64')
  const [instance] = await ec2.runInstances({
    ...seedRunInstancesInput({clientToken: 't', imageId: platform.ImageId ?? '', instanceProfile: `hactl-${SITE}-instance`, instanceType: 't3.small', rootDeviceName: '/dev/xvda', securityGroupId: '', subnetId: '', tags: seedTags(SITE), userData}),
    IamInstanceProfile: {Arn: `arn:aws:iam::123456789012:instance-profile/hactl-${SITE}-instance`},
    SecurityGroupIds: undefined,
    SubnetId: undefined,
  })
  // Booted (the boot's report read as `hactl seed create` does), then a cron run or two.
  clock.advance(DURATIONS.instancePending + DURATIONS.seedBoot)
  await ssm.getParametersByPath(`/hactl/${SITE}`)
  clock.advance(2 * DURATIONS.seedCronPeriod)
  const instanceId = instance.InstanceId ?? ''
  const run = (script: string) => runOnSeed({clock, comment: 'test', instanceId, reporter: silentReporter, script, ssm, timeoutMs: 10 * 60_000})
  const ping = async () => (await ssm.describeInstanceInformation([instanceId]))[0]?.pingStatus
  const heartbeatAt = async () => JSON.parse((await ssm.getParameter(SEED_PARAMETERS.cron(SITE)))?.value ?? '{}').at as string | undefined
  const changes = async () => (await ssm.getParameter(SEED_PARAMETERS.changes(SITE)))?.version ?? 0
  return {changes, clock, ec2, heartbeatAt, instanceId, ping, run, ssm}
}

describe('sandbox: the bake\'s seed scripts', () => {
  it('knows each script by the first line src/bake/seed-scripts.ts writes', () => {
    expect(SANDBOX_HEADERS).toEqual(BAKE_SCRIPT_HEADERS)
    expect(stopCronScript(600).split('\n')[0]).toBe(SANDBOX_HEADERS.stopCron)
    expect(startCronScript().split('\n')[0]).toBe(SANDBOX_HEADERS.startCron)
    expect(cleanScript().split('\n')[0]).toBe(SANDBOX_HEADERS.clean)
  })

  it('no heartbeats while the timer is stopped, again once started; no script counts as a change', async () => {
    const seed = await bootedSeed()
    const before = await seed.changes()
    expect((await seed.run(stopCronScript(600))).stdout).toMatch(/^hactl-cron.timer stopped; waited \d+ s/)
    const stoppedAt = Date.parse((await seed.heartbeatAt()) ?? '')
    expect(stoppedAt).toBeGreaterThan(0)
    seed.clock.advance(5 * DURATIONS.seedCronPeriod)
    expect(Date.parse((await seed.heartbeatAt()) ?? '')).toBe(stoppedAt)
    expect((await seed.run(cleanScript())).responseCode).toBe(0)
    expect((await seed.run(startCronScript())).stdout).toBe('active\n')
    seed.clock.advance(2 * DURATIONS.seedCronPeriod)
    expect(Date.parse((await seed.heartbeatAt()) ?? '')).toBeGreaterThan(stoppedAt + 5 * DURATIONS.seedCronPeriod)
    expect(await seed.changes()).toBe(before)
  })

  it('a stop-cron sent while a run is going waits for its end', async () => {
    const seed = await bootedSeed()
    // Send so that the agent picks it up 1 s into a minute: the run of that minute has 1 s to go.
    const now = seed.clock.now()
    seed.clock.advance(DURATIONS.seedCronPeriod - (now % DURATIONS.seedCronPeriod) - DURATIONS.ssmCommandDelivery + 1000)
    expect((await seed.run(stopCronScript(600))).stdout).toBe('hactl-cron.timer stopped; waited 1 s for hactl-cron.service\n')
  })
})

describe('sandbox: CreateImage, its reboot and its snapshots', () => {
  const tags = [{Key: 'hactl:site', Value: SITE}, {Key: 'hactl:run-id', Value: 'run-1'}]

  it('reboots the seed unless NoReboot: its agent is offline a while, and the stopped timer runs again', async () => {
    const seed = await bootedSeed()
    await seed.run(stopCronScript(600))
    await seed.ec2.createImage({instanceId: seed.instanceId, name: 'kept-running', noReboot: true, tags: {}})
    expect(await seed.ping()).toBe('Online')
    const stoppedAt = Date.parse((await seed.heartbeatAt()) ?? '')
    await seed.ec2.createImage({instanceId: seed.instanceId, name: 'rebooted', tags: {}})
    expect(await seed.ping()).toBe('ConnectionLost')
    await expect(seed.run('true')).rejects.toMatchObject({awsCode: 'InvalidInstanceId'})
    seed.clock.advance(DURATIONS.imageReboot + 2 * DURATIONS.seedCronPeriod)
    expect(await seed.ping()).toBe('Online')
    expect(Date.parse((await seed.heartbeatAt()) ?? '')).toBeGreaterThan(stoppedAt)
  })

  it('tags the snapshot, which is in use until the image is deregistered', async () => {
    const seed = await bootedSeed()
    const imageId = await seed.ec2.createImage({instanceId: seed.instanceId, name: 'img', noReboot: true, tags: {'hactl:site': SITE, 'hactl:run-id': 'run-1'}})
    const [snapshot] = await seed.ec2.describeSnapshots({tags: {'hactl:run-id': 'run-1'}})
    expect(snapshot).toMatchObject({Encrypted: true, OwnerId: '123456789012', State: 'pending', Tags: expect.arrayContaining(tags)})
    expect(snapshot.Description).toBe(`Created by CreateImage(${seed.instanceId}) for ${imageId}`)
    seed.clock.advance(DURATIONS.imagePending)
    expect((await seed.ec2.describeSnapshots({snapshotIds: [snapshot.SnapshotId ?? '']}))[0].State).toBe('completed')
    await expect(seed.ec2.deleteSnapshot(snapshot.SnapshotId ?? '')).rejects.toMatchObject({awsCode: 'InvalidSnapshot.InUse', message: expect.stringContaining(`is currently in use by ${imageId}`)})
    expect(await seed.ec2.deregisterImage(imageId)).toBe(true)
    expect(await seed.ec2.deregisterImage(imageId)).toBe(false)
    expect(await seed.ec2.deleteSnapshot(snapshot.SnapshotId ?? '')).toBe(true)
    expect(await seed.ec2.deleteSnapshot(snapshot.SnapshotId ?? '')).toBe(false)
    expect(await seed.ec2.describeSnapshots({tags: {'hactl:run-id': 'run-1'}})).toEqual([])
  })

  it('ends the snapshot in error with the image-failed fault', async () => {
    const seed = await bootedSeed({faults: ['image-failed:ec2:CreateImage']})
    await seed.ec2.createImage({instanceId: seed.instanceId, name: 'doomed', noReboot: true, tags: {'hactl:run-id': 'run-2'}})
    seed.clock.advance(DURATIONS.imagePending)
    expect((await seed.ec2.describeSnapshots({tags: {'hactl:run-id': 'run-2'}}))[0].State).toBe('error')
  })
})
