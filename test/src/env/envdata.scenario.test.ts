/**
 * The environment's data tier on the sandbox, driven through createEnvironment
 * (so the AWS APIs can be watched): the seed's inputs (the app's DB secret and
 * the pointer parameter), restoring a snapshot of another major version, and
 * Aurora's exact engine version (issue 8, documentation 3 and 4).
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {AwsClients} from '../../../src/aws/clients'
import {RecordingReporter} from '../../../src/core/progress'
import type {HactlConfig} from '../../../src/config/schema'
import {buildBundle} from '../../../src/env/bundle'
import {createEnvironment} from '../../../src/env/create'
import {destroyEnvironment} from '../../../src/env/destroy'
import {INSTANCE_POLICY_NAME} from '../../../src/env/spec'
import {openSandbox} from '../../../src/sandbox'
import {siteNames} from '../../../src/site/names'
import {testConfig} from '../../_helpers/config'

/** Long enough that hactl's own CPU time at 100000x never runs it out. */
const TIMEOUT_MS = 100_000 * 60_000
const BUNDLE = buildBundle()
const dirs: string[] = []

function clientsIn(dir: string, region = 'eu-west-1'): AwsClients {
  return new AwsClients({sandbox: openSandbox({region, speed: 100_000, stateDir: dir}), version: 'test'})
}

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hactl-envdata-'))
  dirs.push(dir)
  return dir
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, {force: true, recursive: true})
})

async function create(clients: AwsClients, config: HactlConfig, extra: {restoreSnapshot?: string} = {}) {
  return createEnvironment({bundle: BUNDLE, clients, config, reporter: new RecordingReporter(), timeoutMs: TIMEOUT_MS, ...extra})
}

describe('env create: what the seed reads (sandbox)', () => {
  it('creates the app DB secret and writes /hactl/<site>/site; the instance role may read exactly those; a re-run changes nothing', async () => {
    const dir = freshDir()
    const clients = clientsIn(dir)
    const config = testConfig()
    const names = siteNames('demo', 'eu-west-1')
    const first = await create(clients, config)
    expect(first.resources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({action: 'created', kind: 'secret', name: names.appDbSecret}),
        expect.objectContaining({action: 'created', kind: 'SSM parameter', name: '/hactl/demo/site'}),
      ]),
    )

    const secrets = await clients.secrets()
    const secretArn = (await secrets.describeSecret(names.appDbSecret))?.arn ?? ''
    const value = JSON.parse(await secrets.getSecretValue(secretArn))
    expect(value.username).toBe(names.appDbUser)
    expect(value.password).toMatch(/^[A-Za-z0-9]{40}$/)

    const parameter = await (await clients.ssm()).getParameter('/hactl/demo/site')
    const pointers = JSON.parse(parameter?.value ?? '{}')
    expect(pointers).toMatchObject({app: 'wordpress', dbAppSecretArn: secretArn, dbEngine: 'mysql', dbName: config.database.name, site: 'demo'})
    expect(pointers.dbEndpoint).toMatch(/rds\.amazonaws\.com$/)
    expect(pointers.dbSecretArn).toMatch(/^arn:aws:secretsmanager:/)
    expect(pointers.cacheSecretArn).toMatch(/^arn:aws:secretsmanager:.*cache-auth/)
    expect(parameter?.value).not.toContain(value.password)

    const iam = await clients.iam()
    const role = await iam.getRole(names.instanceRole)
    expect(role).toBeDefined()
    const sandboxPolicy = await inlinePolicy(dir, names.instanceRole)
    expect(sandboxPolicy).toContain(secretArn)
    expect(sandboxPolicy).toContain('parameter/hactl/demo/site')
    expect(sandboxPolicy).toContain('parameter/hactl/demo/seed/*')

    const again = await create(clients, config)
    expect(again.resources.filter((r) => r.action !== 'found')).toEqual([])
    expect((await (await clients.ssm()).getParameter('/hactl/demo/site'))?.version).toBe(parameter?.version)
    expect(JSON.parse(await secrets.getSecretValue(secretArn)).password).toBe(value.password)
  })
})

