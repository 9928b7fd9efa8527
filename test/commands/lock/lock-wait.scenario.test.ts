/**
 * The lock queue on the sandbox: two `env create --lock-wait` started at
 * once both finish, the second after the first (it queued for the lock), and
 * nothing is made twice. The audit trail says who waited and for how long.
 *
 * Speed: 300x, not the usual 100000x. --lock-wait is simulated minutes, and
 * at 100000x hactl's own CPU time alone is days of simulated time. An
 * env create from scratch takes about 45 simulated minutes here (RDS
 * Multi-AZ dominates, as on AWS), so the waiter gets 90 minutes: with 30 it
 * would give up, correctly, with exit 6 while the first is still creating.
 */
import {join} from 'node:path'

import {AwsClients} from '../../../src/aws/clients'
import {openSandbox} from '../../../src/sandbox'
import type {AuditEntry} from '../../../src/site/audit'
import {exitCodeOf, type Project, scratchProject} from '../../_helpers/cli'

const SPEED = '300'

describe('two env create --lock-wait at once (sandbox)', () => {
  let project: Project
  const saved = {stderr: process.stderr.write, stdout: process.stdout.write}
  const savedEnv = {dir: process.env.HACTL_SANDBOX_DIR, speed: process.env.HACTL_SANDBOX_SPEED}

  beforeEach(async () => {
    project = scratchProject()
    // Both runs share the process: set what scratchProject would set, so neither run's restore unsets it under the other.
    process.env.HACTL_SANDBOX_DIR = join(project.dir, '.hactl')
    process.env.HACTL_SANDBOX_SPEED = SPEED
    await project.run(['init', '--yes', '--app', 'wordpress', '--site', 'demo', '--region', 'eu-west-1'])
  })

  afterEach(() => {
    // Two overlapping runCommand captures restore each other's stand-ins: put the real streams back.
    process.stdout.write = saved.stdout
    process.stderr.write = saved.stderr
    for (const [key, value] of [['HACTL_SANDBOX_DIR', savedEnv.dir], ['HACTL_SANDBOX_SPEED', savedEnv.speed]] as const) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
    project.cleanup()
  })

  it('both finish, the second after the first, with no duplicates', async () => {
    const argv = ['env', 'create', '--sandbox', '--yes', '--json', '--lock-wait', '90', '--wait', '100000']
    const env = {HACTL_SANDBOX_SPEED: SPEED}
    // Each capture restores the stream it found; whatever one run writes after the other's capture ended lands here, not in the test log.
    const sink = ((..._args: unknown[]) => true) as typeof process.stdout.write
    process.stdout.write = sink
    process.stderr.write = sink
    const [a, b] = await Promise.all([project.run(argv, env), project.run(argv, env)])
    process.stdout.write = saved.stdout
    process.stderr.write = saved.stderr
    expect([exitCodeOf(a), exitCodeOf(b)]).toEqual([0, 0])

    // The run result (not stdout: the two captures overlap) says what each did.
    type Created = {resources: Array<{action: string; kind: string; name: string}>}
    const results = [a.result as Created, b.result as Created]
    const created = results.flatMap((r) => r.resources.filter((x) => x.action === 'created').map((x) => `${x.kind} ${x.name}`))
    expect(new Set(created).size).toBe(created.length)
    expect(results.some((r) => r.resources.every((x) => x.action !== 'created'))).toBe(true)

    // One of each, as one env create makes.
    const aws = new AwsClients({sandbox: openSandbox({region: 'eu-west-1', speed: Number(SPEED), stateDir: join(project.dir, '.hactl')}), version: 'test'})
    const [ec2, efs, eb] = await Promise.all([aws.ec2(), aws.efs(), aws.eb()])
    const fileSystem = await efs.findFileSystem('hactl-demo-uploads')
    expect(fileSystem).toBeDefined()
    expect(await efs.describeAccessPoints(fileSystem!.FileSystemId!)).toHaveLength(1)
    const groups = await ec2.describeSecurityGroups({tags: {'hactl:site': 'demo'}})
    expect(new Set(groups.map((g) => g.GroupName)).size).toBe(groups.length)
    expect((await eb.describeEnvironment('hactl-demo'))?.Status).toBe('Ready')

    // The audit trail: the second took the lock only after the first finished, having queued.
    const audit = await project.run(['audit', '--sandbox', '--json'], env)
    const entries = (JSON.parse(audit.stdout) as {entries: AuditEntry[]}).entries.filter((e) => e.command === 'env create')
    expect(entries).toHaveLength(2)
    const [second, first] = entries // newest first
    expect(Date.parse(second.lockedAt!)).toBeGreaterThanOrEqual(Date.parse(first.finishedAt))
    expect(Date.parse(second.lockedAt!) - Date.parse(second.startedAt)).toBeGreaterThan(60_000)
    expect(second.flags).toMatchObject({'lock-wait': 90})
    expect(entries.every((e) => e.outcome.exitCode === 0)).toBe(true)
  }, 120_000)
})
