/**
 * The seed's launch and its Run Command calls, at the SDK: what hactl asks
 * EC2 and SSM for (aws-sdk-client-mock), on a manual clock.
 */
import {createHash} from 'node:crypto'
import {gunzipSync} from 'node:zlib'

import {
  DescribeImagesCommand,
  DescribeInstancesCommand,
  type DescribeInstancesCommandInput,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
  type Instance,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2'
import {CreateStorageLocationCommand, DescribeEnvironmentsCommand, DescribePlatformVersionCommand, ElasticBeanstalkClient} from '@aws-sdk/client-elastic-beanstalk'
import {DeleteObjectCommand, HeadObjectCommand, ListObjectsV2Command, NotFound, PutObjectCommand, S3Client} from '@aws-sdk/client-s3'
import {
  DeleteParameterCommand,
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  GetParameterCommand,
  ParameterNotFound,
  PutParameterCommand,
  SendCommandCommand,
  SSMClient,
} from '@aws-sdk/client-ssm'
import {mockClient, type AwsClientStub} from 'aws-sdk-client-mock'

import {createEbApi} from '../../../src/aws/eb'
import {createEc2Api} from '../../../src/aws/ec2'
import {createS3Api} from '../../../src/aws/s3'
import {createSsmApi} from '../../../src/aws/ssm'
import {ManualClock} from '../../../src/core/clock'
import {Deadline} from '../../../src/core/deadline'
import {ExitCode} from '../../../src/core/exit-codes'
import {HactlError} from '../../../src/core/errors'
import {RecordingReporter} from '../../../src/core/progress'
import {createSeed} from '../../../src/seed/create'
import {commandLine, execOnSeed} from '../../../src/seed/exec'
import {architectureOf} from '../../../src/seed/launch'
import {testConfig} from '../../_helpers/config'

const SEED_ID = 'i-0123456789abcdef0'
const BOOT_OK = JSON.stringify({at: '2026-01-01T00:05:00Z', log: '', reason: '', status: 'ok', version: 'wordpress-6.7.1'})

function notFound(name: string): ParameterNotFound {
  return new ParameterNotFound({$metadata: {}, message: `Parameter ${name} not found.`})
}

describe('seed create and exec at the SDK', () => {
  let ec2: AwsClientStub<EC2Client>
  let ssm: AwsClientStub<SSMClient>
  let eb: AwsClientStub<ElasticBeanstalkClient>
  let s3: AwsClientStub<S3Client>
  /** Keys in EB's storage bucket. */
  let objects: Set<string>
  let clock: ManualClock
  let reporter: RecordingReporter
  /** The seed EC2 "has": none until RunInstances. */
  let launched: Instance | undefined
  let parameters: Map<string, string>

  beforeEach(() => {
    ec2 = mockClient(EC2Client)
    ssm = mockClient(SSMClient)
    eb = mockClient(ElasticBeanstalkClient)
    s3 = mockClient(S3Client)
    objects = new Set()
    eb.on(CreateStorageLocationCommand).resolves({S3Bucket: 'elasticbeanstalk-eu-west-1-123456789012'})
    s3.on(HeadObjectCommand).callsFake((input: {Key: string}) => {
      if (!objects.has(input.Key)) throw new NotFound({$metadata: {}, message: 'Not Found'})
      return {}
    })
    s3.on(PutObjectCommand).callsFake((input: {Key: string}) => {
      objects.add(input.Key)
      return {}
    })
    s3.on(ListObjectsV2Command).callsFake((input: {Prefix: string}) => ({Contents: [...objects].filter((key) => key.startsWith(input.Prefix)).map((Key) => ({Key}))}))
    s3.on(DeleteObjectCommand).callsFake((input: {Key: string}) => {
      objects.delete(input.Key)
      return {}
    })
    clock = new ManualClock(Date.UTC(2026, 0, 1))
    reporter = new RecordingReporter()
    launched = undefined
    parameters = new Map([['/hactl/demo/seed/boot', BOOT_OK]])

    ec2.on(DescribeVpcsCommand).resolves({Vpcs: [{IsDefault: true, VpcId: 'vpc-1'}]})
    ec2.on(DescribeSubnetsCommand).resolves({
      Subnets: [
        {AvailabilityZone: 'eu-west-1b', DefaultForAz: true, SubnetId: 'subnet-b', VpcId: 'vpc-1'},
        {AvailabilityZone: 'eu-west-1a', DefaultForAz: true, SubnetId: 'subnet-a', VpcId: 'vpc-1'},
      ],
    })
    ec2.on(DescribeSecurityGroupsCommand).resolves({SecurityGroups: [{GroupId: 'sg-seed', GroupName: 'hactl-demo-seed', VpcId: 'vpc-1'}]})
    ec2.on(DescribeImagesCommand).resolves({Images: [{ImageId: 'ami-platform', RootDeviceName: '/dev/xvda'}]})
    ec2.on(RunInstancesCommand).callsFake((input: {ImageId: string}) => {
      launched = {ImageId: input.ImageId, InstanceId: SEED_ID, InstanceType: 't3.small', State: {Code: 0, Name: 'pending'}}
      return {Instances: [launched]}
    })
    ec2.on(DescribeInstancesCommand).callsFake((input: DescribeInstancesCommandInput) => {
      const running = launched && {...launched, State: {Code: 16, Name: 'running' as const}}
      // By tag (findSeeds) or by id (the waiter, the final read): the one seed, once launched.
      const wanted = input.InstanceIds ? input.InstanceIds.includes(SEED_ID) : true
      return {Reservations: running && wanted ? [{Instances: [running]}] : []}
    })
    ec2.on(TerminateInstancesCommand).callsFake(() => {
      // Terminated at once, and (as EC2 does after a while) no longer listed.
      launched = undefined
      return {}
    })

    eb.on(DescribeEnvironmentsCommand).resolves({Environments: [{EnvironmentName: 'hactl-demo', PlatformArn: 'arn:aws:elasticbeanstalk:eu-west-1::platform/PHP 8.3 running on 64bit Amazon Linux 2023/4.5.0', Status: 'Ready'}]})
    eb.on(DescribePlatformVersionCommand).resolves({
      PlatformDescription: {CustomAmiList: [{ImageId: 'ami-arm', VirtualizationType: 'arm64'}, {ImageId: 'ami-platform', VirtualizationType: 'hvm'}]},
    })

    ssm.on(GetParameterCommand).callsFake((input: {Name: string}) => {
      const value = parameters.get(input.Name)
      if (value === undefined) throw notFound(input.Name)
      return {Parameter: {Name: input.Name, Value: value, Version: 1}}
    })
    ssm.on(DeleteParameterCommand).callsFake((input: {Name: string}) => {
      // The boot result of an earlier seed is cleared before a launch; this test's boot then "reports".
      if (input.Name === '/hactl/demo/seed/boot') return {}
      parameters.delete(input.Name)
      return {}
    })
    ssm.on(PutParameterCommand).callsFake((input: {Name: string; Value: string}) => {
      parameters.set(input.Name, input.Value)
      return {Version: 2}
    })
    ssm.on(DescribeInstanceInformationCommand).resolves({InstanceInformationList: [{InstanceId: SEED_ID, PingStatus: 'Online'}]})
  })

  afterEach(() => {
    ec2.restore()
    ssm.restore()
    eb.restore()
    s3.restore()
  })

  function clients() {
    const context = {clock, reporter}
    return {
      clock,
      eb: async () => createEbApi(new ElasticBeanstalkClient({region: 'eu-west-1'}), context),
      ec2: async () => createEc2Api(new EC2Client({region: 'eu-west-1'}), context),
      s3: async () => createS3Api(new S3Client({region: 'eu-west-1'}), context),
      ssm: async () => createSsmApi(new SSMClient({region: 'eu-west-1'}), context),
    }
  }

  const config = testConfig({seed: {instanceType: 't3.small'}})
  const run = (overrides: {tags?: Record<string, string>} = {}) =>
    createSeed({clients: clients(), config: {...config, ...overrides}, deadline: Deadline.after(clock, 30 * 60_000), reporter})

  it('launches one instance as the invariants say: tags, IMDSv2 with instance tags, encrypted gp3 root, seed SG, profile, client token, user data', async () => {
    const result = await run()
    expect(result).toMatchObject({agent: 'Online', boot: {status: 'ok', version: 'wordpress-6.7.1'}, imageId: 'ami-platform', imageSource: 'platform', instanceId: SEED_ID, launched: true})

    const calls = ec2.commandCalls(RunInstancesCommand)
    expect(calls).toHaveLength(1)
    const input = calls[0].args[0].input
    expect(input).toMatchObject({
      BlockDeviceMappings: [{DeviceName: '/dev/xvda', Ebs: {DeleteOnTermination: true, Encrypted: true, VolumeType: 'gp3'}}],
      ClientToken: 'hactl-demo-seed-g1',
      IamInstanceProfile: {Name: 'hactl-demo-eu-west-1-instance'},
      ImageId: 'ami-platform',
      InstanceType: 't3.small',
      MaxCount: 1,
      MetadataOptions: {HttpTokens: 'required', InstanceMetadataTags: 'enabled'},
      MinCount: 1,
      SecurityGroupIds: ['sg-seed'],
      SubnetId: 'subnet-a',
    })
    const tags = Object.fromEntries((input.TagSpecifications?.[0].Tags ?? []).map((tag) => [tag.Key, tag.Value]))
    expect(input.TagSpecifications?.map((spec) => spec.ResourceType)).toEqual(['instance', 'volume'])
    expect(tags).toMatchObject({'hactl:role': 'seed', 'hactl:site': 'demo', Name: 'hactl-demo-seed'})
    const script = gunzipSync(Buffer.from(input.UserData ?? '', 'base64')).toString('utf8')
    expect(script).toMatch(/^#!\/bin\/bash\n# hactl seed boot for site demo \(wordpress\)/)
    // Its files went to EB's bucket first, gzipped, at the key the user data names, with the hash it pins.
    const [put] = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input)
    expect(put).toMatchObject({Bucket: 'elasticbeanstalk-eu-west-1-123456789012', ContentType: 'application/gzip', Key: expect.stringMatching(/^hactl\/demo\/seed\/files-[0-9a-f]{16}\.sh\.gz$/)})
    expect(script).toContain(`readonly FILES_URL=s3://elasticbeanstalk-eu-west-1-123456789012/${put.Key}`)
    expect(script).toContain(`readonly FILES_SHA256='${createHash('sha256').update(put.Body as Uint8Array).digest('hex')}'`)
    expect(gunzipSync(put.Body as Uint8Array).toString('utf8')).toContain('wp-cron.php')
    // The platform version's hvm image for an x86 type: DescribeEnvironments → PlatformArn → DescribePlatformVersion.
    expect(eb.commandCalls(DescribePlatformVersionCommand)[0].args[0].input.PlatformArn).toContain('Amazon Linux 2023/4.5.0')
  })

  it('uploads the files once: a second launch with the same files finds them at their content-addressed key', async () => {
    await run()
    launched = undefined
    await run()
    expect(ec2.commandCalls(RunInstancesCommand)).toHaveLength(2)
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1)
    expect(reporter.events).toContainEqual(expect.objectContaining({id: 'seed/files', state: 'skip'}))
  })

  it('removes the payload an earlier seed booted from when it uploads another', async () => {
    objects.add('hactl/demo/seed/files-0123456789abcdef.sh.gz')
    objects.add('hactl/other/seed/files-0123456789abcdef.sh.gz')
    await run()
    const [put] = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input)
    expect([...objects].sort()).toEqual([put.Key, 'hactl/other/seed/files-0123456789abcdef.sh.gz'].sort())
    expect(s3.commandCalls(DeleteObjectCommand).map((call) => call.args[0].input.Key)).toEqual(['hactl/demo/seed/files-0123456789abcdef.sh.gz'])
  })

  it('a re-run finds the seed by its tags and launches nothing', async () => {
    await run()
    const again = await run()
    expect(again).toMatchObject({instanceId: SEED_ID, launched: false})
    expect(ec2.commandCalls(RunInstancesCommand)).toHaveLength(1)
    const lookup = ec2.commandCalls(DescribeInstancesCommand)[0].args[0].input
    expect(lookup.Filters).toEqual(
      expect.arrayContaining([
        {Name: 'tag:hactl:role', Values: ['seed']},
        {Name: 'tag:hactl:site', Values: ['demo']},
        {Name: 'instance-state-name', Values: ['pending', 'running']},
      ]),
    )
  })

  it('launches from the live bake when /hactl/<site>/live-image names one, and takes the next generation\'s token after a destroy', async () => {
    parameters.set('/hactl/demo/live-image', 'ami-bake')
    parameters.set('/hactl/demo/seed/generation', '3')
    const result = await run()
    expect(result).toMatchObject({imageSource: 'live-bake'})
    expect(ec2.commandCalls(RunInstancesCommand)[0].args[0].input).toMatchObject({ClientToken: 'hactl-demo-seed-g3', ImageId: 'ami-bake'})
    expect(eb.commandCalls(DescribePlatformVersionCommand)).toHaveLength(0)
  })

  it('refuses a secret in the tags before anything is launched', async () => {
    expect.assertions(3)
    await run({tags: {'db-password': 'hunter2hunter2'}}).catch((error: unknown) => {
      expect(HactlError.isHactlError(error) && error.code).toBe('secret-in-seed')
      expect(String(error)).not.toContain('hunter2')
    })
    expect(ec2.commandCalls(RunInstancesCommand)).toHaveLength(0)
  })

  it('a failed boot: the log tail in the error, the instance terminated, the next generation taken', async () => {
    parameters.set('/hactl/demo/seed/boot', JSON.stringify({at: '', log: 'installing packages\nhactl-boot: FAILED during: packages (exit 1)', reason: 'packages (exit 1)', status: 'failed', version: ''}))
    expect.assertions(4)
    await run().catch((error: unknown) => {
      expect(HactlError.isHactlError(error) && error.exitCode).toBe(ExitCode.Failure)
      expect(String((error as Error).message)).toContain('FAILED during: packages')
    })
    expect(ec2.commandCalls(TerminateInstancesCommand)[0].args[0].input.InstanceIds).toEqual([SEED_ID])
    expect(parameters.get('/hactl/demo/seed/generation')).toBe('2')
  })

  it('exec sends AWS-RunShellScript to the seed\'s id only, passes the output on, and returns its exit code', async () => {
    await run()
    ssm.on(SendCommandCommand).resolves({Command: {CommandId: 'cmd-1'}})
    ssm
      .on(GetCommandInvocationCommand)
      .resolvesOnce({ResponseCode: -1, StandardOutputContent: 'one\n', Status: 'InProgress'})
      .resolves({ResponseCode: 3, StandardErrorContent: 'bad\n', StandardOutputContent: 'one\ntwo\n', Status: 'Failed'})
    const output: string[] = []
    const result = await execOnSeed({
      argv: ['ls', '-l', '/opt/hactl/app dir'],
      clients: clients(),
      deadline: Deadline.after(clock, 10 * 60_000),
      onOutput: (stream, text) => output.push(`${stream}:${text}`),
      reporter,
      site: 'demo',
    })
    expect(result).toMatchObject({commandId: 'cmd-1', exitCode: 3, instanceId: SEED_ID, status: 'Failed', truncated: {stderr: false, stdout: false}})
    expect(output).toEqual(['stdout:one\n', 'stdout:two\n', 'stderr:bad\n'])
    const sent = ssm.commandCalls(SendCommandCommand)[0].args[0].input
    expect(sent).toMatchObject({DocumentName: 'AWS-RunShellScript', InstanceIds: [SEED_ID], Parameters: {commands: ["ls -l '/opt/hactl/app dir'"]}})
    expect(sent.Targets).toBeUndefined()
  })

  it('exec says when SSM cut the output at 24,000 characters', async () => {
    await run()
    ssm.on(SendCommandCommand).resolves({Command: {CommandId: 'cmd-2'}})
    ssm.on(GetCommandInvocationCommand).resolves({ResponseCode: 0, StandardOutputContent: 'x'.repeat(24_000), Status: 'Success'})
    const result = await execOnSeed({argv: ['cat big.log'], clients: clients(), deadline: Deadline.after(clock, 60_000), reporter, site: 'demo'})
    expect(result.truncated.stdout).toBe(true)
    expect(reporter.ofType('warning').map((w) => w.message).join('\n')).toContain('first 24,000 characters')
  })
})

describe('small rules', () => {
  it('tells the architecture from the instance type', () => {
    expect(['t3.small', 'm5.large', 'c7i.xlarge', 'g5.xlarge'].map(architectureOf)).toEqual(['x86_64', 'x86_64', 'x86_64', 'x86_64'])
    expect(['t4g.small', 'm7g.large', 'c6gn.xlarge', 'a1.medium', 'r8g.2xlarge'].map(architectureOf)).toEqual(['arm64', 'arm64', 'arm64', 'arm64', 'arm64'])
  })

  it('runs one word as a script and quotes several', () => {
    expect(commandLine(['echo hi | wc -c'])).toBe('echo hi | wc -c')
    expect(commandLine(['echo', 'hi there'])).toBe("echo 'hi there'")
  })
})
