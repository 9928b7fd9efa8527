/**
 * Never roll back across a schema change (issue 11 item 3), whole commands on
 * the sandbox with WordPress: bake A at schema 57155, roll it out; upgrade
 * the seed (`wp core update && wp core update-db`: code and the shared
 * database to 58975), test, bake B, roll it out; `rollback` to A is refused
 * (exit 2) naming both versions and the way back, the environment still on B.
 * Then a third upgrade and bake C whose rollout goes Red: the image before it
 * (B) is older than the live schema, so hactl stops where it is (exit 8),
 * aborts nothing and puts nothing back.
 */
import {BAKE_TAGS, lastRolloutParameterName, parseRolloutRecord} from '../../../src/bake/record'
import {ExitCode} from '../../../src/core/exit-codes'
import {exitCodeOf, type Project} from '../../_helpers/cli'
import {clientsFor, expectOk, tagsOf, useSeededProject, WAIT} from './_staging'

const ENV = 'hactl-demo'
/** As in rollout.scenario.test.ts: slow enough for the monitor to see the batches. */
const SPEED = {HACTL_SANDBOX_SPEED: '300'}
const exec = (...words: string[]) => ['seed', 'exec', '--sandbox', ...WAIT, '--', ...words]

/** WordPress's own upgrade on the seed: the code (`wp core update`), then the shared database (`wp core update-db`). */
async function upgrade(project: Project): Promise<void> {
  expectOk(await project.run(exec('wp', 'core', 'update'), {}, {configFlag: false}))
  expectOk(await project.run(exec('wp', 'core', 'update-db'), {}, {configFlag: false}))
}

async function testAndBake(project: Project): Promise<{imageId: string; codeSchema: string; dbSchema: string}> {
  expectOk(await project.run(['test', 'run', '--sandbox', '--yes', '--json', ...WAIT]))
  const bake = await project.run(['bake', '--sandbox', '--yes', '--json', ...WAIT])
  expectOk(bake)
  return JSON.parse(bake.stdout)
}

async function fleetImages(project: Project): Promise<string[]> {
  const clients = clientsFor(project)
  const [eb, ec2] = await Promise.all([clients.eb(), clients.ec2()])
  const {instanceIds} = await eb.environmentResources(ENV)
  const instances = await ec2.describeInstances({instanceIds, states: ['pending', 'running']})
  return [...new Set(instances.map((instance) => instance.ImageId ?? ''))].sort()
}

describe('rollout and rollback across a schema change (sandbox)', () => {
  const project = useSeededProject()

  it('records both versions on the bake, refuses a rollback to older code with the versions and the way back, and stops an automatic rollback', async () => {
    const a = await testAndBake(project)
    expect(a).toMatchObject({codeSchema: '57155', dbSchema: '57155'})
    const imageA = await clientsFor(project).ec2().then((ec2) => ec2.describeImages({imageIds: [a.imageId]}))
    expect(tagsOf(imageA[0])).toMatchObject({[BAKE_TAGS.codeSchema]: '57155', [BAKE_TAGS.dbSchema]: '57155'})
    expectOk(await project.run(['rollout', '--sandbox', '--yes', '--json', ...WAIT], SPEED))

    // The seed's code and the shared database move on together.
    await upgrade(project)
    const b = await testAndBake(project)
    expect(b).toMatchObject({codeSchema: '58975', dbSchema: '58975'})
    expectOk(await project.run(['rollout', '--sandbox', '--yes', '--json', ...WAIT], SPEED))
    expect(await fleetImages(project)).toEqual([b.imageId])

    const back = await project.run(['rollback', '--sandbox', '--yes', '--json', ...WAIT], SPEED)
    expect(exitCodeOf(back)).toBe(ExitCode.Usage)
    const refusal = JSON.parse(back.stdout).error
    expect(refusal.code).toBe('image-schema-older')
    expect(refusal.message).toContain(`${a.imageId}'s code is at schema 57155, older than the live database's 58975 (read from the seed`)
    // The sandbox's database has no snapshot from before the upgrade.
    expect(refusal.message).toContain('No snapshot of hactl-demo-db from before the schema moved was found: take one before upgrading next time')
    expect(await fleetImages(project)).toEqual([b.imageId])

    // The same image by id: refused the same way.
    const byId = await project.run(['rollout', '--sandbox', '--yes', '--image', a.imageId, ...WAIT], SPEED)
    expect(exitCodeOf(byId)).toBe(ExitCode.Usage)
    expect(byId.stderr).toContain('older than the live database')

    // C: upgraded again; its rollout goes Red, and B (58975) is older than the live 60421.
    await upgrade(project)
    const c = await testAndBake(project)
    expect(c).toMatchObject({codeSchema: '60421', dbSchema: '60421'})
    const red = await project.run(['rollout', '--sandbox', '--yes', '--json', ...WAIT], {...SPEED, HACTL_SANDBOX_FAULTS: 'health-red:elasticbeanstalk:UpdateEnvironment*1'})
    expect(exitCodeOf(red)).toBe(ExitCode.RolledBack)
    const stopped = JSON.parse(red.stdout).error
    expect(stopped.message).toContain(`was not rolled back: ${b.imageId}'s code is at schema 58975, older than the live database's 60421`)
    expect(stopped.message).toContain(`${ENV} was left as it is`)
    expect(stopped.data).toMatchObject({imageId: c.imageId, outcome: 'stopped', previousImageId: b.imageId})

    const ssm = await clientsFor(project).ssm()
    const record = parseRolloutRecord((await ssm.getParameter(lastRolloutParameterName('demo')))?.value ?? '')
    expect(record).toMatchObject({imageId: c.imageId, outcome: 'stopped', previousImageId: b.imageId})
    expect(record.cause).toContain('not rolled back')

    // Left as it was when hactl stopped: part of the fleet on C.
    expect(stopped.data.instances.map((instance: {imageId: string}) => instance.imageId)).toContain(c.imageId)

    // Nothing aborted, nothing re-applied by hactl: one update each for A, B and C. (EB's own batch
    // timeout may still revert it later, as it would on AWS: the message says so.)
    const eb = await clientsFor(project).eb()
    const messages = (await eb.describeEvents({environmentName: ENV, since: new Date(0)})).map((event) => event.Message ?? '')
    expect(messages).not.toContainEqual(expect.stringContaining('Aborting the environment update'))
    expect(messages.filter((message) => message === 'Environment update is starting.')).toHaveLength(3)
  }, 300_000)
})
