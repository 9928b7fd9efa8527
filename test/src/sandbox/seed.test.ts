import {randomBytes} from 'node:crypto'
import {gzipSync} from 'node:zlib'
import * as fs from 'node:fs'
import * as path from 'node:path'

import {
  DescribeImagesCommand,
  DescribeInstanceAttributeCommand,
  ModifyInstanceMetadataOptionsCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type RunInstancesCommandInput,
} from '@aws-sdk/client-ec2'
import {DescribePlatformVersionCommand, ElasticBeanstalkClient} from '@aws-sdk/client-elastic-beanstalk'
import {PutObjectCommand, S3Client} from '@aws-sdk/client-s3'
import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  GetParameterCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  PutParameterCommand,
  SendCommandCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm'

import {seedPayloadObject} from '../../../src/seed/boot-script'
import {cronHeartbeatParameterName} from '../../../src/seed/cron'
import {bootResultParameterName} from '../../../src/seed/pointers'
import {DURATIONS} from '../../../src/sandbox/durations'
import {SEED_PARAMETERS} from '../../../src/sandbox/services/ssm-seed'
import {SANDBOX_REPORT_VERSION, STAGING_RUNNER_PATH} from '../../../src/sandbox/services/ssm-staging'
import {profileFor} from '../../../src/apps'
import {
  type ChangeMarker,
  lastPassParameterName,
  lastRunParameterName,
  parseStagingReport,
  REPORT_VERSION,
  RUNNER_EXIT,
  runnerChecks,
  STAGING_RUNNER,
  type StagingReport,
} from '../../../src/staging'
import {stagingConfig} from '../staging/_config'
import {clientOn, REGION, manualSandbox, removeTempStateDirs} from './clients'
import {putSeedFiles, sandboxStorageBucket, seedUserData} from './seed-files'

afterAll(removeTempStateDirs)

type Sandbox = ReturnType<typeof manualSandbox>

const SITE = 'demo'
const PROFILE = `arn:aws:iam::123456789012:instance-profile/hactl-${SITE}-instance`
const BOOT_OPTIONS = {site: SITE, region: REGION, app: 'wordpress', source: {kind: 'release', version: '6.8.2'}, uploadsPath: 'wp-content/uploads'} as const
/** The seed's real user data, as `hactl seed create` will send it (launchSeed puts its files in S3 first). */
const USER_DATA = seedUserData(BOOT_OPTIONS)

async function platformAmi(sandbox: Sandbox): Promise<string> {
  // The seed's base AMI: the environment's platform version → CustomAmiList, hvm (AWS-NOTES §4.4).
  const eb = new ElasticBeanstalkClient({region: REGION, credentials: {accessKeyId: 'x', secretAccessKey: 'y'}})
  eb.middlewareStack.use(sandbox.handle.plugin('elasticbeanstalk'))
  const arn = `arn:aws:elasticbeanstalk:${REGION}::platform/PHP 8.3 running on 64bit Amazon Linux 2023/4.7.1`
  const {PlatformDescription} = await eb.send(new DescribePlatformVersionCommand({PlatformArn: arn}))
  return PlatformDescription?.CustomAmiList?.find((ami) => ami.VirtualizationType === 'hvm')?.ImageId ?? ''
}

function seedInput(imageId: string, extra: Partial<RunInstancesCommandInput> = {}): RunInstancesCommandInput {
  return {
    ImageId: imageId,
    MinCount: 1,
    MaxCount: 1,
    InstanceType: 't3.small',
    IamInstanceProfile: {Arn: PROFILE},
    UserData: USER_DATA,
    ClientToken: `hactl-${SITE}-seed-1`,
    MetadataOptions: {HttpTokens: 'required', InstanceMetadataTags: 'enabled', HttpEndpoint: 'enabled'},
    TagSpecifications: [{ResourceType: 'instance', Tags: [{Key: 'hactl:site', Value: SITE}, {Key: 'hactl:role', Value: 'seed'}, {Key: 'Name', Value: `${SITE}-seed`}]}],
    ...extra,
  }
}

