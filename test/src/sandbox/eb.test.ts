import * as fs from 'node:fs'
import * as path from 'node:path'

import {
  CreateSecurityGroupCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  type EC2Client,
  type Instance,
} from '@aws-sdk/client-ec2'
import * as EB from '@aws-sdk/client-elastic-beanstalk'
import {AddRoleToInstanceProfileCommand, CreateInstanceProfileCommand, CreateRoleCommand, IAMClient} from '@aws-sdk/client-iam'

import {STATE_FILE} from '../../../src/sandbox'
import {DURATIONS} from '../../../src/sandbox/durations'
import type {S3ObjectRecord, S3State} from '../../../src/sandbox/services/s3-model'
import type {SandboxState} from '../../../src/sandbox/types'
import {clientOn, REGION, manualSandbox, removeTempStateDirs} from './clients'

const ACCOUNT = '123456789012'
const BUCKET = `elasticbeanstalk-${REGION}-${ACCOUNT}`
const PHP83 = 'PHP 8.3 running on 64bit Amazon Linux 2023'
const PHP83_ARN = `arn:aws:elasticbeanstalk:${REGION}::platform/${PHP83}/4.7.1`

afterAll(removeTempStateDirs)

function ebClient(sandbox: ReturnType<typeof manualSandbox>, attempts = 1): EB.ElasticBeanstalkClient {
  return clientOn(sandbox.handle, EB.ElasticBeanstalkClient, 'elasticbeanstalk', {attempts})
}

function iamClient(sandbox: ReturnType<typeof manualSandbox>): IAMClient {
  const client = new IAMClient({region: REGION, credentials: {accessKeyId: 'x', secretAccessKey: 'y'}})
  client.middlewareStack.use(sandbox.handle.plugin('iam'))
  return client
}

function trust(service: string): string {
  return JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {Service: service}, Action: 'sts:AssumeRole'}]})
}

/** The instance profile `demo-web` (with its role) and the service role `demo-eb`, as hactl makes them before the environment. */
async function createRoles(sandbox: ReturnType<typeof manualSandbox>): Promise<void> {
  const iam = iamClient(sandbox)
  await iam.send(new CreateRoleCommand({RoleName: 'demo-web', AssumeRolePolicyDocument: trust('ec2.amazonaws.com')}))
  await iam.send(new CreateInstanceProfileCommand({InstanceProfileName: 'demo-web'}))
  await iam.send(new AddRoleToInstanceProfileCommand({InstanceProfileName: 'demo-web', RoleName: 'demo-web'}))
  await iam.send(new CreateRoleCommand({RoleName: 'demo-eb', AssumeRolePolicyDocument: trust('elasticbeanstalk.amazonaws.com')}))
}

/** Puts a source bundle straight into the sandbox's S3 state, so these tests need no S3 simulation. */
function putBundle(stateDir: string, bucket: string, key: string): void {
  const file = path.join(stateDir, STATE_FILE)
  const state = JSON.parse(fs.readFileSync(file, 'utf8')) as SandboxState
  const region = (state.regions[REGION] ??= {})
  const s3: S3State = (region.s3 ??= {buckets: {}})
  s3.buckets[bucket] ??= {name: bucket, createdAt: 0, objects: {}}
  const object: S3ObjectRecord = {key, size: 22, etag: '"0f343b0931126a20f133d67c2b018a3b"', body: 'UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==', serverSideEncryption: 'AES256', lastModified: 0}
  s3.buckets[bucket].objects[key] = object
  fs.writeFileSync(file, JSON.stringify(state))
}

interface World {
  readonly sandbox: ReturnType<typeof manualSandbox>
  readonly eb: EB.ElasticBeanstalkClient
  readonly ec2: EC2Client
}

/** A sandbox with the storage bucket, application `demo` and its version `v1` from a bundle in S3. */
async function world(faults: string[] = []): Promise<World> {
  const sandbox = manualSandbox({faults})
  const eb = ebClient(sandbox)
  await eb.send(new EB.CreateStorageLocationCommand({}))
  putBundle(sandbox.stateDir, BUCKET, 'demo/v1.zip')
  await eb.send(new EB.CreateApplicationCommand({ApplicationName: 'demo', Tags: [{Key: 'hactl:site', Value: 'demo'}]}))
  await eb.send(new EB.CreateApplicationVersionCommand({ApplicationName: 'demo', VersionLabel: 'v1', SourceBundle: {S3Bucket: BUCKET, S3Key: 'demo/v1.zip'}}))
  return {sandbox, eb, ec2: sandbox.ec2}
}

function option(Namespace: string, OptionName: string, Value: string): EB.ConfigurationOptionSetting {
  return {Namespace, OptionName, Value}
}

const BASE_OPTIONS = [
  option('aws:elasticbeanstalk:environment', 'LoadBalancerType', 'application'),
  option('aws:elasticbeanstalk:healthreporting:system', 'SystemType', 'enhanced'),
  option('aws:autoscaling:asg', 'MinSize', '2'),
  option('aws:autoscaling:launchconfiguration', 'DisableIMDSv1', 'true'),
  option('aws:ec2:instances', 'InstanceTypes', 't3.small'),
]

function createInput(extra: Partial<EB.CreateEnvironmentCommandInput> = {}): EB.CreateEnvironmentCommandInput {
  return {
    ApplicationName: 'demo',
    EnvironmentName: 'demo-prod',
    VersionLabel: 'v1',
    PlatformArn: PHP83_ARN,
    OptionSettings: BASE_OPTIONS,
    Tags: [{Key: 'hactl:site', Value: 'demo'}, {Key: 'hactl:role', Value: 'environment'}],
    ...extra,
  }
}

async function environment(eb: EB.ElasticBeanstalkClient, name = 'demo-prod') {
  const {Environments} = await eb.send(new EB.DescribeEnvironmentsCommand({EnvironmentNames: [name]}))
  return Environments?.[0]
}

async function instancesOf(ec2: EC2Client, envName: string): Promise<Instance[]> {
  const {Reservations} = await ec2.send(
    new DescribeInstancesCommand({Filters: [{Name: 'tag:elasticbeanstalk:environment-name', Values: [envName]}]}),
  )
  return (Reservations ?? []).flatMap((reservation) => reservation.Instances ?? [])
}

function live(instances: readonly Instance[]): Instance[] {
  return instances.filter((instance) => instance.State?.Name === 'pending' || instance.State?.Name === 'running')
}

async function readyEnvironment(extra: Partial<EB.CreateEnvironmentCommandInput> = {}): Promise<World> {
  const w = await world()
  await w.eb.send(new EB.CreateEnvironmentCommand(createInput(extra)))
  w.sandbox.clock.advance(DURATIONS.ebEnvironmentLaunching)
  return w
}

