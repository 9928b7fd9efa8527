import {DescribeImagesCommand, DescribeInstancesCommand, type EC2Client, type Instance} from '@aws-sdk/client-ec2'
import * as EB from '@aws-sdk/client-elastic-beanstalk'

import {DURATIONS} from '../../../src/sandbox/durations'
import {clientOn, REGION, manualSandbox, removeTempStateDirs} from './clients'

/*
 * A new ImageId under a health-based rolling update (MinSize 2, MaxSize 4,
 * batch 1, MinInstancesInService 2), driven through the SDK clients and
 * polled on the simulated clock the way a rollout watcher would.
 */

afterAll(removeTempStateDirs)

const PHP83_ARN = `arn:aws:elasticbeanstalk:${REGION}::platform/PHP 8.3 running on 64bit Amazon Linux 2023/4.7.1`
const ROLLING = 'aws:autoscaling:updatepolicy:rollingupdate'
const POLL_MS = 15_000

type Sandbox = ReturnType<typeof manualSandbox>

function option(Namespace: string, OptionName: string, Value: string): EB.ConfigurationOptionSetting {
  return {Namespace, OptionName, Value}
}

function ebClient(sandbox: Sandbox): EB.ElasticBeanstalkClient {
  return clientOn(sandbox.handle, EB.ElasticBeanstalkClient, 'elasticbeanstalk', {attempts: 1})
}

const OPTIONS = [
  option('aws:elasticbeanstalk:environment', 'LoadBalancerType', 'application'),
  option('aws:elasticbeanstalk:healthreporting:system', 'SystemType', 'enhanced'),
  option('aws:autoscaling:asg', 'MinSize', '2'),
  option('aws:autoscaling:asg', 'MaxSize', '4'),
  option(ROLLING, 'RollingUpdateEnabled', 'true'),
  option(ROLLING, 'RollingUpdateType', 'Health'),
  option(ROLLING, 'MaxBatchSize', '1'),
  option(ROLLING, 'MinInstancesInService', '2'),
  option(ROLLING, 'Timeout', 'PT30M'),
]

async function readyEnvironment(faults: string[] = []): Promise<{sandbox: Sandbox; eb: EB.ElasticBeanstalkClient; ec2: EC2Client}> {
  const sandbox = manualSandbox({faults})
  const eb = ebClient(sandbox)
  await eb.send(new EB.CreateApplicationCommand({ApplicationName: 'demo'}))
  await eb.send(new EB.CreateEnvironmentCommand({ApplicationName: 'demo', EnvironmentName: 'demo-prod', PlatformArn: PHP83_ARN, OptionSettings: OPTIONS}))
  sandbox.clock.advance(DURATIONS.ebEnvironmentLaunching)
  return {sandbox, eb, ec2: sandbox.ec2}
}

async function liveInstances(ec2: EC2Client): Promise<Instance[]> {
  const {Reservations} = await ec2.send(new DescribeInstancesCommand({Filters: [{Name: 'tag:elasticbeanstalk:environment-name', Values: ['demo-prod']}]}))
  return (Reservations ?? []).flatMap((r) => r.Instances ?? []).filter((i) => i.State?.Name === 'pending' || i.State?.Name === 'running')
}

async function newImage(ec2: EC2Client): Promise<string> {
  const {Images} = await ec2.send(new DescribeImagesCommand({Owners: ['amazon'], Filters: [{Name: 'name', Values: ['al2023-ami-*']}]}))
  return Images?.[0].ImageId ?? ''
}

async function status(eb: EB.ElasticBeanstalkClient): Promise<string | undefined> {
  const {Environments} = await eb.send(new EB.DescribeEnvironmentsCommand({EnvironmentNames: ['demo-prod']}))
  return Environments?.[0].Status
}

interface Poll {
  readonly healthyIds: string[]
  readonly live: Instance[]
  readonly healthStatus: string | undefined
}

