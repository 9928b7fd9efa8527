/**
 * One error family for the whole tool.
 *
 * Every failure a user can meet is a {@link HactlError} with a stable `code`
 * (shown as "Error (code): …" and in `--json`), an `exitCode` from the table in
 * `src/core/exit-codes.ts`, and suggestions that say what to do next.
 *
 * Errors are branded with `Symbol.for` rather than checked with `instanceof`,
 * so a guard still works when two copies of this module are loaded (jest
 * module registries, a linked plugin) — the same trick as the CDK's
 * `ToolkitError`.
 */
import {ExitCode} from './exit-codes'

const HACTL_ERROR = Symbol.for('hactl.HactlError')

export interface HactlErrorOptions {
  /** The error that caused this one, kept for `--debug` style output. */
  readonly cause?: unknown
  /** One-line hints, each a thing the user can do. */
  readonly suggestions?: readonly string[]
  /** Process exit code. @default ExitCode.Failure */
  readonly exitCode?: ExitCode
  /** Extra machine-readable fields for `--json` error output. */
  readonly data?: Record<string, unknown>
}

export class HactlError extends Error {
  /** True for every hactl error, whichever copy of this module made it. */
  public static isHactlError(x: unknown): x is HactlError {
    return typeof x === 'object' && x !== null && HACTL_ERROR in x
  }

  public readonly code: string
  public readonly exitCode: ExitCode
  public readonly suggestions: readonly string[]
  public readonly data?: Record<string, unknown>

  public constructor(code: string, message: string, options: HactlErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    Object.defineProperty(this, HACTL_ERROR, {value: true})
    this.name = new.target.name
    this.code = code
    this.exitCode = options.exitCode ?? ExitCode.Failure
    this.suggestions = options.suggestions ?? []
    this.data = options.data
  }

  /** Adds hints to an error raised deeper down (e.g. how to resume the command that was running). */
  public withSuggestions(...more: readonly string[]): this {
    const missing = more.filter((hint) => !this.suggestions.includes(hint))
    ;(this as {suggestions: readonly string[]}).suggestions = [...this.suggestions, ...missing]
    return this
  }
}

/** Wrong input: a bad flag value, a missing file, an AMI that is not ours. */
export class UserError extends HactlError {
  public constructor(code: string, message: string, options: HactlErrorOptions = {}) {
    super(code, message, {exitCode: ExitCode.Usage, ...options})
  }
}

/** One problem in hactl.yml, with where it is. */
export interface ConfigProblem {
  /** Key path in the file, e.g. `database.engine`; empty for the whole file. */
  readonly path: string
  /** 1-based line in the file, when the problem can be placed. */
  readonly line?: number
  /** 1-based column. */
  readonly column?: number
  readonly message: string
}

/** hactl.yml is missing, unreadable or invalid. Carries one entry per problem. */
export class ConfigError extends HactlError {
  public readonly problems: readonly ConfigProblem[]
  public readonly file?: string

  public constructor(message: string, options: HactlErrorOptions & {problems?: readonly ConfigProblem[]; file?: string} = {}) {
    super('config', message, {exitCode: ExitCode.Config, ...options})
    this.problems = options.problems ?? []
    this.file = options.file
  }
}

/** An AWS call failed. Keeps AWS's own error code, message and request id. */
export class AwsError extends HactlError {
  public readonly awsCode: string
  public readonly requestId?: string
  public readonly operation?: string

  public constructor(
    awsCode: string,
    message: string,
    options: HactlErrorOptions & {requestId?: string; operation?: string} = {},
  ) {
    super('aws', message, {exitCode: ExitCode.Aws, ...options})
    this.awsCode = awsCode
    this.requestId = options.requestId
    this.operation = options.operation
  }
}

/** No credentials, or they expired. */
export class CredentialsError extends HactlError {
  public constructor(message: string, options: HactlErrorOptions = {}) {
    super('credentials', message, {exitCode: ExitCode.Credentials, ...options})
  }
}

/** Another operator (or CI job) holds the site lock. */
export class LockHeldError extends HactlError {
  public readonly holder: string
  public readonly since: Date

  public constructor(message: string, holder: string, since: Date, options: HactlErrorOptions = {}) {
    super('lock-held', message, {exitCode: ExitCode.LockHeld, ...options})
    this.holder = holder
    this.since = since
  }
}

/** A wait ran past its deadline; the AWS operation itself is still going. */
export class TimeoutError extends HactlError {
  public constructor(message: string, options: HactlErrorOptions = {}) {
    super('timeout', message, {exitCode: ExitCode.TimedOut, ...options})
  }
}

/** A rollout failed health and was rolled back automatically. */
export class RolledBackError extends HactlError {
  public constructor(message: string, options: HactlErrorOptions = {}) {
    super('rolled-back', message, {exitCode: ExitCode.RolledBack, ...options})
  }
}

/** One or more checks (doctor, staging tests) failed. */
export class ChecksFailedError extends HactlError {
  public constructor(message: string, options: HactlErrorOptions = {}) {
    super('checks-failed', message, {exitCode: ExitCode.ChecksFailed, ...options})
  }
}

/**
 * The user declined a confirmation or pressed Ctrl-C. A soft stop: nothing
 * failed, but the work was not done, so the exit code is not 0.
 */
export class AbortError extends HactlError {
  public constructor(message: string, options: HactlErrorOptions = {}) {
    super('aborted', message, {exitCode: ExitCode.Aborted, ...options})
  }
}

/** Ctrl-C. Exit 130, the shell's convention for SIGINT, with how to pick the work up. */
export class InterruptedError extends HactlError {
  public constructor(message: string, options: HactlErrorOptions = {}) {
    super('interrupted', message, {
      exitCode: ExitCode.Interrupted,
      suggestions: ['Run `hactl status` to see where it stands, then re-run the command to continue.'],
      ...options,
    })
  }
}
