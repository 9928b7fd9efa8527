/**
 * Drift on the sandbox (issue 14 item 6): after `hactl up` the web nodes run
 * the live bake's code and the seed its app version; a command run on a web
 * node (`hactl exec`) makes that node drift, which doctor fails on (exit 9,
 * naming the node) and `status --drift` shows; an upgrade on the seed
 * (`wp core update`) puts it on another app version than the live image,
 * which fails seed-drift.
 */
import {ExitCode} from '../../src/core/exit-codes'
import {webInstanceIds} from '../../src/ops/exec'
import {exitCodeOf, type Project, scratchProject} from '../_helpers/cli'
import {sandboxClients} from '../_helpers/fake-bake'

const WAIT = ['--wait', '100000']

interface Check {
  readonly id: string
  readonly status: string
  readonly detail: string
}

function expectOk(run: {error?: Error; stderr: string; stdout: string}): void {
  if (exitCodeOf(run) !== 0) throw new Error(`exit ${exitCodeOf(run)}:\n${run.stderr.slice(-3000)}\n${run.stdout.slice(-2000)}`)
}

describe('drift (sandbox)', () => {
  let project: Project

  async function doctor(): Promise<{exit: number; checks: Check[]}> {
    const run = await project.run(['doctor', '--sandbox', '--json'])
    const body = JSON.parse(run.stdout) as {checks?: Check[]; error?: {data?: {checks?: Check[]}}}
    return {checks: body.checks ?? body.error?.data?.checks ?? [], exit: exitCodeOf(run)}
  }

  const check = (checks: readonly Check[], id: string): Check | undefined => checks.find((candidate) => candidate.id === id)

  beforeAll(async () => {
    project = scratchProject()
    expectOk(await project.run(['init', '--yes', '--app', 'wordpress', '--site', 'demo', '--region', 'eu-west-1']))
    expectOk(await project.run(['up', '--sandbox', '--yes', '--json', ...WAIT]))
  }, 300_000)

  afterAll(() => project.cleanup())

  it('finds no drift after up; status says so only when asked', async () => {
    const {checks} = await doctor()
    expect(check(checks, 'web-drift')).toMatchObject({detail: expect.stringMatching(/^\d+ web nodes? at the marker of the live ami-\w+$/), status: 'pass'})
    expect(check(checks, 'seed-drift')).toMatchObject({detail: expect.stringMatching(/^the seed i-\w+ is at the live bake's marker$/), status: 'pass'})

    const plain = await project.run(['status', '--sandbox', '--json'])
    expectOk(plain)
    expect(JSON.parse(plain.stdout).drift).toBeUndefined()
    const asked = await project.run(['status', '--sandbox', '--json', '--drift', '--marker'])
    expectOk(asked)
    const status = JSON.parse(asked.stdout)
    expect(status.drift.web).toMatchObject({drifted: [], skipped: [], state: 'in-step'})
    expect(status.drift.seed).toMatchObject({state: 'same'})
    // The seed's marker for --marker came from the same command.
    expect(status.tests.seedMarker).toEqual({value: status.drift.seed.marker})
  }, 120_000)

  it('fails web-drift naming a node changed with hactl exec, exit 9, and status shows it', async () => {
    const [node] = await webInstanceIds(sandboxClients(project), 'demo', 'eu-west-1')
    expectOk(await project.run(['exec', '--instance', node, '--sandbox', ...WAIT, '--', 'touch', '/var/app/current/x'], {}, {configFlag: false}))

    const {checks, exit} = await doctor()
    expect(exit).toBe(ExitCode.ChecksFailed)
    const web = check(checks, 'web-drift')
    expect(web).toMatchObject({status: 'fail'})
    expect(web?.detail).toMatch(new RegExp(`^${node} has code that differs from the live ami-\\w+`))

    const asked = await project.run(['status', '--sandbox', '--json', '--drift'])
    expectOk(asked)
    const status = JSON.parse(asked.stdout)
    expect(status.drift.web.state).toBe('drifted')
    expect(status.drift.web.drifted.map((entry: {instanceId: string}) => entry.instanceId)).toEqual([node])
    const human = await project.run(['status', '--sandbox', '--drift'])
    expect(human.stdout).toContain(`DRIFTED: ${node} differ`)
  }, 120_000)

  it('fails seed-drift once the seed runs another app version than the live image (an upgrade on the seed)', async () => {
    // The sandbox models `wp core update` on the seed: its code moves to the next version (ssm.md "Schema versions").
    expectOk(await project.run(['seed', 'exec', '--sandbox', ...WAIT, '--', 'wp', 'core', 'update'], {}, {configFlag: false}))

    const {checks, exit} = await doctor()
    expect(exit).toBe(ExitCode.ChecksFailed)
    expect(check(checks, 'seed-drift')).toMatchObject({detail: expect.stringMatching(/^the seed i-\w+ runs app version sandbox-58975, the live image sandbox-57155/), status: 'fail'})
  }, 120_000)
})
