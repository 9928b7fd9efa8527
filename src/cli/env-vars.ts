/**
 * hactl's own environment variables, checked before a command reads them.
 * A value hactl does not document is a usage error (exit 2) naming the
 * variable: `HACTL_SANDBOX=on` used to read as false and send the command to
 * the real AWS credential chain, and `HACTL_SANDBOX_SPEED=1e308` wrote a
 * state file hactl then rejected as damaged.
 */
import {UserError} from '../core/errors'

/** Values oclif reads as true for a boolean flag's `env` (its `isTruthy`), and the ones that mean false. */
const TRUE_VALUES = ['1', 'true', 'y', 'yes']
const FALSE_VALUES = ['', '0', 'false', 'n', 'no']

/** Simulated ms per real ms: above this a command's whole simulated lifetime fits in a few real ms and dates overflow. */
export const MAX_SANDBOX_SPEED = 1_000_000

/** The endpoint URL rule shared by --endpoint-url and AWS_ENDPOINT_URL; undefined when `value` is fine. */
export function endpointUrlProblem(value: string): string | undefined {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'is not a URL'
  }

  // Any other scheme would still be dialled as HTTP on port 80 by the SDK.
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `must use http:// or https://, not ${url.protocol}//`
  if (url.hostname === '') return 'has no host'
  return undefined
}

function usage(variable: string, value: string, rule: string, example: string): UserError {
  return new UserError('environment', `${variable}=${JSON.stringify(value)} is not valid: ${rule}.`, {
    data: {value, variable},
    suggestions: [`Set ${variable} to ${example}, or unset it.`],
  })
}

/** Throws a UserError (exit 2) for the first undocumented value of a variable hactl reads. */
export function checkHactlEnvironment(env: NodeJS.ProcessEnv): void {
  const sandbox = env.HACTL_SANDBOX
  if (sandbox !== undefined && !TRUE_VALUES.includes(sandbox.toLowerCase()) && !FALSE_VALUES.includes(sandbox.toLowerCase())) {
    throw usage('HACTL_SANDBOX', sandbox, `it takes ${TRUE_VALUES.join('/')} to use the sandbox, ${FALSE_VALUES.slice(1).join('/')} not to`, '1')
  }

  const speed = env.HACTL_SANDBOX_SPEED
  if (speed !== undefined && speed !== '') {
    const value = Number(speed)
    if (!/^\s*[0-9.e+]+\s*$/i.test(speed) || !Number.isFinite(value) || value <= 0 || value > MAX_SANDBOX_SPEED) {
      throw usage('HACTL_SANDBOX_SPEED', speed, `it is simulated milliseconds per real millisecond, a number above 0 and at most ${MAX_SANDBOX_SPEED}`, '120 (the default)')
    }
  }

  const endpoint = env.AWS_ENDPOINT_URL
  const problem = endpoint ? endpointUrlProblem(endpoint) : undefined
  if (endpoint && problem) throw usage('AWS_ENDPOINT_URL', endpoint, `it ${problem}`, 'an http:// or https:// URL such as http://localhost:4566')
}
