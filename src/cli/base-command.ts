/**
 * The base of every hactl command.
 *
 * A command is four steps: parse (done here in `init`), build the context
 * (`this.aws()`, `this.loadConfig()`, `this.reporter`), call one library
 * function, and return a typed result, which *is* the `--json` output.
 * Errors of every kind end in `catch()`, which prints "Error (code): …" with
 * suggestions (or a JSON error object) and exits with the documented code.
 */
import {randomUUID} from 'node:crypto'
import {hostname} from 'node:os'

import {Command, type Interfaces} from '@oclif/core'

import {AbortError, ConfigError, HactlError, InterruptedError, UserError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import {explainMissingProfile} from '../aws/errors'
import {DEFAULT_LOCK_WAIT_MINUTES, flagsGiven, globalFlags, withOptionalFlagValue} from './flags'
import type {AwsClients} from '../aws/clients'
import type {HeldLock} from '../site/lock'
import type {AuditEntry} from '../site/audit'
import {Deadline} from '../core/deadline'
import type {HactlConfig} from '../config/schema'
import type {Reporter} from '../core/progress'
import type {LoadedConfig} from '../config/load'
import {createCliReporter, type CliReporter} from '../ui/cli-reporter'
import {formatError} from '../ui/format-error'
import {getCachedConfig} from './config-cache'
import {checkHactlEnvironment} from './env-vars'
import {localHolderIsGone, lockHolderName, onStopSignals} from './signals'

export type HactlFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof HactlCommand)['baseFlags'] & T['flags']>
export type HactlArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

/** Shape of the JSON printed for a failed command under `--json`. */
export interface JsonErrorResult {
  readonly error: {
    readonly code: string
    readonly exitCode: number
    readonly message: string
    readonly suggestions: readonly string[]
    readonly data?: Record<string, unknown>
  }
}

/** What `withSiteLock` hands the work. */
export interface HeldSiteLock {
  readonly lock: HeldLock
  /** Aborts on Ctrl-C, or when the lock is taken over (its reason is then the lock-lost error). */
  readonly signal: AbortSignal
}

/** What a mutating command's library call gets: one options object, named the same everywhere. */
export interface MutationContext {
  readonly config: HactlConfig
  readonly clients: AwsClients
  readonly reporter: Reporter
  readonly signal: AbortSignal
  /** The command's --wait from the moment the lock was taken. */
  readonly deadline: Deadline
}

export interface MutationSpec<R> {
  /** Named in the site lock, e.g. `env create`. */
  readonly operation: string
  /** Shows a preview and asks; throws AbortError on "no". Runs before the lock is taken. */
  readonly confirm: (config: HactlConfig) => Promise<void>
  /** The one library call. */
  readonly work: (context: MutationContext) => Promise<R>
  /** The human rendering of the result (not used under --json). */
  readonly render: (result: R) => string
}

/** What a read-only command's library call gets. */
export interface ReadContext {
  readonly config: HactlConfig
  readonly clients: AwsClients
  readonly reporter: Reporter
}

/** A command that only reads: no confirmation, no lock. */
export interface ReadSpec<R> {
  /** The one library call. */
  readonly read: (context: ReadContext) => Promise<R>
  /** The human rendering of the result (not used under --json). */
  readonly render: (result: R) => string
}

export abstract class HactlCommand<T extends typeof Command> extends Command {
  public static baseFlags = globalFlags
  public static enableJsonFlag = true

  protected args!: HactlArgs<T>
  protected flags!: HactlFlags<T>
  /** Aborted on Ctrl-C; long waits take it so they stop cleanly. */
  protected readonly interrupt = new AbortController()
  /** This run's id: in the audit trail, and in the site lock's record. */
  protected readonly runId = randomUUID()

  private awsClients?: Promise<AwsClients>
  private cliReporter?: CliReporter
  private onSigint?: () => void
  private hardExit?: NodeJS.Timeout
  private removeSignalHandlers?: () => void

  /** Where the library's progress events go: a spinner on a TTY, lines in CI, nowhere under --json. */
  protected get reporter(): CliReporter {
    this.cliReporter ??= createCliReporter({
      ci: Boolean(process.env.CI),
      json: this.jsonEnabled(),
      stderrIsTty: Boolean(process.stderr.isTTY),
    })
    return this.cliReporter
  }