describe('sandbox EB: storage, applications and versions', () => {
  it('makes the storage bucket once and returns it on every call', async () => {
    const sandbox = manualSandbox()
    const eb = ebClient(sandbox)
    expect((await eb.send(new EB.CreateStorageLocationCommand({}))).S3Bucket).toBe(BUCKET)
    expect((await eb.send(new EB.CreateStorageLocationCommand({}))).S3Bucket).toBe(BUCKET)
    const state = JSON.parse(fs.readFileSync(path.join(sandbox.stateDir, STATE_FILE), 'utf8')) as SandboxState
    expect(Object.keys(state.regions[REGION].s3?.buckets ?? {})).toEqual([BUCKET])
  })

  it('creates an application once; the second create is InvalidParameterValue', async () => {
    const {eb} = await world()
    const {Applications} = await eb.send(new EB.DescribeApplicationsCommand({ApplicationNames: ['demo']}))
    expect(Applications?.[0]).toMatchObject({
      ApplicationName: 'demo',
      ApplicationArn: `arn:aws:elasticbeanstalk:${REGION}:${ACCOUNT}:application/demo`,
      Versions: ['v1'],
    })
    await expect(eb.send(new EB.CreateApplicationCommand({ApplicationName: 'demo'}))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: 'Application demo already exists.',
      $metadata: expect.objectContaining({httpStatusCode: 400}),
    })
    expect((await eb.send(new EB.DescribeApplicationsCommand({ApplicationNames: ['nope']}))).Applications).toEqual([])
  })

  it('creates a version only from a bundle that is in S3, once per label', async () => {
    const {eb, sandbox} = await world()
    await expect(
      eb.send(new EB.CreateApplicationVersionCommand({ApplicationName: 'demo', VersionLabel: 'v2', SourceBundle: {S3Bucket: BUCKET, S3Key: 'demo/missing.zip'}})),
    ).rejects.toMatchObject({
      name: 'InvalidParameterCombination',
      message: `Unable to download from S3 location (Bucket: ${BUCKET}  Key: demo/missing.zip). Reason: Not Found`,
    })
    await expect(
      eb.send(new EB.CreateApplicationVersionCommand({ApplicationName: 'demo', VersionLabel: 'v1', SourceBundle: {S3Bucket: BUCKET, S3Key: 'demo/v1.zip'}})),
    ).rejects.toMatchObject({name: 'InvalidParameterValue', message: 'Application Version v1 already exists.'})
    await expect(eb.send(new EB.CreateApplicationVersionCommand({ApplicationName: 'other', VersionLabel: 'v1'}))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: "No Application named 'other' found.",
    })

    sandbox.clock.advance(1000)
    putBundle(sandbox.stateDir, BUCKET, 'demo/v2.zip')
    const {ApplicationVersion} = await eb.send(
      new EB.CreateApplicationVersionCommand({ApplicationName: 'demo', VersionLabel: 'v2', SourceBundle: {S3Bucket: BUCKET, S3Key: 'demo/v2.zip'}, Tags: [{Key: 'hactl:site', Value: 'demo'}]}),
    )
    expect(ApplicationVersion).toMatchObject({
      ApplicationVersionArn: `arn:aws:elasticbeanstalk:${REGION}:${ACCOUNT}:applicationversion/demo/v2`,
      Status: 'Unprocessed',
      SourceBundle: {S3Bucket: BUCKET, S3Key: 'demo/v2.zip'},
    })
    const {ApplicationVersions} = await eb.send(new EB.DescribeApplicationVersionsCommand({ApplicationName: 'demo'}))
    expect(ApplicationVersions?.map((version) => version.VersionLabel)).toEqual(['v2', 'v1'])
    const page = await eb.send(new EB.DescribeApplicationVersionsCommand({ApplicationName: 'demo', MaxRecords: 1}))
    expect(page.ApplicationVersions).toHaveLength(1)
    const next = await eb.send(new EB.DescribeApplicationVersionsCommand({ApplicationName: 'demo', MaxRecords: 1, NextToken: page.NextToken}))
    expect(next.ApplicationVersions?.[0].VersionLabel).toBe('v1')
    expect(next.NextToken).toBeUndefined()
  })

  it('creates the application with the version when asked to', async () => {
    const {eb} = await world()
    await eb.send(new EB.CreateApplicationVersionCommand({ApplicationName: 'auto', VersionLabel: 'sample', AutoCreateApplication: true}))
    const {Applications} = await eb.send(new EB.DescribeApplicationsCommand({ApplicationNames: ['auto']}))
    expect(Applications?.[0].Versions).toEqual(['sample'])
  })
})

describe('sandbox EB: platforms', () => {
  it('lists the Ready versions of a branch, in pages', async () => {
    const eb = ebClient(manualSandbox())
    const filters = [
      {Type: 'PlatformBranchName', Operator: '=', Values: [PHP83]},
      {Type: 'PlatformStatus', Operator: '=', Values: ['Ready']},
    ]
    const {PlatformSummaryList} = await eb.send(new EB.ListPlatformVersionsCommand({Filters: filters}))
    expect(PlatformSummaryList?.map((summary) => summary.PlatformVersion)).toEqual(['4.5.2', '4.6.0', '4.7.1'])
    expect(PlatformSummaryList?.at(-1)).toMatchObject({PlatformArn: PHP83_ARN, PlatformLifecycleState: 'Recommended', PlatformStatus: 'Ready', PlatformBranchName: PHP83})
    expect(PlatformSummaryList?.[0].PlatformLifecycleState).toBe('Deprecated')

    const first = await eb.send(new EB.ListPlatformVersionsCommand({Filters: filters, MaxRecords: 2}))
    expect(first.PlatformSummaryList).toHaveLength(2)
    const second = await eb.send(new EB.ListPlatformVersionsCommand({Filters: filters, MaxRecords: 2, NextToken: first.NextToken}))
    expect(second.PlatformSummaryList?.map((summary) => summary.PlatformVersion)).toEqual(['4.7.1'])
    expect(second.NextToken).toBeUndefined()

    const deprecated = await eb.send(new EB.ListPlatformVersionsCommand({Filters: [{Type: 'PlatformLifecycleState', Operator: '=', Values: ['Deprecated']}]}))
    expect(deprecated.PlatformSummaryList?.every((summary) => summary.PlatformLifecycleState === 'Deprecated')).toBe(true)
    const none = await eb.send(new EB.ListPlatformVersionsCommand({Filters: [{Type: 'PlatformBranchName', Operator: '=', Values: ['PHP 7.4 running on 64bit Amazon Linux 2']}]}))
    expect(none.PlatformSummaryList).toEqual([])
  })

  it('describes a version with the platform AMIs the EC2 account has', async () => {
    const sandbox = manualSandbox()
    const eb = ebClient(sandbox)
    const {PlatformDescription} = await eb.send(new EB.DescribePlatformVersionCommand({PlatformArn: PHP83_ARN}))
    expect(PlatformDescription).toMatchObject({PlatformVersion: '4.7.1', SolutionStackName: '64bit Amazon Linux 2023 v4.7.1 running PHP 8.3'})
    const amis = PlatformDescription?.CustomAmiList ?? []
    expect(amis.map((ami) => ami.VirtualizationType).sort()).toEqual(['arm64', 'hvm'])
    const {Images} = await sandbox.ec2.send(new DescribeImagesCommand({ImageIds: amis.map((ami) => ami.ImageId ?? '')}))
    expect(Images?.every((image) => image.Name?.includes('-php83-'))).toBe(true)
    await expect(eb.send(new EB.DescribePlatformVersionCommand({PlatformArn: `${PHP83_ARN}9`}))).rejects.toMatchObject({name: 'InvalidParameterValue'})
  })
})

