import * as EC2 from '@aws-sdk/client-ec2'
import * as EB from '@aws-sdk/client-elastic-beanstalk'

import {DURATIONS} from '../../../src/sandbox/durations'
import {clientOn, manualSandbox, REGION, removeTempStateDirs} from './clients'

/*
 * What `hactl images prune` reads to keep an image a saved configuration or a
 * launch template uses, and what doctor reads to tell a shared image or
 * snapshot: launch templates (a caller's and EB's own), saved
 * configurations, and the launch / create-volume permissions.
 */

afterAll(removeTempStateDirs)

const PHP83_ARN = `arn:aws:elasticbeanstalk:${REGION}::platform/PHP 8.3 running on 64bit Amazon Linux 2023/4.7.1`
const IMAGE = (value: string): EB.ConfigurationOptionSetting => ({Namespace: 'aws:autoscaling:launchconfiguration', OptionName: 'ImageId', Value: value})

async function platformImages(ec2: EC2.EC2Client): Promise<string[]> {
  const {Images} = await ec2.send(new EC2.DescribeImagesCommand({Owners: ['amazon'], Filters: [{Name: 'architecture', Values: ['x86_64']}]}))
  return (Images ?? []).map((image) => image.ImageId ?? '')
}

describe('sandbox EC2: launch templates', () => {
  it('creates, finds by tag, describes $Latest/$Default and deletes; refuses a second of a name and an unknown one', async () => {
    const {ec2} = manualSandbox()
    const [ami] = await platformImages(ec2)
    const created = await ec2.send(
      new EC2.CreateLaunchTemplateCommand({LaunchTemplateData: {ImageId: ami, InstanceType: 't3.small'}, LaunchTemplateName: 'demo-spare', TagSpecifications: [{ResourceType: 'launch-template', Tags: [{Key: 'hactl:site', Value: 'demo'}]}]}),
    )
    expect(created.LaunchTemplate).toMatchObject({DefaultVersionNumber: 1, LatestVersionNumber: 1, LaunchTemplateName: 'demo-spare'})
    await expect(ec2.send(new EC2.CreateLaunchTemplateCommand({LaunchTemplateData: {}, LaunchTemplateName: 'demo-spare'}))).rejects.toMatchObject({name: 'InvalidLaunchTemplateName.AlreadyExistsException'})

    const byTag = await ec2.send(new EC2.DescribeLaunchTemplatesCommand({Filters: [{Name: 'tag:hactl:site', Values: ['demo']}]}))
    expect(byTag.LaunchTemplates?.map((template) => template.LaunchTemplateName)).toEqual(['demo-spare'])
    const versions = await ec2.send(new EC2.DescribeLaunchTemplateVersionsCommand({LaunchTemplateName: 'demo-spare', Versions: ['$Latest', '$Default']}))
    expect(versions.LaunchTemplateVersions).toEqual([expect.objectContaining({DefaultVersion: true, LaunchTemplateData: {ImageId: ami, InstanceType: 't3.small'}, VersionNumber: 1})])
    await expect(ec2.send(new EC2.DescribeLaunchTemplateVersionsCommand({LaunchTemplateName: 'demo-spare', Versions: ['7']}))).rejects.toMatchObject({name: 'InvalidLaunchTemplateId.VersionNotFound'})

    await ec2.send(new EC2.DeleteLaunchTemplateCommand({LaunchTemplateId: created.LaunchTemplate?.LaunchTemplateId}))
    await expect(ec2.send(new EC2.DescribeLaunchTemplatesCommand({LaunchTemplateNames: ['demo-spare']}))).rejects.toMatchObject({name: 'InvalidLaunchTemplateName.NotFoundException'})
  })

  it("EB keeps one per environment, tagged with it, a new default version per launch change; saved configurations keep the ImageId they were given", async () => {
    const sandbox = manualSandbox()
    const eb = clientOn(sandbox.handle, EB.ElasticBeanstalkClient, 'elasticbeanstalk', {attempts: 1})
    const [first, second] = await platformImages(sandbox.ec2)
    await eb.send(new EB.CreateApplicationCommand({ApplicationName: 'demo'}))
    await eb.send(new EB.CreateEnvironmentCommand({ApplicationName: 'demo', EnvironmentName: 'demo-prod', OptionSettings: [IMAGE(first)], PlatformArn: PHP83_ARN}))
    sandbox.clock.advance(DURATIONS.ebEnvironmentLaunching)
    const find = async () => (await sandbox.ec2.send(new EC2.DescribeLaunchTemplatesCommand({Filters: [{Name: 'tag:elasticbeanstalk:environment-name', Values: ['demo-prod']}]}))).LaunchTemplates ?? []
    const [template] = await find()
    const {EnvironmentResources} = await eb.send(new EB.DescribeEnvironmentResourcesCommand({EnvironmentName: 'demo-prod'}))
    expect(template.LaunchTemplateId).toBe(EnvironmentResources?.LaunchTemplates?.[0].Id)
    await eb.send(new EB.UpdateEnvironmentCommand({EnvironmentName: 'demo-prod', OptionSettings: [IMAGE(second)]}))
    const [updated] = await find()
    expect(updated).toMatchObject({DefaultVersionNumber: 2, LatestVersionNumber: 2})
    const versions = await sandbox.ec2.send(new EC2.DescribeLaunchTemplateVersionsCommand({LaunchTemplateId: updated.LaunchTemplateId}))
    expect(versions.LaunchTemplateVersions?.map((version) => version.LaunchTemplateData?.ImageId)).toEqual([second, first])

    await eb.send(new EB.CreateConfigurationTemplateCommand({ApplicationName: 'demo', OptionSettings: [IMAGE(first)], PlatformArn: PHP83_ARN, TemplateName: 'before'}))
    const {Environments} = await eb.send(new EB.DescribeEnvironmentsCommand({EnvironmentNames: ['demo-prod']}))
    await eb.send(new EB.CreateConfigurationTemplateCommand({ApplicationName: 'demo', EnvironmentId: Environments?.[0].EnvironmentId, TemplateName: 'now'}))
    await expect(eb.send(new EB.CreateConfigurationTemplateCommand({ApplicationName: 'demo', PlatformArn: PHP83_ARN, TemplateName: 'now'}))).rejects.toMatchObject({name: 'InvalidParameterValue'})
    const {Applications} = await eb.send(new EB.DescribeApplicationsCommand({ApplicationNames: ['demo']}))
    expect(Applications?.[0].ConfigurationTemplates).toEqual(['before', 'now'])
    const imageOf = async (TemplateName: string) => {
      const {ConfigurationSettings} = await eb.send(new EB.DescribeConfigurationSettingsCommand({ApplicationName: 'demo', TemplateName}))
      expect(ConfigurationSettings?.[0]).toMatchObject({TemplateName})
      expect(ConfigurationSettings?.[0].DeploymentStatus).toBeUndefined()
      return ConfigurationSettings?.[0].OptionSettings?.find((option) => option.OptionName === 'ImageId')?.Value
    }

    expect(await imageOf('before')).toBe(first)
    expect(await imageOf('now')).toBe(second)
    await eb.send(new EB.DeleteConfigurationTemplateCommand({ApplicationName: 'demo', TemplateName: 'before'}))
    await expect(imageOf('before')).rejects.toMatchObject({name: 'InvalidParameterValue'})
  })
})

