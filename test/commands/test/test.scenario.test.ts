/**
 * The acceptance scenario for the staging tests, whole commands on
 * the sandbox: env create, seed create, test run passes and is recorded; an
 * injected check failure exits 9 naming the check; --junit writes one
 * testcase per check; test schedule --every 1h targets the seed, fires on the
 * simulated clock and records scheduled runs; test history lists both kinds.
 */
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {ExitCode} from '../../../src/core/exit-codes'
import {exitCodeOf, type Project, scratchProject} from '../../_helpers/cli'

const WAIT = ['--wait', '100000']

function expectOk(run: {error?: Error; stderr: string; stdout: string}): void {
  if (exitCodeOf(run) !== 0) throw new Error(`exit ${exitCodeOf(run)}:\n${run.stderr.slice(-3000)}\n${run.stdout.slice(-3000)}`)
}

describe('hactl test (sandbox)', () => {
  let project: Project

  beforeAll(async () => {
    project = scratchProject()
    await project.run(['init', '--yes', '--app', 'wordpress', '--site', 'demo', '--region', 'eu-west-1'])
    expectOk(await project.run(['env', 'create', '--sandbox', '--yes', '--json', ...WAIT]))
  }, 180_000)

  afterAll(() => project.cleanup())

  it('without a seed: test run exits 12 and says how to make one', async () => {
    const run = await project.run(['test', 'run', '--sandbox'])
    expect(exitCodeOf(run)).toBe(ExitCode.NotReady)
    expect(run.stderr).toContain('seed create')
  })

  it('runs the seed\'s own checks, records them, fails with 9 naming an injected failure, writes JUnit, schedules and lists history', async () => {
    expectOk(await project.run(['seed', 'create', '--sandbox', '--yes', '--json', ...WAIT]))

    const passed = await project.run(['test', 'run', '--sandbox', '--json', ...WAIT])
    expectOk(passed)
    const report = JSON.parse(passed.stdout)
    expect(report).toMatchObject({recorded: true, result: 'pass', selection: 'all', site: 'demo', trigger: 'manual', failed: []})
    // The checks the seed's runner has: hactl.yml's built-in WordPress checks, in order.
    expect(report.checks.map((c: {id: string}) => c.id)).toEqual(expect.arrayContaining(['http-home', 'db-connect', 'uploads-on-efs', 'wp-core-checksums']))
    expect(report.checks.every((c: {ms: number}) => c.ms > 0)).toBe(true)
    expect(report.marker.value).toMatch(/^sha256:/)

    const human = await project.run(['test', 'run', '--sandbox', '--only', 'http-home,db-connect', ...WAIT])
    expectOk(human)
    expect(human.stdout).toContain('passed')
    expect(human.stdout).toContain('partial')

    const unknown = await project.run(['test', 'run', '--sandbox', '--only', 'nope'])
    expect(exitCodeOf(unknown)).toBe(ExitCode.Usage)
    expect(unknown.stderr).toContain('http-home')

    const junit = join(project.dir, 'out.xml')
    const failed = await project.run(['test', 'run', '--sandbox', '--sandbox-fault', 'check-failed:ssm:SendCommand', '--junit', junit, ...WAIT])
    expect(exitCodeOf(failed)).toBe(ExitCode.ChecksFailed)
    expect(failed.stdout).toContain('FAILED')
    expect(failed.stderr).toContain('Staging checks failed: http-home')
    const xml = readFileSync(junit, 'utf8')
    expect(xml.match(/<testcase /g)).toHaveLength(report.checks.length)
    expect(xml).toContain('<failure message="sandbox fault check-failed')

    const scheduled = await project.run(['test', 'schedule', '--sandbox', '--yes', '--every', '1h', '--json'])
    expectOk(scheduled)
    const schedule = JSON.parse(scheduled.stdout)
    expect(schedule).toMatchObject({changed: true, schedule: {expression: 'rate(1 hour)', instanceId: report.instance, maximumRetryAttempts: 2, name: 'hactl-demo-staging-tests', targetsCurrentSeed: true}})
    const again = await project.run(['test', 'schedule', '--sandbox', '--yes', '--every', '1h', '--json'])
    expectOk(again)
    expect(JSON.parse(again.stdout)).toMatchObject({changed: false})

    // Simulated hours pass between commands (the tests' speed): the schedule fires and the runs end.
    let history: {runs: Array<{trigger: string; result: string}>; changedSinceLastPass?: boolean} = {runs: []}
    for (let attempt = 0; attempt < 6 && !history.runs.some((run) => run.trigger === 'schedule'); attempt++) {
      const listed = await project.run(['test', 'history', '--sandbox', '--json', ...WAIT])
      expectOk(listed)
      history = JSON.parse(listed.stdout)
    }
    expect(history.runs.some((run) => run.trigger === 'schedule' && run.result === 'pass')).toBe(true)
    expect(history.runs.some((run) => run.trigger === 'manual' && run.result === 'fail')).toBe(true)
    expect(history.runs.some((run) => run.trigger === 'manual' && run.result === 'pass')).toBe(true)
    expect(history.changedSinceLastPass).toBe(false)
    const shown = await project.run(['test', 'history', '--sandbox', ...WAIT])
    expectOk(shown)
    expect(shown.stdout).toContain('schedule')

    const off = await project.run(['test', 'schedule', '--sandbox', '--yes', '--off', '--json'])
    expectOk(off)
    expect(JSON.parse(off.stdout)).toMatchObject({deleted: true})
    expect(existsSync(junit)).toBe(true)
  }, 240_000)
})
