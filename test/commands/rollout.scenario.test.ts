/**
 * The rollout scenarios, whole commands on the sandbox: refusals that
 * change nothing, a good image rolled out batch by batch (never below
 * minSize healthy), a second rollout of the live image, rollback, and the two
 * automatic rollbacks (Red health, an instance that never turns healthy, an
 * alarm firing mid-rollout), each ending
 * with every instance back on the previous AMI, Ready and Green.
 */
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {CloudWatchClient, PutMetricAlarmCommand} from '@aws-sdk/client-cloudwatch'
import {parseDocument} from 'yaml'

import {lastRolloutParameterName, parseRolloutRecord} from '../../src/bake/record'
import {ExitCode} from '../../src/core/exit-codes'
import {openSandbox} from '../../src/sandbox'
import {exitCodeOf, INIT_WORDPRESS_DEMO, type Project, scratchProject} from '../_helpers/cli'
import {fakeBake, sandboxClients} from '../_helpers/fake-bake'

const WAIT = ['--wait', '100000']
const ENV = 'hactl-demo'
/**
 * Rollouts run slower than the other tests' 100000x: there hactl's own CPU
 * time per look is simulated minutes, longer than a batch, and the monitor
 * would see a whole rollout in one look.
 */
const SPEED = {HACTL_SANDBOX_SPEED: '300'}

function expectOk(run: {error?: Error; stderr: string; stdout: string}): void {
  if (exitCodeOf(run) !== 0) throw new Error(`exit ${exitCodeOf(run)}:\n${run.stderr.slice(-3000)}\n${run.stdout.slice(-2000)}`)
}

