/**
 * The factory's SSM Run Command interface against the sandbox on a manual
 * clock: hactl's own path (narrow interface → SDK client → sandbox) for what
 * `seed exec` and `seed create` call.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {AwsClients} from '../../../src/aws/clients'
import {ManualClock} from '../../../src/core/clock'
import {AwsError} from '../../../src/core/errors'
import {RecordingReporter} from '../../../src/core/progress'
import {openSandbox} from '../../../src/sandbox'
import {DURATIONS} from '../../../src/sandbox/durations'

describe('SSM Run Command through the client factory, on the sandbox', () => {
  let stateDir: string

  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'hactl-ssm-'))
  })

  afterEach(() => rmSync(stateDir, {force: true, recursive: true}))

  async function seed() {
    const clock = new ManualClock()
    const sandbox = openSandbox({clock, region: 'eu-west-1', stateDir})
    const aws = new AwsClients({reporter: new RecordingReporter(), sandbox, version: 'test'})
    const ec2 = await aws.ec2()
    const [image] = await ec2.describeImages({owners: ['amazon']})
    const [instance] = await ec2.runInstances({
      ImageId: image.ImageId,
      MinCount: 1,
      MaxCount: 1,
      IamInstanceProfile: {Name: 'hactl-demo-instance'},
      TagSpecifications: [{ResourceType: 'instance', Tags: [{Key: 'hactl:site', Value: 'demo'}, {Key: 'hactl:role', Value: 'seed'}]}],
    })
    return {clock, ssm: await aws.ssm(), instanceId: instance.InstanceId ?? ''}
  }

  it('sees the agent come Online, then sends a command and polls it to its exit code', async () => {
    const {clock, ssm, instanceId} = await seed()
    expect(await ssm.describeInstanceInformation([instanceId])).toEqual([])
    await expect(ssm.sendCommand({instanceId, commands: ['true']})).rejects.toBeInstanceOf(AwsError)
    clock.advance(DURATIONS.instancePending + DURATIONS.ssmRegistration)
    expect(await ssm.describeInstanceInformation([instanceId])).toEqual([expect.objectContaining({instanceId, pingStatus: 'Online', platformName: 'Amazon Linux'})])

    const commandId = await ssm.sendCommand({instanceId, commands: ['echo hi', 'exit 4'], comment: 'hactl seed exec', executionTimeoutSeconds: 600})
    expect(await ssm.getCommandInvocation(commandId, instanceId)).toBeUndefined()
    clock.advance(DURATIONS.ssmCommandDelivery)
    expect(await ssm.getCommandInvocation(commandId, instanceId)).toMatchObject({status: 'InProgress', done: false, responseCode: -1})
    clock.advance(DURATIONS.ssmCommandRun)
    expect(await ssm.getCommandInvocation(commandId, instanceId)).toEqual({
      commandId,
      instanceId,
      status: 'Failed',
      statusDetails: 'Failed',
      responseCode: 4,
      stdout: 'hi\n',
      stderr: '',
      done: true,
    })
    expect(await ssm.listCommandInvocations({instanceId})).toEqual([
      expect.objectContaining({commandId, status: 'Failed', responseCode: 4, comment: 'hactl seed exec'}),
    ])
  })
})