async function launchSeed(sandbox: Sandbox, extra: Partial<RunInstancesCommandInput> = {}, files = true): Promise<string> {
  if (files) await putSeedFiles(sandbox.handle, BOOT_OPTIONS)
  const reservation = await sandbox.ec2.send(new RunInstancesCommand(seedInput(await platformAmi(sandbox), extra)))
  return reservation.Instances?.[0].InstanceId ?? ''
}

async function parameterJson(ssm: SSMClient, name: string): Promise<Record<string, unknown> | undefined> {
  try {
    const {Parameter} = await ssm.send(new GetParameterCommand({Name: name}))
    return JSON.parse(Parameter?.Value ?? '') as Record<string, unknown>
  } catch (error) {
    if ((error as Error).name === 'ParameterNotFound') return undefined
    throw error
  }
}

async function pingStatus(ssm: SSMClient, instanceId: string): Promise<string | undefined> {
  const {InstanceInformationList} = await ssm.send(new DescribeInstanceInformationCommand({Filters: [{Key: 'InstanceIds', Values: [instanceId]}]}))
  return InstanceInformationList?.[0]?.PingStatus
}

/** Launch → running → agent Online. */
async function onlineSeed(sandbox: Sandbox): Promise<string> {
  const id = await launchSeed(sandbox)
  sandbox.clock.advance(DURATIONS.instancePending + DURATIONS.ssmRegistration)
  expect(await pingStatus(sandbox.ssm, id)).toBe('Online')
  return id
}

describe('sandbox seed: names shared with the product', () => {
  it('writes the parameters src/seed reads and writes', () => {
    expect(SEED_PARAMETERS.boot(SITE)).toBe(bootResultParameterName(SITE))
    expect(SEED_PARAMETERS.cron(SITE)).toBe(cronHeartbeatParameterName(SITE))
  })
})

describe('sandbox EC2: RunInstances for the seed', () => {
  it('launches from the platform version\'s CustomAmiList AMI, which DescribeImages answers for', async () => {
    const sandbox = manualSandbox()
    const ami = await platformAmi(sandbox)
    const {Images} = await sandbox.ec2.send(new DescribeImagesCommand({ImageIds: [ami]}))
    expect(Images?.[0]).toMatchObject({ImageId: ami, State: 'available', Architecture: 'x86_64'})
    const id = await launchSeed(sandbox)
    expect(id).toMatch(/^i-[0-9a-f]{17}$/)
  })

  it('keeps the user data as given and answers DescribeInstanceAttribute userData', async () => {
    const sandbox = manualSandbox()
    const id = await launchSeed(sandbox)
    const {UserData} = await sandbox.ec2.send(new DescribeInstanceAttributeCommand({InstanceId: id, Attribute: 'userData'}))
    expect(UserData?.Value).toBe(USER_DATA)
    const plain = await launchSeed(sandbox, {UserData: undefined, ClientToken: undefined})
    expect((await sandbox.ec2.send(new DescribeInstanceAttributeCommand({InstanceId: plain, Attribute: 'userData'}))).UserData?.Value).toBeUndefined()
    await expect(sandbox.ec2.send(new DescribeInstanceAttributeCommand({InstanceId: id, Attribute: 'colour' as never}))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    })
  })

  it('refuses user data that is not base64 or over 16 KB before base64', async () => {
    const sandbox = manualSandbox()
    const ami = await platformAmi(sandbox)
    const launch = (UserData: string) => sandbox.ec2.send(new RunInstancesCommand(seedInput(ami, {UserData, ClientToken: undefined})))
    await expect(launch('#!/bin/bash\necho hi')).rejects.toMatchObject({name: 'InvalidParameterValue', message: 'Invalid BASE64 encoding of user data.'})
    await expect(launch(randomBytes(16 * 1024 + 1).toString('base64'))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringMatching(/limited to 16384 bytes; this is 16385 bytes/),
    })
    // Exactly 16 KB raw is 21,848 base64 characters: accepted.
    await expect(launch(randomBytes(16 * 1024).toString('base64'))).resolves.toMatchObject({Instances: [expect.anything()]})
  })

  it('replays a client token with the same parameters and refuses it with others', async () => {
    const sandbox = manualSandbox()
    const first = await launchSeed(sandbox)
    expect(await launchSeed(sandbox)).toBe(first)
    await expect(launchSeed(sandbox, {InstanceType: 't3.medium'})).rejects.toMatchObject({name: 'IdempotentParameterMismatch'})
  })

  it('refuses tag keys instance metadata cannot expose when metadata tags are enabled', async () => {
    const sandbox = manualSandbox()
    const ami = await platformAmi(sandbox)
    const withTag = (Key: string, InstanceMetadataTags: 'enabled' | 'disabled') =>
      sandbox.ec2.send(
        new RunInstancesCommand(
          seedInput(ami, {
            ClientToken: undefined,
            MetadataOptions: {HttpTokens: 'required', InstanceMetadataTags},
            TagSpecifications: [{ResourceType: 'instance', Tags: [{Key, Value: 'x'}]}],
          }),
        ),
      )
    for (const key of ['cost centre', 'team/owner', '_index', '..']) {
      await expect(withTag(key, 'enabled')).rejects.toMatchObject({name: 'InvalidParameterValue', message: expect.stringContaining(`'${key}'`)})
    }

    await expect(withTag('hactl:role', 'enabled')).resolves.toBeDefined()
    const reservation = await withTag('team/owner', 'disabled')
    const id = reservation.Instances?.[0].InstanceId
    await expect(sandbox.ec2.send(new ModifyInstanceMetadataOptionsCommand({InstanceId: id, InstanceMetadataTags: 'enabled'}))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    })
  })
})

