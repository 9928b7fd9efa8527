/**
 * The seed's cron gate and runner, executed for real in bash against a
 * loopback IMDSv2 stand-in: only an instance whose own hactl:role tag reads
 * "seed" runs the app's cron and leaves a heartbeat; a web tag, no tag, tags
 * not exposed and a dead metadata service all mean no cron.
 */
import {execFile} from 'node:child_process'
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import type {AddressInfo} from 'node:net'
import {tmpdir, userInfo} from 'node:os'
import {join} from 'node:path'

import {cronFiles, cronRunScript, cronServiceUnit, cronTimerUnit, roleGateScript, shellQuote} from '../../../src/seed/cron'
import {useImdsStub} from '../../_helpers/imds-stub'
import {runBash, type BashRun} from '../../_helpers/run-bash'

/** The scripts run with a PATH, as systemd gives them one. */
const run = (file: string, env: Record<string, string>): Promise<BashRun> => runBash(file, {PATH: process.env.PATH ?? '/usr/bin:/bin', ...env})

describe('seed cron: role gate and runner', () => {
  const imds = useImdsStub()
  let dir: string
  let appDir: string
  let gate: string
  let runner: string
  let heartbeat: string
  let env: Record<string, string>

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hactl-cron-'))
    appDir = join(dir, 'app dir') // a space: the runner must quote it
    mkdirSync(appDir)
    // The "app's cron": records that it ran, in the working directory it was given.
    writeFileSync(join(appDir, 'cron.sh'), 'pwd >>"$(dirname "$0")/ran"\nexit "${JOB_EXIT:-0}"\n')
    gate = join(dir, 'role-is-seed')
    runner = join(dir, 'cron-run')
    heartbeat = join(dir, 'state', 'cron-heartbeat.json')
    writeFileSync(gate, roleGateScript())
    writeFileSync(runner, cronRunScript({appDir, command: ['bash', 'cron.sh'], user: userInfo().username}))
    chmodSync(gate, 0o755)
    chmodSync(runner, 0o755)
    env = {HACTL_CRON_HEARTBEAT: heartbeat, HACTL_CRON_LOCK: join(dir, 'lock'), HACTL_IMDS_URL: imds.url}
    imds.tags = {'hactl:role': 'seed', 'hactl:site': 'demo'}
    imds.tagsExposed = true
  })

  afterEach(() => {
    rmSync(dir, {force: true, recursive: true})
  })

  /** What systemd does for hactl-cron.service: ExecCondition, then ExecStart only if it exited 0. */
  async function fireTimer(): Promise<{gate: BashRun; job?: BashRun}> {
    const gateRun = await run(gate, env)
    if (gateRun.code !== 0) return {gate: gateRun}
    return {gate: gateRun, job: await run(runner, env)}
  }

  it('runs the cron on the seed and writes a heartbeat', async () => {
    const {gate: g, job} = await fireTimer()
    expect(g.code).toBe(0)
    expect(job?.code).toBe(0)
    expect(readFileSync(join(appDir, 'ran'), 'utf8').trim()).toBe(appDir)
    const beat = JSON.parse(readFileSync(heartbeat, 'utf8')) as {at: string; exit: number; seconds: number}
    expect(beat.exit).toBe(0)
    expect(beat.seconds).toBeGreaterThanOrEqual(0)
    expect(Date.now() - Date.parse(beat.at)).toBeLessThan(60_000)
  })

  it.each<[string, () => void]>([
    ['a web tag', () => (imds.tags = {'hactl:role': 'web'})],
    ['a tag that only starts with "seed"', () => (imds.tags = {'hactl:role': 'seed-old'})],
    ['no role tag', () => (imds.tags = {'hactl:site': 'demo'})],
    ['instance metadata tags not exposed', () => (imds.tagsExposed = false)],
  ])('runs no cron with %s', async (_what, arrange) => {
    arrange()
    const {gate: g, job} = await fireTimer()
    expect(g.code).toBe(1)
    expect(job).toBeUndefined()
    expect(existsSync(join(appDir, 'ran'))).toBe(false)
    expect(existsSync(heartbeat)).toBe(false)
  })

  it('runs no cron when the metadata service does not answer', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    env.HACTL_IMDS_URL = `http://127.0.0.1:${port}`
    const {gate: g, job} = await fireTimer()
    expect(g.code).toBe(1)
    expect(job).toBeUndefined()
  })

  it('records a failing run in the heartbeat and exits with its code', async () => {
    env.JOB_EXIT = '3'
    const {job} = await fireTimer()
    expect(job?.code).toBe(3)
    expect(JSON.parse(readFileSync(heartbeat, 'utf8'))).toMatchObject({exit: 3})
    expect(job?.stdout).toContain('hactl-cron: exited 3')
  })

  it('skips a minute while another run holds the lock', async () => {
    // Hold the lock from a background bash for the duration of the run.
    const holder = execFile('bash', ['-c', `exec 9>"${env.HACTL_CRON_LOCK}"; flock 9; echo locked; sleep 30`])
    await new Promise<void>((resolve) => holder.stdout?.once('data', () => resolve()))
    try {
      const job = await run(runner, env)
      expect(job.code).toBe(0)
      expect(job.stdout).toContain('a run is still going')
      expect(existsSync(join(appDir, 'ran'))).toBe(false)
    } finally {
      holder.kill('SIGKILL')
    }
  })
})

describe('seed cron: units and files', () => {
  const options = {appDir: '/opt/hactl/app', command: ['php', 'admin/cli/cron.php']}

  it('gates the service on the role at every run and never on a baked file', () => {
    const unit = cronServiceUnit(options)
    expect(unit).toMatch(/^ExecCondition=\/usr\/local\/libexec\/hactl\/role-is-seed$/m)
    expect(unit).toMatch(/^ExecStart=\/usr\/local\/libexec\/hactl\/cron-run$/m)
    expect(unit).toMatch(/^Type=oneshot$/m)
    expect(roleGateScript()).toContain('/latest/meta-data/tags/instance/hactl:role')
  })

  it('fires every minute', () => {
    expect(cronTimerUnit()).toMatch(/^OnCalendar=\*-\*-\* \*:\*:00$/m)
  })

  it('installs the names the web nodes\' prebuild hook switches off', () => {
    const hook = readFileSync(join(__dirname, '../../../.platform/hooks/prebuild/01-hactl-role.sh'), 'utf8')
    const units = cronFiles(options).map((file) => file.path.split('/').pop())
    expect(units).toEqual(expect.arrayContaining(['hactl-cron.service', 'hactl-cron.timer']))
    expect(hook).toContain("CRON_TIMER='hactl-cron.timer'")
    expect(hook).toContain("CRON_SERVICE='hactl-cron.service'")
  })

  it('quotes words for bash', () => {
    expect(shellQuote('admin/cli/cron.php')).toBe('admin/cli/cron.php')
    expect(shellQuote("it's here")).toBe(`'it'\\''s here'`)
    expect(shellQuote('$(reboot)')).toBe("'$(reboot)'")
  })

  it('refuses an empty cron command', () => {
    expect(() => cronRunScript({appDir: '/opt/hactl/app', command: []})).toThrow(/empty/)
  })
})