async function poll(eb: EB.ElasticBeanstalkClient, ec2: EC2Client): Promise<Poll> {
  const {InstanceHealthList} = await eb.send(new EB.DescribeInstancesHealthCommand({EnvironmentName: 'demo-prod', AttributeNames: ['HealthStatus']}))
  const live = await liveInstances(ec2)
  const running = new Set(live.filter((i) => i.State?.Name === 'running').map((i) => i.InstanceId))
  const healthyIds = (InstanceHealthList ?? []).filter((h) => h.HealthStatus === 'Ok' && running.has(h.InstanceId)).map((h) => h.InstanceId ?? '')
  const {HealthStatus} = await eb.send(new EB.DescribeEnvironmentHealthCommand({EnvironmentName: 'demo-prod', AttributeNames: ['HealthStatus']}))
  return {healthyIds, live, healthStatus: HealthStatus}
}

/** Polls every POLL_MS of simulated time until the environment is Ready again; every poll's view. */
async function pollUntilReady(sandbox: Sandbox, eb: EB.ElasticBeanstalkClient, ec2: EC2Client, limitMs = 3 * 60 * 60_000): Promise<Poll[]> {
  const polls: Poll[] = []
  for (let waited = 0; waited < limitMs; waited += POLL_MS) {
    polls.push(await poll(eb, ec2))
    if ((await status(eb)) === 'Ready') return polls
    sandbox.clock.advance(POLL_MS)
  }

  throw new Error('The update did not end')
}

async function eventsSince(eb: EB.ElasticBeanstalkClient, start: Date): Promise<EB.EventDescription[]> {
  const {Events} = await eb.send(new EB.DescribeEventsCommand({EnvironmentName: 'demo-prod', StartTime: start}))
  return (Events ?? []).reverse()
}

/** A ready environment (with these faults) whose ImageId update has just been requested: the instances and AMI before it, and when. */
async function updateImage(faults: string[]) {
  const {sandbox, eb, ec2} = await readyEnvironment(faults)
  const before = await liveInstances(ec2)
  const start = new Date(sandbox.clock.now())
  await eb.send(new EB.UpdateEnvironmentCommand({EnvironmentName: 'demo-prod', OptionSettings: [option('aws:autoscaling:launchconfiguration', 'ImageId', await newImage(ec2))]}))
  return {sandbox, eb, ec2, old: before.map((i) => i.InstanceId ?? ''), oldImage: before[0].ImageId, start}
}

