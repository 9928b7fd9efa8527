/**
 * The cron runner also publishes its heartbeat to SSM (/hactl/<site>/seed/cron),
 * the parameter `hactl seed status` and doctor read and the sandbox's seed
 * writes. Run for real in bash with a stub AWS CLI and a loopback IMDSv2
 * stand-in that answers the token and the Region.
 */
import {chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir, userInfo} from 'node:os'
import {join} from 'node:path'

import {cronHeartbeatParameterName, cronRunScript} from '../../../src/seed/cron'
import {useImdsStub} from '../../_helpers/imds-stub'
import {runBash} from '../../_helpers/run-bash'
import {createAwsStub, type AwsStub} from './aws-stub'

const run = runBash

describe('seed cron: the heartbeat in SSM', () => {
  const imds = useImdsStub()
  let dir: string
  let aws: AwsStub
  let env: Record<string, string>

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hactl-cron-ssm-'))
    const appDir = join(dir, 'app')
    mkdirSync(appDir)
    writeFileSync(join(appDir, 'cron.sh'), 'exit 0\n')
    writeFileSync(join(dir, 'cron-run'), cronRunScript({appDir, command: ['bash', 'cron.sh'], user: userInfo().username}))
    chmodSync(join(dir, 'cron-run'), 0o755)
    writeFileSync(join(dir, 'site'), 'demo\n')
    aws = createAwsStub(join(dir, 'bin'))
    env = {
      PATH: `${aws.binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      HACTL_CRON_HEARTBEAT: join(dir, 'state', 'cron-heartbeat.json'),
      HACTL_CRON_LOCK: join(dir, 'lock'),
      HACTL_IMDS_URL: imds.url,
      HACTL_SITE_FILE: join(dir, 'site'),
    }
  })

  afterEach(() => rmSync(dir, {force: true, recursive: true}))

  it('puts the same {at, exit, seconds} it wrote to the file', async () => {
    const result = await run(join(dir, 'cron-run'), env)
    expect(result.code).toBe(0)
    const file = readFileSync(env.HACTL_CRON_HEARTBEAT, 'utf8').trim()
    expect(aws.calls()).toEqual([`ssm put-parameter ${cronHeartbeatParameterName('demo')}`])
    expect(aws.parameter(cronHeartbeatParameterName('demo'))).toBe(file)
  })

  it('still succeeds, with the file, when SSM cannot be reached', async () => {
    env.HACTL_IMDS_URL = 'http://127.0.0.1:9'
    const result = await run(join(dir, 'cron-run'), env)
    expect(result.code).toBe(0)
    expect(aws.calls()).toEqual([])
    expect(JSON.parse(readFileSync(env.HACTL_CRON_HEARTBEAT, 'utf8'))).toMatchObject({exit: 0})
  })

  it('publishes nothing where the site is not named (a web node, a test)', async () => {
    env.HACTL_SITE_FILE = join(dir, 'absent')
    expect((await run(join(dir, 'cron-run'), env)).code).toBe(0)
    expect(aws.calls()).toEqual([])
  })
})
