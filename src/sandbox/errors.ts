import * as path from 'node:path'

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

/** The behaviour spec of a service by the sandbox's convention: `<name>.md` beside its module. */
export function specFileOf(name: string): string {
  return `src/sandbox/services/${name}.md`
}

/** A call the sandbox does not simulate: a plain error (not retried by the SDK) that says where to look. */
export class SandboxUnsupportedError extends Error {
  /** `specFile` defaults to the service's own spec (`specFileOf(service)`). */
  public constructor(service: string, operation: string, specFile = specFileOf(service)) {
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
    /** What to do about it: a sentence. */
    public readonly remedy = 'Run `hactl sandbox reset` to start afresh.',
  ) {
    super(`The sandbox state file ${file} ${problem}. ${remedy}`)
    this.name = 'SandboxStateError'
  }
}

/**
 * How a protocol's deserializer dresses an error beyond its class:
 * - `query` (EB, IAM, RDS, ElastiCache): AWS's code kept in `Code` and
 *   `Error` (`Type` Sender/Receiver) beside the class name;
 * - `rest-xml` (S3): the XML body's `Code`;
 * - `json` (SSM, Secrets Manager, EFS): nothing; the modelled classes copy
 *   `Message` / `ErrorCode` from the body where they declare them.
 */
export type ErrorProtocol = 'json' | 'query' | 'rest-xml'

/** What a modelled exception class is built from: everything any of them reads from a body. */
export interface ModeledOptions {
  readonly message: string
  readonly $metadata: ResponseMetadata
  readonly Message: string
  readonly ErrorCode: string
  readonly [field: string]: unknown
}

/**
 * A modelled exception class of an SDK client. `never`: each class takes its
 * own option type; they are all built from `ModeledOptions`, of which each
 * class copies only the fields it declares.
 */
export type ModeledClass<E extends Error> = new (options: never) => E

export interface ModeledExceptionsOptions {
  /** HTTP status by code where AWS's differs from the SimError's (S3 `NoSuchBucket` 404, …). */
  readonly status?: Readonly<Record<string, number>>
  /** Fields a modelled class needs from the error itself (EFS: the existing resource's id). */
  readonly fields?: (error: SimError) => Readonly<Record<string, unknown>>
}

/**
 * A service's `toException`: each SimError as the SDK client would throw it —
 * the modelled class for AWS's code (`table`, by the code AWS sends), else the
 * service's base exception named by the code — dressed as `protocol` does.
 */
export function modeledExceptions<E extends Error>(
  table: Readonly<Record<string, ModeledClass<E>>>,
  Base: new (options: ExceptionOptions) => E,
  protocol: ErrorProtocol,
  options: ModeledExceptionsOptions = {},
): (error: SimError, metadata: ResponseMetadata) => Error {
  return (error, metadata) => {
    const status = options.status?.[error.code] ?? error.status
    const $metadata = {...metadata, httpStatusCode: status}
    const Modeled = table[error.code] as (new (options: ModeledOptions) => E) | undefined
    const exception = Modeled
      ? new Modeled({message: error.message, $metadata, Message: error.message, ErrorCode: error.code, ...options.fields?.(error)})
      : new Base({...exceptionOptions(error, metadata), $metadata, $fault: status >= 500 ? 'server' : 'client'})
    if (protocol === 'rest-xml') return Object.assign(exception, {Code: error.code})
    if (protocol === 'json') return exception
    const Type = status >= 500 ? 'Receiver' : 'Sender'
    return Object.assign(exception, {Type, Code: error.code, Error: {Type, Code: error.code, Message: error.message}})
  }
}

/**
 * {@link modeledExceptions} with the table read off the SDK client's module:
 * every exported class that extends the service's base exception, keyed by
 * its name, which is the code AWS sends (the SDK's deserializers pick the
 * class by that same name). Nothing to list twice, nothing to forget.
 */
export function sdkModeledExceptions<E extends Error>(
  sdk: Readonly<Record<string, unknown>>,
  Base: new (options: ExceptionOptions) => E,
  protocol: ErrorProtocol,
  options: ModeledExceptionsOptions = {},
): (error: SimError, metadata: ResponseMetadata) => Error {
  const table: Record<string, ModeledClass<E>> = {}
  for (const [name, value] of Object.entries(sdk)) {
    if (typeof value === 'function' && value.prototype instanceof Base) table[name] = value as ModeledClass<E>
  }

  return modeledExceptions(table, Base, protocol, options)
}

const UNUSABLE_PATH: Readonly<Record<string, string>> = {
  EACCES: 'cannot be read or written (permission denied)',
  EISDIR: 'is a directory',
  ENOTDIR: 'is under a path that is not a directory',
  EPERM: 'cannot be read or written (operation not permitted)',
  EROFS: 'is on a read-only file system',
}

/**
 * A state path the file system refuses (a directory, no permission, a
 * read-only disk) as a SandboxStateError naming the path; any other error as
 * it is. Only a directory in the way is fixed by `hactl sandbox reset`.
 */
export function sandboxPathError(file: string, error: unknown): unknown {
  const code = (error as {code?: unknown}).code
  const problem = typeof code === 'string' ? UNUSABLE_PATH[code] : undefined
  if (problem === undefined) return error
  const remedy =
    code === 'EISDIR'
      ? 'Run `hactl sandbox reset` to remove it and start afresh.'
      : `Make ${path.dirname(file)} writable for this user, or point HACTL_SANDBOX_DIR at a directory that is.`
  return new SandboxStateError(file, problem, remedy)
}
