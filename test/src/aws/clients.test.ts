import {GetCallerIdentityCommand, STSClient} from '@aws-sdk/client-sts'
import {ConfiguredRetryStrategy} from '@smithy/core/retry'
import {mockClient} from 'aws-sdk-client-mock'

import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {uncounted} from '../../../src/aws/uncounted'
import {AwsClients, isReadOnlyOperation} from '../../../src/aws/clients'
import {openSandbox} from '../../../src/sandbox'
import {ExitCode} from '../../../src/core/exit-codes'
import {RecordingReporter} from '../../../src/core/progress'

describe('AwsClients factory', () => {
  it('sets region, profile, endpoint and a hactl user agent on every client', () => {
    const clients = new AwsClients({endpointUrl: 'http://localhost:4566', profile: 'prod-sso', region: 'eu-west-1', version: '1.2.3'})
    const config = clients.clientConfig('ec2')
    expect(config).toMatchObject({
      customUserAgent: 'hactl/1.2.3',
      endpoint: 'http://localhost:4566',
      profile: 'prod-sso',
      region: 'eu-west-1',
    })
    expect(config.credentials).toBeUndefined() // the SDK's standard chain
    // hactl's own strategy, not the SDK default: it reports each retry as a progress event.
    expect(config.retryStrategy).toBeInstanceOf(ConfiguredRetryStrategy)
    expect(clients.endpointUrl).toBe('http://localhost:4566')
  })

  it('retries up to maxAttempts and reports each retry', async () => {
    const reporter = new RecordingReporter()
    const strategy = new AwsClients({maxAttempts: 3, reporter, version: '1'}).clientConfig('ec2').retryStrategy
    let token = await strategy.acquireInitialRetryToken('ec2')
    for (let retry = 0; retry < 2; retry++) token = await strategy.refreshRetryTokenForRetry(token, {errorType: 'THROTTLING'})
    await expect(strategy.refreshRetryTokenForRetry(token, {errorType: 'THROTTLING'})).rejects.toThrow()
    expect(reporter.ofType('retry').map((e) => [e.service, e.attempt])).toEqual([['ec2', 2], ['ec2', 3]])
  })

  it('leaves region and profile to the SDK\'s chain when not given', () => {
    const config = new AwsClients({version: '1'}).clientConfig('sts')
    expect(config.region).toBeUndefined()
    expect(config.profile).toBeUndefined()
  })

  it('builds each service once and hands out the same narrow interface', async () => {
    const clients = new AwsClients({region: 'eu-west-1', version: '1'})
    const [a, b] = await Promise.all([clients.sts(), clients.sts()])
    expect(a).toBe(b)
    expect(Object.keys(a).sort()).toEqual(['getCallerIdentity', 'region'])
  })

  it('turns expired credentials into the credentials exit code', async () => {
    const sts = mockClient(STSClient)
    try {
      const expired = Object.assign(new Error('The security token included in the request is expired'), {
        $metadata: {httpStatusCode: 403},
        name: 'ExpiredToken',
      })
      sts.on(GetCallerIdentityCommand).rejects(expired)
      const api = await new AwsClients({region: 'eu-west-1', reporter: new RecordingReporter(), version: '1'}).sts()
      await expect(api.getCallerIdentity()).rejects.toMatchObject({code: 'credentials', exitCode: ExitCode.Credentials})
    } finally {
      sts.restore()
    }
  })
})

describe('AwsClients call counter', () => {
  it('counts each call by service and operation, and tells reads from mutations', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'hactl-calls-'))
    try {
      const clients = new AwsClients({sandbox: openSandbox({region: 'eu-west-1', stateDir}), version: 'test'})
      const ssm = await clients.ssm()
      await ssm.getParameter('/hactl/none/site')
      await ssm.getParameter('/hactl/none/site')
      expect(Object.fromEntries(clients.calls())).toEqual({'ssm:GetParameter': 2})
      expect(isReadOnlyOperation('DescribeEnvironments')).toBe(true)
      expect(isReadOnlyOperation('CreateImage')).toBe(false)
      expect(isReadOnlyOperation('UpdateEnvironment')).toBe(false)
    } finally {
      rmSync(stateDir, {force: true, recursive: true})
    }
  })

  it('leaves out the calls made inside uncounted() (the lock heartbeat), and only those, even when they interleave', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'hactl-calls-'))
    try {
      const clients = new AwsClients({sandbox: openSandbox({region: 'eu-west-1', stateDir}), version: 'test'})
      const ssm = await clients.ssm()
      await Promise.all([
        uncounted(async () => {
          await ssm.putParameter({name: '/hactl/none/lock', overwrite: true, value: 'x'})
          await ssm.getParameter('/hactl/none/lock')
        }),
        ssm.getParameter('/hactl/none/site'),
      ])
      expect(Object.fromEntries(clients.calls())).toEqual({'ssm:GetParameter': 1})
    } finally {
      rmSync(stateDir, {force: true, recursive: true})
    }
  })
})
