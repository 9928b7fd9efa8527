import {parseFaults} from '../../../src/sandbox'

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
    ['impaired:ec2:RunInstances=Boom', /only throttle and fail take/],
    ['fail:ec2:describeInstances', /expected/],
  ])('rejects %s', (spec, message) => {
    expect(() => parseFaults([spec])).toThrow(message)
  })
})
