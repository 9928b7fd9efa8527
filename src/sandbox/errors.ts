import type {ResponseMetadata} from '@smithy/types'

/**
 * An AWS error as a simulated service raises it: AWS's code, message and HTTP
 * status. The middleware turns it into the SDK's own exception class (see each
 * service's `toException`), so callers see exactly what the SDK would throw.
 */
export class SimError extends Error {
  public constructor(
    public readonly code: string,
    message: string,
    public readonly status = 400,
  ) {
    super(message)
    this.name = code
  }

  /** AWS's split: 5xx are the service's fault, everything else the caller's. */
  public get fault(): 'client' | 'server' {
    return this.status >= 500 ? 'server' : 'client'
  }
}

/** What every service exception constructor takes. */
export interface ExceptionOptions {
  readonly name: string
  readonly $fault: 'client' | 'server'
  readonly $metadata: ResponseMetadata
  readonly message: string
}

/** The options for a service's base exception class (`EC2ServiceException`, …) built from a SimError. */
export function exceptionOptions(error: SimError, $metadata: ResponseMetadata): ExceptionOptions {
  return {name: error.code, $fault: error.fault, $metadata: {...$metadata, httpStatusCode: error.status}, message: error.message}
}

/** A call the sandbox does not simulate: a plain error (not retried by the SDK) that says where to look. */
export class SandboxUnsupportedError extends Error {
  public constructor(service: string, operation: string, specFile: string) {
    super(
      `The hactl sandbox does not simulate ${service.toUpperCase()} ${operation}. ` +
        `What it simulates is listed in ${specFile}.`,
    )
    this.name = 'SandboxUnsupportedOperation'
  }
}

/**
 * The state file (`<stateDir>/sandbox.json`) cannot be used: not JSON, not the
 * shape this hactl writes, or another version's. Thrown when the file is read
 * (by `openSandbox` and by every call), never later as a TypeError.
 */
export class SandboxStateError extends Error {
  public constructor(
    /** The state file's path. */
    public readonly file: string,
    /** What is wrong with it, e.g. "is not valid JSON". */
    public readonly problem: string,
  ) {
    super(`The sandbox state file ${file} ${problem}. Run \`hactl sandbox reset\` to start afresh.`)
    this.name = 'SandboxStateError'
  }
}
