/**
 * `hactl bake` on the sandbox, whole commands: env create + seed create, a
 * passing staging run for the seed's marker, then bake (tags on the image
 * and its snapshots, the pointer, cron resumed); a seed changed after its
 * run (exit 9) and --force (tagged); an interrupted bake re-run makes one
 * image; an injected failed image leaves nothing behind.
 */
import {ExitCode} from '../../../src/core/exit-codes'
import {BAKE_TAGS, latestBakeParameterName, parseBakeRecord} from '../../../src/bake/record'
import {exitCodeOf, type Project, scratchProject} from '../../_helpers/cli'
import {clientsFor, expectOk, passStaging, tagsOf, WAIT} from './_staging'

async function bakes(project: Project) {
  const ec2 = await clientsFor(project).ec2()
  return ec2.describeImages({owners: ['self'], tags: {'hactl:role': 'bake', 'hactl:site': 'demo'}})
}

describe('hactl bake (sandbox)', () => {
  let project: Project

  beforeAll(async () => {
    project = scratchProject()
    await project.run(['init', '--yes', '--app', 'wordpress', '--site', 'demo', '--region', 'eu-west-1'])
    expectOk(await project.run(['env', 'create', '--sandbox', '--yes', '--json', ...WAIT]))
    expectOk(await project.run(['seed', 'create', '--sandbox', '--yes', '--json', ...WAIT]))
  }, 120_000)

  afterAll(() => project.cleanup())

  it('an untested seed is refused with exit 9; a tested one is baked, tagged, pointed at, and cron resumed', async () => {
    const untested = await project.run(['bake', '--sandbox', '--yes', ...WAIT])
    expect(exitCodeOf(untested)).toBe(ExitCode.ChecksFailed)
    expect(untested.stderr).toContain('No passing staging run')
    expect(untested.stderr).toContain('hactl test run')

    const {marker, runId} = await passStaging(project)
    const run = await project.run(['bake', '--sandbox', '--yes', '--json', ...WAIT])
    expectOk(run)
    const baked = JSON.parse(run.stdout)
    expect(baked).toMatchObject({created: true, forced: false, marker, rebooted: true, site: 'demo', stagingRun: runId, state: 'available'})
    expect(baked.name).toMatch(/^hactl-demo-\d{8}T\d{6}-[0-9a-f]{8}$/)

    const [image, ...others] = await bakes(project)
    expect(others).toEqual([])
    const tags = tagsOf(image)
    for (const key of Object.values(BAKE_TAGS)) expect(tags[key]).toBeDefined()
    expect(tags).toMatchObject({[BAKE_TAGS.forced]: 'false', [BAKE_TAGS.marker]: marker, [BAKE_TAGS.role]: 'bake', [BAKE_TAGS.stagingRun]: runId})
    expect(tags[BAKE_TAGS.platformArn]).toMatch(/^arn:aws:elasticbeanstalk:/)

    const ec2 = await clientsFor(project).ec2()
    const snapshots = await ec2.describeSnapshots({snapshotIds: baked.snapshots})
    expect(snapshots).toHaveLength(1)
    expect(tagsOf(snapshots[0])).toMatchObject({[BAKE_TAGS.marker]: marker, [BAKE_TAGS.runId]: tags[BAKE_TAGS.runId]})

    const ssm = await clientsFor(project).ssm()
    const pointer = await ssm.getParameter(latestBakeParameterName('demo'))
    expect(parseBakeRecord(pointer?.value ?? '')).toMatchObject({imageId: image.ImageId, marker, stagingRun: runId})

    // Cron runs again: a heartbeat newer than the bake.
    await new Promise((resolve) => setTimeout(resolve, 20))
    const status = JSON.parse((await project.run(['seed', 'status', '--sandbox', '--json'])).stdout)
    expect(Date.parse(status.cron.at)).toBeGreaterThan(Date.parse(baked.at))

    // Baking the same seed at the same marker again makes nothing new.
    const again = JSON.parse((await project.run(['bake', '--sandbox', '--yes', '--json', ...WAIT])).stdout)
    expect(again).toMatchObject({created: false, imageId: image.ImageId})
    expect(await bakes(project)).toHaveLength(1)
  }, 120_000)
})
