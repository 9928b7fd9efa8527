/**
 * An in-memory SsmApi with Parameter Store's semantics for what the lock
 * needs: atomic create with overwrite=false, versions, delete of a missing
 * parameter. Hooks let a test act "between" two calls of the code under test.
 */
import {ManualClock} from '../../src/core/clock'
import type {CommandInvocation, CommandSummary, ManagedInstance, Parameter, PutParameterInput, SsmApi} from '../../src/aws/ssm'

export class MemorySsm implements SsmApi {
  public readonly parameters = new Map<string, Parameter>()
  /** Called before each operation; a test can mutate state here to simulate a race. */
  public beforeCall?: (operation: string, name: string) => void

  /** Optional delay before each call resolves, to interleave concurrent callers. */
  public latency?: () => Promise<void>
  /** Makes the next calls of this operation fail, e.g. to simulate a network error. */
  public failing = new Map<string, Error>()

  public constructor(private readonly now: () => number = Date.now) {}

  private async enter(operation: string, name: string): Promise<void> {
    await this.latency?.()
    this.beforeCall?.(operation, name)
    const failure = this.failing.get(operation)
    if (failure) throw failure
  }

  public async deleteParameter(name: string): Promise<boolean> {
    await this.enter('deleteParameter', name)
    return this.parameters.delete(name)
  }

  public async getParameter(name: string): Promise<Parameter | undefined> {
    await this.enter('getParameter', name)
    return this.parameters.get(name)
  }

  /** Only the current version: this store keeps no history. */
  public async getParameterHistory(name: string): Promise<Parameter[]> {
    await this.enter('getParameterHistory', name)
    const current = this.parameters.get(name)
    return current ? [current] : []
  }

  public async getParametersByPath(path: string): Promise<Parameter[]> {
    await this.enter('getParametersByPath', path)
    return [...this.parameters.values()].filter((p) => p.name.startsWith(path))
  }

  public async putParameter(input: PutParameterInput): Promise<{created: boolean; version?: number}> {
    await this.enter('putParameter', input.name)
    const existing = this.parameters.get(input.name)
    if (existing && !input.overwrite) return {created: false}
    const version = (existing?.version ?? 0) + 1
    this.parameters.set(input.name, {lastModified: new Date(this.now()), name: input.name, value: input.value, version})
    return {created: true, version}
  }

  // Run Command is not the lock's business: tests that need it use the sandbox.
  public async describeInstanceInformation(): Promise<ManagedInstance[]> {
    throw new Error('MemorySsm does not simulate Run Command: use the sandbox')
  }

  public async sendCommand(): Promise<string> {
    throw new Error('MemorySsm does not simulate Run Command: use the sandbox')
  }

  public async getCommandInvocation(): Promise<CommandInvocation | undefined> {
    throw new Error('MemorySsm does not simulate Run Command: use the sandbox')
  }

  public async listCommandInvocations(): Promise<CommandSummary[]> {
    throw new Error('MemorySsm does not simulate Run Command: use the sandbox')
  }
}

/** The site-lock tests' world: a ManualClock (2026-11-21 12:00 UTC unless `at`) and an empty MemorySsm on its time. */
export function clockedSsm(at = Date.UTC(2026, 10, 21, 12, 0, 0)): {clock: ManualClock; ssm: MemorySsm} {
  const clock = new ManualClock(at)
  return {clock, ssm: new MemorySsm(() => clock.now())}
}