describe('env create: the database version (sandbox)', () => {
  it('restores a snapshot of another major version with a parameter group of the snapshot\'s family (documentation 3)', async () => {
    const dir = freshDir()
    const clients = clientsIn(dir)
    await create(clients, testConfig({database: {version: '8.0'}}))
    const destroyed = await destroyEnvironment({clients, config: testConfig({database: {version: '8.0'}}), deleteData: false, reporter: new RecordingReporter(), timeoutMs: TIMEOUT_MS})
    const snapshot = destroyed.finalSnapshot ?? ''
    expect(snapshot).not.toBe('')

    // hactl.yml has moved on to 8.4 meanwhile: the restored database still runs 8.0.
    const restored = await create(clients, testConfig({database: {version: '8.4'}}), {restoreSnapshot: snapshot})
    expect(restored.environment.status).toBe('Ready')
    expect(restored.resources).toEqual(expect.arrayContaining([expect.objectContaining({id: 'mysql8.0', kind: 'DB parameter group'})]))
    const instance = await (await clients.rds()).describeInstance('hactl-demo-db')
    expect(instance?.EngineVersion).toMatch(/^8\.0\./)
  })

  it('creates an Aurora cluster with the exact engine version it resolved, not hactl.yml\'s major version (documentation 4)', async () => {
    const clients = clientsIn(freshDir())
    const rds = await clients.rds()
    const createCluster = jest.spyOn(rds, 'createCluster')
    await create(clients, testConfig({database: {engine: 'aurora-mysql', version: '8.0'}}))
    expect(createCluster).toHaveBeenCalledTimes(1)
    expect(createCluster.mock.calls[0][0].EngineVersion).toBe('8.0.mysql_aurora.3.08.0')
  })
})

describe('env create: converging an Immutable site (sandbox)', () => {
  it('sends launch-configuration changes in an UpdateEnvironment of their own, after the others (documentation 8)', async () => {
    const clients = clientsIn(freshDir())
    const immutable = {environment: {rollout: {policy: 'Immutable'}}}
    await create(clients, testConfig(immutable))
    const eb = await clients.eb()
    const update = jest.spyOn(eb, 'updateEnvironment')
    // A new instance type (launch configuration) and a new health check path (the load balancer's process) at once.
    await create(clients, testConfig({environment: {...immutable.environment, healthCheckPath: '/healthz.php', instanceType: 't4g.medium'}}))
    const sent = update.mock.calls.map(([input]) => (input.optionSettings ?? []).map((o) => `${o.Namespace}|${o.OptionName}`))
    expect(sent).toEqual([
      expect.arrayContaining(['aws:elasticbeanstalk:environment:process:default|HealthCheckPath']),
      ['aws:ec2:instances|InstanceTypes'],
    ])
    expect(sent[0]).not.toContain('aws:ec2:instances|InstanceTypes')
  })
})

describe('two copies of a site in two Regions (sandbox, IAM account-wide)', () => {
  it('get their own IAM roles, so destroying one leaves the other\'s (found by trying 15)', async () => {
    const dir = freshDir()
    const west = clientsIn(dir, 'eu-west-1')
    const east = clientsIn(dir, 'us-east-2')
    await create(west, testConfig())
    await create(east, testConfig({region: 'us-east-2'}))
    await destroyEnvironment({clients: east, config: testConfig({region: 'us-east-2'}), deleteData: true, reporter: new RecordingReporter(), timeoutMs: TIMEOUT_MS})

    const iam = await west.iam()
    const names = siteNames('demo', 'eu-west-1')
    expect(await iam.getRole(names.instanceRole)).toBeDefined()
    expect(await iam.getRole(names.serviceRole)).toBeDefined()
    expect((await iam.getInstanceProfile(names.instanceProfile))?.Roles?.map((role) => role.RoleName)).toEqual([names.instanceRole])
    expect(await iam.getRole(siteNames('demo', 'us-east-2').instanceRole)).toBeUndefined()
  })
})

/** The role's inline policy as the sandbox holds it (IAM's own API returns it URL-encoded). */
async function inlinePolicy(dir: string, role: string): Promise<string> {
  const {IAMClient, GetRolePolicyCommand} = await import('@aws-sdk/client-iam')
  const iam = new IAMClient({credentials: {accessKeyId: 'x', secretAccessKey: 'y'}, region: 'eu-west-1'})
  iam.middlewareStack.use(openSandbox({region: 'eu-west-1', speed: 100_000, stateDir: dir}).plugin('iam'))
  const {PolicyDocument} = await iam.send(new GetRolePolicyCommand({PolicyName: INSTANCE_POLICY_NAME, RoleName: role}))
  return decodeURIComponent(PolicyDocument ?? '')
}
