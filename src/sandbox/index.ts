import {randomUUID} from 'node:crypto'

import type {MetadataBearer, Pluggable} from '@smithy/types'

import type {Clock} from '../core/clock'
import {SandboxUnsupportedError, SimError} from './errors'
import {FaultPlan, parseFaults, type FaultSpec} from './faults'
import {sandboxPlugin, type SandboxCaller} from './middleware'
import {catchUpWindow, markAdvanced} from './advance'
import {advancingServices, SERVICES} from './registry'
import {SimTime} from './sim-clock'
import {linkAccountWide, StateStore} from './store'
import type {AdvanceContext, OperationContext, SandboxServiceName, SandboxState, SimulatedService} from './types'
import {nextId} from './ids'
import {unreachableRegionError} from './regions'

export {parseFaults, FAULT_KINDS, type FaultKind, type FaultSpec} from './faults'
export {SANDBOX_SERVICES, type SandboxServiceName} from './types'
export {STATE_FILE} from './store'
export {SandboxStateError} from './errors'

/** The account every sandbox is. */
export const SANDBOX_ACCOUNT = '123456789012'
/** Simulated ms per real ms unless told otherwise: an hour of AWS in 30 s. */
export const DEFAULT_SANDBOX_SPEED = 120

export interface SandboxOptions {
  /** Directory that holds the persisted state file `sandbox.json` (hactl passes `<project>/.hactl`). Created if missing. */
  readonly stateDir: string
  /** Region the simulated clients are in. */
  readonly region: string
  /**
   * Simulated ms per real ms.
   * @default 120 (env HACTL_SANDBOX_SPEED overrides in hactl's factory, not here)
   */
  readonly speed?: number
  /** Fault specs, `<kind>:<service>:<Operation>[*<count>][=<ErrorCode>]` (see faults.ts). */
  readonly faults?: readonly string[]
  /** Tests: replace the simulated clock's time source (e.g. a ManualClock). */
  readonly clock?: Clock
  /** Told of every call the sandbox answers (or fails), retries included: how benchmarks count AWS calls. */
  readonly onCall?: (service: SandboxServiceName, operation: string, input: object) => void
}

export interface SandboxHandle {
  /** The simulated clock: now() is simulated time; sleep(ms) sleeps ms/speed real ms; scale = speed. */
  readonly clock: Clock
  readonly account: string
  readonly region: string
  /**
   * A plugin to attach to one SDK client: client.middlewareStack.use(handle.plugin('ec2')).
   * Generic instead of `Pluggable<any, any>`: TypeScript infers the client's types from `use()`.
   */
  plugin<Input extends object = object, Output extends MetadataBearer = MetadataBearer>(service: SandboxServiceName): Pluggable<Input, Output>
  /** Drop all state (fresh account: default VPC etc. recreated). */
  reset(): void
}

/**
 * Opens (or creates) the simulated region kept in `<stateDir>/sandbox.json`.
 * Throws a plain Error on a bad fault spec (a fault naming an operation its
 * service does not simulate: on the first call to that service) and
 * SandboxStateError on a corrupt or incomplete state file (here and on any call).
 */
export function openSandbox(options: SandboxOptions): SandboxHandle {
  const sandbox = new Sandbox(options)
  return {
    clock: sandbox.time.clock,
    account: SANDBOX_ACCOUNT,
    region: options.region,
    plugin: <Input extends object, Output extends MetadataBearer>(service: SandboxServiceName) =>
      sandboxPlugin<Input, Output>(service, sandbox),
    reset: () => sandbox.reset(),
  }
}

class Sandbox implements SandboxCaller {
  public readonly time: SimTime
  private readonly store: StateStore
  private readonly faults: FaultPlan
  private readonly region: string
  private readonly services = new Map<SandboxServiceName, SimulatedService>()
  private readonly onCall?: SandboxOptions['onCall']

  public constructor(options: SandboxOptions) {
    this.onCall = options.onCall
    this.faults = new FaultPlan(parseFaults(options.faults ?? []))
    this.time = new SimTime(options.speed ?? DEFAULT_SANDBOX_SPEED, options.clock)
    this.region = options.region
    this.store = new StateStore(options.stateDir, () => this.freshState())
    this.time.observe(this.store.read())
  }

  public reset(): void {
    this.store.reset()
  }

