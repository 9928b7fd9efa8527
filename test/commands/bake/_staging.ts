/**
 * What the bake scenarios share: sandbox clients for a scratch project, and a
 * passing staging run recorded for the seed's current marker (what `hactl
 * test run` writes; that command comes from another issue).
 */
import {join} from 'node:path'

import {AwsClients} from '../../../src/aws/clients'
import {readSeedMarker} from '../../../src/bake/gate'
import {silentReporter} from '../../../src/core/progress'
import {openSandbox} from '../../../src/sandbox'
import {findSeeds} from '../../../src/seed/state'
import {lastPassParameterName} from '../../../src/staging/record'
import {exitCodeOf, INIT_WORDPRESS_DEMO, type Project, scratchProject} from '../../_helpers/cli'

export const WAIT = ['--wait', '100000']

export function clientsFor(project: Project): AwsClients {
  return new AwsClients({sandbox: openSandbox({region: 'eu-west-1', speed: 100_000, stateDir: join(project.dir, '.hactl')}), version: 'test'})
}

/** Exit 0, or a failure that shows what hactl said. */
export function expectOk(run: {error?: Error; stderr: string; stdout: string}): void {
  if (exitCodeOf(run) !== 0) throw new Error(`exit ${exitCodeOf(run)}:\n${run.stderr.slice(-2000)}\n${run.stdout.slice(-2000)}`)
}

/** Records a passing staging run for the marker the seed reports now; returns the run id and marker. */
export async function passStaging(project: Project, runId = `20250910T174300Z-${Math.random().toString(16).slice(2, 8)}`): Promise<{runId: string; marker: string}> {
  const clients = clientsFor(project)
  const [ec2, ssm] = await Promise.all([clients.ec2(), clients.ssm()])
  const [seed] = await findSeeds(ec2, 'demo', ['running'])
  const marker = await readSeedMarker({clock: clients.clock, instanceId: seed.InstanceId ?? '', reporter: silentReporter, ssm})
  const now = new Date(clients.clock.now()).toISOString()
  const summary = {app: 'wordpress', checks: [], finished: now, instance: seed.InstanceId, marker, result: 'pass', runId, selection: 'all', site: 'demo', started: now, trigger: 'manual', version: 1}
  await ssm.putParameter({name: lastPassParameterName('demo'), overwrite: true, value: JSON.stringify(summary)})
  return {marker: marker.value, runId}
}

export function tagsOf(resource: {Tags?: Array<{Key?: string; Value?: string}>}): Record<string, string> {
  return Object.fromEntries((resource.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']))
}

/** One project for the describe block: WordPress site `demo` with its environment and a booted seed. */
export function useSeededProject(): Project {
  let current: Project | undefined
  beforeAll(async () => {
    current = scratchProject()
    await current.run([...INIT_WORDPRESS_DEMO])
    expectOk(await current.run(['env', 'create', '--sandbox', '--yes', '--json', ...WAIT]))
    expectOk(await current.run(['seed', 'create', '--sandbox', '--yes', '--json', ...WAIT]))
  }, 120_000)
  afterAll(() => current?.cleanup())
  return new Proxy({} as Project, {
    get(_target, key) {
      if (!current) throw new Error('useSeededProject: the project exists only inside a test')
      return Reflect.get(current, key)
    },
  })
}
