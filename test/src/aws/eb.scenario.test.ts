/**
 * The factory's Elastic Beanstalk interface against the sandbox: hactl's own
 * code path (narrow interface → SDK client → retry strategy → SDK waiter →
 * sandbox), from the storage bucket to a terminated environment.
 */
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {compareVersions} from '../../../src/aws/eb'
import {ExitCode} from '../../../src/core/exit-codes'
import {AwsError, TimeoutError, UserError} from '../../../src/core/errors'
import {STATE_FILE} from '../../../src/sandbox'
import type {S3State} from '../../../src/sandbox/services/s3-model'
import type {SandboxState} from '../../../src/sandbox/types'
import {sandboxClients, useTempDir} from '../../_helpers/sandbox-dir'

const REGION = 'eu-west-1'
const PHP83 = 'PHP 8.3 running on 64bit Amazon Linux 2023'

function option(Namespace: string, OptionName: string, Value: string) {
  return {Namespace, OptionName, Value}
}

describe('Elastic Beanstalk through the client factory, on the sandbox', () => {
  const sandboxDir = useTempDir('hactl-eb-')

  /** At 2000x a 20 s waiter poll is 10 ms, a 6 min launch 180 ms of real time. */
  function clients(speed = 2000, faults: readonly string[] = []) {
    return sandboxClients(sandboxDir.path, {faults, speed})
  }

  /** The bundle upload is S3's business: write the object straight into the sandbox state. */
  function putBundle(bucket: string, key: string): void {
    const file = join(sandboxDir.path, STATE_FILE)
    const state = JSON.parse(readFileSync(file, 'utf8')) as SandboxState
    const region = (state.regions[REGION] ??= {})
    const s3: S3State = (region.s3 ??= {buckets: {}})
    s3.buckets[bucket] ??= {name: bucket, createdAt: 0, objects: {}}
    s3.buckets[bucket].objects[key] = {key, size: 22, etag: '"0f343b0931126a20f133d67c2b018a3b"', body: 'UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==', serverSideEncryption: 'AES256', lastModified: 0}
    writeFileSync(file, JSON.stringify(state))
  }

  it('creates the application, a version and an environment, waits for Ready, updates, terminates and deletes', async () => {
    const {aws, reporter} = clients()
    const eb = await aws.eb()
    const bucket = await eb.createStorageLocation()
    expect(bucket).toBe(`elasticbeanstalk-${REGION}-123456789012`)
    expect(await eb.createStorageLocation()).toBe(bucket)
    putBundle(bucket, 'demo/v1.zip')

    const tags = {'hactl:role': 'application', 'hactl:site': 'demo'}
    expect(await eb.createApplication({name: 'demo', tags})).toBe(true)
    expect(await eb.createApplication({name: 'demo', tags})).toBe(false)
    expect((await eb.describeApplication('demo'))?.ApplicationName).toBe('demo')
    expect(await eb.describeApplication('nope')).toBeUndefined()
    const version = {application: 'demo', bucket, key: 'demo/v1.zip', label: 'v1', tags}
    expect(await eb.createApplicationVersion(version)).toBe(true)
    expect(await eb.createApplicationVersion(version)).toBe(false)
    expect((await eb.describeApplicationVersion('demo', 'v1'))?.SourceBundle).toEqual({S3Bucket: bucket, S3Key: 'demo/v1.zip'})
    expect(await eb.describeApplicationVersion('demo', 'v9')).toBeUndefined()

    const platform = await eb.latestPlatform(PHP83)
    expect(platform).toEqual({arn: `arn:aws:elasticbeanstalk:${REGION}::platform/${PHP83}/4.7.1`, branch: PHP83, version: '4.7.1'})

    const since = new Date(aws.clock.now())
    const created = await eb.createEnvironment({
      ApplicationName: 'demo',
      EnvironmentName: 'demo-prod',
      OptionSettings: [
        option('aws:elasticbeanstalk:environment', 'LoadBalancerType', 'application'),
        option('aws:elasticbeanstalk:healthreporting:system', 'SystemType', 'enhanced'),
        option('aws:autoscaling:asg', 'MinSize', '2'),
        option('aws:autoscaling:launchconfiguration', 'DisableIMDSv1', 'true'),
      ],
      PlatformArn: platform.arn,
      Tags: [{Key: 'hactl:site', Value: 'demo'}],
      VersionLabel: 'v1',
    })
    expect(created).toMatchObject({EnvironmentName: 'demo-prod', Status: 'Launching'})
    expect(created).not.toHaveProperty('$metadata')

    await eb.waitForEnvironmentReady('demo-prod', {timeoutMs: 30 * 60_000})
    expect(reporter.ofType('wait').at(-1)?.status).toBe('demo-prod Ready/Green')
    // Without DisableDefaultEC2SecurityGroup, EB made its own instance group.
    const ec2 = await aws.ec2()
    const ebGroups = () => ec2.describeSecurityGroups({tags: {'elasticbeanstalk:environment-name': 'demo-prod'}})
    expect((await ebGroups()).map((group) => group.GroupName)).toEqual([expect.stringMatching(/^awseb-e-[a-z0-9]{10}-stack-AWSEBSecurityGroup-/)])
    expect(await eb.environmentHealth('demo-prod')).toEqual({causes: [], color: 'Green', healthStatus: 'Ok', instances: {Ok: 2}, status: 'Ready'})
    const resources = await eb.environmentResources('demo-prod')
    expect(resources.instanceIds).toHaveLength(2)
    expect(resources.autoScalingGroups).toHaveLength(1)
    expect(resources.loadBalancers[0]).toMatch(/^arn:aws:elasticloadbalancing:/)
    expect(resources.launchTemplates[0]).toMatch(/^lt-/)
    expect(await eb.configurationSettings('demo', 'demo-prod')).toEqual(expect.arrayContaining([option('aws:autoscaling:asg', 'MinSize', '2')]))

    const events = await eb.describeEvents({environmentName: 'demo-prod', since})
    expect(events[0].Message).toBe('createEnvironment is starting.')
    expect(events.at(-1)?.Message).toBe('Successfully launched environment: demo-prod')

    const updating = await eb.updateEnvironment({name: 'demo-prod', optionSettings: [option('aws:elasticbeanstalk:application:environment', 'HACTL_SITE', 'demo')]})
    expect(updating.Status).toBe('Updating')
    await eb.waitForEnvironmentReady('demo-prod', {timeoutMs: 30 * 60_000})
    expect(await eb.configurationSettings('demo', 'demo-prod')).toEqual(
      expect.arrayContaining([option('aws:elasticbeanstalk:application:environment', 'HACTL_SITE', 'demo')]),
    )

    await eb.terminateEnvironment('demo-prod')
    await eb.waitForEnvironmentTerminated('demo-prod', {timeoutMs: 30 * 60_000})
    expect(reporter.ofType('wait').at(-1)?.status).toBe('demo-prod Terminated/Grey')
    expect(await ebGroups()).toEqual([])
    expect(await eb.describeEnvironment('demo-prod')).toBeUndefined()
    // Nothing live by that name: nothing to wait for.
    await eb.waitForEnvironmentTerminated('demo-prod', {timeoutMs: 60_000})

    await eb.deleteApplication('demo')
    expect(await eb.describeApplication('demo')).toBeUndefined()
  })

  it('waits a failed launch out to Ready, then shows it Red/Severe with ERROR events (the health-red fault)', async () => {
    const {aws, reporter} = clients(2000, ['health-red:elasticbeanstalk:CreateEnvironment'])
    const eb = await aws.eb()
    await eb.createApplication({name: 'demo', tags: {}})
    const platform = await eb.latestPlatform(PHP83)
    const since = new Date(aws.clock.now())
    await eb.createEnvironment({
      ApplicationName: 'demo',
      EnvironmentName: 'demo-prod',
      OptionSettings: [option('aws:elasticbeanstalk:healthreporting:system', 'SystemType', 'enhanced')],
      PlatformArn: platform.arn,
    })
    await eb.waitForEnvironmentReady('demo-prod', {timeoutMs: 30 * 60_000})
    expect(reporter.ofType('wait').at(-1)?.status).toBe('demo-prod Ready/Red')
    expect(await eb.environmentHealth('demo-prod')).toMatchObject({
      status: 'Ready',
      color: 'Red',
      healthStatus: 'Severe',
      causes: expect.arrayContaining(['100.0 % of the requests are failing with HTTP 5xx.']),
      instances: {Severe: 1},
    })
    const events = await eb.describeEvents({environmentName: 'demo-prod', since})
    expect(events.at(-1)).toMatchObject({
      Severity: 'ERROR',
      Message: 'Create environment operation is complete, but with errors. For more information, see troubleshooting documentation.',
    })
    expect(events.filter((event) => event.Severity === 'ERROR').map((event) => event.Message)).toContain("Instance deployment failed. For details, see 'eb-engine.log'.")
  })

  it('says which branch has no platform, as a user error', async () => {
    const {aws} = clients()
    const eb = await aws.eb()
    const lookup = eb.latestPlatform('PHP 5.4 running on 64bit Amazon Linux')
    await expect(lookup).rejects.toBeInstanceOf(UserError)
    await expect(lookup).rejects.toThrow('No Elastic Beanstalk platform version found for branch "PHP 5.4 running on 64bit Amazon Linux".')
  })

  it('has no enhanced health to report for a basic-health or missing environment', async () => {
    const {aws} = clients()
    const eb = await aws.eb()
    await eb.createApplication({name: 'demo', tags: {}})
    const platform = await eb.latestPlatform(PHP83)
    await eb.createEnvironment({ApplicationName: 'demo', EnvironmentName: 'demo-basic', PlatformArn: platform.arn})
    expect(await eb.environmentHealth('demo-basic')).toBeUndefined()
    expect(await eb.environmentHealth('demo-missing')).toBeUndefined()
  })

  it('passes EB\'s own code for a bad option setting, as an AWS error', async () => {
    const {aws} = clients()
    const eb = await aws.eb()
    await eb.createApplication({name: 'demo', tags: {}})
    const platform = await eb.latestPlatform(PHP83)
    const create = eb.createEnvironment({
      ApplicationName: 'demo',
      EnvironmentName: 'demo-prod',
      OptionSettings: [option('aws:elasticbeanstalk:container:php:ini', 'memory_limit', '256M')],
      PlatformArn: platform.arn,
    })
    await expect(create).rejects.toBeInstanceOf(AwsError)
    await expect(create).rejects.toMatchObject({awsCode: 'ConfigurationValidationException', exitCode: ExitCode.Aws})
  })

  it('times out waiting for Ready with the last status seen', async () => {
    // Slower, so the launch (1.8 s real) outlasts the 1 min deadline (0.3 s real) on a busy machine.
    const {aws} = clients(200)
    const eb = await aws.eb()
    await eb.createApplication({name: 'demo', tags: {}})
    const platform = await eb.latestPlatform(PHP83)
    await eb.createEnvironment({ApplicationName: 'demo', EnvironmentName: 'demo-prod', PlatformArn: platform.arn})
    const wait = eb.waitForEnvironmentReady('demo-prod', {timeoutMs: 60_000})
    await expect(wait).rejects.toBeInstanceOf(TimeoutError)
    await expect(wait).rejects.toThrow(/demo-prod Launching\/Grey/)
  })
})

describe('compareVersions', () => {
  it('compares platform versions part by part, as numbers', () => {
    expect(compareVersions('4.10.0', '4.9.3')).toBeGreaterThan(0)
    expect(compareVersions('4.7.1', '4.7.1')).toBe(0)
    expect(compareVersions('4.7', '4.7.1')).toBeLessThan(0)
  })
})