  public async call(service: SandboxServiceName, operation: string, input: object): Promise<{output: object; requestId: string}> {
    const requestId = randomUUID()
    this.onCall?.(service, operation, input)
    const unreachable = unreachableRegionError(service, this.region)
    if (unreachable) throw unreachable
    const simulated = await this.load(service)
    try {
      if (!simulated.supports(operation)) throw new SandboxUnsupportedError(service, operation, simulated.specFile)
      this.raiseFaults(simulated, operation)
      const output = await this.update(simulated, operation, input)
      return {output, requestId}
    } catch (error) {
      if (error instanceof SimError) throw simulated.toException(error, {httpStatusCode: error.status, requestId})
      throw error
    }
  }

  /**
   * Runs the call under the store's lock. When the region holds work of a
   * service whose advance phase is not loaded yet (another process made it),
   * nothing is written: the module is loaded and the call runs again.
   */
  private async update(simulated: SimulatedService, operation: string, input: object): Promise<object> {
    for (;;) {
      let missing: SandboxServiceName[] = []
      const output = this.store.update(
        (state) => {
          missing = advancingServices(state.regions[this.region]).filter((name) => !this.services.has(name))
          return missing.length > 0 ? undefined : this.invoke(simulated, operation, input, state)
        },
        (state) => this.time.stamp(state),
      )
      if (output !== undefined) return output
      for (const name of missing) await this.load(name)
    }
  }

  private invoke(simulated: SimulatedService, operation: string, input: object, state: SandboxState): object {
    this.time.observe(state)
    // IAM is account-wide: the region sees the account's one copy (store.ts linkAccountWide).
    const region = linkAccountWide(state, (state.regions[this.region] ??= {}))
    this.advance(state)
    return simulated.invoke(operation, input, region, this.context(state, simulated.name, operation))
  }

  /**
   * Every loaded service materialises its deferred work due by now, before
   * the handler runs (advance.ts). Recurring work catches up from the last
   * advance that changed something: one that changed nothing had nothing due.
   */
  private advance(state: SandboxState): void {
    const now = this.time.now()
    const context: AdvanceContext = {
      ...this.context(state, undefined, ''),
      window: catchUpWindow(state, this.region, now),
    }
    let changed = false
    for (const simulated of this.services.values()) changed = (simulated.advance?.(state.regions[this.region], context) ?? false) || changed
    // Only then: recording it on every call would make read-only calls write the state file.
    if (changed) markAdvanced(state, this.region, now)
  }

  /** Without a service (the advance phase), no fault is taken: faults fire on calls. */
  private context(state: SandboxState, service: SandboxServiceName | undefined, operation: string): OperationContext {
    return {
      account: state.account,
      region: this.region,
      now: this.time.now(),
      nextId: (prefix, hexDigits) => nextId(state, prefix, hexDigits),
      takeFault: (kind) => service !== undefined && this.faults.take(kind, service, operation) !== undefined,
    }
  }

  /** Throttling first, as AWS rejects a throttled call before looking at it. */
  private raiseFaults(simulated: SimulatedService, operation: string): void {
    const throttle = this.faults.take('throttle', simulated.name, operation)
    if (throttle) {
      const {code, message, status} = simulated.throttleError
      throw new SimError(throttle.errorCode ?? code, message, status)
    }

    const fail = this.faults.take('fail', simulated.name, operation)
    if (fail) {
      const code = fail.errorCode ?? simulated.internalError.code
      throw new SimError(code, injectedMessage(fail), statusOf(code, simulated))
    }
  }

  private async load(service: SandboxServiceName): Promise<SimulatedService> {
    let simulated = this.services.get(service)
    if (!simulated) {
      simulated = await SERVICES[service].load()
      // Not cached when a fault is bad, so every call to this service keeps failing with the reason.
      this.faults.checkOperations(service, simulated.operations)
      this.services.set(service, simulated)
    }

    return simulated
  }

  private freshState(): SandboxState {
    return {
      version: 1,
      account: SANDBOX_ACCOUNT,
      seed: `hactl-sandbox:${SANDBOX_ACCOUNT}`,
      counter: 0,
      simNow: this.time.now(),
      savedRealAt: Date.now(),
      regions: {},
    }
  }
}

function injectedMessage(fault: FaultSpec): string {
  return `Injected fault ${fault.text} (hactl sandbox).`
}

/** AWS's HTTP status for an injected code: the server-side codes are 5xx (and so retried by the SDK), the rest 400. */
function statusOf(code: string, simulated: SimulatedService): number {
  if (code === simulated.internalError.code) return simulated.internalError.status
  if (code === simulated.throttleError.code) return simulated.throttleError.status
  const serverCodes: Readonly<Record<string, number>> = {
    InternalError: 500,
    InternalFailure: 500,
    InternalServerError: 500,
    ServiceUnavailable: 503,
    Unavailable: 503,
    RequestLimitExceeded: 503,
  }
  return serverCodes[code] ?? 400
}