describe('sandbox seed: a simulated boot', () => {
  it('registers with SSM, reports its boot and then a heartbeat every minute', async () => {
    const sandbox = manualSandbox()
    const id = await launchSeed(sandbox)
    const launchedAt = sandbox.clock.now()
    sandbox.clock.advance(DURATIONS.instancePending + DURATIONS.ssmRegistration - 1000)
    expect(await pingStatus(sandbox.ssm, id)).toBeUndefined()
    sandbox.clock.advance(1000)
    const {InstanceInformationList} = await sandbox.ssm.send(new DescribeInstanceInformationCommand({InstanceInformationFilterList: [{key: 'InstanceIds', valueSet: [id]}]}))
    expect(InstanceInformationList?.[0]).toMatchObject({
      InstanceId: id,
      PingStatus: 'Online',
      PlatformType: 'Linux',
      PlatformName: 'Amazon Linux',
      ResourceType: 'EC2Instance',
      AgentVersion: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/),
      IamRole: `hactl-${SITE}-instance`,
    })
    expect(await parameterJson(sandbox.ssm, bootResultParameterName(SITE))).toBeUndefined()

    const bootAt = launchedAt + DURATIONS.instancePending + DURATIONS.seedBoot
    sandbox.clock.advance(bootAt - sandbox.clock.now())
    const boot = await parameterJson(sandbox.ssm, bootResultParameterName(SITE))
    expect(boot).toMatchObject({status: 'ok', reason: '', version: 'wordpress-6.8.2'})
    expect(String(boot?.log)).toMatch(/hactl-boot: ok: wordpress-6\.8\.2$/)
    expect(await parameterJson(sandbox.ssm, cronHeartbeatParameterName(SITE))).toBeUndefined()

    // The first run is on the next whole minute; the heartbeat lands when it ends.
    const firstRun = (Math.floor(bootAt / 60_000) + 1) * 60_000
    sandbox.clock.advance(firstRun + DURATIONS.seedCronRun - sandbox.clock.now())
    expect(await parameterJson(sandbox.ssm, cronHeartbeatParameterName(SITE))).toEqual({
      at: new Date(firstRun + DURATIONS.seedCronRun).toISOString().replace('.000Z', 'Z'),
      exit: 0,
      seconds: 2,
    })
    sandbox.clock.advance(3 * 60_000 + 30_000)
    const {Parameter} = await sandbox.ssm.send(new GetParameterCommand({Name: cronHeartbeatParameterName(SITE)}))
    expect(Parameter?.LastModifiedDate?.getTime()).toBe(firstRun + 3 * 60_000 + DURATIONS.seedCronRun)

    // Terminated: the agent loses its connection and cron stops.
    await sandbox.ec2.send(new TerminateInstancesCommand({InstanceIds: [id]}))
    sandbox.clock.advance(10 * 60_000)
    expect(await pingStatus(sandbox.ssm, id)).toBe('ConnectionLost')
    const after = await sandbox.ssm.send(new GetParameterCommand({Name: cronHeartbeatParameterName(SITE)}))
    expect(after.Parameter?.Version).toBe(Parameter?.Version)
  })

  it('reports a failed boot with the reason and the log tail under the boot-failed fault, and runs no cron', async () => {
    const sandbox = manualSandbox({faults: ['boot-failed:ec2:RunInstances']})
    await launchSeed(sandbox)
    sandbox.clock.advance(DURATIONS.instancePending + DURATIONS.seedBoot + 5 * 60_000)
    const boot = await parameterJson(sandbox.ssm, bootResultParameterName(SITE))
    expect(boot).toMatchObject({status: 'failed', reason: expect.stringMatching(/^installing packages .*\(exit 1\)$/)})
    expect(String(boot?.log).split('\n').at(-1)).toMatch(/^hactl-boot: FAILED during: installing packages/)
    expect(await parameterJson(sandbox.ssm, cronHeartbeatParameterName(SITE))).toBeUndefined()
  })

  it.each([
    ['missing', async () => undefined, /404/],
    ['not the one the user data pins', async (sandbox: Sandbox) => {
      await putSeedFiles(sandbox.handle, BOOT_OPTIONS)
      const key = seedPayloadObject(BOOT_OPTIONS).key
      await clientOn(sandbox.handle, S3Client, 's3').send(new PutObjectCommand({Body: gzipSync('#!/bin/bash\necho altered\n'), Bucket: sandboxStorageBucket(REGION), Key: key}))
    }, /checksum did NOT match/],
  ] as const)('fails the boot fetching its files when the payload is %s, and runs no cron', async (_what, prepare, error) => {
    const sandbox = manualSandbox()
    await prepare(sandbox)
    await launchSeed(sandbox, {}, false)
    sandbox.clock.advance(DURATIONS.instancePending + DURATIONS.seedBoot + 5 * 60_000)
    const boot = await parameterJson(sandbox.ssm, bootResultParameterName(SITE))
    expect(boot).toMatchObject({status: 'failed', reason: "fetch the seed's files (exit 1)"})
    const log = String(boot?.log).split('\n')
    expect(log.at(-1)).toBe("hactl-boot: FAILED during: fetch the seed's files (exit 1)")
    expect(log.at(-2)).toMatch(error)
    expect(await parameterJson(sandbox.ssm, cronHeartbeatParameterName(SITE))).toBeUndefined()
  })

  it('boots nothing for an instance that is not a seed, and registers none without an instance profile', async () => {
    const sandbox = manualSandbox()
    const web = await launchSeed(sandbox, {ClientToken: undefined, TagSpecifications: [{ResourceType: 'instance', Tags: [{Key: 'hactl:site', Value: SITE}]}]})
    const bare = await launchSeed(sandbox, {ClientToken: undefined, IamInstanceProfile: undefined})
    sandbox.clock.advance(DURATIONS.instancePending + DURATIONS.seedBoot + 60_000)
    expect(await pingStatus(sandbox.ssm, web)).toBe('Online')
    expect(await pingStatus(sandbox.ssm, bare)).toBeUndefined()
    expect(await parameterJson(sandbox.ssm, bootResultParameterName(SITE))).toBeUndefined()
  })

  it('fills in the new SSM collections of an older state file', async () => {
    const sandbox = manualSandbox()
    await sandbox.ssm.send(new PutParameterCommand({Name: '/x', Value: 'y', Type: 'String'}))
    const file = path.join(sandbox.stateDir, 'sandbox.json')
    const state = JSON.parse(fs.readFileSync(file, 'utf8')) as {regions: Record<string, {ssm: Record<string, unknown>}>}
    // As a state file written before Run Command existed: parameters only.
    state.regions[REGION].ssm = {parameters: state.regions[REGION].ssm.parameters}
    fs.writeFileSync(file, JSON.stringify(state))
    const again = manualSandbox({stateDir: sandbox.stateDir})
    await expect(again.ssm.send(new ListCommandsCommand({}))).resolves.toMatchObject({Commands: []})
    expect((await again.ssm.send(new GetParameterCommand({Name: '/x'}))).Parameter?.Value).toBe('y')
  })
})

