import {AwsClients} from '../../../src/aws/clients'
import {ManualClock} from '../../../src/core/clock'
import {buildBundle} from '../../../src/env/bundle'
import {isLivePlan, plan} from '../../../src/env/plan'
import {openSandbox} from '../../../src/sandbox'
import {testConfig} from '../../_helpers/config'
import {removeTempStateDirs, tempStateDir} from '../sandbox/clients'

describe('plan', () => {
  afterAll(removeTempStateDirs)

  it('is live when any AWS is named: --live, --sandbox or --endpoint-url', () => {
    expect(isLivePlan()).toBe(false)
    expect(isLivePlan({live: false, sandbox: false})).toBe(false)
    expect(isLivePlan({live: true})).toBe(true)
    expect(isLivePlan({sandbox: true})).toBe(true)
    expect(isLivePlan({endpointUrl: 'http://localhost:4566'})).toBe(true)
  })

  it('offline, never asks for clients (no credentials needed)', async () => {
    const clients = jest.fn()
    const result = await plan({bundle: buildBundle(), clients, config: testConfig()})
    expect(result.mode).toBe('offline')
    expect(clients).not.toHaveBeenCalled()
    expect(result.summary.create).toBe(result.resources.length)
  })

  it('live against an empty region: everything to create, each resource typed by kind', async () => {
    const sandbox = openSandbox({clock: new ManualClock(), region: 'eu-west-1', stateDir: tempStateDir()})
    const result = await plan({bundle: buildBundle(), clients: async () => new AwsClients({sandbox, version: 'test'}), config: testConfig(), target: {sandbox: true}})
    expect(result.mode).toBe('live')
    const unknown = result.resources.filter((r) => r.state === 'unknown').map((r) => r.resourceKind)
    // S3 cannot be asked before EB's storage bucket is known.
    expect(unknown).toEqual(['bundle-object'])
    expect(result.summary.exists).toBe(0)
    expect(result.summary.createByKind).toMatchObject({'iam-role': 2, secret: 2, 'security-group': 6, 'ssm-pointer': 1})
    // Both of the seed's inputs are planned (the app's DB secret and the pointer parameter).
    expect(result.resources.filter((r) => r.resourceKind === 'secret' || r.resourceKind === 'ssm-pointer').map((r) => r.name)).toEqual(
      expect.arrayContaining(['hactl/demo/db-app', '/hactl/demo/site']),
    )
  })
})
