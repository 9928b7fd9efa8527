import {join} from 'node:path'

import {AwsClients} from '../../src/aws/clients'
import {acquireLock} from '../../src/site/lock'
import {ExitCode} from '../../src/core/exit-codes'
import {openSandbox} from '../../src/sandbox'
import {exitCodeOf, INIT_WORDPRESS_DEMO, scratchProject, useScratchProject} from '../_helpers/cli'

describe('hactl status (sandbox)', () => {
  const project = useScratchProject()

  it('answers from the sandbox with --json: identity, config and lock, nothing else on stdout', async () => {
    await project.run(['init', '--yes', '--app', 'wordpress', '--site', 'demo', '--region', 'eu-west-1'])
    const result = await project.run(['status', '--sandbox', '--json'])
    expect(exitCodeOf(result)).toBe(0)
    const status = JSON.parse(result.stdout)
    expect(status).toEqual({
      config: {app: 'wordpress', path: project.configPath, region: 'eu-west-1', site: 'demo'},
      identity: {
        account: expect.stringMatching(/^\d{12}$/),
        arn: expect.stringContaining('arn:aws:'),
        region: 'eu-west-1',
        sandbox: true,
      },
      lock: {held: false},
      // Nothing under /hactl/demo/: the site was never made, so the rest is not read (no `environment`, seed, tests …).
      pointers: {},
    })
  })

  it('works without a hactl.yml and says how to make one', async () => {
    const result = await project.run(['status', '--sandbox'], {}, {configFlag: false})
    expect(exitCodeOf(result)).toBe(0)
    expect(result.stdout).toContain('run `hactl init`')
    expect(result.stdout).toContain('sandbox')
  })

  it('--region overrides the config\'s region', async () => {
    await project.run(['init', '--yes', '--app', 'moodle', '--site', 'lms', '--region', 'eu-west-1'])
    const result = await project.run(['status', '--sandbox', '--json', '--region', 'us-east-2'])
    expect(JSON.parse(result.stdout).identity.region).toBe('us-east-2')
  })

  it('survives injected throttling: the SDK retries and the command still succeeds', async () => {
    await project.run(['init', '--yes', '--app', 'wordpress', '--site', 'demo', '--region', 'eu-west-1'])
    const result = await project.run(['status', '--sandbox'], {HACTL_SANDBOX_FAULTS: 'throttle:sts:GetCallerIdentity*2'})
    expect(exitCodeOf(result)).toBe(0)
    expect(result.stdout).toContain('account    123456789012')
    // Not a TTY here, so each retry is a line on stderr.
    expect(result.stderr).toContain('sts: Throttling, retrying (attempt 2)')
    expect(result.stderr).toContain('sts: Throttling, retrying (attempt 3)')
  })

  it('reports an AWS failure as JSON with the AWS exit code', async () => {
    await project.run(['init', '--yes', '--app', 'wordpress', '--site', 'demo', '--region', 'eu-west-1'])
    const result = await project.run(['status', '--sandbox', '--json'], {HACTL_SANDBOX_FAULTS: 'fail:sts:GetCallerIdentity=InternalFailure'})
    expect(exitCodeOf(result)).toBe(ExitCode.Aws)
    const {error} = JSON.parse(result.stdout)
    expect(error).toMatchObject({code: 'aws', exitCode: ExitCode.Aws, message: expect.stringContaining('InternalFailure')})
  })

  it('fails with the config exit code when --config names a file that does not exist', async () => {
    const result = await project.run(['status', '--sandbox'])
    expect(exitCodeOf(result)).toBe(ExitCode.Config)
    expect(result.stderr).toContain(project.configPath)
  })

  it('fails with the config exit code on a broken hactl.yml, listing each problem', async () => {
    const {writeFileSync} = await import('node:fs')
    writeFileSync(project.configPath, 'site: demo\napp: wordpress\nregion: eu-west-1\ndatabase:\n  engine: oracle\n')
    const result = await project.run(['status', '--sandbox'])
    expect(exitCodeOf(result)).toBe(ExitCode.Config)
    expect(result.stderr).toMatch(/hactl\.yml:5:\d+ +database\.engine/)
  })
})

