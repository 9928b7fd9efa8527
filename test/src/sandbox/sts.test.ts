import {GetCallerIdentityCommand} from '@aws-sdk/client-sts'

import {manualSandbox, removeTempStateDirs} from './clients'

afterAll(removeTempStateDirs)

describe('sandbox STS', () => {
  it('answers GetCallerIdentity with the sandbox account', async () => {
    const {sts, handle} = manualSandbox()
    const identity = await sts.send(new GetCallerIdentityCommand({}))
    expect(identity).toMatchObject({Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/hactl-sandbox'})
    expect(identity.$metadata).toMatchObject({httpStatusCode: 200, attempts: 1, requestId: expect.any(String)})
    expect(handle.account).toBe('123456789012')
    expect(handle.region).toBe('eu-west-1')
  })

  it('throttles with Throttling (400), as STS does, and the SDK retries it', async () => {
    const {sts} = manualSandbox({faults: ['throttle:sts:GetCallerIdentity']})
    const identity = await sts.send(new GetCallerIdentityCommand({}))
    expect(identity.$metadata.attempts).toBe(2)
  })

  it('fails with an injected code every time when no count is given', async () => {
    const {sts} = manualSandbox({faults: ['fail:sts:GetCallerIdentity=ExpiredToken']})
    await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({name: 'ExpiredToken', $metadata: {httpStatusCode: 400}})
    await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({name: 'ExpiredToken'})
  })

  it('rejects a bad fault spec when opened', () => {
    expect(() => manualSandbox({faults: ['slow:sts:GetCallerIdentity']})).toThrow(/unknown kind "slow"/)
  })
})
