/**
 * Day-two commands on a sandbox site, whole commands: `hactl logs` reads the
 * web nodes' streamed logs interleaved across instances and `--follow` stops
 * on Ctrl-C with 130; `hactl exec` runs on every web node with one result
 * each, and a failing command makes it exit non-zero.
 */
import {ExitCode} from '../../../src/core/exit-codes'
import {exitCodeOf, INIT_WORDPRESS_DEMO, useScratchProject} from '../../_helpers/cli'

const WAIT = ['--wait', '100000']

describe('hactl logs and exec (sandbox)', () => {
  const project = useScratchProject({init: INIT_WORDPRESS_DEMO, scope: 'all'})

  beforeAll(async () => {
    // Two web nodes, so interleaving and one-result-per-node mean something.
    const {readFileSync, writeFileSync} = await import('node:fs')
    const text = readFileSync(project.configPath, 'utf8')
    writeFileSync(project.configPath, text.replace(/minSize: \d+/, 'minSize: 2'))
    const created = await project.run(['env', 'create', '--sandbox', '--yes', ...WAIT])
    expect(exitCodeOf(created)).toBe(0)
  })

  it('logs --since 1h --json returns events of at least two instances, interleaved by time', async () => {
    const run = await project.run(['logs', '--since', '1h', '--sandbox', '--json'])
    expect(exitCodeOf(run)).toBe(0)
    const result = JSON.parse(run.stdout) as {events: Array<{timestamp: number; instanceId: string; role: string; log: string}>; groups: string[]}
    expect(result.groups).toContain('/aws/elasticbeanstalk/hactl-demo/var/log/nginx/access.log')
    const instances = [...new Set(result.events.map((event) => event.instanceId))]
    expect(instances.length).toBeGreaterThanOrEqual(2)
    const times = result.events.map((event) => event.timestamp)
    expect(times).toEqual([...times].sort((a, b) => a - b))
    // Interleaved, not one instance's block after the other's.
    const switches = result.events.filter((event, index) => index > 0 && event.instanceId !== result.events[index - 1].instanceId).length
    expect(switches).toBeGreaterThan(instances.length)
    expect(new Set(result.events.map((event) => event.log))).toContain('nginx-access')
  })

  it('logs --grep filters in CloudWatch, --web/--seed choose the groups, a bad regex is a usage error', async () => {
    const run = await project.run(['logs', '--since', '2h', '--web', '--grep', 'ELB-HealthChecker', '--sandbox', '--json'])
    const result = JSON.parse(run.stdout) as {events: Array<{message: string}>; filterPattern: string; groups: string[]}
    expect(result.filterPattern).toBe('"ELB-HealthChecker"')
    expect(result.events.length).toBeGreaterThan(0)
    expect(result.events.every((event) => event.message.includes('ELB-HealthChecker'))).toBe(true)
    expect(result.groups.every((group) => group.startsWith('/aws/elasticbeanstalk/'))).toBe(true)

    const seed = JSON.parse((await project.run(['logs', '--seed', '--sandbox', '--json'])).stdout) as {events: unknown[]; groups: string[]}
    expect(seed.groups.every((group) => group.startsWith('/hactl/demo/seed/'))).toBe(true)
    expect(seed.events).toEqual([])

    const bad = await project.run(['logs', '--grep', '(a|b)', '--sandbox'])
    expect(exitCodeOf(bad)).toBe(ExitCode.Usage)
    expect(bad.stderr).toContain('--grep cannot be used')
  })

  it('logs --follow prints lines until Ctrl-C, then exits 130', async () => {
    const pending = project.run(['logs', '--since', '5m', '--follow', '--sandbox'])
    setTimeout(() => process.emit('SIGINT'), 1500)
    const run = await pending
    expect(exitCodeOf(run)).toBe(ExitCode.Interrupted)
    expect(run.stdout).toMatch(/i-[0-9a-f]+ web\/nginx-access/)
  })

  it('exec --all-web -- true exits 0 with one result per web node; a failing command exits non-zero', async () => {
    const ok = await project.run(['exec', '--all-web', '--sandbox', '--json', ...WAIT, '--', 'true'], {}, {configFlag: false})
    expect(exitCodeOf(ok)).toBe(0)
    const result = JSON.parse(ok.stdout) as {failed: number; results: Array<{instanceId: string; exitCode: number; ok: boolean}>}
    expect(result.failed).toBe(0)
    expect(result.results).toHaveLength(2)
    expect(new Set(result.results.map((node) => node.instanceId)).size).toBe(2)
    expect(result.results.every((node) => node.exitCode === 0 && node.ok)).toBe(true)

    // runCommand joins argv and splits it again, so one script word is quoted as a shell would.
    const failing = await project.run(['exec', '--all-web', '--sandbox', '--json', ...WAIT, '--', '"echo checking; exit 3"'], {}, {configFlag: false})
    expect(exitCodeOf(failing)).toBe(ExitCode.Failure)
    const failed = JSON.parse(failing.stdout) as {failed: number; results: Array<{exitCode: number; stdout: string}>}
    expect(failed.failed).toBe(2)
    expect(failed.results.every((node) => node.exitCode === 3 && node.stdout === 'checking\n')).toBe(true)

    const human = await project.run(['exec', '--instance', result.results[0].instanceId, '--sandbox', ...WAIT, '--', 'echo', 'hi'], {}, {configFlag: false})
    expect(exitCodeOf(human)).toBe(0)
    expect(human.stdout).toContain(`── ${result.results[0].instanceId}: exit 0\nhi`)
  })

  it('exec: an instance that is not a web node of the site is a usage error naming the web nodes', async () => {
    const run = await project.run(['exec', '--instance', 'i-0123456789abcdef0', '--sandbox', '--', 'true'], {}, {configFlag: false})
    expect(exitCodeOf(run)).toBe(ExitCode.Usage)
    expect(run.stderr).toContain('is not a running web node of demo')
  })
})
