/**
 * The factory's EC2 interface against the sandbox: hactl's own code path
 * (narrow interface → SDK client → retry strategy → SDK waiter → sandbox).
 */

import {ExitCode} from '../../../src/core/exit-codes'
import {AwsError} from '../../../src/core/errors'
import {sandboxClients, useTempDir} from '../../_helpers/sandbox-dir'

describe('EC2 through the client factory, on the sandbox', () => {
  const sandboxDir = useTempDir('hactl-ec2-')

  function clients(faults: string[] = []) {
    // 2000x: a 15 s waiter poll is 7.5 ms, a 35 s instance launch 17.5 ms of real time.
    return sandboxClients(sandboxDir.path, {faults, speed: 2000})
  }

  it('launches an instance, waits for it with the SDK waiter, bakes an image and waits for that', async () => {
    const {aws, reporter} = clients()
    const ec2 = await aws.ec2()
    const vpc = await ec2.describeDefaultVpc()
    expect(vpc?.IsDefault).toBe(true)
    const subnets = await ec2.describeSubnets({vpcId: vpc!.VpcId})
    expect(subnets.length).toBeGreaterThanOrEqual(2)

    // The sandbox account has EB's platform AMIs, owned by amazon, as the real one does.
    const [platform] = await ec2.describeImages({owners: ['amazon']})
    const [instance] = await ec2.runInstances({
      ClientToken: 'seed-demo-1',
      ImageId: platform.ImageId,
      InstanceType: 't3.small',
      MaxCount: 1,
      MetadataOptions: {HttpTokens: 'required', InstanceMetadataTags: 'enabled'},
      MinCount: 1,
      SubnetId: subnets[0].SubnetId,
      TagSpecifications: [{ResourceType: 'instance', Tags: [{Key: 'hactl:site', Value: 'demo'}, {Key: 'hactl:role', Value: 'seed'}]}],
    })
    expect(instance.State?.Name).toBe('pending')

    await ec2.waitForInstancesRunning([instance.InstanceId!], {timeoutMs: 10 * 60_000})
    const [running] = await ec2.describeInstances({tags: {'hactl:role': 'seed', 'hactl:site': 'demo'}})
    expect(running.State?.Name).toBe('running')
    expect(running.MetadataOptions?.HttpTokens).toBe('required')
    // Each poll of the SDK waiter was reported (whether it still saw pending depends on real timing).
    expect(reporter.ofType('wait').length).toBeGreaterThanOrEqual(1)
    expect(reporter.ofType('wait').at(-1)?.status).toBe(`${instance.InstanceId} running`)

    const imageId = await ec2.createImage({instanceId: instance.InstanceId!, name: 'demo-bake-1', tags: {'hactl:baked-from': instance.InstanceId!, 'hactl:site': 'demo'}})
    await ec2.waitForImageAvailable(imageId, {timeoutMs: 30 * 60_000})
    const [image] = await ec2.describeImages({imageIds: [imageId]})
    expect(image.State).toBe('available')
    expect(image.Tags).toEqual(expect.arrayContaining([{Key: 'hactl:baked-from', Value: instance.InstanceId}]))

    await ec2.terminateInstances([instance.InstanceId!])
    await ec2.waitForInstancesTerminated([instance.InstanceId!], {timeoutMs: 10 * 60_000})
    const [gone] = await ec2.describeInstances({instanceIds: [instance.InstanceId!]})
    expect(gone.State?.Name).toBe('terminated')
  })

  it('retries an injected throttle and reports the retry', async () => {
    const {aws, reporter} = clients(['throttle:ec2:DescribeVpcs*2'])
    const ec2 = await aws.ec2()
    expect(await ec2.describeDefaultVpc()).toBeDefined()
    expect(reporter.ofType('retry').map((e) => e.errorCode)).toEqual(['RequestLimitExceeded', 'RequestLimitExceeded'])
  })

  it('gives AWS\'s error code for an unknown instance id, as an AWS error', async () => {
    const {aws} = clients()
    const ec2 = await aws.ec2()
    const lookup = ec2.describeInstances({instanceIds: ['i-0aaaaaaaaaaaaaaaa']})
    await expect(lookup).rejects.toBeInstanceOf(AwsError)
    await expect(lookup).rejects.toMatchObject({awsCode: 'InvalidInstanceID.NotFound', exitCode: ExitCode.Aws})
  })

  it('fails the image wait when the sandbox makes the image fail', async () => {
    const {aws} = clients(['image-failed:ec2:CreateImage'])
    const ec2 = await aws.ec2()
    const [platform] = await ec2.describeImages({owners: ['amazon']})
    const [instance] = await ec2.runInstances({ImageId: platform.ImageId, InstanceType: 't3.small', MaxCount: 1, MinCount: 1})
    await ec2.waitForInstancesRunning([instance.InstanceId!], {timeoutMs: 10 * 60_000})
    const imageId = await ec2.createImage({instanceId: instance.InstanceId!, name: 'bad-bake', tags: {}})
    await expect(ec2.waitForImageAvailable(imageId, {timeoutMs: 30 * 60_000})).rejects.toMatchObject({code: 'wait-failed'})
  })
})