describe('sandbox EB: CreateEnvironment', () => {
  it('refuses bad names, unknown applications, versions, platforms and namespaces, and duplicates', async () => {
    const {eb} = await world()
    const cases: Array<[Partial<EB.CreateEnvironmentCommandInput>, string, RegExp]> = [
      [{EnvironmentName: 'ab'}, 'InvalidParameterValue', /^Environment name must be 4 to 40 characters/],
      [{EnvironmentName: '-demo'}, 'InvalidParameterValue', /^Environment name must be 4 to 40 characters/],
      [{ApplicationName: 'nope'}, 'InvalidParameterValue', /^No Application named 'nope' found\.$/],
      [{VersionLabel: 'v9'}, 'InvalidParameterValue', /^No Application Version named 'v9' found\.$/],
      [{PlatformArn: `arn:aws:elasticbeanstalk:${REGION}::platform/${PHP83}/9.9.9`}, 'InvalidParameterValue', /^No Platform named/],
      [
        {OptionSettings: [option('aws:elasticbeanstalk:nonsense', 'X', '1')]},
        'ConfigurationValidationException',
        /^Configuration validation exception: Invalid option specification \(Namespace: 'aws:elasticbeanstalk:nonsense', OptionName: 'X'\): Unknown configuration setting\.$/,
      ],
      [
        {OptionSettings: [option('aws:ec2:vpc', 'VPCId', 'vpc-0123456789abcdef0')]},
        'ConfigurationValidationException',
        /Specify the subnets for the VPC\.$/,
      ],
      [{OptionSettings: [option('aws:autoscaling:asg', 'MinSize', '5'), option('aws:autoscaling:asg', 'MaxSize', '2')]}, 'ConfigurationValidationException', /MinSize/],
    ]
    for (const [extra, code, message] of cases) {
      await expect(eb.send(new EB.CreateEnvironmentCommand(createInput(extra)))).rejects.toMatchObject({name: code, message: expect.stringMatching(message)})
    }

    // Nothing was created by the refused calls.
    expect((await eb.send(new EB.DescribeEnvironmentsCommand({}))).Environments).toEqual([])
    await eb.send(new EB.CreateEnvironmentCommand(createInput()))
    await expect(eb.send(new EB.CreateEnvironmentCommand(createInput()))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: 'Environment demo-prod already exists.',
    })
  })

  it('launches: Launching/Grey with AWS-shaped ids and endpoints, then Ready/Green after the launch duration', async () => {
    const {eb, sandbox} = await world()
    const created = await eb.send(new EB.CreateEnvironmentCommand(createInput()))
    expect(created).toMatchObject({Status: 'Launching', Health: 'Grey', HealthStatus: 'Pending', PlatformArn: PHP83_ARN, VersionLabel: 'v1'})
    expect(created.EnvironmentId).toMatch(/^e-[a-z0-9]{10}$/)
    expect(created.EndpointURL).toMatch(new RegExp(`^awseb--AWSEB-[A-Za-z0-9]{12}-\\d{10}\\.${REGION}\\.elb\\.amazonaws\\.com$`))
    expect(created.CNAME).toMatch(new RegExp(`^demo-prod\\.eba-[a-z0-9]{8}\\.${REGION}\\.elasticbeanstalk\\.com$`))
    expect(created.EnvironmentArn).toBe(`arn:aws:elasticbeanstalk:${REGION}:${ACCOUNT}:environment/demo/demo-prod`)

    sandbox.clock.advance(DURATIONS.ebEnvironmentLaunching - 1)
    expect(await environment(eb)).toMatchObject({Status: 'Launching', Health: 'Grey'})
    sandbox.clock.advance(1)
    expect(await environment(eb)).toMatchObject({Status: 'Ready', Health: 'Green', HealthStatus: 'Ok'})
  })

  it('launches MinSize instances in EC2 with the launch settings, spread over the subnets, tagged as EB tags them', async () => {
    const {eb, ec2, sandbox} = await world()
    await createRoles(sandbox)
    const {Subnets} = await ec2.send(new DescribeSubnetsCommand({}))
    const subnets = (Subnets ?? []).slice(0, 2).map((subnet) => subnet.SubnetId ?? '')
    const created = await eb.send(
      new EB.CreateEnvironmentCommand(
        createInput({
          OptionSettings: [
            ...BASE_OPTIONS,
            option('aws:ec2:vpc', 'Subnets', subnets.join(',')),
            option('aws:autoscaling:launchconfiguration', 'IamInstanceProfile', 'demo-web'),
            option('aws:ec2:instances', 'InstanceTypes', 't4g.small'),
          ],
        }),
      ),
    )
    const instances = await instancesOf(ec2, 'demo-prod')
    expect(instances).toHaveLength(2)
    expect(instances.map((instance) => instance.SubnetId).sort()).toEqual([...subnets].sort())
    const {Images} = await ec2.send(new DescribeImagesCommand({ImageIds: [instances[0].ImageId ?? '']}))
    expect(Images?.[0]).toMatchObject({Architecture: 'arm64', Name: expect.stringContaining('-php83-')})
    for (const instance of instances) {
      expect(instance).toMatchObject({InstanceType: 't4g.small', MetadataOptions: expect.objectContaining({HttpTokens: 'required'})})
      expect(instance.IamInstanceProfile?.Arn).toBe(`arn:aws:iam::${ACCOUNT}:instance-profile/demo-web`)
      const tags = Object.fromEntries((instance.Tags ?? []).map((tag) => [tag.Key, tag.Value]))
      expect(tags).toMatchObject({
        Name: 'demo-prod',
        'elasticbeanstalk:environment-name': 'demo-prod',
        'elasticbeanstalk:environment-id': created.EnvironmentId,
        'aws:autoscaling:groupName': expect.stringMatching(/^awseb-e-[a-z0-9]{10}-stack-AWSEBAutoScalingGroup-/),
        'hactl:site': 'demo',
        'hactl:role': 'environment',
      })
    }
  })

  it('uses the custom ImageId and allows IMDSv1 unless DisableIMDSv1 is true', async () => {
    const {eb, ec2} = await world()
    const {Images} = await ec2.send(new DescribeImagesCommand({Owners: ['amazon'], Filters: [{Name: 'name', Values: ['al2023-ami-*']}]}))
    const imageId = Images?.[0].ImageId ?? ''
    await eb.send(
      new EB.CreateEnvironmentCommand(
        createInput({OptionSettings: [option('aws:autoscaling:launchconfiguration', 'ImageId', imageId), option('aws:elasticbeanstalk:environment', 'EnvironmentType', 'SingleInstance')]}),
      ),
    )
    const instances = await instancesOf(ec2, 'demo-prod')
    expect(instances).toHaveLength(1)
    expect(instances[0]).toMatchObject({ImageId: imageId, InstanceType: 't3.micro', MetadataOptions: expect.objectContaining({HttpTokens: 'optional'})})
    expect((await environment(eb))?.EndpointURL).toMatch(/^\d+\.\d+\.\d+\.\d+$/)
  })
})

