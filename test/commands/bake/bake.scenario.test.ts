/**
 * `hactl bake` on the sandbox, whole commands: env create + seed create, a
 * passing staging run for the seed's marker, then bake (tags on the image
 * and its snapshots, the pointer, cron resumed); a seed changed after its
 * run (exit 9) and --force (tagged); an interrupted bake re-run makes one
 * image; an injected failed image leaves nothing behind.
 */
import {ExitCode} from '../../../src/core/exit-codes'
import {BAKE_TAGS, latestBakeParameterName, parseBakeRecord} from '../../../src/bake/record'
import {exitCodeOf, type Project} from '../../_helpers/cli'
import {clientsFor, expectOk, passStaging, tagsOf, useSeededProject, WAIT} from './_staging'

async function bakes(project: Project) {
  const ec2 = await clientsFor(project).ec2()
  return ec2.describeImages({owners: ['self'], tags: {'hactl:role': 'bake', 'hactl:site': 'demo'}})
}

describe('hactl bake (sandbox)', () => {
  const project = useSeededProject()

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

  it('a seed changed after its passing run is refused naming both; --force --no-reboot bakes it, tagged, and cron resumes', async () => {
    const {marker, runId} = await passStaging(project)
    expectOk(await project.run(['seed', 'exec', '--sandbox', ...WAIT, '--', 'true'], {}, {configFlag: false}))
    const changed = await project.run(['bake', '--sandbox', '--yes', '--json', ...WAIT])
    expect(exitCodeOf(changed)).toBe(ExitCode.ChecksFailed)
    const error = JSON.parse(changed.stdout).error
    expect(error.message).toContain(runId)
    expect(error.message).toContain(marker)
    expect(error.data).toMatchObject({stagingRun: runId, testedMarker: marker})
    expect(error.data.marker).not.toBe(marker)

    const run = await project.run(['bake', '--sandbox', '--yes', '--json', '--force', '--no-reboot', ...WAIT])
    expectOk(run)
    const forced = JSON.parse(run.stdout)
    expect(forced).toMatchObject({created: true, forced: true, rebooted: false, stagingRun: ''})
    const [image] = (await bakes(project)).filter((candidate) => candidate.ImageId === forced.imageId)
    expect(tagsOf(image)).toMatchObject({[BAKE_TAGS.forced]: 'true', [BAKE_TAGS.stagingRun]: ''})

    // No reboot started the timer again: only the bake's start-cron did, so a fresh heartbeat proves it.
    const status = JSON.parse((await project.run(['seed', 'status', '--sandbox', '--json'])).stdout)
    expect(Date.parse(status.cron.at)).toBeGreaterThan(Date.parse(forced.at) - 60_000)
  }, 120_000)

  it('a bake that gave up waiting (exit 7) and is run again waits for the same image: one image only', async () => {
    expectOk(await project.run(['seed', 'exec', '--sandbox', ...WAIT, '--', 'true'], {}, {configFlag: false}))
    const {marker} = await passStaging(project)
    // 60x: the 4 simulated minutes of a pending image outlast a 2-minute --wait.
    const timedOut = await project.run(['bake', '--sandbox', '--yes', '--wait', '2'], {HACTL_SANDBOX_SPEED: '60'})
    expect(exitCodeOf(timedOut)).toBe(ExitCode.TimedOut)
    expect(timedOut.stderr).toContain('Re-run `hactl bake`')
    const started = /Gave up waiting .* for image (ami-[0-9a-f]+)/.exec(timedOut.stderr)?.[1]
    expect(started).toBeDefined()

    // Still at 60x: the re-run meets the image pending and waits for it.
    const again = await project.run(['bake', '--sandbox', '--yes', '--json', ...WAIT], {HACTL_SANDBOX_SPEED: '60'})
    expectOk(again)
    expect(JSON.parse(again.stdout)).toMatchObject({created: false, imageId: started, state: 'available'})
    expect((await bakes(project)).filter((image) => tagsOf(image)[BAKE_TAGS.marker] === marker)).toHaveLength(1)
  }, 120_000)

  it('an image that ends failed is deregistered with its snapshots, and the bake exits 1', async () => {
    expectOk(await project.run(['seed', 'exec', '--sandbox', ...WAIT, '--', 'true'], {}, {configFlag: false}))
    const {marker} = await passStaging(project)
    const before = await bakes(project)
    const failed = await project.run(['bake', '--sandbox', '--yes', '--json', '--sandbox-fault', 'image-failed:ec2:CreateImage', ...WAIT])
    expect(exitCodeOf(failed)).toBe(ExitCode.Failure)
    const error = JSON.parse(failed.stdout).error
    expect(error).toMatchObject({code: 'image-failed', data: {state: 'failed'}})
    expect(error.data.snapshots).toHaveLength(1)
    expect((await bakes(project)).map((image) => image.ImageId)).toEqual(before.map((image) => image.ImageId))
    const ec2 = await clientsFor(project).ec2()
    expect(await ec2.describeSnapshots({tags: {[BAKE_TAGS.marker]: marker}})).toEqual([])
  }, 120_000)
})
