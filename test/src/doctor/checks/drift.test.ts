import type {CommandInvocation, ManagedInstance, RunShellInput} from '../../../../src/aws/ssm'
import {BAKE_TAGS} from '../../../../src/bake/record'
import {ManualClock} from '../../../../src/core/clock'
import {seedDrift, webDrift} from '../../../../src/doctor/checks/drift'
import {judgeDrift, judgeSeedDrift, judgeWebDrift, liveBakeOf, markerOf, readMarkers, type DriftInput, type LiveBake, type MarkerRead} from '../../../../src/doctor/drift-facts'
import type {SiteFacts} from '../../../../src/doctor/facts'
import type {InstanceRecord} from '../../../../src/sandbox/services/ec2-model'
import type {CommandRecord} from '../../../../src/sandbox/services/ssm-model'
import {simulateWebMarker, WEB_MARKER_TAGS} from '../../../../src/sandbox/services/ssm-web'
import type {RegionState} from '../../../../src/sandbox/types'
import {siteNames} from '../../../../src/site/names'
import {STAGING_RUNNER} from '../../../../src/staging/runner'
import {testConfig} from '../../../_helpers/config'

const names = siteNames('demo', 'eu-west-1')
const LIVE: LiveBake = {appVersion: '6.5.2', imageId: 'ami-live', marker: 'sha256:live'}
const web = (id: string, imageId = 'ami-live') => ({ImageId: imageId, InstanceId: id})
const at = (instanceId: string, value: string, appVersion = '6.5.2'): MarkerRead => ({instanceId, marker: {appVersion, value}})

function input(over: Partial<DriftInput> = {}): DriftInput {
  return {live: LIVE, reads: [at('i-1', 'sha256:live'), at('i-2', 'sha256:live'), at('i-seed', 'sha256:live')], seedInstanceId: 'i-seed', webInstances: [web('i-1'), web('i-2')], ...over}
}

function facts(drift: DriftInput | undefined, environment = true): SiteFacts {
  return {
    config: testConfig(),
    drift: drift && judgeDrift(drift),
    environment: environment ? {description: {Status: 'Ready'}, instances: [], settings: []} : undefined,
    images: [],
    securityGroups: [],
    siteInstances: [],
    snapshots: [],
  }
}

describe('drift: the comparison', () => {
  it('web nodes at the live marker are in step; one that differs has drifted; nodes on another AMI or not answering are skipped with why', () => {
    expect(judgeWebDrift(input())).toEqual({drifted: [], inStep: ['i-1', 'i-2'], liveImageId: 'ami-live', skipped: [], state: 'in-step'})
    const mixed = judgeWebDrift(input({
      reads: [at('i-1', 'sha256:live'), at('i-2', 'sha256:other'), {instanceId: 'i-4', skipped: 'its SSM agent is ConnectionLost, not Online'}],
      webInstances: [web('i-1'), web('i-2'), web('i-3', 'ami-old'), web('i-4')],
    }))
    expect(mixed).toEqual({
      drifted: [{instanceId: 'i-2', marker: 'sha256:other'}],
      inStep: ['i-1'],
      liveImageId: 'ami-live',
      skipped: [{instanceId: 'i-3', why: 'runs ami-old, not the live ami-live'}, {instanceId: 'i-4', why: 'its SSM agent is ConnectionLost, not Online'}],
      state: 'drifted',
    })
  })

  it('nothing to compare without a bake live, without nodes, or when no node answered', () => {
    expect(judgeWebDrift(input({live: undefined}))).toMatchObject({state: 'not-checked', why: 'no runner (the environment runs the platform AMI)'})
    expect(judgeWebDrift(input({webInstances: []}))).toMatchObject({state: 'not-checked', why: 'the environment has no running instance'})
    expect(judgeWebDrift(input({reads: [{instanceId: 'i-1', skipped: 'no answer within 90 s'}], webInstances: [web('i-1')]}))).toMatchObject({skipped: [{instanceId: 'i-1', why: 'no answer within 90 s'}], state: 'not-checked'})
  })

  it('the seed: same marker, changed code at the same app version (normal), another app version (drift), or not checked', () => {
    expect(judgeSeedDrift(input())).toMatchObject({marker: 'sha256:live', state: 'same'})
    expect(judgeSeedDrift(input({reads: [at('i-seed', 'sha256:ahead')]}))).toMatchObject({seedAppVersion: '6.5.2', state: 'ahead'})
    expect(judgeSeedDrift(input({reads: [at('i-seed', 'sha256:new', '6.6.0')]}))).toMatchObject({liveAppVersion: '6.5.2', seedAppVersion: '6.6.0', state: 'app-version'})
    expect(judgeSeedDrift(input({seedInstanceId: undefined}))).toMatchObject({state: 'not-checked', why: 'no seed'})
    // Before the first bake the marker is kept (status --marker shows it) but nothing is compared.
    expect(judgeSeedDrift(input({live: undefined}))).toMatchObject({marker: 'sha256:live', state: 'not-checked', why: 'no bake is live yet (the environment runs the platform AMI)'})
    expect(judgeSeedDrift(input({reads: [{instanceId: 'i-seed', skipped: 'its SSM agent is not registered, not Online'}]}))).toMatchObject({state: 'not-checked', why: 'its SSM agent is not registered, not Online'})
  })

  it('the live image is a bake when it carries a marker tag', () => {
    const tags = [{Key: BAKE_TAGS.marker, Value: 'sha256:m'}, {Key: BAKE_TAGS.appVersion, Value: '4.5'}]
    expect(liveBakeOf('ami-1', {Tags: tags})).toEqual({appVersion: '4.5', imageId: 'ami-1', marker: 'sha256:m'})
    expect(liveBakeOf('ami-1', {Tags: []})).toBeUndefined()
    expect(liveBakeOf(undefined, {Tags: tags})).toBeUndefined()
  })

  it('reads an invocation: the marker, no runner (exit 127), or another failure', () => {
    const done = {instanceId: 'i-1', responseCode: 0, status: 'Success', stderr: ''}
    expect(markerOf({...done, stdout: '{"value":"sha256:x","appVersion":"6.5","code":"c"}\n'})).toEqual({instanceId: 'i-1', marker: {appVersion: '6.5', value: 'sha256:x'}})
    expect(markerOf({...done, responseCode: 127, status: 'Failed', stderr: 'sh: /usr/local/libexec/hactl/staging-run: No such file or directory\n', stdout: ''})).toEqual({instanceId: 'i-1', skipped: 'no runner (the environment runs the platform AMI)'})
    expect(markerOf({...done, responseCode: 1, status: 'Failed', stderr: 'boom\n', stdout: ''})).toEqual({instanceId: 'i-1', skipped: 'staging-run --marker ended Failed, exit 1: boom'})
    expect(markerOf({...done, stdout: 'not json'})).toEqual({instanceId: 'i-1', skipped: 'staging-run --marker ended Success, exit 0: not json'})
  })

  it('the sandbox tags its web nodes answer from are the bake\'s', () => {
    expect(WEB_MARKER_TAGS).toEqual({appVersion: BAKE_TAGS.appVersion, marker: BAKE_TAGS.marker})
  })
})