describe('sandbox EB: rolling update by health', () => {
  it('replaces the instances batch by batch, never below MinSize healthy, with events per batch', async () => {
    const {sandbox, eb, ec2} = await readyEnvironment()
    const old = (await liveInstances(ec2)).map((i) => i.InstanceId ?? '')
    expect(old).toHaveLength(2)
    const imageId = await newImage(ec2)
    const start = new Date(sandbox.clock.now())
    await eb.send(new EB.UpdateEnvironmentCommand({EnvironmentName: 'demo-prod', OptionSettings: [option('aws:autoscaling:launchconfiguration', 'ImageId', imageId)]}))
    expect(await status(eb)).toBe('Updating')
    // Nothing is replaced at once: the old instances stay until their batch's turn.
    expect((await liveInstances(ec2)).map((i) => i.InstanceId)).toEqual(old)

    const polls = await pollUntilReady(sandbox, eb, ec2)
    expect(polls.length).toBeGreaterThan(10)
    for (const seen of polls) {
      expect(seen.healthyIds.length).toBeGreaterThanOrEqual(2)
      // Launch first: at most N + batch instances at any time.
      expect(seen.live.length).toBeLessThanOrEqual(3)
    }

    // Retired one by one: a poll saw exactly one old instance left, the oldest gone first.
    const oldLeft = polls.map((seen) => seen.live.filter((i) => old.includes(i.InstanceId ?? '')).map((i) => i.InstanceId))
    expect(oldLeft).toContainEqual([old[1]])
    expect(oldLeft.at(-1)).toEqual([])
    expect(polls.some((seen) => seen.healthStatus === 'Info')).toBe(true)

    const final = await liveInstances(ec2)
    expect(final).toHaveLength(2)
    expect(final.every((i) => i.ImageId === imageId && !old.includes(i.InstanceId ?? ''))).toBe(true)
    expect((await poll(eb, ec2)).healthStatus).toBe('Ok')

    const all = (await eventsSince(eb, start)).map((e) => e.Message)
    // The launch's last event shares the update's first instant.
    expect(all).toContain('Environment update is starting.')
    const messages = all.slice(all.indexOf('Environment update is starting.'))
    expect(messages).toContain('Temporarily setting autoscaling group MinSize and DesiredCapacity to 3.')
    for (const id of old) expect(messages).toContain(`Removed instance [${id}] from your environment.`)
    expect(messages).toContain(`Successfully terminated instance(s) [${old[0]}] (Progress 50%).`)
    expect(messages).toContain(`Successfully terminated instance(s) [${old[1]}] (Progress 100%).`)
    for (const instance of final) {
      expect(messages).toContain(`Added instance [${instance.InstanceId}] to your environment.`)
      expect(messages).toContain(`Received SUCCESS signal with UniqueId ${instance.InstanceId}`)
    }

    expect(messages.at(-1)).toBe('Environment update completed successfully.')
  })

  it('terminates a batch first when MinInstancesInService is below desired − batch', async () => {
    const {sandbox, eb, ec2} = await readyEnvironment()
    await eb.send(new EB.UpdateEnvironmentCommand({EnvironmentName: 'demo-prod', OptionSettings: [option(ROLLING, 'MinInstancesInService', '0')]}))
    sandbox.clock.advance(DURATIONS.ebEnvironmentUpdating)
    const imageId = await newImage(ec2)
    await eb.send(new EB.UpdateEnvironmentCommand({EnvironmentName: 'demo-prod', OptionSettings: [option('aws:autoscaling:launchconfiguration', 'ImageId', imageId)]}))
    const polls = await pollUntilReady(sandbox, eb, ec2)
    expect(polls.every((seen) => seen.live.length <= 2 && seen.healthyIds.length >= 1)).toBe(true)
    expect((await liveInstances(ec2)).every((i) => i.ImageId === imageId)).toBe(true)
  })

  it('rolls back to the previous configuration when the first batch goes Red (health-red fault)', async () => {
    const {sandbox, eb, ec2, old, oldImage, start} = await updateImage(['health-red:elasticbeanstalk:UpdateEnvironment'])
    const polls = await pollUntilReady(sandbox, eb, ec2)
    expect(polls.every((seen) => seen.healthyIds.length >= 2)).toBe(true)
    expect(polls.some((seen) => seen.healthStatus === 'Degraded')).toBe(true)

    const final = await liveInstances(ec2)
    expect(final.map((i) => i.InstanceId)).toEqual(old)
    expect(final.every((i) => i.ImageId === oldImage)).toBe(true)
    const events = await eventsSince(eb, start)
    expect(events.filter((e) => e.Severity === 'ERROR').map((e) => e.Message)).toEqual(
      expect.arrayContaining(['Failed to deploy configuration.', 'The environment was reverted to the previous configuration setting.']),
    )

    // The draft that did not deploy stays, `failed`, beside the deployed set until the next update.
    const sets = async () => (await eb.send(new EB.DescribeConfigurationSettingsCommand({ApplicationName: 'demo', EnvironmentName: 'demo-prod'}))).ConfigurationSettings ?? []
    const imageOf = (set: EB.ConfigurationSettingsDescription) => set.OptionSettings?.find((o) => o.OptionName === 'ImageId')?.Value
    const [deployed, failed] = await sets()
    expect(deployed).toMatchObject({DeploymentStatus: 'deployed'})
    expect(imageOf(deployed)).toBe(oldImage)
    expect(failed).toMatchObject({DeploymentStatus: 'failed'})
    expect(imageOf(failed)).not.toBe(oldImage)
    expect(failed.DateUpdated!.getTime()).toBeGreaterThan(start.getTime())
    await eb.send(new EB.UpdateEnvironmentCommand({EnvironmentName: 'demo-prod', OptionSettings: [option('aws:autoscaling:asg', 'MaxSize', '5')]}))
    sandbox.clock.advance(DURATIONS.ebEnvironmentUpdating)
    expect((await sets()).map((set) => set.DeploymentStatus)).toEqual(['deployed'])
  })

  it('an instance that never turns healthy (instance-unhealthy fault): Degraded with an ELB cause, EB fails the batch at its timeout and rolls back', async () => {
    const {sandbox, eb, ec2, old, oldImage, start} = await updateImage(['instance-unhealthy:elasticbeanstalk:UpdateEnvironment'])
    sandbox.clock.advance(DURATIONS.ebBatchGap + DURATIONS.ebBatchHealthy + 60_000)
    const {InstanceHealthList} = await eb.send(new EB.DescribeInstancesHealthCommand({EnvironmentName: 'demo-prod', AttributeNames: ['HealthStatus', 'Causes', 'Deployment']}))
    const sick = (InstanceHealthList ?? []).filter((h) => !old.includes(h.InstanceId ?? ''))
    expect(sick).toHaveLength(1)
    expect(sick[0]).toMatchObject({HealthStatus: 'Severe', Deployment: expect.objectContaining({Status: 'Deployed'})})
    expect(sick[0].Causes?.[0]).toContain('OutOfService')
    const health = await eb.send(new EB.DescribeEnvironmentHealthCommand({EnvironmentName: 'demo-prod', AttributeNames: ['HealthStatus', 'Color', 'Causes']}))
    expect(health).toMatchObject({Color: 'Red', HealthStatus: 'Degraded'})
    expect(health.Causes?.[0]).toContain('ELB health is failing')

    const polls = await pollUntilReady(sandbox, eb, ec2)
    expect(polls.every((seen) => seen.healthyIds.length >= 2)).toBe(true)
    const final = await liveInstances(ec2)
    expect(final.map((i) => i.InstanceId)).toEqual(old)
    expect(final.every((i) => i.ImageId === oldImage)).toBe(true)
    const errors = (await eventsSince(eb, start)).filter((e) => e.Severity === 'ERROR').map((e) => e.Message)
    expect(errors).toEqual(expect.arrayContaining(['Failed to deploy configuration.', 'Environment update failed.']))
  })

  it('a scale-out mid-update (scale-out fault) launches from the updated launch template: every instance ends on the new AMI, one more of them', async () => {
    const {sandbox, eb, ec2} = await readyEnvironment(['scale-out:elasticbeanstalk:UpdateEnvironment'])
    const old = (await liveInstances(ec2)).map((i) => i.InstanceId ?? '')
    const imageId = await newImage(ec2)
    await eb.send(new EB.UpdateEnvironmentCommand({EnvironmentName: 'demo-prod', OptionSettings: [option('aws:autoscaling:launchconfiguration', 'ImageId', imageId)]}))
    const polls = await pollUntilReady(sandbox, eb, ec2)
    // Launch first (3) plus the scale-out: 4 at the peak, MaxSize.
    expect(Math.max(...polls.map((seen) => seen.live.length))).toBe(4)
    expect(polls.every((seen) => seen.healthyIds.length >= 2)).toBe(true)
    const final = await liveInstances(ec2)
    expect(final).toHaveLength(3)
    expect(final.every((i) => i.ImageId === imageId && !old.includes(i.InstanceId ?? ''))).toBe(true)
  })

  it('a successful rolling update leaves no failed draft', async () => {
    const {sandbox, eb, ec2} = await readyEnvironment()
    await eb.send(new EB.UpdateEnvironmentCommand({EnvironmentName: 'demo-prod', OptionSettings: [option('aws:autoscaling:launchconfiguration', 'ImageId', await newImage(ec2))]}))
    await pollUntilReady(sandbox, eb, ec2)
    const {ConfigurationSettings} = await eb.send(new EB.DescribeConfigurationSettingsCommand({ApplicationName: 'demo', EnvironmentName: 'demo-prod'}))
    expect(ConfigurationSettings?.map((set) => set.DeploymentStatus)).toEqual(['deployed'])
  })

  it('AbortEnvironmentUpdate: refused when nothing is in progress; mid-update it reverts, and EB\'s own rollback cannot be aborted', async () => {
    const {sandbox, eb, ec2} = await readyEnvironment()
    const abort = () => eb.send(new EB.AbortEnvironmentUpdateCommand({EnvironmentName: 'demo-prod'}))
    await expect(abort()).rejects.toMatchObject({name: 'InvalidParameterValue'})
    const old = (await liveInstances(ec2)).map((i) => i.InstanceId ?? '')
    const oldImage = (await liveInstances(ec2))[0].ImageId
    await eb.send(new EB.UpdateEnvironmentCommand({EnvironmentName: 'demo-prod', OptionSettings: [option('aws:autoscaling:launchconfiguration', 'ImageId', await newImage(ec2))]}))
    // The first batch is in flight: launched, not yet healthy.
    sandbox.clock.advance(DURATIONS.ebBatchGap + 60_000)
    expect((await liveInstances(ec2)).length).toBe(3)
    const {Environments} = await eb.send(new EB.DescribeEnvironmentsCommand({EnvironmentNames: ['demo-prod']}))
    expect(Environments?.[0].AbortableOperationInProgress).toBe(true)
    await abort()
    const after = await eb.send(new EB.DescribeEnvironmentsCommand({EnvironmentNames: ['demo-prod']}))
    expect(after.Environments?.[0]).toMatchObject({AbortableOperationInProgress: false, Status: 'Updating'})
    await expect(abort()).rejects.toMatchObject({name: 'InvalidParameterValue'})
    await pollUntilReady(sandbox, eb, ec2)
    const final = await liveInstances(ec2)
    expect(final.map((i) => i.InstanceId)).toEqual(old)
    expect(final.every((i) => i.ImageId === oldImage)).toBe(true)
  })

  it('Immutable: one new instance, then a full new set beside the old, then the swap; health never drops', async () => {
    const {sandbox, eb, ec2} = await readyEnvironment()
    const old = (await liveInstances(ec2)).map((i) => i.InstanceId ?? '')
    const imageId = await newImage(ec2)
    const start = new Date(sandbox.clock.now())
    await eb.send(new EB.UpdateEnvironmentCommand({EnvironmentName: 'demo-prod', OptionSettings: [option(ROLLING, 'RollingUpdateType', 'Immutable'), option('aws:autoscaling:launchconfiguration', 'ImageId', imageId)]}))
    const polls = await pollUntilReady(sandbox, eb, ec2)
    expect(polls.every((seen) => seen.healthyIds.length >= 2 && seen.live.length <= 4)).toBe(true)
    expect(polls.map((seen) => seen.live.length)).toEqual(expect.arrayContaining([3, 4]))
    const final = await liveInstances(ec2)
    expect(final).toHaveLength(2)
    expect(final.every((i) => i.ImageId === imageId && !old.includes(i.InstanceId ?? ''))).toBe(true)
    expect((await eventsSince(eb, start)).map((e) => e.Message)).toContain('Immutable deployment policy enabled. Launching one instance with the new settings to verify health.')
  })

  it('Immutable with a Red instance: the new instances go, the old fleet is untouched', async () => {
    const {sandbox, eb, ec2} = await readyEnvironment(['health-red:elasticbeanstalk:UpdateEnvironment'])
    const old = (await liveInstances(ec2)).map((i) => i.InstanceId ?? '')
    await eb.send(new EB.UpdateEnvironmentCommand({EnvironmentName: 'demo-prod', OptionSettings: [option(ROLLING, 'RollingUpdateType', 'Immutable'), option('aws:autoscaling:launchconfiguration', 'ImageId', await newImage(ec2))]}))
    const polls = await pollUntilReady(sandbox, eb, ec2)
    expect(polls.every((seen) => old.every((id) => seen.healthyIds.includes(id)))).toBe(true)
    expect((await liveInstances(ec2)).map((i) => i.InstanceId)).toEqual(old)
  })

  it('Immutable needs enhanced health', async () => {
    const {eb, ec2} = await readyEnvironment()
    await expect(
      eb.send(new EB.UpdateEnvironmentCommand({EnvironmentName: 'demo-prod', OptionSettings: [option('aws:elasticbeanstalk:healthreporting:system', 'SystemType', 'basic'), option(ROLLING, 'RollingUpdateType', 'Immutable'), option('aws:autoscaling:launchconfiguration', 'ImageId', await newImage(ec2))]})),
    ).rejects.toMatchObject({name: 'ConfigurationValidationException'})
  })
})
