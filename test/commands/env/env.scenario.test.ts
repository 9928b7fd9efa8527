/**
 * The acceptance scenario, whole commands on the sandbox: init, plan,
 * env create (idempotent, lock-aware, resumable after an injected failure),
 * env status, env destroy.
 */
import {join} from 'node:path'

import {AwsClients} from '../../../src/aws/clients'
import {acquireLock} from '../../../src/site/lock'
import {ExitCode} from '../../../src/core/exit-codes'
import {openSandbox} from '../../../src/sandbox'
import {exitCodeOf, INIT_WORDPRESS_DEMO, type Project, useScratchProject} from '../../_helpers/cli'

/**
 * At the tests' 100000x speed every real millisecond is 100 simulated
 * seconds, so hactl's own CPU time would eat a 60-minute deadline; tests that
 * are not about deadlines give a long one.
 */
const WAIT = ['--wait', '100000']

function clientsFor(project: Project): AwsClients {
  return new AwsClients({sandbox: openSandbox({region: 'eu-west-1', speed: 100_000, stateDir: join(project.dir, '.hactl')}), version: 'test'})
}

/** What exists for the site, counted the way a duplicate would show up. */
async function census(project: Project): Promise<Record<string, number>> {
  const aws = clientsFor(project)
  const [ec2, efs, eb] = await Promise.all([aws.ec2(), aws.efs(), aws.eb()])
  const groups = await ec2.describeSecurityGroups({tags: {'hactl:site': 'demo'}})
  const fs = await efs.findFileSystem('hactl-demo-uploads')
  const targets = fs?.FileSystemId ? await efs.describeMountTargets(fs.FileSystemId) : []
  const points = fs?.FileSystemId ? await efs.describeAccessPoints(fs.FileSystemId) : []
  const env = await eb.describeEnvironment('hactl-demo')
  const instances = env ? (await eb.environmentResources('hactl-demo')).instanceIds.length : 0
  return {accessPoints: points.length, instances, mountTargets: targets.length, securityGroups: groups.length}
}