describe('drift: reading the markers', () => {
  function fakeSsm(options: {agents: Record<string, string>; answers: Record<string, Partial<CommandInvocation> | undefined>}) {
    const sent: RunShellInput[] = []
    return {
      sent,
      ssm: {
        async describeInstanceInformation(ids: readonly string[]): Promise<ManagedInstance[]> {
          return ids.filter((id) => options.agents[id]).map((instanceId) => ({instanceId, pingStatus: options.agents[instanceId]}))
        },
        async getCommandInvocation(commandId: string, instanceId: string): Promise<CommandInvocation | undefined> {
          const answer = options.answers[instanceId]
          return answer && {commandId, done: true, instanceId, responseCode: 0, status: 'Success', statusDetails: 'Success', stderr: '', stdout: '', ...answer}
        },
        async sendCommand(input: RunShellInput): Promise<string> {
          sent.push(input)
          return 'cmd-1'
        },
      },
    }
  }

  it('one SendCommand to every Online instance; an offline agent is skipped with why, a silent one after the timeout', async () => {
    const {sent, ssm} = fakeSsm({
      agents: {'i-1': 'Online', 'i-2': 'ConnectionLost', 'i-3': 'Online', 'i-seed': 'Online'},
      answers: {'i-1': {stdout: '{"value":"sha256:a","appVersion":"6.5"}'}, 'i-3': undefined, 'i-seed': {stdout: '{"value":"sha256:s","appVersion":"6.5"}'}},
    })
    const reads = await readMarkers({clock: new ManualClock(), instanceIds: ['i-1', 'i-2', 'i-3', 'i-4', 'i-seed'], ssm, timeoutMs: 30_000})
    expect(sent).toEqual([expect.objectContaining({commands: [`${STAGING_RUNNER} --marker`], instanceIds: ['i-1', 'i-3', 'i-seed']})])
    expect(reads).toEqual([
      {instanceId: 'i-1', marker: {appVersion: '6.5', value: 'sha256:a'}},
      {instanceId: 'i-2', skipped: 'its SSM agent is ConnectionLost, not Online'},
      {instanceId: 'i-3', skipped: 'no answer within 30 s'},
      {instanceId: 'i-4', skipped: 'its SSM agent is not registered, not Online'},
      {instanceId: 'i-seed', marker: {appVersion: '6.5', value: 'sha256:s'}},
    ])
  })

  it('sends nothing when no agent is Online or there is nothing to ask; a refused SendCommand is every node\'s reason', async () => {
    const offline = fakeSsm({agents: {}, answers: {}})
    expect(await readMarkers({clock: new ManualClock(), instanceIds: ['i-1'], ssm: offline.ssm})).toEqual([{instanceId: 'i-1', skipped: 'its SSM agent is not registered, not Online'}])
    expect(await readMarkers({clock: new ManualClock(), instanceIds: [], ssm: offline.ssm})).toEqual([])
    expect(offline.sent).toEqual([])
    const denied = fakeSsm({agents: {'i-1': 'Online'}, answers: {}})
    denied.ssm.sendCommand = async () => {
      throw new Error('AccessDeniedException: not allowed to ssm:SendCommand')
    }

    expect(await readMarkers({clock: new ManualClock(), instanceIds: ['i-1'], ssm: denied.ssm})).toEqual([{instanceId: 'i-1', skipped: 'the marker was not read: AccessDeniedException: not allowed to ssm:SendCommand'}])
  })
})