async function run(sandbox: Sandbox, instanceId: string, commands: string[], executionTimeout?: string) {
  const {Command} = await sandbox.ssm.send(
    new SendCommandCommand({
      DocumentName: 'AWS-RunShellScript',
      InstanceIds: [instanceId],
      Parameters: {commands, ...(executionTimeout === undefined ? {} : {executionTimeout: [executionTimeout]})},
      Comment: 'hactl seed exec',
    }),
  )
  return Command?.CommandId ?? ''
}

async function invocation(sandbox: Sandbox, commandId: string, instanceId: string) {
  return sandbox.ssm.send(new GetCommandInvocationCommand({CommandId: commandId, InstanceId: instanceId}))
}

/** Sends, lets it finish on the simulated clock, and returns the invocation. */
async function finished(sandbox: Sandbox, instanceId: string, commands: string[], executionTimeout?: string) {
  const commandId = await run(sandbox, instanceId, commands, executionTimeout)
  sandbox.clock.advance(DURATIONS.ssmCommandDelivery + DURATIONS.ssmCommandRun)
  return invocation(sandbox, commandId, instanceId)
}

describe('sandbox SSM Run Command', () => {
  it('goes InvocationDoesNotExist → Pending → InProgress → Success on the simulated clock', async () => {
    const sandbox = manualSandbox()
    const id = await onlineSeed(sandbox)
    const commandId = await run(sandbox, id, ['echo hi'])
    expect(commandId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    await expect(invocation(sandbox, commandId, id)).rejects.toMatchObject({name: 'InvocationDoesNotExist'})
    sandbox.clock.advance(DURATIONS.ssmInvocationVisible)
    expect(await invocation(sandbox, commandId, id)).toMatchObject({Status: 'Pending', ResponseCode: -1, StandardOutputContent: ''})
    sandbox.clock.advance(DURATIONS.ssmCommandDelivery - DURATIONS.ssmInvocationVisible)
    expect(await invocation(sandbox, commandId, id)).toMatchObject({Status: 'InProgress', ResponseCode: -1})
    sandbox.clock.advance(DURATIONS.ssmCommandRun)
    expect(await invocation(sandbox, commandId, id)).toMatchObject({
      Status: 'Success',
      StatusDetails: 'Success',
      ResponseCode: 0,
      StandardOutputContent: 'hi\n',
      StandardErrorContent: '',
      PluginName: 'aws:runShellScript',
      ExecutionElapsedTime: 'PT1S',
    })
  })

  it('answers true, false, exit N and echo as a shell would, and says what it did not run', async () => {
    const sandbox = manualSandbox()
    const id = await onlineSeed(sandbox)
    expect(await finished(sandbox, id, ['true'])).toMatchObject({Status: 'Success', ResponseCode: 0})
    expect(await finished(sandbox, id, ['false'])).toMatchObject({Status: 'Failed', ResponseCode: 1})
    expect(await finished(sandbox, id, ['echo one', 'exit 3', 'echo never'])).toMatchObject({Status: 'Failed', ResponseCode: 3, StandardOutputContent: 'one\n'})
    expect(await finished(sandbox, id, ["false || echo 'it failed'; true && echo \"and then\""])).toMatchObject({
      ResponseCode: 0,
      StandardOutputContent: 'it failed\nand then\n',
    })
    const other = await finished(sandbox, id, ['php admin/cli/upgrade.php --non-interactive', 'cat /etc/hostname | wc -c'])
    expect(other).toMatchObject({Status: 'Success', ResponseCode: 0, StandardOutputContent: ''})
    expect(other.StandardErrorContent).toBe(
      'hactl sandbox: not run (the sandbox never runs shell commands): php admin/cli/upgrade.php --non-interactive\n' +
        'hactl sandbox: not run (the sandbox never runs shell commands): cat /etc/hostname | wc -c\n',
    )
  })

  it('keeps the first 24,000 characters of stdout and 8,000 of stderr', async () => {
    const sandbox = manualSandbox()
    const id = await onlineSeed(sandbox)
    const long = await finished(sandbox, id, [`echo ${'x'.repeat(30_000)}`, ...Array.from({length: 200}, (_, index) => `unknown-${index}`)])
    expect(long.StandardOutputContent).toHaveLength(24_000)
    expect(long.StandardErrorContent).toHaveLength(8000)
  })

  it('times a script out when its sleeps pass executionTimeout', async () => {
    const sandbox = manualSandbox()
    const id = await onlineSeed(sandbox)
    const commandId = await run(sandbox, id, ['echo start', 'sleep 600', 'echo end'], '60')
    sandbox.clock.advance(DURATIONS.ssmCommandDelivery + DURATIONS.ssmCommandRun + 59_000)
    expect(await invocation(sandbox, commandId, id)).toMatchObject({Status: 'InProgress'})
    sandbox.clock.advance(1000)
    expect(await invocation(sandbox, commandId, id)).toMatchObject({Status: 'TimedOut', StatusDetails: 'ExecutionTimedOut', ResponseCode: -1, StandardOutputContent: 'start\n'})
  })

  it('refuses an instance that is not registered, and bad parameters', async () => {
    const sandbox = manualSandbox()
    const id = await launchSeed(sandbox)
    const send = (input: Record<string, unknown>) =>
      sandbox.ssm.send(new SendCommandCommand({DocumentName: 'AWS-RunShellScript', InstanceIds: [id], Parameters: {commands: ['true']}, ...input}))
    await expect(send({})).rejects.toMatchObject({name: 'InvalidInstanceId', message: `Instances [[${id}]] not in a valid state for account 123456789012`})
    sandbox.clock.advance(DURATIONS.instancePending + DURATIONS.ssmRegistration)
    await expect(send({Parameters: {}})).rejects.toMatchObject({name: 'InvalidParameters'})
    await expect(send({Parameters: {commands: ['true'], executionTimeout: ['0']}})).rejects.toMatchObject({name: 'InvalidParameters'})
    await expect(send({TimeoutSeconds: 10})).rejects.toMatchObject({name: 'ValidationException'})
    await expect(send({Comment: 'c'.repeat(101)})).rejects.toMatchObject({name: 'ValidationException'})
    await expect(send({InstanceIds: ['i-0123456789abcdef0']})).rejects.toMatchObject({name: 'InvalidInstanceId'})
    await expect(send({DocumentName: 'AWS-RunPowerShellScript'})).rejects.toThrow(/does not simulate SSM SendCommand with document/)
    await sandbox.ec2.send(new TerminateInstancesCommand({InstanceIds: [id]}))
    await expect(send({})).rejects.toMatchObject({name: 'InvalidInstanceId'})
  })

  it('lists invocations with details and commands, newest first', async () => {
    const sandbox = manualSandbox()
    const id = await onlineSeed(sandbox)
    const first = await run(sandbox, id, ['echo first'])
    const second = await run(sandbox, id, ['echo oops', 'no-such-program'])
    sandbox.clock.advance(DURATIONS.ssmCommandDelivery + DURATIONS.ssmCommandRun)
    const {CommandInvocations} = await sandbox.ssm.send(new ListCommandInvocationsCommand({InstanceId: id, Details: true}))
    expect(CommandInvocations?.map((entry) => entry.CommandId)).toEqual([second, first])
    expect(CommandInvocations?.[0].CommandPlugins?.[0]).toMatchObject({
      Name: 'aws:runShellScript',
      Status: 'Success',
      ResponseCode: 0,
      Output: 'oops\n\n----------ERROR-------\nhactl sandbox: not run (the sandbox never runs shell commands): no-such-program\n',
    })
    const {Commands} = await sandbox.ssm.send(new ListCommandsCommand({CommandId: first}))
    expect(Commands).toEqual([expect.objectContaining({CommandId: first, Status: 'Success', TargetCount: 1, CompletedCount: 1, ErrorCount: 0, Comment: 'hactl seed exec'})])
    await expect(sandbox.ssm.send(new ListCommandsCommand({CommandId: '00000000-0000-4000-a000-000000000000'}))).rejects.toMatchObject({name: 'InvalidCommandId'})
  })

  it('counts every command sent to the seed as a change to its code', async () => {
    const sandbox = manualSandbox()
    const id = await onlineSeed(sandbox)
    expect(await parameterJson(sandbox.ssm, SEED_PARAMETERS.changes(SITE))).toBeUndefined()
    await run(sandbox, id, ['true'])
    const commandId = await run(sandbox, id, ['echo read-only, but the sandbox cannot tell'])
    expect(await parameterJson(sandbox.ssm, SEED_PARAMETERS.changes(SITE))).toMatchObject({count: 2, instanceId: id, commandId})
  })
})

describe('sandbox seed: the staging runner', () => {
  const marker = async (sandbox: Sandbox, id: string) => {
    const commandId = await run(sandbox, id, [`${STAGING_RUNNER} --marker`])
    sandbox.clock.advance(DURATIONS.ssmCommandDelivery + DURATIONS.ssmCommandRun + 2000)
    const result = await invocation(sandbox, commandId, id)
    return {status: result.Status, marker: JSON.parse(result.StandardOutputContent || 'null') as ChangeMarker | null}
  }

  it('is at the path the product installs', () => {
    expect(STAGING_RUNNER_PATH).toBe(STAGING_RUNNER)
  })

  it('prints a marker that only a change to the seed moves (running the runner is not one)', async () => {
    const sandbox = manualSandbox()
    const id = await onlineSeed(sandbox)
    sandbox.clock.advance(DURATIONS.seedBoot)
    const first = await marker(sandbox, id)
    expect(first.status).toBe('Success')
    expect(first.marker?.value).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect((await marker(sandbox, id)).marker).toEqual(first.marker)
    await run(sandbox, id, ['echo a plugin update'])
    const after = await marker(sandbox, id)
    expect(after.marker?.value).not.toBe(first.marker?.value)
    expect(after.marker?.plugins).toBe(first.marker?.plugins)
  })

  it('is not there before the boot has reported', async () => {
    const sandbox = manualSandbox()
    const id = await onlineSeed(sandbox)
    expect(await marker(sandbox, id)).toEqual({status: 'Failed', marker: null})
  })
})

describe('sandbox seed: the staging suite', () => {
  /** Sends the runner, lets the run end and its records land, and returns the invocation. */
  const suite = async (sandbox: Sandbox, id: string, args: string) => {
    const commandId = await run(sandbox, id, [`${STAGING_RUNNER} ${args}`.trim()])
    sandbox.clock.advance(DURATIONS.ssmCommandDelivery + DURATIONS.ssmCommandRun + 60_000)
    return invocation(sandbox, commandId, id)
  }
  const bootedSeed = async (sandbox: Sandbox) => {
    const id = await onlineSeed(sandbox)
    sandbox.clock.advance(DURATIONS.seedBoot)
    return id
  }
  // The seed's user data is the product's: its runner's check list is the product's too.
  const CHECKS = runnerChecks(profileFor('wordpress'), stagingConfig('wordpress').staging).map((check) => check.id)

  it('reports the checks the seed\'s own runner has, in the shape record.ts reads, and records it when it ends', async () => {
    const sandbox = manualSandbox()
    const id = await bootedSeed(sandbox)
    const result = await suite(sandbox, id, '--trigger manual')
    expect(result).toMatchObject({Status: 'Success', ResponseCode: RUNNER_EXIT.pass})
    const report = parseStagingReport(result.StandardOutputContent ?? '') as StagingReport
    expect(report).toMatchObject({version: REPORT_VERSION, site: SITE, app: 'wordpress', instance: id, trigger: 'manual', selection: 'all', result: 'pass'})
    expect(report.checks.map((check) => check.id)).toEqual(CHECKS)
    expect(Object.keys(report)).toEqual(['version', 'runId', 'site', 'app', 'instance', 'trigger', 'started', 'finished', 'marker', 'selection', 'checks', 'result'])
    expect(Object.keys(report.marker).sort()).toEqual(['appVersion', 'code', 'codeSchema', 'php', 'plugins', 'value'])
    expect(result.StandardErrorContent).toContain('hactl-staging: http-home pass')
    const last = await parameterJson(sandbox.ssm, lastRunParameterName(SITE))
    expect(last).toMatchObject({runId: report.runId, result: 'pass'})
    expect(await parameterJson(sandbox.ssm, lastPassParameterName(SITE))).toMatchObject({runId: report.runId})
    expect(SANDBOX_REPORT_VERSION).toBe(REPORT_VERSION)
  })

  it('selects with --only/--skip (a partial pass is not the last pass), refuses an unknown id, and skips recording with --no-record', async () => {
    const sandbox = manualSandbox()
    const id = await bootedSeed(sandbox)
    const partial = await suite(sandbox, id, '--only http-home,db-connect')
    expect((parseStagingReport(partial.StandardOutputContent ?? '') as StagingReport).selection).toBe('partial')
    expect(await parameterJson(sandbox.ssm, lastPassParameterName(SITE))).toBeUndefined()
    const bad = await suite(sandbox, id, '--skip nope')
    expect(bad).toMatchObject({ResponseCode: RUNNER_EXIT.usage, StandardOutputContent: ''})
    expect(bad.StandardErrorContent).toContain('no check nope')
    const before = await parameterJson(sandbox.ssm, lastRunParameterName(SITE))
    await suite(sandbox, id, '--no-record')
    expect(await parameterJson(sandbox.ssm, lastRunParameterName(SITE))).toEqual(before)
  })

  it('fails the first selected check under the check-failed fault (exit 1), and a scheduled run on a frozen site records a skip', async () => {
    const sandbox = manualSandbox({faults: ['check-failed:ssm:SendCommand*1']})
    const id = await bootedSeed(sandbox)
    const failed = await suite(sandbox, id, '--only db-connect,http-home')
    expect(failed.ResponseCode).toBe(RUNNER_EXIT.fail)
    const report = parseStagingReport(failed.StandardOutputContent ?? '') as StagingReport
    expect(report.checks.filter((check) => check.status === 'fail').map((check) => check.id)).toEqual(['http-home'])
    expect(await parameterJson(sandbox.ssm, lastRunParameterName(SITE))).toMatchObject({result: 'fail', checks: expect.arrayContaining([expect.objectContaining({id: 'http-home', message: expect.stringContaining('sandbox fault')})])})

    await sandbox.ssm.send(new PutParameterCommand({Name: `/hactl/${SITE}/lock`, Type: 'String', Value: JSON.stringify({holder: 'me', kind: 'manual', message: 'exams', operation: 'deploy freeze: exams', since: 'x', token: 't'})}))
    const skipped = await suite(sandbox, id, '--trigger schedule')
    expect(skipped.ResponseCode).toBe(0)
    expect(await parameterJson(sandbox.ssm, lastRunParameterName(SITE))).toMatchObject({result: 'skip', skipped: 'frozen', trigger: 'schedule', checks: []})
  })
})

describe('sandbox seed: gzipped user data', () => {
  it('is what hactl sends (the script gzipped), and the boot reads its version through the gzip', () => {
    expect(Buffer.from(USER_DATA, 'base64').subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]))
  })
})