describe('hactl env (sandbox)', () => {
  const project = useScratchProject({init: INIT_WORDPRESS_DEMO})

  it('plan works offline, then env create stands the site up Ready and Green, and env status shows its endpoints', async () => {
    const plan = await project.run(['plan', '--json'])
    expect(exitCodeOf(plan)).toBe(0)
    const planned = JSON.parse(plan.stdout)
    expect(planned.mode).toBe('offline')
    expect(planned.resources.map((r: {kind: string}) => r.kind)).toEqual(expect.arrayContaining(['EB environment', 'RDS instance', 'Redis replication group', 'EFS file system']))
    expect(planned.bundle.files.map((f: {path: string}) => f.path)).toEqual(expect.arrayContaining([expect.stringMatching(/^\.ebextensions\/.*\.config$/)]))

    const created = await project.run(['env', 'create', '--sandbox', '--yes', '--json', ...WAIT])
    expect(exitCodeOf(created)).toBe(0)
    const result = JSON.parse(created.stdout)
    expect(result.environment).toMatchObject({health: 'Green', name: 'hactl-demo', status: 'Ready'})
    expect(result.resources.every((r: {action: string}) => r.action === 'created')).toBe(true)

    const status = await project.run(['env', 'status', '--sandbox', '--json'])
    expect(exitCodeOf(status)).toBe(0)
    const env = JSON.parse(status.stdout)
    expect(env.environment).toMatchObject({health: 'Green', status: 'Ready'})
    expect(env.uploads.fileSystemId).toMatch(/^fs-/)
    expect(env.uploads.dnsName).toBe(`${env.uploads.fileSystemId}.efs.eu-west-1.amazonaws.com`)
    expect(env.uploads.mountTargets.length).toBeGreaterThanOrEqual(2)
    expect(env.database.endpoint).toMatch(/rds\.amazonaws\.com$/)
    expect(env.database.status).toBe('available')
    expect(env.cache.endpoint).toMatch(/cache\.amazonaws\.com$/)
    expect(env.instances).toHaveLength(2)
    expect(env.instances.every((i: {imdsv2: boolean; state: string}) => i.imdsv2)).toBe(true)
    expect(status.stdout).not.toMatch(/"(AuthToken|MasterUserPassword|SecretString)"/)
  })

  it('a re-run creates nothing new, and plan --sandbox then shows everything existing and nothing to change', async () => {
    expect(exitCodeOf(await project.run(['env', 'create', '--sandbox', '--yes', ...WAIT]))).toBe(0)
    const before = await census(project)

    const again = await project.run(['env', 'create', '--sandbox', '--yes', '--json', ...WAIT])
    expect(exitCodeOf(again)).toBe(0)
    const result = JSON.parse(again.stdout)
    expect(result.resources.filter((r: {action: string}) => r.action === 'created')).toEqual([])
    expect(await census(project)).toEqual(before)

    const plan = JSON.parse((await project.run(['plan', '--sandbox', '--json'])).stdout)
    expect(plan.mode).toBe('live')
    expect(plan.summary).toMatchObject({create: 0, optionChanges: 0})
  })

  it('exits with the lock code, naming the holder, while another env create holds the site lock', async () => {
    const aws = clientsFor(project)
    await acquireLock({clock: aws.clock, holder: 'arn:aws:iam::123456789012:user/alice on laptop (pid 7)', operation: 'env create', site: 'demo', ssm: await aws.ssm()})
    const result = await project.run(['env', 'create', '--sandbox', '--yes', ...WAIT])
    expect(exitCodeOf(result)).toBe(ExitCode.LockHeld)
    expect(result.stderr).toContain('user/alice on laptop')
    expect(await census(project)).toMatchObject({securityGroups: 0})
  })

  it('fails with the AWS message when the database cannot be created, and a re-run after that finishes without duplicates', async () => {
    const failed = await project.run(['env', 'create', '--sandbox', '--yes', ...WAIT], {HACTL_SANDBOX_FAULTS: 'fail:rds:CreateDBInstance=InsufficientDBInstanceCapacity'})
    expect(exitCodeOf(failed)).toBe(ExitCode.Aws)
    expect(failed.stderr).toContain('InsufficientDBInstanceCapacity')
    expect(failed.stderr).toContain('hactl env create')
    const partial = await census(project)
    expect(partial.securityGroups).toBe(6)

    const resumed = await project.run(['env', 'create', '--sandbox', '--yes', '--json', ...WAIT])
    expect(exitCodeOf(resumed)).toBe(0)
    const result = JSON.parse(resumed.stdout)
    expect(result.environment.status).toBe('Ready')
    const kinds = result.resources.filter((r: {action: string}) => r.action === 'created').map((r: {kind: string}) => r.kind)
    expect(kinds).toContain('RDS instance')
    expect(kinds).not.toContain('security group')
    expect(await census(project)).toMatchObject({accessPoints: 1, securityGroups: 6})
  })

  it('--wait bounds the wait: on timeout it exits 7, says what is still running and how to resume, and a re-run finishes', async () => {
    const timedOut = await project.run(['env', 'create', '--sandbox', '--yes', '--wait', '5'], {HACTL_SANDBOX_SPEED: '60'})
    expect(exitCodeOf(timedOut)).toBe(ExitCode.TimedOut)
    expect(timedOut.stderr).toMatch(/Gave up waiting after \d+ (s|min) for/)
    expect(timedOut.stderr).toContain('Stopped waiting for (AWS goes on with them)')
    expect(timedOut.stderr).toContain('hactl env create')
    const resumed = await project.run(['env', 'create', '--sandbox', '--yes', '--json', ...WAIT])
    expect(exitCodeOf(resumed)).toBe(0)
    expect(JSON.parse(resumed.stdout).environment.status).toBe('Ready')
  })

  it('speaks to people: plan lists resources, options and bundle files; create shows progress and events; status and destroy summarise', async () => {
    const plan = await project.run(['plan', '--files'])
    expect(plan.stdout).toContain('Plan for demo (wordpress) in eu-west-1 — offline')
    expect(plan.stdout).toContain('aws:autoscaling:launchconfiguration')
    expect(plan.stdout).toMatch(/DisableIMDSv1 = true/)
    expect(plan.stdout).toMatch(/0755 \.platform\/hooks\/prebuild\/\S+\.sh/)
    expect(plan.stdout).toContain('      | #!/bin/bash')
    expect(plan.stdout).toMatch(/web +2–4 \(up to 3 during a rollout\)/)

    const created = await project.run(['env', 'create', '--sandbox', '--yes', ...WAIT])
    expect(created.stderr).toContain('Database (mysql, Multi-AZ) ...')
    expect(created.stderr).toMatch(/INFO +hactl-demo: Successfully launched environment: hactl-demo/)
    expect(created.stdout).toContain('Environment hactl-demo is Ready and Green.')
    // Kinds come in the order parallel steps finish, so each is looked for on its own.
    const createdLine = created.stdout.split('\n').find((line) => line.trim().startsWith('created')) ?? ''
    for (const count of ['31: ', '5 log groups', '2 secrets', '1 SSM parameter', '2 IAM roles', '6 security groups', '3 EFS mount targets', '1 EB environment']) expect(createdLine).toContain(count)

    const status = await project.run(['env', 'status', '--sandbox'])
    expect(status.stdout).toMatch(/status +Ready, health Green/)
    expect(status.stdout).toMatch(/endpoint +hactl-demo-db\./)

    const destroyed = await project.run(['env', 'destroy', '--sandbox', '--yes', ...WAIT])
    expect(destroyed.stdout).toMatch(/Kept \(\d+\)/)
    expect(destroyed.stdout).toMatch(/EFS file system hactl-demo-uploads \(fs-\w+\): user uploads/)
  })

  it('after destroy, create refuses an empty database beside the kept uploads, and --restore-snapshot brings the data back', async () => {
    expect(exitCodeOf(await project.run(['env', 'create', '--sandbox', '--yes', ...WAIT]))).toBe(0)
    const destroyed = JSON.parse((await project.run(['env', 'destroy', '--sandbox', '--yes', '--json', ...WAIT])).stdout)
    const snapshot: string = destroyed.finalSnapshot
    expect(snapshot).toMatch(/^hactl-demo-db-final-\d{8}t\d{4}$/)

    const refused = await project.run(['env', 'create', '--sandbox', '--yes', ...WAIT])
    expect(exitCodeOf(refused)).toBe(ExitCode.Usage)
    expect(refused.stderr).toContain(`final snapshot ${snapshot} exists`)
    expect(refused.stderr).toContain(`--restore-snapshot ${snapshot}`)

    const restored = await project.run(['env', 'create', '--sandbox', '--yes', '--json', '--restore-snapshot', snapshot, ...WAIT])
    expect(exitCodeOf(restored)).toBe(0)
    const result = JSON.parse(restored.stdout)
    expect(result.resources).toEqual(expect.arrayContaining([expect.objectContaining({action: 'created', name: `hactl-demo-db (restored from ${snapshot})`})]))
    expect(result.environment.status).toBe('Ready')
  })

  it('a re-run after hactl.yml changed applies the differing option settings to the live environment', async () => {
    expect(exitCodeOf(await project.run(['env', 'create', '--sandbox', '--yes', ...WAIT]))).toBe(0)
    const {readFileSync, writeFileSync} = await import('node:fs')
    const edited = readFileSync(project.configPath, 'utf8').replace(/^(\s*)minSize: 2$/m, '$1minSize: 3').replace(/^(\s*)instanceClass: db\.t4g\.medium$/m, '$1instanceClass: db.t4g.large')
    writeFileSync(project.configPath, edited)
    const planned = JSON.parse((await project.run(['plan', '--sandbox', '--json'])).stdout)
    // A live database is not resized by hactl: the plan says so rather than pretending.
    expect(planned.warnings).toEqual([expect.stringContaining('database.instanceClass is db.t4g.medium, hactl.yml says db.t4g.large')])
    expect(planned.optionSettings.filter((o: {change?: string}) => o.change === 'change').map((o: {option: string}) => o.option)).toEqual(
      expect.arrayContaining(['MinSize', 'MinInstancesInService']),
    )

    const rerun = await project.run(['env', 'create', '--sandbox', '--yes', '--json', ...WAIT])
    expect(exitCodeOf(rerun)).toBe(0)
    const updated = JSON.parse(rerun.stdout).resources.filter((r: {action: string}) => r.action === 'updated')
    expect(updated).toHaveLength(1)
    expect(updated[0].name).toContain('aws:autoscaling:asg MinSize')
    expect((await census(project)).instances).toBe(3)
    expect(JSON.parse((await project.run(['plan', '--sandbox', '--json'])).stdout).summary.optionChanges).toBe(0)
  })

  it('refuses to switch the database engine under a live site, and --restore-snapshot where a database exists, before creating anything', async () => {
    expect(exitCodeOf(await project.run(['env', 'create', '--sandbox', '--yes', ...WAIT]))).toBe(0)
    const {readFileSync, writeFileSync} = await import('node:fs')
    const original = readFileSync(project.configPath, 'utf8')
    writeFileSync(project.configPath, original.replace(/^(\s*)engine: mysql$/m, '$1engine: mariadb'))
    const switched = await project.run(['env', 'create', '--sandbox', '--yes', ...WAIT])
    expect(exitCodeOf(switched)).toBe(ExitCode.Usage)
    expect(switched.stderr).toContain('database hactl-demo-db is mysql')
    writeFileSync(project.configPath, original)

    const restore = await project.run(['env', 'create', '--sandbox', '--yes', '--restore-snapshot', 'hactl-demo-db-final-x', ...WAIT])
    expect(exitCodeOf(restore)).toBe(ExitCode.Usage)
    expect(restore.stderr).toContain('--restore-snapshot would be ignored')
  })

  it('fails when the environment ends Ready but Red, with EB\'s causes and its own exit code, and --redeploy repairs it keeping the data tier', async () => {
    const result = await project.run(['env', 'create', '--sandbox', '--yes', ...WAIT], {HACTL_SANDBOX_FAULTS: 'health-red:elasticbeanstalk:CreateEnvironment'})
    // Issue 8, found by trying 6: a health verdict, not "an AWS call failed" (exit 4).
    expect(exitCodeOf(result)).toBe(ExitCode.Unhealthy)
    expect(result.stderr).toMatch(/Environment hactl-demo is Ready but its health is Red/)
    expect(result.stderr).toContain('hactl env create --redeploy')
    expect(result.stderr).not.toMatch(/Error \(aws\)/)
    // A plain re-run has nothing to send, so the environment stays Red.
    const again = await project.run(['env', 'create', '--sandbox', '--yes', '--json', ...WAIT])
    expect(exitCodeOf(again)).toBe(ExitCode.Unhealthy)
    expect(JSON.parse(again.stdout).error).toMatchObject({code: 'environment-unhealthy', exitCode: ExitCode.Unhealthy})

    const repaired = await project.run(['env', 'create', '--sandbox', '--yes', '--json', '--redeploy', ...WAIT])
    expect(exitCodeOf(repaired)).toBe(0)
    const fixed = JSON.parse(repaired.stdout)
    expect(fixed.environment).toMatchObject({health: 'Green', status: 'Ready'})
    expect(fixed.resources.filter((r: {action: string}) => r.action !== 'found')).toEqual([
      expect.objectContaining({action: 'updated', kind: 'EB environment version', name: expect.stringMatching(/ \(redeployed\)$/)}),
    ])
  })

  it('asks for --yes where there is no terminal', async () => {
    const result = await project.run(['env', 'create', '--sandbox'])
    expect(exitCodeOf(result)).toBe(ExitCode.Usage)
    expect(result.stderr).toContain('--yes')
    expect(await census(project)).toMatchObject({securityGroups: 0})
  })

  it('env destroy keeps the uploads, the secret and a final snapshot; --delete-data removes them', async () => {
    expect(exitCodeOf(await project.run(['env', 'create', '--sandbox', '--yes', ...WAIT]))).toBe(0)
    const destroyed = await project.run(['env', 'destroy', '--sandbox', '--yes', '--json', ...WAIT])
    expect(exitCodeOf(destroyed)).toBe(0)
    const result = JSON.parse(destroyed.stdout)
    const kept = result.kept.map((k: {kind: string}) => k.kind)
    expect(kept).toEqual(expect.arrayContaining(['EFS file system', 'secret', 'DB snapshot']))
    expect(result.finalSnapshot).toMatch(/^hactl-demo-db-final-/)
    const status = JSON.parse((await project.run(['env', 'status', '--sandbox', '--json'])).stdout)
    expect(status.environment).toBeUndefined()
    expect(status.database).toBeUndefined()
    expect(status.uploads.fileSystemId).toMatch(/^fs-/)

    const wiped = await project.run(['env', 'destroy', '--sandbox', '--yes', '--delete-data', '--json', ...WAIT])
    expect(exitCodeOf(wiped)).toBe(0)
    const wipedResult = JSON.parse(wiped.stdout)
    expect(wipedResult.finalSnapshot).toBeUndefined()
    expect(wipedResult.deleted.map((d: {kind: string}) => d.kind)).toEqual(expect.arrayContaining(['DB parameter group', 'EFS file system']))
    const after = JSON.parse((await project.run(['env', 'status', '--sandbox', '--json'])).stdout)
    expect(after.empty).toBe(true)
    expect(await census(project)).toMatchObject({securityGroups: 0})
  })
})