describe('hactl status shows the site lock held by another operator', () => {
  it('names the holder and since when, from SSM in the sandbox', async () => {
    const project = scratchProject()
    try {
      await project.run(['init', '--yes', '--app', 'wordpress', '--site', 'demo', '--region', 'eu-west-1'])
      // Another operator's run, in another process in real life: same sandbox state directory.
      // Real-time speed, so the lock cannot go stale between the calls.
      const sandbox = openSandbox({region: 'eu-west-1', speed: 1, stateDir: join(project.dir, '.hactl')})
      const aws = new AwsClients({sandbox, version: 'test'})
      const lock = await acquireLock({clock: aws.clock, holder: 'arn:aws:iam::123456789012:user/alice on laptop (pid 7)', operation: 'env create', site: 'demo', ssm: await aws.ssm()})

      const realTime = {HACTL_SANDBOX_SPEED: '1'}
      const held = await project.run(['status', '--sandbox', '--json'], realTime)
      expect(JSON.parse(held.stdout).lock).toEqual({
        held: true,
        holder: 'arn:aws:iam::123456789012:user/alice on laptop (pid 7)',
        operation: 'env create',
        since: lock.record.since,
        stale: false,
      })
      const human = await project.run(['status', '--sandbox'], realTime)
      expect(human.stdout).toMatch(/holder +arn:aws:iam::123456789012:user\/alice on laptop/)

      await lock.release()
      expect(JSON.parse((await project.run(['status', '--sandbox', '--json'])).stdout).lock).toEqual({held: false})
    } finally {
      project.cleanup()
    }
  })
})

describe('hactl status on a made site (sandbox)', () => {
  const project = useScratchProject({init: INIT_WORDPRESS_DEMO})

  it('shows the pointers under /hactl/<site>/ and the environment\'s status and health', async () => {
    const created = await project.run(['env', 'create', '--sandbox', '--yes', '--json', '--wait', '100000'])
    expect(exitCodeOf(created)).toBe(0)
    // The site pointer env create writes (src/seed/pointers.ts format), put here so this test does not depend on which step writes it.
    const sandbox = openSandbox({region: 'eu-west-1', speed: 100_000, stateDir: join(project.dir, '.hactl')})
    const ssm = await new AwsClients({sandbox, version: 'test'}).ssm()
    await ssm.putParameter({name: '/hactl/demo/site', overwrite: true, value: '{"app":"wordpress","site":"demo"}'})

    const result = await project.run(['status', '--sandbox', '--json'])
    expect(exitCodeOf(result)).toBe(0)
    const status = JSON.parse(result.stdout)
    expect(status.pointers).toEqual({site: '{"app":"wordpress","site":"demo"}'})
    expect(status.lock).toEqual({held: false})
    expect(status.environment).toMatchObject({exists: true, health: 'Green', healthStatus: 'Ok', name: 'hactl-demo', status: 'Ready'})
    expect(status.environment.instances.Ok).toBeGreaterThan(0)

    const human = await project.run(['status', '--sandbox'])
    expect(human.stdout).toMatch(/site +\{"app":"wordpress","site":"demo"\}/)
    expect(human.stdout).toMatch(/status +Ready/)
    expect(human.stdout).toMatch(/health +Green \/ Ok/)
  })

  it('reads the environment while a command holds the lock, and says when it does not exist', async () => {
    const sandbox = openSandbox({region: 'eu-west-1', speed: 1, stateDir: join(project.dir, '.hactl')})
    const aws = new AwsClients({sandbox, version: 'test'})
    const lock = await acquireLock({clock: aws.clock, holder: 'ci', operation: 'env create', site: 'demo', ssm: await aws.ssm()})
    try {
      const result = await project.run(['status', '--sandbox', '--json'], {HACTL_SANDBOX_SPEED: '1'})
      const status = JSON.parse(result.stdout)
      expect(status.pointers).toEqual({})
      expect(status.environment).toEqual({exists: false, name: 'hactl-demo'})
      const human = await project.run(['status', '--sandbox'], {HACTL_SANDBOX_SPEED: '1'})
      expect(human.stdout).toContain('does not exist (`hactl env create` makes it)')
    } finally {
      await lock.release()
    }
  })
})
