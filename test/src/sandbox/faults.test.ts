import {DescribeVpcsCommand} from '@aws-sdk/client-ec2'
import {GetCallerIdentityCommand} from '@aws-sdk/client-sts'

import {parseFaults} from '../../../src/sandbox'
import {manualSandbox, removeTempStateDirs} from './clients'

afterAll(removeTempStateDirs)

describe('parseFaults', () => {
  it('reads every part of the grammar', () => {
    expect(parseFaults(['throttle:ec2:DescribeInstances*3=Throttling'])).toEqual([
      {
        kind: 'throttle',
        service: 'ec2',
        operation: 'DescribeInstances',
        count: 3,
        errorCode: 'Throttling',
        text: 'throttle:ec2:DescribeInstances*3=Throttling',
      },
    ])
  })

  it('defaults throttle to one firing and the other kinds to every call', () => {
    const [throttle, fail, image, impaired] = parseFaults([
      'throttle:ssm:GetParameter',
      'fail:sts:GetCallerIdentity',
      'image-failed:ec2:CreateImage',
      'impaired:ec2:RunInstances',
    ])
    expect(throttle.count).toBe(1)
    expect(fail.count).toBeUndefined()
    expect(fail.errorCode).toBeUndefined()
    expect(image.count).toBeUndefined()
    expect(impaired.kind).toBe('impaired')
  })

  it('splits comma-separated lists and skips blanks, as HACTL_SANDBOX_FAULTS gives them', () => {
    const faults = parseFaults(['throttle:ec2:RunInstances, fail:ssm:PutParameter*2=InternalServerError,', ''])
    expect(faults.map((fault) => fault.text)).toEqual(['throttle:ec2:RunInstances', 'fail:ssm:PutParameter*2=InternalServerError'])
  })

  it.each([
    ['throttle', /expected <kind>:<service>:<Operation>/],
    ['explode:ec2:RunInstances', /unknown kind "explode"/],
    ['throttle:lambda:Invoke', /unknown service "lambda"/],
    ['throttle:ec2:RunInstances*0', /count must be at least 1/],
    ['throttle:ec2:RunInstances*x', /expected/],
    ['image-failed:ec2:RunInstances', /applies to ec2:CreateImage only/],
    ['health-red:elasticbeanstalk:DescribeEvents', /applies to elasticbeanstalk:CreateEnvironment, elasticbeanstalk:UpdateEnvironment only/],
    ['impaired:ec2:RunInstances=Boom', /only throttle and fail take/],
    ['fail:ec2:describeInstances', /expected/],
  ])('rejects %s', (spec, message) => {
    expect(() => parseFaults([spec])).toThrow(message)
  })
})

describe('faults naming operations the service does not simulate', () => {
  const unknown = 'Unknown operation "Describe" in sandbox fault "throttle:ec2:Describe"; ec2 simulates: '

  it('fail the first call to that service, listing what it simulates, and every call after', async () => {
    const {ec2} = manualSandbox({faults: ['throttle:ec2:Describe']})
    for (const _ of [1, 2]) {
      const error: unknown = await ec2.send(new DescribeVpcsCommand({})).then(
        () => undefined,
        (thrown: unknown) => thrown,
      )
      expect(error).toBeInstanceOf(Error)
      const {message} = error as Error
      expect(message.startsWith(unknown)).toBe(true)
      expect(message).toMatch(/DescribeVpcs, .*RunInstances/)
    }
  })

  it('leave the other services alone, which load separately', async () => {
    const {sts} = manualSandbox({faults: ['fail:ec2:DescribeVpc']})
    const {Account} = await sts.send(new GetCallerIdentityCommand({}))
    expect(Account).toBe('123456789012')
  })

  it('are checked against each service: a real EC2 operation named under SSM is unknown', async () => {
    const {ssm, ec2} = manualSandbox({faults: ['fail:ssm:DescribeVpcs', 'throttle:ec2:DescribeVpcs']})
    await expect(ec2.send(new DescribeVpcsCommand({}))).resolves.toMatchObject({Vpcs: [expect.anything()]})
    const {GetParameterCommand} = await import('@aws-sdk/client-ssm')
    await expect(ssm.send(new GetParameterCommand({Name: 'x'}))).rejects.toThrow(
      /Unknown operation "DescribeVpcs" in sandbox fault "fail:ssm:DescribeVpcs"; ssm simulates: .*GetParameter/,
    )
  })
})