describe('sandbox EB: events', () => {
  it('derives the launch events from the clock, newest first, filtered by time and severity, in pages', async () => {
    const {eb, sandbox} = await world()
    const start = new Date(sandbox.clock.now())
    await eb.send(new EB.CreateEnvironmentCommand(createInput()))
    const early = await eb.send(new EB.DescribeEventsCommand({EnvironmentName: 'demo-prod'}))
    expect(early.Events?.map((event) => event.Message)).toEqual(['createEnvironment is starting.'])

    sandbox.clock.advance(DURATIONS.ebEnvironmentLaunching)
    const {Events} = await eb.send(new EB.DescribeEventsCommand({EnvironmentName: 'demo-prod', StartTime: start}))
    const messages = Events?.map((event) => event.Message) ?? []
    expect(messages[0]).toBe('Successfully launched environment: demo-prod')
    expect(messages.at(-1)).toBe('createEnvironment is starting.')
    expect(messages).toEqual(
      expect.arrayContaining([
        `Using ${BUCKET} as Amazon S3 storage bucket for environment data.`,
        expect.stringMatching(/^Created security group named: /),
        expect.stringMatching(/^Created load balancer named: arn:aws:elasticloadbalancing:/),
        expect.stringMatching(/^Created target group named: /),
        expect.stringMatching(/^Created Auto Scaling launch template named: /),
        expect.stringMatching(/^Created Auto Scaling group named: /),
        'Waiting for EC2 instances to launch. This may take a few minutes.',
        expect.stringMatching(/^Created CloudWatch alarm named: /),
        'Instance deployment completed successfully.',
      ]),
    )
    const dates = Events?.map((event) => event.EventDate?.getTime() ?? 0) ?? []
    expect([...dates].sort((a, b) => b - a)).toEqual(dates)
    expect(Events?.every((event) => event.Severity === 'INFO' && event.ApplicationName === 'demo' && /^[0-9a-f-]{36}$/.test(event.RequestId ?? ''))).toBe(true)

    // StartTime is inclusive: the newest event's own date still finds it.
    const latest = await eb.send(new EB.DescribeEventsCommand({EnvironmentName: 'demo-prod', StartTime: Events?.[0].EventDate}))
    expect(latest.Events?.map((event) => event.Message)).toEqual(['Successfully launched environment: demo-prod'])
    expect((await eb.send(new EB.DescribeEventsCommand({EnvironmentName: 'demo-prod', Severity: 'WARN'}))).Events).toEqual([])

    const page = await eb.send(new EB.DescribeEventsCommand({EnvironmentName: 'demo-prod', MaxRecords: 3}))
    expect(page.Events).toHaveLength(3)
    const rest = await eb.send(new EB.DescribeEventsCommand({EnvironmentName: 'demo-prod', NextToken: page.NextToken}))
    expect([...(page.Events ?? []), ...(rest.Events ?? [])].map((event) => event.Message)).toEqual(messages)
  })
})

describe('sandbox EB: health, resources and settings', () => {
  it('reports enhanced health with only the attributes asked for', async () => {
    const {eb} = await readyEnvironment()
    const bare = await eb.send(new EB.DescribeEnvironmentHealthCommand({EnvironmentName: 'demo-prod'}))
    expect(bare).toMatchObject({EnvironmentName: 'demo-prod'})
    expect(bare.HealthStatus).toBeUndefined()
    const all = await eb.send(new EB.DescribeEnvironmentHealthCommand({EnvironmentName: 'demo-prod', AttributeNames: ['All']}))
    expect(all).toMatchObject({Status: 'Ready', Color: 'Green', HealthStatus: 'Ok', Causes: [], InstancesHealth: expect.objectContaining({Ok: 2, Severe: 0})})

    const {InstanceHealthList} = await eb.send(new EB.DescribeInstancesHealthCommand({EnvironmentName: 'demo-prod', AttributeNames: ['HealthStatus', 'Deployment']}))
    expect(InstanceHealthList).toHaveLength(2)
    expect(InstanceHealthList?.[0]).toMatchObject({HealthStatus: 'Ok', Deployment: expect.objectContaining({VersionLabel: 'v1'})})
    expect(InstanceHealthList?.[0].InstanceType).toBeUndefined()
  })

  it('answers EB.InvalidRequestException for an environment with basic health', async () => {
    const {eb} = await readyEnvironment({OptionSettings: []})
    const request = eb.send(new EB.DescribeEnvironmentHealthCommand({EnvironmentName: 'demo-prod', AttributeNames: ['All']}))
    await expect(request).rejects.toBeInstanceOf(EB.InvalidRequestException)
    await expect(request).rejects.toMatchObject({message: 'DescribeEnvironmentHealth is not supported.'})
    expect((await environment(eb))?.HealthStatus).toBeUndefined()
  })

  it('turns Red when instances fail their status checks', async () => {
    const sandbox = manualSandbox()
    const eb = ebClient(sandbox)
    await eb.send(new EB.CreateStorageLocationCommand({}))
    await eb.send(new EB.CreateApplicationCommand({ApplicationName: 'demo'}))
    await eb.send(new EB.CreateEnvironmentCommand(createInput({VersionLabel: undefined})))
    // EB launches inside an EB call, out of reach of EC2's `impaired` fault: one instance is marked by hand.
    const file = path.join(sandbox.stateDir, STATE_FILE)
    const state = JSON.parse(fs.readFileSync(file, 'utf8')) as SandboxState
    const first = state.regions[REGION].ec2?.instances[0]
    Object.assign(first ?? {}, {impaired: true})
    fs.writeFileSync(file, JSON.stringify(state))
    sandbox.clock.advance(DURATIONS.ebEnvironmentLaunching)
    const health = await eb.send(new EB.DescribeEnvironmentHealthCommand({EnvironmentName: 'demo-prod', AttributeNames: ['All']}))
    expect(health).toMatchObject({Color: 'Red', HealthStatus: 'Degraded', InstancesHealth: expect.objectContaining({Ok: 1, Severe: 1})})
    expect(health.Causes?.[0]).toMatch(/1 out of 2 instances/)
  })

  it('lists the environment resources and the deployed settings', async () => {
    const {eb, ec2} = await readyEnvironment()
    const {EnvironmentResources} = await eb.send(new EB.DescribeEnvironmentResourcesCommand({EnvironmentName: 'demo-prod'}))
    const instanceIds = live(await instancesOf(ec2, 'demo-prod')).map((instance) => instance.InstanceId)
    expect(EnvironmentResources?.Instances?.map((instance) => instance.Id).sort()).toEqual(instanceIds.sort())
    expect(EnvironmentResources?.AutoScalingGroups?.[0].Name).toMatch(/-AWSEBAutoScalingGroup-/)
    expect(EnvironmentResources?.LaunchTemplates?.[0].Id).toMatch(/^lt-[0-9a-f]{17}$/)
    expect(EnvironmentResources?.LoadBalancers?.[0].Name).toMatch(/^arn:aws:elasticloadbalancing:.*:loadbalancer\/app\/awseb--AWSEB-/)
    expect(EnvironmentResources?.Triggers).toEqual([])

    const {ConfigurationSettings} = await eb.send(new EB.DescribeConfigurationSettingsCommand({ApplicationName: 'demo', EnvironmentName: 'demo-prod'}))
    expect(ConfigurationSettings).toHaveLength(1)
    expect(ConfigurationSettings?.[0]).toMatchObject({DeploymentStatus: 'deployed', PlatformArn: PHP83_ARN})
    expect(ConfigurationSettings?.[0].OptionSettings).toEqual(
      expect.arrayContaining([
        option('aws:autoscaling:asg', 'MinSize', '2'),
        option('aws:autoscaling:asg', 'MaxSize', '4'),
        option('aws:autoscaling:launchconfiguration', 'DisableIMDSv1', 'true'),
        expect.objectContaining({Namespace: 'aws:autoscaling:launchconfiguration', OptionName: 'ImageId', Value: expect.stringMatching(/^ami-/)}),
      ]),
    )
  })
})