  public override async init(): Promise<void> {
    await super.init()
    checkHactlEnvironment(process.env)
    // A bare `--lock-wait` means the default wait (oclif flags always take a value).
    this.argv = withOptionalFlagValue(this.argv, 'lock-wait', String(DEFAULT_LOCK_WAIT_MINUTES))
    const {args, flags} = await this.parse({
      args: this.ctor.args,
      baseFlags: (super.ctor as typeof HactlCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      flags: this.ctor.flags,
      strict: this.ctor.strict,
    })
    this.flags = flags as HactlFlags<T>
    this.args = args as HactlArgs<T>

    // First Ctrl-C: abort the current wait and let catch() explain how to resume.
    // If the command does not stop within a few seconds, or on a second Ctrl-C, exit now.
    this.onSigint = () => {
      if (this.interrupt.signal.aborted) process.exit(ExitCode.Interrupted)
      this.interrupt.abort(new AbortError('Interrupted.'))
      this.hardExit = setTimeout(() => {
        process.stderr.write(formatError(interruptedError('Interrupted.'), {color: false}) + '\n')
        process.exit(ExitCode.Interrupted)
      }, 3000)
      this.hardExit.unref()
    }

    // SIGTERM and SIGHUP too: otherwise a CI cancel or closed terminal leaves the site lock held.
    this.removeSignalHandlers = onStopSignals(this.onSigint)
  }

  public override async catch(error: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<never> {
    // oclif's own exit (from this.exit) passes straight through.
    if ((error as {code?: string}).code === 'EEXIT') throw error
    this.cliReporter?.stop(false)

    const hactlError = this.interrupt.signal.aborted ? interruptedError(error.message) : explainMissingProfile(toHactlError(error), {flag: this.flags?.profile})
    if (this.jsonEnabled()) {
      const json: JsonErrorResult = {
        error: {
          code: hactlError.code,
          data: hactlError.data,
          exitCode: hactlError.exitCode,
          message: hactlError.message,
          suggestions: hactlError.suggestions,
        },
      }
      this.logJson(json)
    } else {
      process.stderr.write(formatError(hactlError, {color: Boolean(process.stderr.isTTY) && !process.env.NO_COLOR}) + '\n')
    }

    return this.exit(hactlError.exitCode) as never
  }

  public override async finally(error: Error | undefined): Promise<void> {
    this.removeSignalHandlers?.()
    clearTimeout(this.hardExit)
    if (!error) this.cliReporter?.stop(true)
    await super.finally(error)
  }

  /** AWS clients for this run: the real chain, an endpoint, or the sandbox. Made once. */
  protected aws(): Promise<AwsClients> {
    this.awsClients ??= this.makeAwsClients()
    return this.awsClients
  }

  /** hactl.yml, loaded and validated (the init hook usually did it already). */
  protected async loadConfig(): Promise<LoadedConfig> {
    const found = await this.findConfig()
    if (found) return found
    throw new ConfigError('No hactl.yml found in this directory or any parent.', {
      suggestions: ['Run `hactl init` to write one, or point at it with --config <path> (or HACTL_CONFIG).'],
    })
  }

  /**
   * Runs `work` holding the site lock (`/hactl/<site>/lock` in SSM). A lock
   * held by someone else ends the command with exit 6, naming the holder;
   * `--break-lock` (where the command has it) takes over a stale one.
   *
   * The lock's heartbeat runs here, once for every command: `work` gets a
   * signal that aborts on Ctrl-C and when someone else takes the lock over
   * (with that lock-lost error as its reason), so the library stops at once.
   */
  protected async withSiteLock<R>(site: string, operation: string, work: (held: HeldSiteLock) => Promise<R>): Promise<R> {
    const aws = await this.aws()
    const [{startHeartbeat, withLock}, ssm] = await Promise.all([import('../site/lock'), aws.ssm()])
    const flags = this.flags as Record<string, unknown>
    const lockWait = flags['lock-wait']
    return this.audited(site, (principal, audit) =>
      withLock(
        {
          breakStale: flags['break-lock'] === true,
          clock: aws.clock,
          holder: lockHolderName(principal),
          holderIsGone: (holder) => localHolderIsGone(holder),
          operation,
          reporter: this.reporter,
          signal: this.interrupt.signal,
          site,
          ssm,
          waitMs: typeof lockWait === 'number' ? lockWait * 60_000 : 0,
        },
        async (lock) => {
          audit.lockedAt = aws.clock.now()
          const lost = new AbortController()
          const heartbeat = startHeartbeat(lock, {clock: aws.clock, onLost: (error) => lost.abort(error), reporter: this.reporter})
          try {
            return await work({lock, signal: AbortSignal.any([this.interrupt.signal, lost.signal])})
          } finally {
            heartbeat.stop()
          }
        },
      ),
    )
  }

  /**
   * Runs a mutating command's work and records it in the site's audit trail
   * (src/site/audit.ts): who, the command and the flags given, when, from
   * where, the outcome and the run id — success or failure, refusals by the
   * lock included. This is the one place entries are written (withSiteLock
   * uses it; so do the `lock` commands, which change the lock itself). A
   * failed write is a warning: it never hides the work's own result or error.
   */
  protected async audited<R>(site: string, work: (principal: string, audit: {lockedAt?: number}) => Promise<R>): Promise<R> {
    // Work that changes the site (and its lock) belongs in hactl.yml's Region only.
    const loaded = await this.findConfig()
    if (loaded) (await import('../config/load')).assertSiteRegion(loaded)
    const aws = await this.aws()
    // The lock is the first AWS call: a Region that does not exist is refused before it, not met as a DNS failure.
    if (aws.configuredRegion) (await import('../aws/regions')).assertKnownRegion(aws.configuredRegion)
    const identity = await (await aws.sts()).getCallerIdentity()
    const startedAt = aws.clock.now()
    const marks: {lockedAt?: number} = {}
    let outcome: {code?: string; exitCode: number; message?: string} = {exitCode: 0}
    try {
      return await work(identity.arn, marks)
    } catch (error) {
      const failure = this.interrupt.signal.aborted ? interruptedError((error as Error).message) : toHactlError(error)
      outcome = {code: failure.code, exitCode: failure.exitCode, message: failure.message}
      throw error
    } finally {
      await this.writeAudit(aws, {
        command: this.id?.replaceAll(':', ' ') ?? 'unknown',
        finishedAt: new Date(aws.clock.now()).toISOString(),
        flags: flagsGiven(this.argv, this.flags as Record<string, unknown>, {...this.ctor.baseFlags, ...this.ctor.flags} as Record<string, {char?: string; env?: string}>),
        hactlVersion: this.config.version,
        host: hostname(),
        ...(marks.lockedAt === undefined ? {} : {lockedAt: new Date(marks.lockedAt).toISOString()}),
        outcome,
        principal: identity.arn,
        runId: this.runId,
        site,
        startedAt: new Date(startedAt).toISOString(),
      })
    }
  }

  private async writeAudit(aws: AwsClients, entry: Omit<AuditEntry, 'ci'>): Promise<void> {
    try {
      const [{ciJobFromEnv, recordAudit}, logs] = await Promise.all([import('../site/audit'), aws.logs()])
      await recordAudit({entry: {...entry, ci: ciJobFromEnv(process.env)}, logs})
    } catch (error) {
      this.reporter.emit({message: `Could not write this run (${this.runId}) to the audit trail: ${(error as Error).message}`, type: 'warning'})
    }
  }

  /**
   * A command that changes a site, in the order every such command keeps:
   * load hactl.yml and the AWS clients, ask for confirmation, take the site
   * lock (with its heartbeat), call the library, stop the progress display,
   * and render the result unless `--json` prints it.
   */
  protected async runMutation<R>(spec: MutationSpec<R>): Promise<R> {
    const [{config}, clients] = await Promise.all([this.loadConfig(), this.aws()])
    await spec.confirm(config)
    const result = await this.withSiteLock(config.site, spec.operation, ({signal}) =>
      spec.work({clients, config, deadline: Deadline.after(clients.clock, this.waitMinutes() * 60_000), reporter: this.reporter, signal}),
    )
    return this.present(result, spec.render)
  }

  /**
   * A command that reads a site: load hactl.yml and the AWS clients, call
   * the library, stop the progress display, and render the result unless
   * `--json` prints it.
   */
  protected async runRead<R>(spec: ReadSpec<R>): Promise<R> {
    const [{config}, clients] = await Promise.all([this.loadConfig(), this.aws()])
    return this.present(await spec.read({clients, config, reporter: this.reporter}), spec.render)
  }

  /** The end of every command: the progress display stopped, then the result rendered unless `--json` prints it. */
  protected present<R>(result: R, render: (result: R) => string): R {
    this.reporter.stop(true)
    if (!this.jsonEnabled()) this.log(render(result))
    return result
  }

  /** The command's `--wait` in minutes, where it has one. @default 60 */
  private waitMinutes(): number {
    const wait = (this.flags as Record<string, unknown>).wait
    return typeof wait === 'number' ? wait : 60
  }

  /**
   * Asks a yes/no question; `--yes` answers it. Without a terminal and
   * without `--yes` it is a usage error, never a silent yes. "No" ends the
   * command with exit 10.
   */
  protected async confirm(question: string): Promise<void> {
    if (this.flags.yes) return
    this.requireTerminal()
    const {confirm} = await import('@inquirer/prompts')
    const yes = await confirm({default: false, message: question}, {signal: this.interrupt.signal}).catch(promptAborted)
    if (!yes) throw new AbortError('Nothing was changed.')
  }

  /** Asks the operator to type `expected` (e.g. the site name) before something destructive. */
  protected async confirmTyped(question: string, expected: string): Promise<void> {
    if (this.flags.yes) return
    this.requireTerminal()
    const {input} = await import('@inquirer/prompts')
    const typed = await input({message: question}, {signal: this.interrupt.signal}).catch(promptAborted)
    if (typed.trim() !== expected) throw new AbortError(`You typed "${typed.trim()}", not "${expected}"; nothing was changed.`)
  }

  private requireTerminal(): void {
    if (process.stdin.isTTY && !this.jsonEnabled()) return
    throw new UserError('confirmation-needed', 'This command asks for confirmation, and there is no terminal to ask on.', {
      exitCode: ExitCode.Usage,
      suggestions: ['Pass --yes to confirm in scripts and CI.'],
    })
  }

  /** hactl.yml if there is one; undefined when none is found. Invalid files still fail. */
  protected async optionalConfig(): Promise<LoadedConfig | undefined> {
    return this.findConfig()
  }

  private async findConfig(): Promise<LoadedConfig | undefined> {
    const cached = getCachedConfig(this.config)
    if (cached && 'error' in cached) throw cached.error
    if (cached) return cached.loaded ?? undefined
    const {findConfigPath, loadConfig} = await import('../config/load')
    const path = findConfigPath({cwd: process.cwd(), env: process.env, explicit: this.flags.config})
    return path ? loadConfig(path, {region: this.flags.region}) : undefined
  }

  private async makeAwsClients(): Promise<AwsClients> {
    const [{AwsClients}, config] = await Promise.all([import('../aws/clients'), this.optionalConfig()])
    const region = this.flags.region ?? config?.config.region
    let sandbox
    if (this.flags.sandbox) {
      const {openProjectSandbox} = await import('./sandbox-context')
      sandbox = await openProjectSandbox({
        configPath: config?.path,
        faults: this.flags['sandbox-fault'],
        region: region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
      })
    }

    return new AwsClients({
      endpointUrl: this.flags['endpoint-url'],
      profile: this.flags.profile,
      region,
      reporter: this.reporter,
      sandbox,
      version: this.config.version,
    })
  }
}

/** Everything that reaches `catch()` becomes a HactlError with a stable code and exit code. */
export function toHactlError(error: unknown): HactlError {
  if (HactlError.isHactlError(error)) return error

  const oclifExit = (error as {oclif?: {exit?: number}}).oclif?.exit
  const message = error instanceof Error ? error.message : String(error)
  if (oclifExit === 2 || /^(Unexpected argument|Nonexistent flag|Missing required flag|Expected|Parsing)/.test(message)) {
    // oclif puts a failed flag's own reason on an indented second line ("Parsing --region \n\t--region must be …").
    const lines = message.split('\n').map((line) => line.trim()).filter(Boolean)
    const text = lines[0].startsWith('Parsing --') && lines.length > 1 ? lines.slice(1).join(' ') : lines[0]
    return new UserError('usage', text, {cause: error, suggestions: ['See `--help` for the flags this command takes.']})
  }

  return new HactlError('unexpected', message || 'Unexpected failure.', {
    cause: error,
    suggestions: ['This looks like a bug in hactl. Re-run with DEBUG=hactl* and report it with the output.'],
  })
}

/** Ctrl-C at a prompt: inquirer rejects with its own error; exit 130 like anywhere else. */
function promptAborted(error: unknown): never {
  const name = (error as {name?: string}).name
  if (name === 'ExitPromptError' || name === 'AbortPromptError') throw interruptedError('Interrupted at a prompt.')
  throw error
}

/** Ctrl-C: exit 130 and say how to pick the work up. */
export function interruptedError(detail: string): HactlError {
  return new InterruptedError(`${detail} Work already started on AWS goes on.`)
}

