/**
 * `hactl status` on a site along the pipeline, whole commands on the sandbox:
 * a made environment with no seed, bake or test yet (each shown as missing,
 * not as an error); then a seed, a staging run, a bake made live and its
 * rollout, each record written by hand in the format its producer writes
 * (src/staging/record.ts, src/bake/record.ts) where that command does not
 * exist yet; then --marker before and after a change on the seed.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import Ajv from 'ajv'

import {AwsClients} from '../../src/aws/clients'
import {BAKE_ROLE, BAKE_TAGS, type BakeRecord, latestBakeParameterName, lastRolloutParameterName, type RolloutRecord} from '../../src/bake/record'
import {openSandbox} from '../../src/sandbox'
import {lastPassParameterName, lastRunParameterName, REPORT_VERSION, type StagingSummary} from '../../src/staging/record'
import type {StatusResult} from '../../src/status/status'
import {exitCodeOf, INIT_WORDPRESS_DEMO, type Project, ROOT, scratchProject} from '../_helpers/cli'

const WAIT = ['--wait', '100000']

function clientsFor(project: Project): AwsClients {
  return new AwsClients({sandbox: openSandbox({region: 'eu-west-1', speed: 100_000, stateDir: join(project.dir, '.hactl')}), version: 'test'})
}

function expectOk(run: {error?: Error; stderr: string; stdout: string}): void {
  if (exitCodeOf(run) !== 0) throw new Error(`exit ${exitCodeOf(run)}:\n${run.stderr.slice(-2000)}\n${run.stdout.slice(-2000)}`)
}

/** Every answer here is also checked against the --json contract, schemas/status.json (null parts, records, marker). */
const validate = new Ajv({allErrors: true, strict: true}).compile(JSON.parse(readFileSync(join(ROOT, 'schemas', 'status.json'), 'utf8')) as object)

async function status(project: Project, ...flags: string[]): Promise<StatusResult> {
  const result = await project.run(['status', '--sandbox', '--json', ...flags])
  expectOk(result)
  const shown = JSON.parse(result.stdout) as StatusResult
  if (!validate(shown)) throw new Error(`status --json breaks schemas/status.json: ${JSON.stringify(validate.errors)}`)
  return shown
}

function summary(runId: string, marker: string, result: 'fail' | 'pass', finished: string): StagingSummary {
  return {
    app: 'wordpress',
    checks: [
      {id: 'http-home', ms: 120, status: 'pass'},
      {id: 'php-errors', ms: 40, status: result, ...(result === 'fail' ? {message: 'PHP Fatal error in wp-content/plugins/x'} : {})},
    ],
    finished,
    instance: 'i-0',
    marker: {appVersion: 'sandbox', code: 'c', php: 'p', plugins: 'g', value: marker},
    result,
    runId,
    selection: 'all',
    site: 'demo',
    started: finished,
    trigger: 'manual',
    version: REPORT_VERSION,
  }
}

