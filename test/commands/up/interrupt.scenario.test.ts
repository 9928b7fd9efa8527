/**
 * `hactl up --sandbox --yes` interrupted (SIGINT, as Ctrl-C sends it) while
 * the bake stage waits for its image to be available: exit 130 saying it
 * stopped in the bake; a re-run finds that image instead of making a second,
 * rolls it out, and leaves exactly one bake (image and snapshot), one seed and
 * one environment behind.
 *
 * The interrupted run goes at a slow sandbox speed (the image is pending for
 * a few hundred real milliseconds) and a watcher reads the sandbox's state
 * file: Ctrl-C goes out once the bake's image exists. No timing is asserted.
 */
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {ExitCode} from '../../../src/core/exit-codes'
import {findSeeds} from '../../../src/seed/state'
import {siteNames} from '../../../src/site/names'
import type {SandboxState} from '../../../src/sandbox/types'
import {exitCodeOf, INIT_WORDPRESS_DEMO, scratchProject, type Project} from '../../_helpers/cli'
import {clientsFor, expectOk, tagsOf, WAIT} from '../bake/_staging'

const SITE = {'hactl:role': 'bake', 'hactl:site': 'demo'}

/** The bake images in the sandbox's state file, read as written (renamed into place whole). */
function bakeImagesInState(project: Project): number {
  const file = join(project.dir, '.hactl', 'sandbox.json')
  if (!existsSync(file)) return 0
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as SandboxState
    const images = state.regions['eu-west-1']?.ec2?.images ?? []
    return images.filter((image) => image.tags['hactl:role'] === 'bake' && image.tags['hactl:site'] === 'demo').length
  } catch {
    return 0
  }
}

/** Sends SIGINT to this process once the bake's image exists; stops watching when `done` resolves. */
function interruptWhenImageExists(project: Project): {stop: () => void; sent: () => boolean} {
  let sent = false
  const timer = setInterval(() => {
    if (sent || bakeImagesInState(project) === 0) return
    sent = true
    process.emit('SIGINT')
  }, 10)
  return {sent: () => sent, stop: () => clearInterval(timer)}
}

describe('hactl up interrupted during the bake (sandbox)', () => {
  let project: Project

  beforeAll(async () => {
    project = scratchProject()
    expectOk(await project.run([...INIT_WORDPRESS_DEMO]))
  }, 60_000)

  afterAll(() => project.cleanup())

  it('exits 130 in the bake stage; a re-run finds the image, finishes, and leaves one image, one seed, one environment', async () => {
    const watcher = interruptWhenImageExists(project)
    let interrupted: Awaited<ReturnType<Project['run']>>
    try {
      // 200x: the image is pending for over a real second, long enough for the watcher (every 10 ms) to see it.
      interrupted = await project.run(['up', '--sandbox', '--yes', '--json', ...WAIT], {HACTL_SANDBOX_SPEED: '200'})
    } finally {
      watcher.stop()
    }

    expect(watcher.sent()).toBe(true)
    expect(exitCodeOf(interrupted)).toBe(ExitCode.Interrupted)
    const {error} = JSON.parse(interrupted.stdout)
    expect(error.exitCode).toBe(ExitCode.Interrupted)
    // Where it stopped: the stage, and the image it was waiting for, which a re-run picks up.
    expect(error.message).toContain('Interrupted in the bake stage (4 of 5; env, seed, test done)')
    expect(error.message).toMatch(/image ami-[0-9a-f]+ to be available/)
    const [pending] = error.message.match(/ami-[0-9a-f]+/) as RegExpMatchArray

    const resumed = await project.run(['up', '--sandbox', '--yes', '--json', ...WAIT])
    expectOk(resumed)
    const result = JSON.parse(resumed.stdout)
    expect(result.stages.map((stage: {id: string; outcome: string}) => [stage.id, stage.outcome])).toEqual([
      ['env', 'skipped'],
      ['seed', 'skipped'],
      ['test', 'skipped'],
      ['bake', 'done'],
      ['rollout', 'done'],
    ])
    const bakeStage = result.stages.find((stage: {id: string}) => stage.id === 'bake')
    expect(bakeStage.detail).toContain(`${pending} found`)
    // The bake made no second image: no CreateImage in the re-run.
    expect(bakeStage.awsCalls.byOperation['ec2:CreateImage']).toBeUndefined()

    const clients = clientsFor(project)
    const [ec2, eb] = await Promise.all([clients.ec2(), clients.eb()])
    const images = await ec2.describeImages({owners: ['self'], tags: SITE})
    expect(images.map((image) => [image.ImageId, image.State])).toEqual([[pending, 'available']])
    expect(tagsOf(images[0])).toMatchObject({'hactl:site': 'demo'})
    const snapshots = await ec2.describeSnapshots({snapshotIds: (images[0].BlockDeviceMappings ?? []).map((device) => device.Ebs?.SnapshotId ?? '')})
    expect(snapshots).toHaveLength(1)
    // One seed ever launched (none terminated and replaced), one environment.
    expect(await findSeeds(ec2, 'demo', ['pending', 'running', 'stopping', 'stopped', 'shutting-down', 'terminated'])).toHaveLength(1)
    const environment = await eb.describeEnvironment(siteNames('demo', 'eu-west-1').environment)
    expect(environment).toMatchObject({Health: 'Green', Status: 'Ready'})
  }, 300_000)
})