describe('sandbox EC2: launch and create-volume permissions', () => {
  it("an own image is private, amazon's public; a snapshot is private until shared, and unshared again", async () => {
    const {clock, ec2} = manualSandbox()
    const [platform] = await platformImages(ec2)
    const launch = async (ImageId: string) => (await ec2.send(new EC2.DescribeImageAttributeCommand({Attribute: 'launchPermission', ImageId}))).LaunchPermissions
    expect(await launch(platform)).toEqual([{Group: 'all'}])
    const [instance] = (await ec2.send(new EC2.RunInstancesCommand({ImageId: platform, InstanceType: 't3.small', MaxCount: 1, MinCount: 1}))).Instances ?? []
    clock.advance(DURATIONS.instancePending)
    const {ImageId} = await ec2.send(new EC2.CreateImageCommand({InstanceId: instance.InstanceId, Name: 'own-image'}))
    expect(await launch(ImageId ?? '')).toEqual([])
    const [image] = (await ec2.send(new EC2.DescribeImagesCommand({ImageIds: [ImageId ?? '']}))).Images ?? []
    const SnapshotId = image.BlockDeviceMappings?.[0].Ebs?.SnapshotId
    const volume = async () => (await ec2.send(new EC2.DescribeSnapshotAttributeCommand({Attribute: 'createVolumePermission', SnapshotId}))).CreateVolumePermissions
    expect(await volume()).toEqual([])
    await ec2.send(new EC2.ModifySnapshotAttributeCommand({Attribute: 'createVolumePermission', GroupNames: ['all'], OperationType: 'add', SnapshotId}))
    await ec2.send(new EC2.ModifySnapshotAttributeCommand({CreateVolumePermission: {Add: [{UserId: '210987654321'}]}, SnapshotId}))
    expect(await volume()).toEqual([{Group: 'all'}, {UserId: '210987654321'}])
    await ec2.send(new EC2.ModifySnapshotAttributeCommand({Attribute: 'createVolumePermission', GroupNames: ['all'], OperationType: 'remove', SnapshotId}))
    expect(await volume()).toEqual([{UserId: '210987654321'}])
    await expect(ec2.send(new EC2.DescribeSnapshotAttributeCommand({Attribute: 'bogus' as EC2.SnapshotAttributeName, SnapshotId}))).rejects.toMatchObject({name: 'InvalidParameterValue'})
  })
})
