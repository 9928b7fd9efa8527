/**
 * The acceptance scenario for the seed, whole commands on the
 * sandbox: env create, seed create twice (same instance), its launch request
 * as EC2 recorded it, seed status, seed exec (true / false / echo), seed
 * destroy and a new create; and an injected boot failure that leaves nothing
 * running.
 */
import {join} from 'node:path'

import {AwsClients} from '../../../src/aws/clients'
import {ExitCode} from '../../../src/core/exit-codes'
import {openSandbox} from '../../../src/sandbox'
import {exitCodeOf, type Project, scratchProject} from '../../_helpers/cli'

const WAIT = ['--wait', '100000']
// `seed exec` runs from inside the project (no --config): Project.run appends --config, which after `--` would be the command's.

function clientsFor(project: Project): AwsClients {
  return new AwsClients({sandbox: openSandbox({region: 'eu-west-1', speed: 100_000, stateDir: join(project.dir, '.hactl')}), version: 'test'})
}

/** Exit 0, or a failure that shows what hactl said. */
function expectOk(run: {error?: Error; stderr: string; stdout: string}): void {
  if (exitCodeOf(run) !== 0) throw new Error(`exit ${exitCodeOf(run)}:\n${run.stderr.slice(-2000)}\n${run.stdout.slice(-2000)}`)
}

async function seedInstances(project: Project, states = ['pending', 'running', 'stopping', 'stopped']) {
  const ec2 = await clientsFor(project).ec2()
  return ec2.describeInstances({states, tags: {'hactl:role': 'seed', 'hactl:site': 'demo'}})
}

