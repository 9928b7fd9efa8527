/**
 * `hactl up` on the sandbox from nothing: every stage runs, the site ends
 * live on a baked AMI, and a second `up` passes over every stage with no AWS
 * mutation at all (counted by the client factory).
 */
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {publishedMessages} from '../../src/sandbox/services/sns'
import type {SandboxState} from '../../src/sandbox/types'
import {exitCodeOf, type Project, scratchProject} from '../_helpers/cli'

const WAIT = ['--wait', '100000']

function expectOk(run: {error?: Error; stderr: string; stdout: string}): void {
  if (exitCodeOf(run) !== 0) throw new Error(`exit ${exitCodeOf(run)}:\n${run.stderr.slice(-3000)}\n${run.stdout.slice(-2000)}`)
}

describe('hactl up (sandbox)', () => {
  let project: Project

  beforeAll(async () => {
    project = scratchProject()
    expectOk(await project.run(['init', '--yes', '--app', 'wordpress', '--site', 'demo', '--region', 'eu-west-1']))
    writeFileSync(project.configPath, readFileSync(project.configPath, 'utf8').replace('notify: {}', 'notify:\n  email: ops@example.org'))
  }, 60_000)

  afterAll(() => project.cleanup())

  it('runs every stage from nothing, and a second up changes nothing', async () => {
    const first = await project.run(['up', '--sandbox', '--yes', '--json', ...WAIT])
    expectOk(first)
    const result = JSON.parse(first.stdout)
    expect(result.stages.map((stage: {id: string; outcome: string}) => [stage.id, stage.outcome])).toEqual([
      ['env', 'done'],
      ['seed', 'done'],
      ['test', 'done'],
      ['bake', 'done'],
      ['rollout', 'done'],
    ])
    expect(result.nothingToDo).toBe(false)
    // One message for the bake, one when the rollout started, one when it succeeded.
    const state = JSON.parse(readFileSync(join(project.dir, '.hactl', 'sandbox.json'), 'utf8')) as SandboxState
    const subjects = publishedMessages(state, 'eu-west-1').map((message) => message.subject)
    expect(subjects).toEqual([expect.stringMatching(/^hactl demo: baked ami-/), expect.stringMatching(/^hactl demo: rollout of ami-\w+ started$/), expect.stringMatching(/^hactl demo: rollout of ami-\w+ succeeded$/)])

    const second = await project.run(['up', '--sandbox', '--yes', '--json', ...WAIT])
    expectOk(second)
    const again = JSON.parse(second.stdout)
    expect(again.stages.map((stage: {outcome: string}) => stage.outcome)).toEqual(['skipped', 'skipped', 'skipped', 'skipped', 'skipped'])
    expect(again.nothingToDo).toBe(true)
    // No call that changes AWS; the only command is the one read-only marker read (shared by the test and bake checks).
    expect(again.awsCalls.mutations).toBe(0)
    expect(again.awsCalls.commands).toBe(1)
  }, 300_000)

  it('stops at a failing stage with its exit code, says what each stage did, and a re-run goes on from there', async () => {
    // A change on the seed since its last pass, then a staging check made to fail.
    expectOk(await project.run(['seed', 'exec', '--sandbox', ...WAIT, '--', 'touch', 'x'], {}, {configFlag: false}))
    const failed = await project.run(['up', '--sandbox', '--yes', '--json', '--sandbox-fault', 'check-failed:ssm:SendCommand', ...WAIT])
    expect(exitCodeOf(failed)).toBe(9)
    const {error} = JSON.parse(failed.stdout)
    expect(error.data.up.failedStage).toBe('test')
    expect(error.data.up.stages.map((stage: {id: string; outcome: string}) => [stage.id, stage.outcome])).toEqual([
      ['env', 'skipped'],
      ['seed', 'skipped'],
      ['test', 'failed'],
      ['bake', 'not-run'],
      ['rollout', 'not-run'],
    ])

    const resumed = await project.run(['up', '--sandbox', '--yes', '--json', ...WAIT])
    expectOk(resumed)
    expect(JSON.parse(resumed.stdout).stages.map((stage: {outcome: string}) => stage.outcome)).toEqual(['skipped', 'skipped', 'done', 'done', 'done'])
  }, 300_000)
})
