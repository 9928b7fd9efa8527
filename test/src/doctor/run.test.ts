import type {EfsApi} from '../../../src/aws/efs'
import {ExitCode} from '../../../src/core/exit-codes'
import {checksFailedError, judgeSite, runDoctor} from '../../../src/doctor/run'
import {AwsError, HactlError, UserError} from '../../../src/core/errors'
import {renderDoctor} from '../../../src/ui/render-doctor'
import {RecordingReporter} from '../../../src/core/progress'
import {testConfig} from '../../_helpers/config'
import {addIngress, foreignGroup, FS_ID, GROUP_IDS, healthySite, instance} from './_helpers/site'
import {fakeSite} from './_helpers/fake-site'

describe('runDoctor (fake APIs)', () => {
  it('reads the site, every lookup started before the slowest one answers, and passes', async () => {
    let open!: () => void
    const gate = new Promise<void>((resolve) => {
      open = resolve
    })
    const site = fakeSite({gate})
    const reporter = new RecordingReporter()
    const running = runDoctor({clients: site.clients, config: testConfig(), reporter})
    // Let every independent lookup start while the environment lookup hangs.
    await new Promise((resolve) => setImmediate(resolve))
    expect(site.calls).toEqual(
      expect.arrayContaining([
        'eb.describeEnvironment',
        'efs.findFileSystem',
        'rds.describeInstance',
        'elasticache.describeReplicationGroup',
        'ec2.describeSecurityGroups',
        'ec2.describeImages(tags)',
        'ec2.describeInstances(tags)',
        'ec2.describeDefaultVpc',
      ]),
    )
    expect(site.calls).not.toContain('eb.configurationSettings')
    open()
    const result = await running
    // The fake APIs give no SSM client, so the seed, the staging runs and the last rollout are not read and their ten checks skip (with the two drift checks); no domain, so https skips;
    // the fake environment has no ImageId setting, so the live-AMI and instance-AMI checks skip.
    expect(result).toMatchObject({failed: 0, passed: 19, site: 'demo', skipped: 13})
    expect(site.calls).toEqual(
      expect.arrayContaining([
        'eb.configurationSettings',
        'eb.environmentResources',
        'ec2.describeInstances(ids)',
        `efs.fileSystemPolicy(${FS_ID})`,
        'efs.mountTargetSecurityGroups(fsmt-00)',
        'rds.parameterValues(hactl-demo-db,false,require_secure_transport)',
        'elasticache.securityGroupIdsOf(hactl-demo-001)',
      ]),
    )
    // Every attached group is one of the site's: no lookup by id.
    expect(site.calls.filter((c) => c.startsWith('ec2.describeSecurityGroups('))).toEqual([])
    expect(reporter.ofType('step').map((e) => e.state)).toEqual(['start', 'done'])
  })

  it('reads the groups attached to the site that are not tagged with it, and judges them', async () => {
    const healthy = healthySite()
    const awseb = foreignGroup('sg-0awseb', 'awseb-e-abc-stack-AWSEBSecurityGroup-XYZ', [{FromPort: 22, IpProtocol: 'tcp', IpRanges: [{CidrIp: '0.0.0.0/0'}], ToPort: 22}])
    const env = {...healthy.environment!, instances: [instance('i-0aaa', 'required', [GROUP_IDS.web, 'sg-0awseb'])]}
    const site = fakeSite({facts: {...healthy, environment: env}, untagged: [awseb]})
    const result = await runDoctor({clients: site.clients, config: testConfig()})
    expect(site.calls).toContain('ec2.describeSecurityGroups(sg-0awseb)')
    expect(result.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['security-groups'])
    expect(result.checks.find((c) => c.id === 'security-groups')?.detail).toContain('sg-0awseb (awseb-e-abc-stack-AWSEBSecurityGroup-XYZ, on i-0aaa) admits tcp/22 from 0.0.0.0/0')
  })

  it("asks a Redis member's own description when the API has no securityGroupIdsOf; skips a mount target deleted meanwhile", async () => {
    const site = fakeSite({goneMountTargets: ['fsmt-02'], noSecurityGroupIdsOf: true})
    const result = await runDoctor({clients: site.clients, config: testConfig()})
    expect(site.calls).toEqual(expect.arrayContaining(['elasticache.describeCacheCluster(hactl-demo-001)', 'elasticache.describeCacheCluster(hactl-demo-002)']))
    expect(result.failed).toBe(0)
  })

  it('lets any other failure of a mount target lookup through', async () => {
    const site = fakeSite()
    const efs = await site.clients.efs()
    const denied = new AwsError('AccessDenied', 'elasticfilesystem:DescribeMountTargetSecurityGroups was denied')
    const clients = {...site.clients, efs: async () => ({...efs, fileSystemPolicy: efs.fileSystemPolicy, mountTargetSecurityGroups: async () => Promise.reject(denied)}) as unknown as EfsApi}
    await expect(runDoctor({clients, config: testConfig()})).rejects.toBe(denied)
  })

  it('fails with a one-line UserError when nothing of the site exists', async () => {
    const site = fakeSite({exists: false})
    const running = runDoctor({clients: site.clients, config: testConfig()})
    await expect(running).rejects.toThrow(UserError)
    await expect(running).rejects.toThrow('No environment for site demo; run `hactl env create`.')
  })

  it('keeps checking when the network cannot be resolved: only efs-mount-targets fails', async () => {
    const result = await runDoctor({clients: fakeSite({vpcMissing: true}).clients, config: testConfig()})
    expect(result.checks.filter((c) => c.status === 'fail')).toEqual([
      expect.objectContaining({detail: expect.stringContaining('This Region has no default VPC.'), id: 'efs-mount-targets'}),
    ])
  })

  it('lets an AWS failure through (exit 4), reported as a failed step', async () => {
    const reporter = new RecordingReporter()
    const denied = new AwsError('AccessDenied', 'rds:DescribeDBInstances was denied')
    const running = runDoctor({clients: fakeSite({failRds: denied}).clients, config: testConfig(), reporter})
    await expect(running).rejects.toBe(denied)
    expect(reporter.ofType('step').at(-1)).toMatchObject({detail: 'rds:DescribeDBInstances was denied', state: 'fail'})
  })
})

describe('checksFailedError and renderDoctor', () => {
  const broken = judgeSite(addIngress(healthySite(), 'web', {FromPort: 22, IpProtocol: 'tcp', IpRanges: [{CidrIp: '0.0.0.0/0'}], ToPort: 22}))

  it('exit 9, the failed ids in the message, the whole result in data', () => {
    const error = checksFailedError(broken)
    expect(HactlError.isHactlError(error)).toBe(true)
    expect(error.exitCode).toBe(ExitCode.ChecksFailed)
    expect(error.message).toBe('1 check failed for site demo: security-groups.')
    expect(error.data).toEqual({...broken})
  })

  it('one line per check with its mark, the remedy after a failure, then the counts', () => {
    const text = renderDoctor(broken)
    const lines = text.split('\n')
    expect(lines[0]).toBe('Site demo')
    expect(lines).toContain('✓ imdsv2                  IMDSv2 required on 2 instances and in the launch settings')
    expect(lines.find((line) => line.startsWith('✗ security-groups'))).toMatch(/admits tcp\/22 from 0\.0\.0\.0\/0 .* — Remove the rule: aws ec2 revoke-security-group-ingress --group-id sg-0web/)
    expect(lines.at(-1)).toBe('23 passed, 1 failed, 8 skipped')
    expect(renderDoctor({...broken, skipped: 2}).split('\n').at(-1)).toBe('23 passed, 1 failed, 2 skipped')
  })
})
