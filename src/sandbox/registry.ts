import type {RegionState, SandboxServiceName, SimulatedService} from './types'

/*
 * The one table of simulated services: what the sandbox needs to know about
 * each without loading its module (service modules load on first use, so a
 * process that only calls STS never loads the EC2 simulation).
 */

export interface ServiceEntry {
  /** Loads the service's module (`await import`) and returns its simulation. */
  readonly load: () => Promise<SimulatedService>
  /**
   * Its part of a region in the state file, when it registers an advance phase:
   * while that part exists, the module is loaded before any call so its
   * deferred work materialises whichever service is called.
   */
  readonly advancesSlice?: keyof RegionState
  /**
   * The resource-marking faults the service answers (fault kind → the
   * operations it applies to), besides `throttle` and `fail` which apply to
   * any operation. Declared here, not in the module, because fault specs are
   * parsed when the sandbox opens, before any service loads; the handler that
   * takes the fault (`context.takeFault`) lives in the module.
   */
  readonly faults?: Readonly<Record<string, readonly string[]>>
}

export const SERVICES = {
  sts: {load: async () => (await import('./services/sts')).sts},
  ec2: {
    load: async () => (await import('./services/ec2')).ec2,
    // The new image ends `failed`; the new instances' status check ends `impaired`.
    faults: {'image-failed': ['CreateImage'], impaired: ['RunInstances']},
  },
  ssm: {load: async () => (await import('./services/ssm')).ssm},
  elasticbeanstalk: {
    load: async () => (await import('./services/eb')).eb,
    advancesSlice: 'eb',
    // CreateEnvironment: Ready but Red; UpdateEnvironment (rolling by health): the first new batch goes Red and EB rolls back.
    faults: {'health-red': ['CreateEnvironment', 'UpdateEnvironment']},
  },
  efs: {load: async () => (await import('./services/efs')).efs},
  rds: {load: async () => (await import('./services/rds')).rds},
  elasticache: {load: async () => (await import('./services/elasticache')).elasticache},
  s3: {load: async () => (await import('./services/s3')).s3},
  secretsmanager: {load: async () => (await import('./services/secretsmanager')).secretsmanager},
  iam: {load: async () => (await import('./services/iam')).iam},
} as const satisfies Readonly<Record<SandboxServiceName, ServiceEntry>>

/** The resource-marking fault kinds the services declare (`image-failed`, `impaired`, `health-red`). */
export type MarkingFaultKind = {
  [K in SandboxServiceName]: (typeof SERVICES)[K] extends {readonly faults: infer F} ? keyof F & string : never
}[SandboxServiceName]

/** The operations of `service` a marking fault kind applies to; undefined when the service does not declare it. */
export function markingTargets(service: SandboxServiceName, kind: string): readonly string[] | undefined {
  const entry: ServiceEntry = SERVICES[service]
  return entry.faults?.[kind]
}

/** Every declared marking kind, once. */
export function markingKinds(): MarkingFaultKind[] {
  const entries: ServiceEntry[] = Object.values(SERVICES)
  return [...new Set(entries.flatMap((entry) => Object.keys(entry.faults ?? {})))] as MarkingFaultKind[]
}

/** The services with an advance phase that have a part in this region. */
export function advancingServices(region: RegionState | undefined): SandboxServiceName[] {
  if (region === undefined) return []
  return (Object.keys(SERVICES) as SandboxServiceName[]).filter((name) => {
    const slice = (SERVICES[name] as ServiceEntry).advancesSlice
    return slice !== undefined && region[slice] !== undefined
  })
}
