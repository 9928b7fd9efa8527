/**
 * `hactl images list` and `images prune` on the sandbox: bakes A, B, C from
 * the first seed, a second seed launched from B, bake E from it; E is live
 * and latest, C the rollback target (as `hactl rollout` would leave it), B
 * the seed's source. A saved configuration, then a launch template of the
 * site, naming A keep it too. `prune --keep 1` removes only A; `--dry-run` nothing.
 */
import {join} from 'node:path'

import {CreateLaunchTemplateCommand, DeleteLaunchTemplateCommand, EC2Client} from '@aws-sdk/client-ec2'
import {CreateConfigurationTemplateCommand, DeleteConfigurationTemplateCommand, ElasticBeanstalkClient} from '@aws-sdk/client-elastic-beanstalk'

import {EB} from '../../../src/aws/eb-options'
import {lastRolloutParameterName, type RolloutRecord} from '../../../src/bake/record'
import {liveImageParameterName} from '../../../src/seed/identity'
import {openSandbox} from '../../../src/sandbox'
import {siteNames} from '../../../src/site/names'
import {type Project} from '../../_helpers/cli'
import {clientsFor, expectOk, passStaging, useSeededProject, WAIT} from '../bake/_staging'

async function bakeTested(project: Project): Promise<string> {
  expectOk(await project.run(['seed', 'exec', '--sandbox', ...WAIT, '--', 'true'], {}, {configFlag: false}))
  await passStaging(project)
  const run = await project.run(['bake', '--sandbox', '--yes', '--json', ...WAIT])
  expectOk(run)
  return JSON.parse(run.stdout).imageId as string
}