describe('hactl status along the pipeline (sandbox)', () => {
  let project: Project

  beforeAll(async () => {
    project = scratchProject()
    await project.run([...INIT_WORDPRESS_DEMO])
    expectOk(await project.run(['env', 'create', '--sandbox', '--yes', '--json', ...WAIT]))
  }, 120_000)

  afterAll(() => project.cleanup())

  it('a made environment with nothing else yet: the platform AMI is live, and no seed, test, bake or rollout is shown as such', async () => {
    const shown = await status(project)
    expect(shown.environment).toMatchObject({exists: true, name: 'hactl-demo', status: 'Ready'})
    expect(shown.environment?.platformArn).toContain('PHP 8.3 running on 64bit Amazon Linux 2023')
    expect(shown.liveImage).toMatchObject({exists: true, kind: 'platform'})
    expect(shown.liveImage?.imageId).toMatch(/^ami-/)
    // env create resolves the newest version of the branch: nothing to rebase.
    expect(shown.platform).toMatchObject({newer: false, rebase: false})
    expect(shown.platform?.latest?.arn).toBe(shown.environment?.platformArn)
    expect(shown.seed).toMatchObject({cron: null, instanceId: null, state: 'none'})
    expect(shown.tests).toEqual({changedSinceLast: null, changedSinceLastPass: null, last: null, lastPass: null})
    expect(shown.bake).toBeNull()
    expect(shown.rollout).toBeNull()
    expect(shown.schedule).toEqual({name: 'hactl-demo-staging-tests', state: 'missing'})

    const human = await project.run(['status', '--sandbox'])
    expect(human.stdout).toMatch(/image +ami-\w+, the platform's base AMI \(not baked yet\)/)
    expect(human.stdout).toContain('no seed (`hactl seed create` launches one)')
    expect(human.stdout).toContain('no run yet (`hactl test run`)')
    expect(human.stdout).toContain('no bake yet (`hactl bake`)')
    expect(human.stdout).toContain('not asked (`hactl status --marker` asks the seed)')
  })

  it('a seed, a failed then a passing run, a bake made live on an older platform, its rollout; --marker before and after a change', async () => {
    expectOk(await project.run(['seed', 'create', '--sandbox', '--yes', '--json', ...WAIT]))
    const aws = clientsFor(project)
    const [ec2, eb, ssm] = await Promise.all([aws.ec2(), aws.eb(), aws.ssm()])
    const before = await status(project, '--marker')
    expect(before.seed).toMatchObject({agent: 'Online', boot: 'ok', state: 'running'})
    expect(before.seed?.cron?.ageSeconds).toBeLessThan(180)
    const seedMarker = before.tests?.seedMarker
    if (!seedMarker || !('value' in seedMarker)) throw new Error(`no marker: ${JSON.stringify(seedMarker)}`)
    expect(seedMarker.value).toMatch(/^sha256:[0-9a-f]{64}$/)

    // The runner's records (src/staging/record.ts): a failed run, then a passing one at the seed's marker.
    const now = new Date(aws.clock.now()).toISOString()
    const put = (name: string, value: unknown) => ssm.putParameter({name, overwrite: true, value: JSON.stringify(value)})
    await put(lastRunParameterName('demo'), summary('20250101T000000Z-fail', seedMarker.value, 'fail', now))
    const failed = await status(project)
    expect(failed.tests?.last).toMatchObject({failed: ['php-errors'], marker: seedMarker.value, result: 'fail', runId: '20250101T000000Z-fail'})
    expect(failed.tests?.lastPass).toBeNull()

    const passing = summary('20250101T010000Z-pass', seedMarker.value, 'pass', now)
    await put(lastRunParameterName('demo'), passing)
    await put(lastPassParameterName('demo'), passing)

    // A bake (src/bake/record.ts): the image tagged as one, on the branch's older platform version, then made live.
    const [liveBefore, olderPlatform] = [before.liveImage?.imageId ?? '', (before.platform?.latest?.arn ?? '').replace(/\/[^/]+$/, '/4.6.0')]
    const seedId = before.seed?.instanceId ?? ''
    const imageId = await ec2.createImage({
      instanceId: seedId,
      name: 'hactl-demo-bake-1',
      tags: {[BAKE_TAGS.marker]: seedMarker.value, [BAKE_TAGS.platformArn]: olderPlatform, [BAKE_TAGS.role]: BAKE_ROLE, [BAKE_TAGS.site]: 'demo'},
    })
    await ec2.waitForImageAvailable(imageId, {timeoutMs: 3_600_000})
    const at = new Date(aws.clock.now()).toISOString()
    const bake: BakeRecord = {appVersion: 'sandbox', at, forced: false, hactlVersion: 'test', imageId, marker: seedMarker.value, name: 'hactl-demo-bake-1', platformArn: olderPlatform, runId: 'r1', seedInstance: seedId, sourceImage: liveBefore, stagingRun: passing.runId}
    await put(latestBakeParameterName('demo'), bake)
    await eb.updateEnvironment({name: 'hactl-demo', optionSettings: [{Namespace: 'aws:autoscaling:launchconfiguration', OptionName: 'ImageId', Value: imageId}]})
    await eb.waitForEnvironmentReady('hactl-demo', {timeoutMs: 3_600_000})
    const rollout: RolloutRecord = {cause: '', finished: new Date(aws.clock.now()).toISOString(), imageId, lowestHealthy: 1, outcome: 'succeeded', previousImageId: liveBefore, runId: 'r1', started: at}
    await put(lastRolloutParameterName('demo'), rollout)

    const baked = await status(project, '--marker')
    expect(baked.liveImage).toMatchObject({exists: true, imageId, kind: 'bake', marker: seedMarker.value, platformArn: olderPlatform})
    expect(baked.platform).toMatchObject({basedOn: olderPlatform, newer: true, rebase: true})
    expect(baked.bake).toMatchObject({exists: true, forced: false, imageId, live: true, marker: seedMarker.value, ofLastPass: true})
    expect(baked.rollout).toMatchObject({imageId, outcome: 'succeeded', previous: {exists: true, imageId: liveBefore}})
    expect(baked.tests).toMatchObject({changedSinceLast: false, changedSinceLastPass: false, lastPass: {result: 'pass'}, seedMarker})

    const human = await project.run(['status', '--sandbox'])
    expect(human.stdout).toMatch(new RegExp(`image +${imageId}, a bake of this site, made .+ ago`))
    expect(human.stdout).toMatch(/platform +4\.6\.0; 4\.7\.1 is out on PHP 8\.3 running on 64bit Amazon Linux 2023: rebase the bake/)
    expect(human.stdout).toMatch(new RegExp(`latest +${imageId} .*, live, marker sha256:`))
    expect(human.stdout).toMatch(new RegExp(`previous +${liveBefore} \\(\`hactl rollback\` goes back to it\\)`))
    expect(human.stdout).toMatch(/last pass +pass .* \(manual\), marker sha256:/)

    // A change on the seed (any command but the runner's own): the marker moves away from the tested one.
    expectOk(await project.run(['seed', 'exec', '--sandbox', '--', 'touch /opt/hactl/app/changed'], {}, {configFlag: false}))
    const changed = await status(project, '--marker')
    expect(changed.tests).toMatchObject({changedSinceLast: true, changedSinceLastPass: true})
    expect((await project.run(['status', '--sandbox', '--marker'])).stdout).toMatch(/seed +sha256:\w+…: CHANGED since the last run, CHANGED since the last pass/)
  })

  it('a record it cannot read is named, and the rest of the screen is still shown', async () => {
    const ssm = await clientsFor(project).ssm()
    await ssm.putParameter({name: latestBakeParameterName('demo'), overwrite: true, value: '{"imageId": 42}'})
    const shown = await status(project)
    expect(shown.bake).toBeNull()
    expect(shown.unreadable).toEqual({[latestBakeParameterName('demo')]: 'not a bake record: no imageId'})
    expect(shown.environment?.exists).toBe(true)
  })
})