describe('hactl seed (sandbox)', () => {
  let project: Project

  beforeAll(async () => {
    project = scratchProject()
    await project.run(['init', '--yes', '--app', 'wordpress', '--site', 'demo', '--region', 'eu-west-1'])
    const created = await project.run(['env', 'create', '--sandbox', '--yes', '--json', ...WAIT])
    expectOk(created)
  }, 120_000)

  afterAll(() => project.cleanup())

  it('seed commands before a seed exists: status says so, exec exits 11', async () => {
    const status = await project.run(['seed', 'status', '--sandbox', '--json'])
    expectOk(status)
    expect(JSON.parse(status.stdout)).toMatchObject({seed: null, site: 'demo'})

    const exec = await project.run(['seed', 'exec', '--sandbox', '--', 'true'], {}, {configFlag: false})
    expect(exitCodeOf(exec)).toBe(ExitCode.NotReady)
    expect(exec.stderr).toContain('seed create')
  })

  it('create twice returns the same seed, launched as the invariants say; status, exec, destroy, create again', async () => {
    const first = await project.run(['seed', 'create', '--sandbox', '--yes', '--json', ...WAIT])
    expectOk(first)
    const created = JSON.parse(first.stdout)
    expect(created).toMatchObject({agent: 'Online', boot: {status: 'ok'}, imageSource: 'platform', launched: true, site: 'demo', state: 'running'})
    expect(created.boot.version).toMatch(/^wordpress-/)

    const second = await project.run(['seed', 'create', '--sandbox', '--yes', '--json', ...WAIT])
    expectOk(second)
    expect(JSON.parse(second.stdout)).toMatchObject({instanceId: created.instanceId, launched: false})

    const [seed, ...others] = await seedInstances(project)
    expect(others).toEqual([])
    expect(seed.InstanceId).toBe(created.instanceId)
    expect(seed.MetadataOptions).toMatchObject({HttpTokens: 'required', InstanceMetadataTags: 'enabled'})
    expect(Object.fromEntries((seed.Tags ?? []).map((t) => [t.Key, t.Value]))).toMatchObject({'hactl:role': 'seed', 'hactl:site': 'demo', Name: 'hactl-demo-seed'})
    expect(seed.IamInstanceProfile?.Arn).toContain('hactl-demo-eu-west-1-instance')
    expect(seed.SecurityGroups?.map((g) => g.GroupName)).toEqual(['hactl-demo-seed'])

    const status = await project.run(['seed', 'status', '--sandbox', '--json'])
    expectOk(status)
    const shown = JSON.parse(status.stdout)
    expect(shown).toMatchObject({boot: {status: 'ok'}, lastStaging: null, seed: {imageIsLiveBake: false, instanceId: created.instanceId, state: 'running'}, ssm: {pingStatus: 'Online'}})
    expect(shown.cron).not.toBeNull()
    // A heartbeat a minute on the simulated clock: the last one is at most a couple of minutes old.
    expect(shown.cron.ageSeconds).toBeLessThan(180)
    const human = await project.run(['seed', 'status', '--sandbox'])
    expect(human.stdout).toContain(created.instanceId)
    expect(human.stdout).toMatch(/cron\s+last run/)

    const ran = await project.run(['seed', 'exec', '--sandbox', ...WAIT, '--', 'true'], {}, {configFlag: false})
    expectOk(ran)
    expect(exitCodeOf(await project.run(['seed', 'exec', '--sandbox', ...WAIT, '--', 'false'], {}, {configFlag: false}))).toBe(1)
    const echo = await project.run(['seed', 'exec', '--sandbox', ...WAIT, '--', 'echo', 'hi'], {}, {configFlag: false})
    expectOk(echo)
    expect(echo.stdout).toBe('hi\n')
    const exit3 = await project.run(['seed', 'exec', '--sandbox', '--json', ...WAIT, '--', 'exit 3'], {}, {configFlag: false})
    expect(exitCodeOf(exit3)).toBe(3)
    expect(JSON.parse(exit3.stdout)).toMatchObject({exitCode: 3, instanceId: created.instanceId, status: 'Failed'})

    const tunnel = await project.run(['seed', 'tunnel', '--sandbox', '--local-port', '8081'])
    expectOk(tunnel)
    expect(tunnel.stdout).toContain(`aws ssm start-session --target ${created.instanceId} --document-name AWS-StartPortForwardingSession`)

    // The seed's files payload: one object in EB's bucket while the seed lives, none after destroy.
    const payloads = async () => (await clientsFor(project).s3()).listKeys('elasticbeanstalk-eu-west-1-123456789012', 'hactl/demo/seed/files-')
    expect(await payloads()).toHaveLength(1)
    const destroyed = await project.run(['seed', 'destroy', '--sandbox', '--yes', '--json', ...WAIT])
    expectOk(destroyed)
    expect(JSON.parse(destroyed.stdout)).toMatchObject({cleared: expect.arrayContaining([expect.stringMatching(/^s3:\/\/elasticbeanstalk-eu-west-1-\d+\/hactl\/demo\/seed\/files-/)]), terminated: [created.instanceId]})
    expect(await payloads()).toEqual([])
    expect(await seedInstances(project)).toEqual([])
    const again = await project.run(['seed', 'destroy', '--sandbox', '--yes', '--json', ...WAIT])
    expect(JSON.parse(again.stdout)).toMatchObject({terminated: []})

    const recreated = await project.run(['seed', 'create', '--sandbox', '--yes', '--json', ...WAIT])
    expectOk(recreated)
    const next = JSON.parse(recreated.stdout)
    expect(next).toMatchObject({boot: {status: 'ok'}, launched: true})
    expect(next.instanceId).not.toBe(created.instanceId)

    expect(exitCodeOf(await project.run(['seed', 'destroy', '--sandbox', '--yes', ...WAIT]))).toBe(0)
  }, 120_000)

  it('an injected boot failure: non-zero exit, the log tail shown, no instance left running; a re-run starts clean', async () => {
    const failed = await project.run(['seed', 'create', '--sandbox', '--yes', '--sandbox-fault', 'boot-failed:ec2:RunInstances', ...WAIT])
    expect(exitCodeOf(failed)).toBe(ExitCode.Failure)
    expect(failed.stderr).toContain('failed to boot')
    expect(failed.stderr).toContain('Last lines of /var/log/hactl-boot.log')
    expect(failed.stderr).toContain('FAILED during')
    expect(await seedInstances(project, ['pending', 'running', 'stopping', 'stopped', 'shutting-down'])).toEqual([])

    const retried = await project.run(['seed', 'create', '--sandbox', '--yes', '--json', ...WAIT])
    expectOk(retried)
    expect(JSON.parse(retried.stdout)).toMatchObject({boot: {status: 'ok'}, launched: true})
  }, 120_000)
})
