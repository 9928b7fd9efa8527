import {EC2ServiceException} from '@aws-sdk/client-ec2'

import {awsCall, translateAwsError} from '../../../src/aws/errors'
import {ExitCode} from '../../../src/core/exit-codes'
import {AwsError, CredentialsError, HactlError, UserError} from '../../../src/core/errors'

function sdkError(name: string, message: string, requestId = 'req-1') {
  return new EC2ServiceException({$fault: 'client', $metadata: {httpStatusCode: 400, requestId}, message, name})
}

describe('translateAwsError', () => {
  it('keeps AWS\'s code, message and request id', () => {
    const error = translateAwsError(sdkError('InvalidInstanceID.NotFound', "The instance ID 'i-1' does not exist"), 'ec2:DescribeInstances')
    expect(error).toBeInstanceOf(AwsError)
    expect(error).toMatchObject({
      awsCode: 'InvalidInstanceID.NotFound',
      exitCode: ExitCode.Aws,
      message: "ec2:DescribeInstances: InvalidInstanceID.NotFound: The instance ID 'i-1' does not exist (request id req-1)",
      requestId: 'req-1',
    })
  })

  it.each(['ExpiredToken', 'InvalidClientTokenId', 'CredentialsProviderError', 'UnrecognizedClientException'])(
    'makes %s a credentials error with a way out',
    (code) => {
      const error = translateAwsError(sdkError(code, 'The security token included in the request is expired'), 'sts:GetCallerIdentity')
      expect(error).toBeInstanceOf(CredentialsError)
      expect(error.exitCode).toBe(ExitCode.Credentials)
      expect(error.suggestions.join(' ')).toContain('aws sso login')
    },
  )

  it('makes "could not load credentials" a credentials error', () => {
    const error = translateAwsError(new Error('Could not load credentials from any providers'), 'sts:GetCallerIdentity')
    expect(error.exitCode).toBe(ExitCode.Credentials)
  })

  it('makes a missing region a usage error pointing at --region', () => {
    const error = translateAwsError(new Error('Region is missing'), 'sts:GetCallerIdentity')
    expect(error).toBeInstanceOf(UserError)
    expect(error.suggestions[0]).toContain('--region')
  })

  it('names a refused connection as a network problem, not an AWS error code', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), {code: 'ECONNREFUSED'})
    const error = translateAwsError(refused, 'sts:GetCallerIdentity')
    expect(error).toMatchObject({awsCode: 'ECONNREFUSED', message: 'sts:GetCallerIdentity could not reach AWS: connect ECONNREFUSED 127.0.0.1:9'})
    expect(error.suggestions[0]).toContain('--endpoint-url')
  })

  it('explains access denied', () => {
    const error = translateAwsError(sdkError('UnauthorizedOperation', 'You are not authorized'), 'ec2:RunInstances')
    expect(error.message).toBe('ec2:RunInstances was denied: You are not authorized (request id req-1)')
  })

  it('passes hactl errors through untouched', () => {
    const original = new HactlError('x', 'y')
    expect(translateAwsError(original, 'op')).toBe(original)
  })

  it('awsCall rejects with the translated error', async () => {
    await expect(awsCall('ssm:GetParameter', () => Promise.reject(sdkError('ThrottlingException', 'Rate exceeded')))).rejects.toMatchObject({
      awsCode: 'ThrottlingException',
    })
  })
})
