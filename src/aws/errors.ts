/**
 * SDK exceptions become hactl errors here, once, at the edge of `src/aws`.
 * AWS's own code, message and request id are kept: operators search for them.
 */
import {readFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'

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
 * Names the SDK gives an error when the answer was not an AWS error document:
 * `Unknown` (XML services, with message `Unknown`), a JSON parser's
 * `SyntaxError`, or a bare `Error`. None says what happened.
 */
const GENERIC_NAMES = new Set(['Error', 'Unknown', 'UnknownError', 'SyntaxError'])

/**
 * The most telling code of an SDK error: Node's system code (ECONNREFUSED),
 * else AWS's error code, else `HTTP 502` when the answer was not an AWS
 * error document (a proxy's or gateway's HTML page), else the error's name.
 * Used by the error translation and by the retry progress lines alike.
 */
export function errorCodeOf(error: unknown): string {
  if (!(error instanceof Error)) return 'Unknown'
  const systemCode = (error as {code?: unknown}).code
  if (typeof systemCode === 'string' && /^E[A-Z]+$/.test(systemCode)) return systemCode
  if (!GENERIC_NAMES.has(error.name)) return error.name
  // An XML error body the SDK could not map keeps AWS's code in `Code` or `Error.Code`.
  const fields = error as {Code?: unknown; Error?: {Code?: unknown}}
  const bodyCode = fields.Code ?? fields.Error?.Code
  if (typeof bodyCode === 'string' && bodyCode !== '' && !GENERIC_NAMES.has(bodyCode)) return bodyCode
  const status = (error as SdkErrorLike).$metadata?.httpStatusCode
  return status === undefined ? error.name || 'Unknown' : `HTTP ${status}`
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
  const code = errorCodeOf(error)
  const message = error.message || code
  const requestId = error.$metadata?.requestId
  const suffix = requestId ? ` (request id ${requestId})` : ''

  if (code === 'SandboxStateError') return sandboxStateError(error)
  if (/^Unknown operation ".*" in sandbox fault "/.test(message)) return sandboxFaultError(error)

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

  if (code.startsWith('HTTP ')) return notAnAwsAnswer(error, operation, code)

  // Only what AWS answered is an AWS error; anything else thrown on the way is ours.
  if (error.$metadata === undefined && (error as {$fault?: unknown}).$fault === undefined) {
    return new HactlError('unexpected', `${operation} failed before reaching AWS: ${message}`, {
      cause: error,
      suggestions: ['This looks like a bug in hactl. Re-run with DEBUG=hactl* and report it with the output.'],
    })
  }

  return new AwsError(code, `${operation}: ${code}: ${message}${suffix}`, {cause: error, operation, requestId})
}

/**
 * The endpoint answered, but not as AWS does: an HTML page from a proxy,
 * gateway or load balancer (HTTP 502/503/504), which the SDK can only call
 * `Unknown`. Say that, with the status, instead of "Unknown: Unknown".
 */
function notAnAwsAnswer(error: Error & SdkErrorLike, operation: string, code: string): HactlError {
  const status = error.$metadata?.httpStatusCode ?? 0
  const who = status >= 500 ? 'a proxy or gateway in the way, or the service is having trouble' : 'is the endpoint an AWS API?'
  return new AwsError(code, `${operation}: the endpoint answered ${code} with a page that is not an AWS answer (${who}).`, {
    cause: error,
    operation,
    suggestions: ['Retry in a few minutes; if it persists, check --endpoint-url (or AWS_ENDPOINT_URL) and any HTTPS proxy settings.'],
  })
}

/** The sandbox's state file is corrupt or from another version (only with --sandbox). */
export function sandboxStateError(error: Error): HactlError {
  // A local file problem, not a bug (exit 1) nor AWS's (exit 4): the user's input to fix, exit 2.
  const {file, problem, remedy} = error as Error & {file?: string; problem?: string; remedy?: string}
  const resets = remedy === undefined || remedy.includes('hactl sandbox reset')
  return new UserError('sandbox-state', file && problem ? `The sandbox state file ${file} ${problem}.` : error.message.replace(/ Run `hactl sandbox reset`.*$/, ''), {
    cause: error,
    data: {file},
    suggestions: [
      resets ? 'Run `hactl sandbox reset` to start the simulated region afresh (this forgets its simulated resources).' : (remedy ?? ''),
    ],
  })
}

/** A --sandbox-fault / HACTL_SANDBOX_FAULTS entry naming an operation the sandbox does not simulate: bad input, exit 2. */
function sandboxFaultError(error: Error): HactlError {
  return new UserError('sandbox-fault', error.message, {
    cause: error,
    suggestions: ['Fix --sandbox-fault / HACTL_SANDBOX_FAULTS to name an operation listed above.'],
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

export interface ProfileContext {
  /** `--profile`, when given. */
  readonly flag?: string
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv
  /** Reads a shared config file; undefined when it does not exist. @default fs.readFileSync, undefined on error */
  readonly readFile?: (path: string) => string | undefined
}

/**
 * The SDK reports a profile that is in neither shared file as "Could not load
 * credentials from any providers", which sends the user to refresh keys that
 * are fine. When the chosen profile (--profile, else AWS_PROFILE) is missing,
 * say so and name it; any other error passes through.
 */
export function explainMissingProfile(error: HactlError, context: ProfileContext = {}): HactlError {
  if (!(error instanceof CredentialsError)) return error
  const env = context.env ?? process.env
  const profile = context.flag ?? env.AWS_PROFILE
  if (!profile) return error
  const source = context.flag ? '--profile' : 'AWS_PROFILE'
  const read = context.readFile ?? readIfPresent
  const configFile = env.AWS_CONFIG_FILE ?? join(homedir(), '.aws', 'config')
  const credentialsFile = env.AWS_SHARED_CREDENTIALS_FILE ?? join(homedir(), '.aws', 'credentials')
  const names = new Set([...profileNames(read(configFile), true), ...profileNames(read(credentialsFile), false)])
  if (names.has(profile)) return error
  return new CredentialsError(`AWS profile "${profile}" (from ${source}) is in neither ${configFile} nor ${credentialsFile}.`, {
    cause: error,
    data: {profile, source},
    suggestions: [
      `Check the name against \`aws configure list-profiles\`${names.size > 0 ? ` (found: ${[...names].sort().join(', ')})` : ''}, or create it with \`aws configure sso --profile ${profile}\`.`,
    ],
  })
}

function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}

/** Section names of a shared file: `[profile x]` or `[default]` in config, `[x]` in credentials. */
function profileNames(text: string | undefined, isConfig: boolean): string[] {
  if (text === undefined) return []
  const names: string[] = []
  for (const match of text.matchAll(/^[ \t]*\[([^\]\r\n]+)\][ \t]*$/gm)) {
    const section = match[1].trim()
    if (!isConfig) names.push(section)
    else if (section === 'default') names.push(section)
    else if (/^profile\s+/.test(section)) names.push(section.replace(/^profile\s+/, '').trim())
  }

  return names
}
