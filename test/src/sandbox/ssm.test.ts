import {
  DeleteParameterCommand,
  DescribeParametersCommand,
  GetParameterCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  PutParameterCommand,
  StartSessionCommand,
  paginateGetParametersByPath,
} from '@aws-sdk/client-ssm'

import {DURATIONS} from '../../../src/sandbox/durations'
import {manualSandbox, removeTempStateDirs} from './clients'

afterAll(removeTempStateDirs)

describe('sandbox SSM parameters', () => {
  it('puts, versions and gets a parameter with its LastModifiedDate on the simulated clock', async () => {
    const {ssm, clock} = manualSandbox()
    expect(await ssm.send(new PutParameterCommand({Name: '/hactl/site/lock', Value: 'free', Type: 'String'}))).toMatchObject({Version: 1})
    clock.advance(DURATIONS.instancePending)
    const second = await ssm.send(new PutParameterCommand({Name: '/hactl/site/lock', Value: 'held', Overwrite: true}))
    expect(second.Version).toBe(2)
    const {Parameter} = await ssm.send(new GetParameterCommand({Name: '/hactl/site/lock'}))
    expect(Parameter).toMatchObject({
      Name: '/hactl/site/lock',
      Value: 'held',
      Type: 'String',
      Version: 2,
      ARN: 'arn:aws:ssm:eu-west-1:123456789012:parameter/hactl/site/lock',
    })
    expect(Parameter?.LastModifiedDate?.getTime()).toBe(clock.now())
  })

  it('refuses to overwrite without Overwrite: ParameterAlreadyExists', async () => {
    const {ssm} = manualSandbox()
    await ssm.send(new PutParameterCommand({Name: '/hactl/a', Value: '1', Type: 'String', Overwrite: false}))
    await expect(ssm.send(new PutParameterCommand({Name: '/hactl/a', Value: '2', Type: 'String', Overwrite: false}))).rejects.toMatchObject({
      name: 'ParameterAlreadyExists',
      $fault: 'client',
      $metadata: {httpStatusCode: 400},
    })
  })

  it('answers a missing parameter with ParameterNotFound, for Get and Delete', async () => {
    const {ssm} = manualSandbox()
    await expect(ssm.send(new GetParameterCommand({Name: '/hactl/missing'}))).rejects.toMatchObject({name: 'ParameterNotFound'})
    await expect(ssm.send(new DeleteParameterCommand({Name: '/hactl/missing'}))).rejects.toMatchObject({name: 'ParameterNotFound'})
  })

  it('requires a Type when creating, and rejects reserved names', async () => {
    const {ssm} = manualSandbox()
    await expect(ssm.send(new PutParameterCommand({Name: '/hactl/x', Value: '1'}))).rejects.toMatchObject({name: 'ValidationException'})
    await expect(ssm.send(new PutParameterCommand({Name: '/aws/x', Value: '1', Type: 'String'}))).rejects.toMatchObject({
      name: 'ValidationException',
    })
  })

  it('hides a SecureString unless WithDecryption', async () => {
    const {ssm} = manualSandbox()
    await ssm.send(new PutParameterCommand({Name: '/hactl/db/password', Value: 'hunter2', Type: 'SecureString'}))
    const hidden = await ssm.send(new GetParameterCommand({Name: '/hactl/db/password'}))
    expect(hidden.Parameter?.Value).not.toBe('hunter2')
    const shown = await ssm.send(new GetParameterCommand({Name: '/hactl/db/password', WithDecryption: true}))
    expect(shown.Parameter?.Value).toBe('hunter2')
  })

  it('gets several at once, listing the unknown ones', async () => {
    const {ssm} = manualSandbox()
    await ssm.send(new PutParameterCommand({Name: '/hactl/a', Value: '1', Type: 'String'}))
    const result = await ssm.send(new GetParametersCommand({Names: ['/hactl/a', '/hactl/b']}))
    expect(result.Parameters?.map((parameter) => parameter.Name)).toEqual(['/hactl/a'])
    expect(result.InvalidParameters).toEqual(['/hactl/b'])
  })

  it('lists by path, one level or recursively, in pages', async () => {
    const {ssm} = manualSandbox()
    const names = ['/hactl/site/a', '/hactl/site/b', '/hactl/site/deep/c', '/hactl/other/d']
    for (const name of names) await ssm.send(new PutParameterCommand({Name: name, Value: name, Type: 'String'}))
    const oneLevel = await ssm.send(new GetParametersByPathCommand({Path: '/hactl/site'}))
    expect(oneLevel.Parameters?.map((parameter) => parameter.Name)).toEqual(['/hactl/site/a', '/hactl/site/b'])
    const firstPage = await ssm.send(new GetParametersByPathCommand({Path: '/hactl/', Recursive: true, MaxResults: 3}))
    expect(firstPage.Parameters).toHaveLength(3)
    expect(firstPage.NextToken).toBeDefined()
    const all: string[] = []
    for await (const page of paginateGetParametersByPath({client: ssm, pageSize: 2}, {Path: '/hactl', Recursive: true})) {
      all.push(...(page.Parameters ?? []).map((parameter) => parameter.Name ?? ''))
    }

    expect(all.sort()).toEqual([...names].sort())
    await expect(ssm.send(new GetParametersByPathCommand({Path: '/hactl', NextToken: 'junk'}))).rejects.toMatchObject({
      name: 'InvalidNextToken',
    })
  })

  it('describes parameters by name prefix', async () => {
    const {ssm} = manualSandbox()
    await ssm.send(new PutParameterCommand({Name: '/hactl/a', Value: '1', Type: 'String'}))
    await ssm.send(new PutParameterCommand({Name: '/other/b', Value: '1', Type: 'String'}))
    const {Parameters} = await ssm.send(
      new DescribeParametersCommand({ParameterFilters: [{Key: 'Name', Option: 'BeginsWith', Values: ['/hactl/']}]}),
    )
    expect(Parameters?.map((parameter) => parameter.Name)).toEqual(['/hactl/a'])
  })

  it('throttles with ThrottlingException, which the SDK retries', async () => {
    const {ssm} = manualSandbox({faults: ['throttle:ssm:GetParametersByPath']})
    const result = await ssm.send(new GetParametersByPathCommand({Path: '/hactl'}))
    expect(result.$metadata.attempts).toBe(2)
  })

  it('says clearly when an operation is not simulated', async () => {
    const {ssm} = manualSandbox()
    // SendCommand is simulated now (ssm-commands.ts); Session Manager is not.
    await expect(ssm.send(new StartSessionCommand({Target: 'i-0123456789abcdef0'}))).rejects.toThrow(
      /does not simulate SSM StartSession.*src\/sandbox\/services\/ssm\.md/,
    )
  })
})
