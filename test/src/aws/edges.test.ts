/** Issue 8, found by trying 12 and 14: errors and retry lines that say what happened. */
import {EC2ServiceException} from '@aws-sdk/client-ec2'

import {errorCodeOf, explainMissingProfile, translateAwsError} from '../../../src/aws/errors'
import {createRetryStrategy} from '../../../src/aws/retry'
import type {ProgressEvent} from '../../../src/core/progress'
import {AwsError, CredentialsError, HactlError} from '../../../src/core/errors'
import {ExitCode} from '../../../src/core/exit-codes'

/** What the SDK throws for an HTTP 502 with an HTML body (XML services: name and message both "Unknown"). */
function gatewayPage(status = 502): Error {
  return new EC2ServiceException({$fault: 'server', $metadata: {httpStatusCode: status}, message: 'Unknown', name: 'Unknown'})
}

describe('an endpoint answering with an HTML page', () => {
  it('is reported with its HTTP status, not "Unknown: Unknown"', () => {
    const error = translateAwsError(gatewayPage(), 'ec2:DescribeVpcs')
    expect(error).toBeInstanceOf(AwsError)
    expect(error.exitCode).toBe(ExitCode.Aws)
    expect(error.message).toBe('ec2:DescribeVpcs: the endpoint answered HTTP 502 with a page that is not an AWS answer (a proxy or gateway in the way, or the service is having trouble).')
    expect(error.message).not.toContain('Unknown')
  })

  it('is reported the same way by JSON services, whose parser throws a SyntaxError', () => {
    const parse = Object.assign(new SyntaxError('Unexpected token \'<\', "<html>" is not valid JSON'), {$metadata: {httpStatusCode: 503}})
    expect(translateAwsError(parse, 'ssm:GetParameter')).toMatchObject({awsCode: 'HTTP 503'})
  })

  it('keeps AWS\'s code where the body had one', () => {
    expect(errorCodeOf(Object.assign(new Error('x'), {Error: {Code: 'Throttling'}, name: 'Unknown'}))).toBe('Throttling')
    expect(errorCodeOf(Object.assign(new Error('x'), {code: 'ECONNRESET'}))).toBe('ECONNRESET')
  })
})

describe('retry progress lines', () => {
  async function retryCodeFor(error: Error): Promise<string | undefined> {
    const events: ProgressEvent[] = []
    const strategy = createRetryStrategy({clock: {now: () => 0, scale: 1, sleep: async () => {}} as never, random: () => 0, reporter: {emit: (e: ProgressEvent) => events.push(e)} as never, service: 'ec2'})
    const token = await strategy.acquireInitialRetryToken('ec2')
    await strategy.refreshRetryTokenForRetry(token, {error: error as never, errorType: 'TRANSIENT'})
    const [event] = events
    return event?.type === 'retry' ? event.errorCode : undefined
  }

  it('show the real code: the HTTP status of a gateway page, not the SDK\'s generic name', async () => {
    expect(await retryCodeFor(gatewayPage(503))).toBe('HTTP 503')
    expect(await retryCodeFor(Object.assign(new Error('bad gateway'), {$metadata: {httpStatusCode: 502}}))).toBe('HTTP 502')
  })
})

describe('a missing AWS profile', () => {
  const generic = new CredentialsError('AWS credentials are missing or expired: Could not load credentials from any providers')
  const files: Record<string, string> = {
    '/cfg': '[default]\nregion = eu-west-1\n[profile prod]\nsso_session = x\n',
    '/creds': '[ci]\naws_access_key_id = A\n',
  }
  const env = {AWS_CONFIG_FILE: '/cfg', AWS_SHARED_CREDENTIALS_FILE: '/creds'}
  const readFile = (path: string) => files[path]

  it('is named, with where hactl looked and which profiles exist', () => {
    const error = explainMissingProfile(generic, {env: {...env, AWS_PROFILE: 'prdo'}, readFile})
    expect(error).toBeInstanceOf(CredentialsError)
    expect(error.exitCode).toBe(ExitCode.Credentials)
    expect(error.message).toBe('AWS profile "prdo" (from AWS_PROFILE) is in neither /cfg nor /creds.')
    expect(error.suggestions[0]).toContain('(found: ci, default, prod)')
    expect(explainMissingProfile(generic, {env, flag: 'nope', readFile}).message).toContain('(from --profile)')
  })

  it('leaves the message alone when the profile exists or none was chosen, and other errors alone', () => {
    expect(explainMissingProfile(generic, {env: {...env, AWS_PROFILE: 'prod'}, readFile})).toBe(generic)
    expect(explainMissingProfile(generic, {env: {...env, AWS_PROFILE: 'ci'}, readFile})).toBe(generic)
    expect(explainMissingProfile(generic, {env, readFile})).toBe(generic)
    const other = new HactlError('x', 'y')
    expect(explainMissingProfile(other, {env: {...env, AWS_PROFILE: 'zz'}, readFile})).toBe(other)
  })
})
