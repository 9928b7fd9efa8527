import {markingKinds, markingTargets, type MarkingFaultKind} from './registry'
import {SANDBOX_SERVICES, type SandboxServiceName} from './types'

/**
 * Fault kinds:
 * - `throttle`: the call fails with the service's throttling error (EC2
 *   `RequestLimitExceeded`, SSM `ThrottlingException`, STS `Throttling`).
 *   Fires once unless `*count`, so the SDK's retry normally recovers.
 * - `fail`: the call fails with `=<ErrorCode>` (default: the service's internal
 *   error). Fires on every call unless `*count`.
 * - resource-marking kinds, each declared by its service with the operations it
 *   applies to (registry.ts `faults`): `image-failed` (ec2:CreateImage),
 *   `impaired` (ec2:RunInstances), `health-red` (elasticbeanstalk:
 *   CreateEnvironment, UpdateEnvironment). Every call unless `*count`.
 */
export const FAULT_KINDS: readonly FaultKind[] = ['throttle', 'fail', ...markingKinds()]
export type FaultKind = 'throttle' | 'fail' | MarkingFaultKind

export interface FaultSpec {
  readonly kind: FaultKind
  readonly service: SandboxServiceName
  readonly operation: string
  /** How many calls it fires on in this process; undefined = every call. */
  readonly count: number | undefined
  /** `fail`/`throttle` only: the error code to answer with instead of the service's own. */
  readonly errorCode: string | undefined
  /** The spec as written, for messages. */
  readonly text: string
}

const GRAMMAR = '<kind>:<service>:<Operation>[*<count>][=<ErrorCode>]'
const SPEC = /^([a-z-]+):([a-z0-9]+):([A-Z][A-Za-z0-9]*)(?:\*([0-9]+))?(?:=([A-Za-z][A-Za-z0-9.]*))?$/

/**
 * Parses fault specs. Each string may hold several specs separated by commas
 * (the form `HACTL_SANDBOX_FAULTS` uses). Throws a plain Error naming the bad spec.
 */
export function parseFaults(specs: readonly string[]): FaultSpec[] {
  return specs
    .flatMap((text) => text.split(','))
    .map((text) => text.trim())
    .filter((text) => text !== '')
    .map(parseFault)
}

function parseFault(text: string): FaultSpec {
  const match = SPEC.exec(text)
  if (!match) throw new Error(`Bad sandbox fault "${text}": expected ${GRAMMAR}, e.g. throttle:ec2:DescribeInstances*2.`)
  const [, kind, service, operation, count, errorCode] = match
  if (!isKind(kind)) throw new Error(`Bad sandbox fault "${text}": unknown kind "${kind}" (one of ${FAULT_KINDS.join(', ')}).`)
  if (!isService(service)) {
    throw new Error(`Bad sandbox fault "${text}": unknown service "${service}" (one of ${SANDBOX_SERVICES.join(', ')}).`)
  }

  const marking = kind !== 'throttle' && kind !== 'fail'
  const targets = marking ? (markingTargets(service, kind) ?? []) : undefined
  if (targets !== undefined && !targets.includes(operation)) {
    throw new Error(`Bad sandbox fault "${text}": ${kind} applies to ${declaredTargets(kind)} only.`)
  }

  if (marking && errorCode !== undefined) {
    throw new Error(`Bad sandbox fault "${text}": only throttle and fail take =<ErrorCode>.`)
  }

  const times = count === undefined ? undefined : Number(count)
  if (times === 0) throw new Error(`Bad sandbox fault "${text}": the count must be at least 1.`)
  return {kind, service, operation, count: times ?? (kind === 'throttle' ? 1 : undefined), errorCode, text}
}

/** `ec2:CreateImage`, or several joined: where the services declare a marking kind. */
function declaredTargets(kind: string): string {
  return SANDBOX_SERVICES.flatMap((service) => (markingTargets(service, kind) ?? []).map((operation) => `${service}:${operation}`)).join(', ')
}

function isKind(value: string | undefined): value is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(value ?? '')
}

function isService(value: string | undefined): value is SandboxServiceName {
  return (SANDBOX_SERVICES as readonly string[]).includes(value ?? '')
}

/** The armed faults of one process, with how often each may still fire. */
export class FaultPlan {
  private readonly remaining: Map<FaultSpec, number>

  public constructor(private readonly specs: readonly FaultSpec[]) {
    this.remaining = new Map(specs.map((spec) => [spec, spec.count ?? Number.POSITIVE_INFINITY]))
  }

  /**
   * Throws when a fault for `service` names an operation it does not simulate:
   * such a fault would never fire, so a scenario built on it would test nothing.
   * Run when the service's simulation loads (the operation list lives there).
   */
  public checkOperations(service: SandboxServiceName, operations: readonly string[]): void {
    const unknown = this.specs.find((spec) => spec.service === service && !operations.includes(spec.operation))
    if (unknown) {
      throw new Error(
        `Unknown operation "${unknown.operation}" in sandbox fault "${unknown.text}"; ${service} simulates: ${operations.join(', ')}.`,
      )
    }
  }

  /** The first armed fault of this kind for the call, used up by one; undefined when none fires. */
  public take(kind: FaultKind, service: SandboxServiceName, operation: string): FaultSpec | undefined {
    const spec = this.specs.find(
      (s) => s.kind === kind && s.service === service && s.operation === operation && (this.remaining.get(s) ?? 0) > 0,
    )
    if (spec) this.remaining.set(spec, (this.remaining.get(spec) ?? 0) - 1)
    return spec
  }
}