describe('hactl images (sandbox)', () => {
  const project = useSeededProject()

  it('list shows each bake with its roles and lineage; prune keeps live, previous, latest and the seed\'s source', async () => {
    const empty = JSON.parse((await project.run(['images', 'list', '--sandbox', '--json'])).stdout)
    expect(empty).toMatchObject({images: [], latest: null, site: 'demo'})

    const a = await bakeTested(project)
    const b = await bakeTested(project)
    const c = await bakeTested(project)

    // A second seed, launched from B (seed create takes the live-image pointer).
    const clients = clientsFor(project)
    const ssm = await clients.ssm()
    await ssm.putParameter({name: liveImageParameterName('demo'), overwrite: true, value: b})
    expectOk(await project.run(['seed', 'destroy', '--sandbox', '--yes', ...WAIT]))
    expectOk(await project.run(['seed', 'create', '--sandbox', '--yes', ...WAIT]))
    const e = await bakeTested(project)

    // What two rollouts leave: the environment on E, the rollback target C.
    const eb = await clients.eb()
    const environment = siteNames('demo', 'eu-west-1').environment
    await eb.updateEnvironment({name: environment, optionSettings: [{Namespace: EB.launch.namespace, OptionName: EB.launch.ImageId, Value: e}]})
    await eb.waitForEnvironmentReady(environment, {timeoutMs: 3 * 60 * 60_000})
    const rollout: RolloutRecord = {cause: '', finished: '', imageId: e, lowestHealthy: 2, outcome: 'succeeded', previousImageId: c, runId: 'r2', started: ''}
    await ssm.putParameter({name: lastRolloutParameterName('demo'), overwrite: true, value: JSON.stringify(rollout)})

    const listed = JSON.parse((await project.run(['images', 'list', '--sandbox', '--json'])).stdout)
    expect(listed).toMatchObject({latest: e, live: e, rollbackTarget: c})
    expect(listed.images.map((image: {imageId: string}) => image.imageId)).toEqual([e, c, b, a])
    const byId = Object.fromEntries(listed.images.map((image: {imageId: string}) => [image.imageId, image]))
    expect(byId[e]).toMatchObject({latest: true, live: true, sourceImage: b, status: 'live'})
    expect(byId[c]).toMatchObject({rollbackTarget: true, status: 'previous'})
    expect(byId[b]).toMatchObject({seedSource: true, status: 'retired'})
    expect(byId[a]).toMatchObject({seedSource: false, status: 'retired'})
    const human = await project.run(['images', 'list', '--sandbox'])
    expect(human.stdout).toContain(`${e}  live`)

    // A saved configuration, then a launch template of the site, naming A: A stays, and prune says why.
    const dryRun = async () => JSON.parse((await project.run(['images', 'prune', '--sandbox', '--json', '--keep', '1', '--dry-run'])).stdout)
    const reasonsOf = (result: {kept: Array<{imageId: string; reasons: string[]}>}) => Object.fromEntries(result.kept.map((image) => [image.imageId, image.reasons]))
    const handle = openSandbox({region: 'eu-west-1', speed: 100_000, stateDir: join(project.dir, '.hactl')})
    const ebClient = new ElasticBeanstalkClient({credentials: {accessKeyId: 'x', secretAccessKey: 'y'}, region: 'eu-west-1'})
    ebClient.middlewareStack.use(handle.plugin('elasticbeanstalk'))
    const ec2Client = new EC2Client({credentials: {accessKeyId: 'x', secretAccessKey: 'y'}, region: 'eu-west-1'})
    ec2Client.middlewareStack.use(handle.plugin('ec2'))
    const {application} = siteNames('demo', 'eu-west-1')
    const platformArn = (await eb.describeEnvironment(environment))?.PlatformArn
    await ebClient.send(new CreateConfigurationTemplateCommand({ApplicationName: application, OptionSettings: [{Namespace: EB.launch.namespace, OptionName: EB.launch.ImageId, Value: a}], PlatformArn: platformArn, TemplateName: 'before-upgrade'}))
    const saved = await dryRun()
    expect(saved.removed).toEqual([])
    expect(reasonsOf(saved)[a]).toEqual(['saved configuration before-upgrade uses it'])
    // EB's own launch template of the environment names the live image.
    expect(reasonsOf(saved)[e]).toContainEqual(expect.stringMatching(/^launch template .*AWSEBEC2LaunchTemplate.* uses it$/))
    await ebClient.send(new DeleteConfigurationTemplateCommand({ApplicationName: application, TemplateName: 'before-upgrade'}))
    await ec2Client.send(new CreateLaunchTemplateCommand({LaunchTemplateData: {ImageId: a, InstanceType: 't3.small'}, LaunchTemplateName: 'demo-spare', TagSpecifications: [{ResourceType: 'launch-template', Tags: [{Key: 'hactl:site', Value: 'demo'}]}]}))
    const template = await dryRun()
    expect(template.removed).toEqual([])
    expect(reasonsOf(template)[a]).toEqual(['launch template demo-spare uses it'])
    await ec2Client.send(new DeleteLaunchTemplateCommand({LaunchTemplateName: 'demo-spare'}))

    const dry = await dryRun()
    expect(dry.removed.map((image: {imageId: string}) => image.imageId)).toEqual([a])
    expect(JSON.parse((await project.run(['images', 'list', '--sandbox', '--json'])).stdout).images).toHaveLength(4)

    const pruned = await project.run(['images', 'prune', '--sandbox', '--yes', '--json', '--keep', '1'])
    expectOk(pruned)
    const result = JSON.parse(pruned.stdout)
    expect(result.removed).toEqual([expect.objectContaining({imageId: a, snapshots: [expect.stringMatching(/^snap-/)]})])
    const reasons = Object.fromEntries(result.kept.map((image: {imageId: string; reasons: string[]}) => [image.imageId, image.reasons]))
    expect(reasons[e]).toEqual(expect.arrayContaining(['live', 'latest bake', 'one of the 1 newest']))
    expect(reasons[c]).toEqual(['rollback target'])
    expect(reasons[b]).toEqual(['the seed was launched from it'])
    const left = JSON.parse((await project.run(['images', 'list', '--sandbox', '--json'])).stdout)
    expect(left.images.map((image: {imageId: string}) => image.imageId)).toEqual([e, c, b])
    const ec2 = await clients.ec2()
    expect(await ec2.describeSnapshots({snapshotIds: result.removed[0].snapshots}).catch((error: Error) => error.name)).toBe('AwsError')

    // Again: nothing more to remove.
    const again = JSON.parse((await project.run(['images', 'prune', '--sandbox', '--yes', '--json', '--keep', '1'])).stdout)
    expect(again.removed).toEqual([])
  }, 180_000)
})