describe('sandbox EB: UpdateEnvironment', () => {
  it('refuses an update while launching and one that changes release and configuration together', async () => {
    const {eb, sandbox} = await world()
    await eb.send(new EB.CreateEnvironmentCommand(createInput()))
    await expect(eb.send(new EB.UpdateEnvironmentCommand({EnvironmentName: 'demo-prod', OptionSettings: [option('aws:autoscaling:asg', 'MaxSize', '6')]}))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: 'Environment named demo-prod is in an invalid state for this operation. Must be Ready.',
    })
    sandbox.clock.advance(DURATIONS.ebEnvironmentLaunching)
    await expect(
      eb.send(new EB.UpdateEnvironmentCommand({EnvironmentName: 'demo-prod', VersionLabel: 'v1', OptionSettings: [option('aws:autoscaling:asg', 'MaxSize', '6')]})),
    ).rejects.toMatchObject({name: 'InvalidParameterCombination'})
    await expect(eb.send(new EB.UpdateEnvironmentCommand({EnvironmentName: 'nope', OptionSettings: []}))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: "No Environment found for EnvironmentName = 'nope'.",
    })
  })

  it('changes configuration in place: Updating for the update duration, same instances, pending draft while it runs', async () => {
    const {eb, ec2, sandbox} = await readyEnvironment()
    const before = live(await instancesOf(ec2, 'demo-prod')).map((instance) => instance.InstanceId)
    sandbox.clock.advance(1000)
    const start = new Date(sandbox.clock.now())
    const updated = await eb.send(
      new EB.UpdateEnvironmentCommand({EnvironmentName: 'demo-prod', OptionSettings: [option('aws:elasticbeanstalk:application:environment', 'HACTL_SITE', 'demo')]}),
    )
    expect(updated).toMatchObject({Status: 'Updating', AbortableOperationInProgress: true})
    const during = await eb.send(new EB.DescribeConfigurationSettingsCommand({ApplicationName: 'demo', EnvironmentName: 'demo-prod'}))
    expect(during.ConfigurationSettings?.map((set) => set.DeploymentStatus)).toEqual(['deployed', 'pending'])
    sandbox.clock.advance(DURATIONS.ebEnvironmentUpdating)
    expect(await environment(eb)).toMatchObject({Status: 'Ready', Health: 'Green'})
    expect(live(await instancesOf(ec2, 'demo-prod')).map((instance) => instance.InstanceId)).toEqual(before)
    const after = await eb.send(new EB.DescribeConfigurationSettingsCommand({ApplicationName: 'demo', EnvironmentName: 'demo-prod'}))
    expect(after.ConfigurationSettings?.[0].OptionSettings).toEqual(expect.arrayContaining([option('aws:elasticbeanstalk:application:environment', 'HACTL_SITE', 'demo')]))
    const {Events} = await eb.send(new EB.DescribeEventsCommand({EnvironmentName: 'demo-prod', StartTime: start}))
    expect(Events?.[0].Message).toBe('Environment update completed successfully.')
    expect(Events?.at(-1)?.Message).toBe('Environment update is starting.')
  })

  it('replaces every instance when a launch setting changes, and launches more when MinSize grows', async () => {
    const {eb, ec2, sandbox} = await readyEnvironment()
    const before = live(await instancesOf(ec2, 'demo-prod')).map((instance) => instance.InstanceId)
    const {Images} = await ec2.send(new DescribeImagesCommand({Owners: ['amazon'], Filters: [{Name: 'name', Values: ['al2023-ami-*']}]}))
    const imageId = Images?.[0].ImageId ?? ''
    await eb.send(new EB.UpdateEnvironmentCommand({EnvironmentName: 'demo-prod', OptionSettings: [option('aws:autoscaling:launchconfiguration', 'ImageId', imageId)]}))
    const now = live(await instancesOf(ec2, 'demo-prod'))
    expect(now).toHaveLength(2)
    expect(now.every((instance) => instance.ImageId === imageId && !before.includes(instance.InstanceId))).toBe(true)
    const old = (await instancesOf(ec2, 'demo-prod')).filter((instance) => before.includes(instance.InstanceId))
    expect(old.every((instance) => instance.State?.Name === 'shutting-down')).toBe(true)

    sandbox.clock.advance(DURATIONS.ebEnvironmentUpdating)
    await eb.send(new EB.UpdateEnvironmentCommand({EnvironmentName: 'demo-prod', OptionSettings: [option('aws:autoscaling:asg', 'MinSize', '3')]}))
    expect(live(await instancesOf(ec2, 'demo-prod'))).toHaveLength(3)
    sandbox.clock.advance(DURATIONS.ebEnvironmentUpdating)
    const {EnvironmentResources} = await eb.send(new EB.DescribeEnvironmentResourcesCommand({EnvironmentName: 'demo-prod'}))
    expect(EnvironmentResources?.Instances).toHaveLength(3)
  })

  it('deploys a version without touching the instances', async () => {
    const {eb, ec2, sandbox} = await readyEnvironment()
    const before = live(await instancesOf(ec2, 'demo-prod')).map((instance) => instance.InstanceId)
    putBundle(sandbox.stateDir, BUCKET, 'demo/v2.zip')
    await eb.send(new EB.CreateApplicationVersionCommand({ApplicationName: 'demo', VersionLabel: 'v2', SourceBundle: {S3Bucket: BUCKET, S3Key: 'demo/v2.zip'}}))
    expect(await eb.send(new EB.UpdateEnvironmentCommand({EnvironmentName: 'demo-prod', VersionLabel: 'v2'}))).toMatchObject({Status: 'Updating', VersionLabel: 'v2'})
    sandbox.clock.advance(DURATIONS.ebEnvironmentUpdating)
    expect(await environment(eb)).toMatchObject({Status: 'Ready', VersionLabel: 'v2'})
    expect(live(await instancesOf(ec2, 'demo-prod')).map((instance) => instance.InstanceId)).toEqual(before)
  })
})

describe('sandbox EB: TerminateEnvironment and DeleteApplication', () => {
  it('terminates: Terminating, then Terminated for an hour (hidden with IncludeDeleted false), instances gone', async () => {
    const {eb, ec2, sandbox} = await readyEnvironment()
    const terminating = await eb.send(new EB.TerminateEnvironmentCommand({EnvironmentName: 'demo-prod'}))
    expect(terminating).toMatchObject({Status: 'Terminating', Health: 'Grey'})
    expect(live(await instancesOf(ec2, 'demo-prod'))).toEqual([])
    await expect(eb.send(new EB.TerminateEnvironmentCommand({EnvironmentName: 'demo-prod'}))).rejects.toMatchObject({name: 'InvalidParameterValue'})

    sandbox.clock.advance(DURATIONS.ebEnvironmentTerminating)
    expect(await environment(eb)).toMatchObject({Status: 'Terminated'})
    expect((await eb.send(new EB.DescribeEnvironmentsCommand({EnvironmentNames: ['demo-prod'], IncludeDeleted: false}))).Environments).toEqual([])
    const {Events} = await eb.send(new EB.DescribeEventsCommand({EnvironmentName: 'demo-prod', MaxRecords: 1}))
    expect(Events?.[0].Message).toBe('terminateEnvironment completed successfully.')

    // The name is free again while the terminated one is still listed.
    await eb.send(new EB.CreateEnvironmentCommand(createInput()))
    expect((await eb.send(new EB.DescribeEnvironmentsCommand({EnvironmentNames: ['demo-prod']}))).Environments?.map((env) => env.Status)).toEqual([
      'Terminated',
      'Launching',
    ])
    sandbox.clock.advance(DURATIONS.ebTerminatedVisible)
    expect((await eb.send(new EB.DescribeEnvironmentsCommand({EnvironmentNames: ['demo-prod']}))).Environments?.map((env) => env.Status)).toEqual(['Ready'])
  })

  it('refuses to terminate during an update', async () => {
    const {eb} = await readyEnvironment()
    await eb.send(new EB.UpdateEnvironmentCommand({EnvironmentName: 'demo-prod', OptionSettings: [option('aws:autoscaling:asg', 'MaxSize', '6')]}))
    await expect(eb.send(new EB.TerminateEnvironmentCommand({EnvironmentName: 'demo-prod'}))).rejects.toMatchObject({
      message: 'Cannot terminate environment named demo-prod. It is currently pending deployment.',
    })
  })

  it('deletes an application only with force while it has a live environment', async () => {
    const {eb} = await readyEnvironment()
    await expect(eb.send(new EB.DeleteApplicationCommand({ApplicationName: 'demo'}))).rejects.toMatchObject({name: 'InvalidParameterValue'})
    await eb.send(new EB.DeleteApplicationCommand({ApplicationName: 'demo', TerminateEnvByForce: true}))
    expect((await eb.send(new EB.DescribeApplicationsCommand({}))).Applications).toEqual([])
    expect((await environment(eb))?.Status).toBe('Terminating')
    await expect(eb.send(new EB.DeleteApplicationCommand({ApplicationName: 'demo'}))).rejects.toMatchObject({message: "No Application named 'demo' found."})
  })
})