describe('hactl rollout / rollback (sandbox)', () => {
  let project: Project
  let platformImage: string

  async function fleet(): Promise<{images: string[]; status?: string; health?: string}> {
    const clients = sandboxClients(project)
    const [eb, ec2] = await Promise.all([clients.eb(), clients.ec2()])
    const {instanceIds} = await eb.environmentResources(ENV)
    const instances = await ec2.describeInstances({instanceIds, states: ['pending', 'running']})
    const env = await eb.describeEnvironment(ENV)
    return {health: env?.Health, images: instances.map((i) => i.ImageId ?? '').sort(), status: env?.Status}
  }

  async function lastRollout() {
    const ssm = await sandboxClients(project).ssm()
    const parameter = await ssm.getParameter(lastRolloutParameterName('demo'))
    return parameter && {...parseRolloutRecord(parameter.value), version: parameter.version}
  }

  beforeAll(async () => {
    project = scratchProject()
    await project.run([...INIT_WORDPRESS_DEMO])
    expectOk(await project.run(['env', 'create', '--sandbox', '--yes', '--json', ...WAIT]))
    platformImage = (await fleet()).images[0]
  }, 120_000)

  afterAll(() => project.cleanup())

  it('refuses an image of another site, another architecture or another platform version, and changes nothing', async () => {
    const other = await fakeBake(project, {pointer: false, tags: {'hactl:site': 'other'}})
    const foreign = await project.run(['rollout', '--sandbox', '--yes', '--image', other, ...WAIT])
    expect(exitCodeOf(foreign)).toBe(ExitCode.Usage)
    expect(foreign.stderr).toContain('not a bake of demo')

    const oldPlatform = await fakeBake(project, {pointer: false, tags: {'hactl:platform-arn': 'arn:aws:elasticbeanstalk:eu-west-1::platform/PHP 8.2 running on 64bit Amazon Linux 2023/4.1.0'}})
    const platform = await project.run(['rollout', '--sandbox', '--yes', '--image', oldPlatform, ...WAIT])
    expect(exitCodeOf(platform)).toBe(ExitCode.Usage)
    expect(platform.stderr).toContain('seed create')

    const ec2 = await sandboxClients(project).ec2()
    const [arm] = await ec2.describeImages({owners: ['amazon']}).then((images) => images.filter((image) => image.Architecture === 'arm64'))
    const [instance] = await ec2.runInstances({ImageId: arm.ImageId, InstanceType: 't4g.small', MaxCount: 1, MinCount: 1})
    const armBake = await fakeBake(project, {instanceId: instance.InstanceId, pointer: false})
    const architecture = await project.run(['rollout', '--sandbox', '--yes', '--image', armBake, ...WAIT])
    expect(exitCodeOf(architecture)).toBe(ExitCode.Usage)
    expect(architecture.stderr).toContain('arm64')

    const badFlag = await project.run(['rollout', '--sandbox', '--yes', '--image', 'ami-nothex'])
    expect(exitCodeOf(badFlag)).toBe(ExitCode.Usage)

    expect((await fleet()).images).toEqual([platformImage, platformImage])
    expect(await lastRollout()).toBeUndefined()
  })

  it('rolls a good bake out batch by batch: every instance on the new AMI, never below minSize healthy', async () => {
    const image = await fakeBake(project)
    const run = await project.run(['rollout', '--sandbox', '--yes', '--json', ...WAIT], SPEED)
    expectOk(run)
    const result = JSON.parse(run.stdout)
    expect(result).toMatchObject({imageId: image, minSize: 2, outcome: 'succeeded', policy: 'RollingByHealth', previousImageId: platformImage})
    expect(result.lowestHealthy).toBeGreaterThanOrEqual(2)
    expect(result.instances).toHaveLength(2)
    expect(result.batches).toHaveLength(2)
    for (const batch of result.batches) expect(batch.seconds).toBeGreaterThan(0)
    expect((await fleet())).toEqual({health: 'Green', images: [image, image], status: 'Ready'})
    expect(await lastRollout()).toMatchObject({imageId: image, outcome: 'succeeded', previousImageId: platformImage})

    // The same image again: said so, nothing changed, nothing recorded.
    const before = await lastRollout()
    const again = await project.run(['rollout', '--sandbox', '--yes', '--json', ...WAIT], SPEED)
    expectOk(again)
    expect(JSON.parse(again.stdout)).toMatchObject({imageId: image, outcome: 'already-live'})
    expect((await lastRollout())?.version).toBe(before?.version)
    expect((await fleet()).images).toEqual([image, image])

    // Rollback: the platform AMI the environment ran before, no bake tags needed.
    const back = await project.run(['rollback', '--sandbox', '--yes', '--json', ...WAIT], SPEED)
    expectOk(back)
    expect(JSON.parse(back.stdout)).toMatchObject({imageId: platformImage, outcome: 'succeeded', previousImageId: image})
    expect((await fleet()).images).toEqual([platformImage, platformImage])
  })

  it('health Red during the rollout: exit 8, every instance back on the previous AMI, Ready and Green', async () => {
    const image = await fakeBake(project)
    const run = await project.run(['rollout', '--sandbox', '--yes', '--json', ...WAIT], {...SPEED, HACTL_SANDBOX_FAULTS: 'health-red:elasticbeanstalk:UpdateEnvironment*1'})
    expect(exitCodeOf(run)).toBe(ExitCode.RolledBack)
    const error = JSON.parse(run.stdout).error
    expect(error.message).toContain('rolled back')
    expect(error.data).toMatchObject({imageId: image, outcome: 'rolled-back', previousImageId: platformImage})
    expect(error.data.lowestHealthy).toBeGreaterThanOrEqual(2)
    expect(await fleet()).toEqual({health: 'Green', images: [platformImage, platformImage], status: 'Ready'})
    expect(await lastRollout()).toMatchObject({imageId: image, outcome: 'rolled-back', previousImageId: platformImage})
  })

  it('an instance that never turns healthy: exit 8, every instance back on the previous AMI, Ready and Green', async () => {
    const image = await fakeBake(project)
    const run = await project.run(['rollout', '--sandbox', '--yes', '--json', ...WAIT], {...SPEED, HACTL_SANDBOX_FAULTS: 'instance-unhealthy:elasticbeanstalk:UpdateEnvironment*1'})
    expect(exitCodeOf(run)).toBe(ExitCode.RolledBack)
    const error = JSON.parse(run.stdout).error
    expect(error.data).toMatchObject({imageId: image, outcome: 'rolled-back', previousImageId: platformImage})
    expect(error.data.lowestHealthy).toBeGreaterThanOrEqual(2)
    expect(await fleet()).toEqual({health: 'Green', images: [platformImage, platformImage], status: 'Ready'})
    expect(await lastRollout()).toMatchObject({imageId: image, outcome: 'rolled-back', previousImageId: platformImage})
  })

  it('an alarm firing mid-rollout: exit 8 and back on the previous AMI', async () => {
    const handle = openSandbox({region: 'eu-west-1', speed: 100_000, stateDir: join(project.dir, '.hactl')})
    const cloudwatch = new CloudWatchClient({credentials: {accessKeyId: 'x', secretAccessKey: 'y'}, region: 'eu-west-1'})
    cloudwatch.middlewareStack.use(handle.plugin('cloudwatch'))
    await cloudwatch.send(new PutMetricAlarmCommand({AlarmName: 'demo-5xx', ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1, MetricName: 'HTTPCode_Target_5XX_Count', Namespace: 'AWS/ApplicationELB', Period: 60, Statistic: 'Sum', Threshold: 5}))
    const config = parseDocument(readFileSync(project.configPath, 'utf8'))
    config.setIn(['environment', 'rollout', 'alarms'], ['demo-5xx'])
    writeFileSync(project.configPath, config.toString())

    const image = await fakeBake(project)
    const run = await project.run(['rollout', '--sandbox', '--yes', '--json', ...WAIT], {...SPEED, HACTL_SANDBOX_FAULTS: 'alarm-fires:cloudwatch:DescribeAlarms*1'})
    expect(exitCodeOf(run)).toBe(ExitCode.RolledBack)
    expect(JSON.parse(run.stdout).error.message).toContain('demo-5xx')
    expect(await fleet()).toEqual({health: 'Green', images: [platformImage, platformImage], status: 'Ready'})
    expect(await lastRollout()).toMatchObject({imageId: image, outcome: 'rolled-back'})
  })

  // Last: the raised capacity stays, as on AWS.
  it('a scale-out in the middle of the rollout: exit 0, every instance (one more) on the new AMI', async () => {
    // The alarm the previous test fired stays in ALARM: watch none.
    const config = parseDocument(readFileSync(project.configPath, 'utf8'))
    config.setIn(['environment', 'rollout', 'alarms'], [])
    writeFileSync(project.configPath, config.toString())
    const image = await fakeBake(project)
    const run = await project.run(['rollout', '--sandbox', '--yes', '--json', ...WAIT], {...SPEED, HACTL_SANDBOX_FAULTS: 'scale-out:elasticbeanstalk:UpdateEnvironment*1'})
    expectOk(run)
    const result = JSON.parse(run.stdout)
    expect(result).toMatchObject({imageId: image, outcome: 'succeeded'})
    expect(result.instances).toHaveLength(3)
    expect(result.lowestHealthy).toBeGreaterThanOrEqual(2)
    expect(await fleet()).toEqual({health: 'Green', images: [image, image, image], status: 'Ready'})
  })
})