describe('drift: the checks', () => {
  it('web-drift passes, fails naming the node with how to put it right, or skips saying why', () => {
    expect(webDrift.judge(facts(input()), names)).toEqual({detail: '2 web nodes at the marker of the live ami-live', status: 'pass'})
    const failed = webDrift.judge(facts(input({reads: [at('i-1', 'sha256:live'), at('i-2', 'sha256:x')]})), names)
    expect(failed).toMatchObject({detail: 'i-2 has code that differs from the live ami-live (changed on the node; lost at the next scale event or rollout)', status: 'fail'})
    expect(failed.remedy).toContain('--instance-id i-2')
    expect(webDrift.judge(facts(input({live: undefined})), names)).toMatchObject({detail: 'not checked: no runner (the environment runs the platform AMI)', status: 'skip'})
    expect(webDrift.judge(facts(undefined), names)).toMatchObject({status: 'skip'})
    expect(webDrift.judge(facts(input(), false), names)).toMatchObject({detail: `no environment ${names.environment} yet`, status: 'skip'})
  })

  it('seed-drift fails on another app version only: changed code since the bake passes', () => {
    expect(seedDrift.judge(facts(input()), names)).toEqual({detail: "the seed i-seed is at the live bake's marker", status: 'pass'})
    expect(seedDrift.judge(facts(input({reads: [at('i-seed', 'sha256:ahead')]})), names)).toMatchObject({status: 'pass'})
    const failed = seedDrift.judge(facts(input({reads: [at('i-seed', 'sha256:new', '6.6.0')]})), names)
    expect(failed).toMatchObject({detail: expect.stringMatching(/^the seed i-seed runs app version 6\.6\.0, the live image 6\.5\.2/), status: 'fail'})
    expect(failed.remedy).toContain('hactl bake')
    expect(seedDrift.judge(facts(input({live: undefined})), names)).toMatchObject({detail: 'not checked: no bake is live yet (the environment runs the platform AMI)', status: 'skip'})
  })
})

describe('drift: the sandbox web node', () => {
  const runner = [`${STAGING_RUNNER} --marker`]
  const node = (imageId: string) => ({id: 'i-w', imageId, tags: {'elasticbeanstalk:environment-name': 'hactl-demo'}}) as unknown as InstanceRecord
  const region = {ec2: {images: [{id: 'ami-bake', tags: {[BAKE_TAGS.appVersion]: '6.5', [BAKE_TAGS.marker]: 'sha256:baked'}}, {id: 'ami-platform', tags: {}}]}} as unknown as RegionState
  const command = (commands: string[]) => ({commands, invocations: [{instanceId: 'i-w'}]}) as unknown as CommandRecord

  it('answers with the image\'s marker until a command that counts as a change ran on it; a platform AMI has no runner', () => {
    const marker = (commands: CommandRecord[]) => JSON.parse(simulateWebMarker(runner, node('ami-bake'), {commands, region})?.stdout ?? '{}') as {value: string; appVersion: string}
    expect(marker([])).toMatchObject({appVersion: '6.5', value: 'sha256:baked'})
    expect(marker([command(runner)])).toMatchObject({value: 'sha256:baked'})
    const changed = marker([command(['touch /var/app/current/x'])])
    expect(changed.value).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(changed.value).not.toBe('sha256:baked')
    expect(simulateWebMarker(runner, node('ami-platform'), {commands: [], region})).toMatchObject({exit: 127, stderr: expect.stringContaining('No such file or directory')})
    expect(simulateWebMarker(['true'], node('ami-bake'), {commands: [], region})).toBeUndefined()
  })
})