describe('sandbox EB: tags', () => {
  it('lists and updates an environment\'s tags, with EB\'s own, and passes changes to its instances', async () => {
    const {eb, ec2} = await readyEnvironment()
    const arn = (await environment(eb))?.EnvironmentArn ?? ''
    const {ResourceTags} = await eb.send(new EB.ListTagsForResourceCommand({ResourceArn: arn}))
    expect(ResourceTags).toEqual(
      expect.arrayContaining([{Key: 'hactl:site', Value: 'demo'}, {Key: 'elasticbeanstalk:environment-name', Value: 'demo-prod'}]),
    )
    await eb.send(new EB.UpdateTagsForResourceCommand({ResourceArn: arn, TagsToAdd: [{Key: 'hactl:live-image', Value: 'ami-1'}], TagsToRemove: ['hactl:role']}))
    const after = await eb.send(new EB.ListTagsForResourceCommand({ResourceArn: arn}))
    expect(after.ResourceTags).toEqual(expect.arrayContaining([{Key: 'hactl:live-image', Value: 'ami-1'}]))
    expect(after.ResourceTags?.some((tag) => tag.Key === 'hactl:role')).toBe(false)
    const instance = live(await instancesOf(ec2, 'demo-prod'))[0]
    expect(instance.Tags).toEqual(expect.arrayContaining([{Key: 'hactl:live-image', Value: 'ami-1'}]))
    await expect(eb.send(new EB.UpdateTagsForResourceCommand({ResourceArn: arn, TagsToAdd: [{Key: 'aws:x', Value: '1'}]}))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    })
    await expect(eb.send(new EB.ListTagsForResourceCommand({ResourceArn: `${arn}-gone`}))).rejects.toBeInstanceOf(EB.ResourceNotFoundException)
  })
})

describe('sandbox EB: faults', () => {
  it('throttles with Throttling (retried by the SDK) and fails with InternalFailure', async () => {
    const throttled = manualSandbox({faults: ['throttle:elasticbeanstalk:DescribeEnvironments*1']})
    const out = await ebClient(throttled, 3).send(new EB.DescribeEnvironmentsCommand({}))
    expect(out.$metadata.attempts).toBe(2)

    const failing = manualSandbox({faults: ['fail:elasticbeanstalk:CreateStorageLocation']})
    const request = ebClient(failing).send(new EB.CreateStorageLocationCommand({}))
    await expect(request).rejects.toBeInstanceOf(EB.ElasticBeanstalkSyntheticServiceException)
    await expect(request).rejects.toMatchObject({name: 'InternalFailure', $metadata: expect.objectContaining({httpStatusCode: 500})})
  })
})

const LAUNCH = 'aws:autoscaling:launchconfiguration'

function tagsOf(resource: {readonly Tags?: ReadonlyArray<{Key?: string; Value?: string}>}): Record<string, string | undefined> {
  return Object.fromEntries((resource.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value]))
}

/** EB's instance groups of an environment, found as a caller would: by EB's tag. */
async function ebGroups(ec2: EC2Client, envName: string) {
  const {SecurityGroups} = await ec2.send(new DescribeSecurityGroupsCommand({Filters: [{Name: 'tag:elasticbeanstalk:environment-name', Values: [envName]}]}))
  return SecurityGroups ?? []
}

async function messages(eb: EB.ElasticBeanstalkClient, envName = 'demo-prod'): Promise<string[]> {
  const {Events} = await eb.send(new EB.DescribeEventsCommand({EnvironmentName: envName}))
  return (Events ?? []).map((event) => event.Message ?? '')
}

describe("sandbox EB: EB's own instance security group", () => {
  it('creates AWSEBSecurityGroup (HTTP and SSH open to the world, EB tags only) and puts it on every instance besides SecurityGroups', async () => {
    const {eb, ec2, sandbox} = await world()
    const {GroupId: web = ''} = await ec2.send(new CreateSecurityGroupCommand({GroupName: 'demo-web', Description: 'web'}))
    const created = await eb.send(new EB.CreateEnvironmentCommand(createInput({OptionSettings: [...BASE_OPTIONS, option(LAUNCH, 'SecurityGroups', web)]})))
    const groups = await ebGroups(ec2, 'demo-prod')
    expect(groups).toHaveLength(1)
    const [group] = groups
    expect(group).toMatchObject({GroupName: expect.stringMatching(new RegExp(`^awseb-${created.EnvironmentId}-stack-AWSEBSecurityGroup-[A-Z0-9]{12}$`)), Description: 'VPC Security Group'})
    const tags = tagsOf(group)
    expect(tags).toMatchObject({
      'elasticbeanstalk:environment-name': 'demo-prod',
      'elasticbeanstalk:environment-id': created.EnvironmentId,
      'aws:cloudformation:stack-name': `awseb-${created.EnvironmentId}-stack`,
      'aws:cloudformation:logical-id': 'AWSEBSecurityGroup',
    })
    expect(tags['hactl:site']).toBeUndefined()
    for (const port of [80, 22]) {
      expect(group.IpPermissions).toContainEqual(
        expect.objectContaining({IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [expect.objectContaining({CidrIp: '0.0.0.0/0'})]}),
      )
    }

    const instances = await instancesOf(ec2, 'demo-prod')
    expect(instances).toHaveLength(2)
    for (const instance of instances) {
      expect(instance.SecurityGroups?.map((g) => g.GroupId).sort()).toEqual([web, group.GroupId].sort())
    }

    sandbox.clock.advance(DURATIONS.ebEnvironmentLaunching)
    expect(await messages(eb)).toContain(`Created security group named: ${group.GroupName}`)
  })

  it('deletes the group when the environment terminates, at the "Deleted security group" event', async () => {
    const {eb, ec2, sandbox} = await readyEnvironment()
    const [group] = await ebGroups(ec2, 'demo-prod')
    await eb.send(new EB.TerminateEnvironmentCommand({EnvironmentName: 'demo-prod'}))
    sandbox.clock.advance(DURATIONS.ebEnvironmentTerminating * 0.8 - 1)
    await environment(eb)
    expect(await ebGroups(ec2, 'demo-prod')).toHaveLength(1)
    sandbox.clock.advance(1)
    await environment(eb)
    expect(await ebGroups(ec2, 'demo-prod')).toEqual([])
    expect(await messages(eb)).toContain(`Deleted security group named: ${group.GroupName}`)
  })

  it('makes none with DisableDefaultEC2SecurityGroup true; an update turns it on (new instances carry it) and off again', async () => {
    const {eb, ec2, sandbox} = await world()
    const {GroupId: web = ''} = await ec2.send(new CreateSecurityGroupCommand({GroupName: 'demo-web', Description: 'web'}))
    const settings = [...BASE_OPTIONS, option(LAUNCH, 'SecurityGroups', web), option(LAUNCH, 'DisableDefaultEC2SecurityGroup', 'true')]
    await eb.send(new EB.CreateEnvironmentCommand(createInput({OptionSettings: settings})))
    sandbox.clock.advance(DURATIONS.ebEnvironmentLaunching)
    expect(await ebGroups(ec2, 'demo-prod')).toEqual([])
    expect(live(await instancesOf(ec2, 'demo-prod')).every((instance) => instance.SecurityGroups?.map((g) => g.GroupId).join() === web)).toBe(true)
    expect((await messages(eb)).some((message) => message.startsWith('Created security group named: awseb-'))).toBe(false)

    await eb.send(new EB.UpdateEnvironmentCommand({EnvironmentName: 'demo-prod', OptionSettings: [option(LAUNCH, 'DisableDefaultEC2SecurityGroup', 'false')]}))
    const [group] = await ebGroups(ec2, 'demo-prod')
    expect(group?.GroupName).toMatch(/-stack-AWSEBSecurityGroup-/)
    const replaced = live(await instancesOf(ec2, 'demo-prod'))
    expect(replaced).toHaveLength(2)
    expect(replaced.every((instance) => instance.SecurityGroups?.some((g) => g.GroupId === group.GroupId))).toBe(true)
    sandbox.clock.advance(DURATIONS.ebEnvironmentUpdating)
    expect(await messages(eb)).toContain(`Created security group named: ${group.GroupName}`)

    await eb.send(new EB.UpdateEnvironmentCommand({EnvironmentName: 'demo-prod', OptionSettings: [option(LAUNCH, 'DisableDefaultEC2SecurityGroup', 'true')]}))
    expect(live(await instancesOf(ec2, 'demo-prod')).every((instance) => instance.SecurityGroups?.map((g) => g.GroupId).join() === web)).toBe(true)
    // The old instances still hold the group until the update ends.
    expect(await ebGroups(ec2, 'demo-prod')).toHaveLength(1)
    sandbox.clock.advance(DURATIONS.ebEnvironmentUpdating)
    await environment(eb)
    expect(await ebGroups(ec2, 'demo-prod')).toEqual([])
    expect(await messages(eb)).toContain(`Deleted security group named: ${group.GroupName}`)
  })
})

