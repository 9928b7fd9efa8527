/**
 * SDK exceptions become hactl errors here, once, at the edge of `src/aws`.
 * AWS's own code, message and request id are kept: operators search for them.
 */
import {AwsError, CredentialsError, HactlError, UserError} from '../core/errors'

/** Codes AWS (or the SDK's credential chain) uses for missing, bad or expired credentials. */
const CREDENTIAL_CODES = new Set([
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'InvalidAccessKeyId',
  'UnrecognizedClientException',
  'AuthFailure',
  'SignatureDoesNotMatch',
  'TokenRefreshRequired',
  'InvalidGrantException',
  'UnauthorizedException',
])

const NETWORK_CODES = new Set(['TimeoutError', 'NetworkingError', 'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH'])

const ACCESS_DENIED_CODES = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation'])

interface SdkErrorLike {
  readonly $metadata?: {readonly httpStatusCode?: number; readonly requestId?: string}
  readonly message?: string
  readonly name?: string
}

function isSdkErrorLike(error: unknown): error is SdkErrorLike & Error {
  return error instanceof Error
}

/**
 * Turns anything an SDK call threw into a {@link HactlError}.
 * @param operation e.g. `ec2:DescribeInstances`, for the message.
 */
export function translateAwsError(error: unknown, operation: string): HactlError {
  if (HactlError.isHactlError(error)) return error
  if (!isSdkErrorLike(error)) {
    return new AwsError('Unknown', `${operation} failed: ${String(error)}`, {cause: error, operation})
  }

  // Node's network errors keep their code (ECONNREFUSED, …) in `code`, with name 'Error'.
  const systemCode = (error as {code?: unknown}).code
  const code = typeof systemCode === 'string' && /^E[A-Z]+$/.test(systemCode) ? systemCode : error.name ?? 'Unknown'
  const message = error.message || code
  const requestId = error.$metadata?.requestId
  const suffix = requestId ? ` (request id ${requestId})` : ''

  if (code === 'SandboxStateError') return sandboxStateError(error)

  if (CREDENTIAL_CODES.has(code) || /could not load credentials|token.*(expired|is expired)|sso session.*expired/i.test(message)) {
    return new CredentialsError(`AWS credentials are missing or expired: ${message}`, {
      cause: error,
      data: {awsCode: code, operation, requestId},
      suggestions: [
        'Run `aws sso login --profile <name>` (SSO) or refresh your keys, then retry.',
        'Pick a profile with --profile or AWS_PROFILE; try the embedded sandbox with --sandbox.',
      ],
    })
  }

  if (/region is missing/i.test(message)) {
    return new UserError('region', 'No AWS Region is set.', {
      cause: error,
      suggestions: ['Set `region` in hactl.yml, pass --region, or set AWS_REGION.'],
    })
  }

  if (ACCESS_DENIED_CODES.has(code)) {
    return new AwsError(code, `${operation} was denied: ${message}${suffix}`, {
      cause: error,
      operation,
      requestId,
      suggestions: ['Grant this principal the permission named above (README: "IAM permissions"), then retry.'],
    })
  }

  if (NETWORK_CODES.has(code)) {
    return new AwsError(code, `${operation} could not reach AWS: ${message}`, {
      cause: error,
      operation,
      suggestions: ['Check the network, --region and --endpoint-url (or AWS_ENDPOINT_URL).'],
    })
  }

  // Only what AWS answered is an AWS error; anything else thrown on the way is ours.
  if (error.$metadata === undefined && (error as {$fault?: unknown}).$fault === undefined) {
    return new HactlError('unexpected', `${operation} failed before reaching AWS: ${message}`, {
      cause: error,
      suggestions: ['This looks like a bug in hactl. Re-run with DEBUG=hactl* and report it with the output.'],
    })
  }

  return new AwsError(code, `${operation}: ${code}: ${message}${suffix}`, {cause: error, operation, requestId})
}

/** The sandbox's state file is corrupt or from another version (only with --sandbox). */
export function sandboxStateError(error: Error): HactlError {
  return new HactlError('sandbox-state', error.message.replace(/ Run `hactl sandbox reset`.*$/, ''), {
    cause: error,
    suggestions: ['Run `hactl sandbox reset` to start the simulated region afresh (this forgets its simulated resources).'],
  })
}

/** Runs one SDK call and translates what it throws. */
export async function awsCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    throw translateAwsError(error, operation)
  }
}

/** True when the SDK error has the given AWS error code. */
export function hasAwsCode(error: unknown, ...codes: string[]): boolean {
  if (error instanceof AwsError) return codes.includes(error.awsCode)
  return error instanceof Error && codes.includes(error.name)
}