describe('sandbox EB: settings EB checks against IAM and the network', () => {
  const OTHER_VPC = 'vpc-0aaaaaaaaaaaaaaa1'
  const OTHER_SUBNET = 'subnet-0aaaaaaaaaaaaaaa1'

  /** A second, non-default VPC with one subnet, written straight into the EC2 state (the EC2 simulation has no CreateVpc). */
  function addOtherVpc(stateDir: string): void {
    const file = path.join(stateDir, STATE_FILE)
    const state = JSON.parse(fs.readFileSync(file, 'utf8')) as SandboxState
    const ec2 = state.regions[REGION].ec2
    ec2?.vpcs.push({id: OTHER_VPC, cidr: '10.0.0.0/16', isDefault: false, dhcpOptionsId: 'dopt-0aaaaaaaaaaaaaaa1', tags: {}})
    ec2?.subnets.push({id: OTHER_SUBNET, vpcId: OTHER_VPC, cidr: '10.0.0.0/20', az: `${REGION}a`, defaultForAz: false, tags: {}})
    fs.writeFileSync(file, JSON.stringify(state))
  }

  /** What hactl gives EB: the default VPC, its own groups, the profile and service role it made. */
  async function hactlWorld() {
    const w = await world()
    await createRoles(w.sandbox)
    const iam = iamClient(w.sandbox)
    await iam.send(new CreateInstanceProfileCommand({InstanceProfileName: 'bare'}))
    const {Subnets = []} = await w.ec2.send(new DescribeSubnetsCommand({}))
    const vpcId = Subnets[0].VpcId ?? ''
    const subnets = Subnets.slice(0, 2).map((subnet) => subnet.SubnetId ?? '')
    const {GroupId: web = ''} = await w.ec2.send(new CreateSecurityGroupCommand({GroupName: 'demo-web', Description: 'web'}))
    const {GroupId: lb = ''} = await w.ec2.send(new CreateSecurityGroupCommand({GroupName: 'demo-lb', Description: 'lb'}))
    addOtherVpc(w.sandbox.stateDir)
    const {GroupId: foreign = ''} = await w.ec2.send(new CreateSecurityGroupCommand({GroupName: 'elsewhere', Description: 'x', VpcId: OTHER_VPC}))
    const settings = [
      ...BASE_OPTIONS,
      option('aws:elasticbeanstalk:environment', 'ServiceRole', 'demo-eb'),
      option(LAUNCH, 'IamInstanceProfile', 'demo-web'),
      option(LAUNCH, 'SecurityGroups', web),
      option(LAUNCH, 'DisableDefaultEC2SecurityGroup', 'true'),
      option('aws:ec2:vpc', 'VPCId', vpcId),
      option('aws:ec2:vpc', 'Subnets', subnets.join(',')),
      option('aws:ec2:vpc', 'ELBSubnets', subnets.join(',')),
      option('aws:elbv2:loadbalancer', 'SecurityGroups', lb),
      option('aws:elbv2:loadbalancer', 'ManagedSecurityGroup', lb),
      option('aws:autoscaling:asg', 'MaxSize', '4'),
      option('aws:autoscaling:updatepolicy:rollingupdate', 'MinInstancesInService', '2'),
    ]
    return {...w, settings, vpcId, subnets, web, lb, foreign}
  }

  it('refuses a missing or role-less instance profile, a service role EB cannot assume, and load balancer, rolling-update and VPC mistakes', async () => {
    const {eb, settings, subnets, web, lb, foreign} = await hactlWorld()
    const cases: Array<[EB.ConfigurationOptionSetting, string, string | RegExp]> = [
      [option(LAUNCH, 'IamInstanceProfile', 'nope'), 'InvalidParameterValue', 'The instance profile nope associated with the environment does not exist.'],
      [option(LAUNCH, 'IamInstanceProfile', 'bare'), 'InvalidParameterValue', 'The instance profile bare associated with the environment has no role. Please attach a role to the instance profile.'],
      [
        option(LAUNCH, 'IamInstanceProfile', `arn:aws:iam::${ACCOUNT}:role/demo-web`),
        'InvalidParameterValue',
        `The instance profile arn:aws:iam::${ACCOUNT}:role/demo-web associated with the environment is invalid.`,
      ],
      [
        option('aws:elasticbeanstalk:environment', 'ServiceRole', 'nope'),
        'InvalidParameterValue',
        `Unable to assume role "arn:aws:iam::${ACCOUNT}:role/nope". Verify that the role exists and is configured correctly.`,
      ],
      // A role that trusts EC2, not EB.
      [option('aws:elasticbeanstalk:environment', 'ServiceRole', 'demo-web'), 'InvalidParameterValue', /^Unable to assume role "arn:aws:iam::\d+:role\/demo-web"/],
      [option('aws:elbv2:loadbalancer', 'ManagedSecurityGroup', web), 'ConfigurationValidationException', new RegExp(`OptionName: 'ManagedSecurityGroup'\\): The managed security group must be one of the load balancer's SecurityGroups \\(${lb}\\)`)],
      [
        option('aws:autoscaling:updatepolicy:rollingupdate', 'MinInstancesInService', '4'),
        'ConfigurationValidationException',
        "Configuration validation exception: Invalid option value: '4' (Namespace: 'aws:autoscaling:updatepolicy:rollingupdate', OptionName: 'MinInstancesInService'): The minimum instances in service for rolling updates (4) should be less than the maximum instance count for the Autoscaling group (4).",
      ],
      [option('aws:ec2:vpc', 'Subnets', `${subnets[0]},${OTHER_SUBNET}`), 'ConfigurationValidationException', new RegExp(`The subnet '${OTHER_SUBNET}' is in '${OTHER_VPC}', not in the VPC`)],
      [option('aws:ec2:vpc', 'ELBSubnets', 'subnet-0123456789abcdef0'), 'ConfigurationValidationException', /OptionName: 'ELBSubnets'\): The subnet 'subnet-0123456789abcdef0' does not exist\.$/],
      [option(LAUNCH, 'SecurityGroups', 'sg-0123456789abcdef0'), 'ConfigurationValidationException', /The security group 'sg-0123456789abcdef0' does not exist\.$/],
      [option('aws:elbv2:loadbalancer', 'SecurityGroups', `${lb},${foreign}`), 'ConfigurationValidationException', new RegExp(`The security group '${foreign}' is in '${OTHER_VPC}', not in the VPC`)],
      [option('aws:ec2:vpc', 'VPCId', 'vpc-0123456789abcdef0'), 'ConfigurationValidationException', /The VPC 'vpc-0123456789abcdef0' does not exist\.$/],
    ]
    for (const [bad, code, message] of cases) {
      const request = eb.send(new EB.CreateEnvironmentCommand(createInput({OptionSettings: [...settings, bad]})))
      await expect(request).rejects.toMatchObject({name: code, message: typeof message === 'string' ? message : expect.stringMatching(message)})
    }

    expect((await eb.send(new EB.DescribeEnvironmentsCommand({}))).Environments).toEqual([])
  })

  it('accepts what hactl gives (profile by name or ARN), and checks an update against the merged settings', async () => {
    const {eb, ec2, sandbox, settings} = await hactlWorld()
    await eb.send(new EB.CreateEnvironmentCommand(createInput({OptionSettings: settings})))
    sandbox.clock.advance(DURATIONS.ebEnvironmentLaunching)
    expect(await environment(eb)).toMatchObject({Status: 'Ready', Health: 'Green'})
    expect(await ebGroups(ec2, 'demo-prod')).toEqual([])

    await expect(
      eb.send(new EB.UpdateEnvironmentCommand({EnvironmentName: 'demo-prod', OptionSettings: [option('aws:autoscaling:asg', 'MaxSize', '2')]})),
    ).rejects.toMatchObject({name: 'ConfigurationValidationException', message: expect.stringContaining('should be less than the maximum instance count for the Autoscaling group (2).')})
    await expect(
      eb.send(new EB.UpdateEnvironmentCommand({EnvironmentName: 'demo-prod', OptionSettings: [option(LAUNCH, 'IamInstanceProfile', 'gone')]})),
    ).rejects.toMatchObject({name: 'InvalidParameterValue', message: 'The instance profile gone associated with the environment does not exist.'})
    const byArn = option(LAUNCH, 'IamInstanceProfile', `arn:aws:iam::${ACCOUNT}:instance-profile/demo-web`)
    expect(await eb.send(new EB.UpdateEnvironmentCommand({EnvironmentName: 'demo-prod', OptionSettings: [byArn]}))).toMatchObject({Status: 'Updating'})
  })
})

describe('sandbox EB: a failed launch (the health-red fault)', () => {
  it('ends Ready on schedule but Red/Severe, with causes and ERROR events, in later processes too, until a version deploys', async () => {
    const {eb, sandbox} = await world(['health-red:elasticbeanstalk:CreateEnvironment*1'])
    expect(await eb.send(new EB.CreateEnvironmentCommand(createInput()))).toMatchObject({Status: 'Launching', Health: 'Grey'})

    // A later process, without the fault, sees the failure: it is on the environment's record.
    const later = manualSandbox({stateDir: sandbox.stateDir})
    const eb2 = ebClient(later)
    later.clock.advance(DURATIONS.ebEnvironmentLaunching - 1)
    expect(await environment(eb2)).toMatchObject({Status: 'Launching', Health: 'Grey'})
    later.clock.advance(1)
    expect(await environment(eb2)).toMatchObject({Status: 'Ready', Health: 'Red', HealthStatus: 'Severe'})
    const health = await eb2.send(new EB.DescribeEnvironmentHealthCommand({EnvironmentName: 'demo-prod', AttributeNames: ['All']}))
    expect(health).toMatchObject({Status: 'Ready', Color: 'Red', HealthStatus: 'Severe', InstancesHealth: expect.objectContaining({Severe: 2, Ok: 0})})
    expect(health.Causes).toEqual(['100.0 % of the requests are failing with HTTP 5xx.', "Instance deployment failed. For details, see 'eb-engine.log'."])
    const {InstanceHealthList} = await eb2.send(new EB.DescribeInstancesHealthCommand({EnvironmentName: 'demo-prod', AttributeNames: ['HealthStatus', 'Deployment']}))
    expect(InstanceHealthList?.map((item) => [item.HealthStatus, item.Deployment?.Status])).toEqual([
      ['Severe', 'Failed'],
      ['Severe', 'Failed'],
    ])

    const {Events = []} = await eb2.send(new EB.DescribeEventsCommand({EnvironmentName: 'demo-prod', Severity: 'ERROR'}))
    const errors = Events.map((event) => event.Message)
    expect(errors[0]).toBe('Create environment operation is complete, but with errors. For more information, see troubleshooting documentation.')
    expect(errors).toContain("Instance deployment failed. For details, see 'eb-engine.log'.")
    expect(errors.filter((message) => /^\[Instance: i-[0-9a-f]+\] Command failed on instance\./.test(message ?? ''))).toHaveLength(2)
    const all = await messages(eb2)
    expect(all).not.toContain('Successfully launched environment: demo-prod')
    expect(all).not.toContain('Instance deployment completed successfully.')

    // A configuration update does not mend it; deploying a version does.
    await eb2.send(new EB.UpdateEnvironmentCommand({EnvironmentName: 'demo-prod', OptionSettings: [option('aws:elasticbeanstalk:application:environment', 'X', '1')]}))
    later.clock.advance(DURATIONS.ebEnvironmentUpdating)
    expect(await environment(eb2)).toMatchObject({Status: 'Ready', Health: 'Red'})
    await eb2.send(new EB.UpdateEnvironmentCommand({EnvironmentName: 'demo-prod', VersionLabel: 'v1'}))
    later.clock.advance(DURATIONS.ebEnvironmentUpdating)
    expect(await environment(eb2)).toMatchObject({Status: 'Ready', Health: 'Green', HealthStatus: 'Ok'})

    // The fault fired once: the next environment launches cleanly.
    await eb.send(new EB.CreateEnvironmentCommand(createInput({EnvironmentName: 'demo-next'})))
    sandbox.clock.advance(DURATIONS.ebEnvironmentLaunching * 2 + DURATIONS.ebEnvironmentUpdating * 2)
    expect(await environment(eb, 'demo-next')).toMatchObject({Status: 'Ready', Health: 'Green'})
  })
})
