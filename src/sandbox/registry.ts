import type {Ec2State} from './services/ec2-model'
import type {LogsState} from './services/logs'
import type {S3State} from './services/s3-model'
import type {SnsState} from './services/sns'
import type {SsmState} from './services/ssm'
import type {RegionState, SandboxServiceName, SimulatedService} from './types'

/*
 * The one table of simulated services: what the sandbox needs to know about
 * each without loading its module (service modules load on first use, so a
 * process that only calls STS never loads the EC2 simulation).
 */

/**
 * The collections a service's part of a region holds (their records are not
 * checked). A state file is refused when one is missing or of the wrong kind —
 * except those listed in `added`: collections that came after the first
 * state files, which an older file lacks and gets filled in empty.
 */
export interface SliceShape {
  readonly key: keyof RegionState
  readonly arrays: readonly string[]
  readonly objects: readonly string[]
  readonly added?: {readonly arrays?: readonly string[]; readonly objects?: readonly string[]}
  /**
   * 'account': the service is global to the account (IAM), so its part lives
   * once in `SandboxState.accountWide` and every region sees that same part.
   * @default 'region'
   */
  readonly scope?: 'account' | 'region'
}

export interface ServiceEntry {
  /** Loads the service's module (`await import`) and returns its simulation. */
  readonly load: () => Promise<SimulatedService>
  /** Its part of a region in the state file (STS keeps none). */
  readonly slice?: SliceShape
  /**
   * True when the module registers an advance phase: while its part of the
   * region exists, the module is loaded before any call, so its deferred work
   * materialises whichever service is called.
   */
  readonly advances?: boolean
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
    slice: {
      key: 'ec2',
      arrays: ['vpcs', 'subnets', 'securityGroups', 'instances', 'images', 'snapshots'] satisfies ReadonlyArray<keyof Ec2State>,
      objects: ['clientTokens'] satisfies ReadonlyArray<keyof Ec2State>,
    },
    // The new image ends `failed`; the new instances' status check ends `impaired`;
    // a new seed's simulated boot reports `failed` (services/ssm-seed.ts).
    faults: {'image-failed': ['CreateImage'], impaired: ['RunInstances'], 'boot-failed': ['RunInstances']},
  },
  ssm: {
    load: async () => (await import('./services/ssm')).ssm,
    slice: {
      key: 'ssm',
      arrays: [],
      objects: ['parameters'] satisfies ReadonlyArray<keyof SsmState>,
      added: {arrays: ['commands'] satisfies ReadonlyArray<keyof SsmState>, objects: ['seeds'] satisfies ReadonlyArray<keyof SsmState>},
    },
    // Seeds boot, register with SSM and run cron; Run Command invocations complete (services/ssm-seed.ts, ssm-commands.ts).
    advances: true,
    // The staging runner's report names its first selected check as failed (services/ssm-staging.ts).
    faults: {'check-failed': ['SendCommand']},
  },
  elasticbeanstalk: {
    load: async () => (await import('./services/eb')).eb,
    slice: {key: 'eb', arrays: ['applications', 'versions', 'environments', 'events'], objects: []},
    advances: true,
    // CreateEnvironment: Ready but Red; UpdateEnvironment (rolling by health): the first new batch goes Red and EB rolls back.
    // instance-unhealthy: one new instance of the first batch never passes its health checks; EB fails the batch at its timeout and rolls back.
    // scale-out: the Auto Scaling group launches one more instance in the middle of a rolling update.
    faults: {'health-red': ['CreateEnvironment', 'UpdateEnvironment'], 'instance-unhealthy': ['UpdateEnvironment'], 'scale-out': ['UpdateEnvironment']},
  },
  efs: {
    load: async () => (await import('./services/efs')).efs,
    slice: {key: 'efs', arrays: ['fileSystems', 'mountTargets', 'accessPoints'], objects: []},
  },
  rds: {
    load: async () => (await import('./services/rds')).rds,
    slice: {key: 'rds', arrays: ['subnetGroups', 'instances', 'clusters', 'snapshots', 'clusterSnapshots'], objects: []},
  },
  elasticache: {
    load: async () => (await import('./services/elasticache')).elasticache,
    slice: {key: 'elasticache', arrays: ['subnetGroups', 'replicationGroups', 'cacheClusters'], objects: []},
  },
  s3: {
    load: async () => (await import('./services/s3')).s3,
    slice: {key: 's3', arrays: [], objects: ['buckets'] satisfies ReadonlyArray<keyof S3State>},
  },
  secretsmanager: {
    load: async () => (await import('./services/secretsmanager')).secretsmanager,
    slice: {key: 'secretsmanager', arrays: ['secrets'], objects: []},
  },
  iam: {
    load: async () => (await import('./services/iam')).iam,
    // Account-wide, as on AWS: two regions' copies of a site share the same role names.
    slice: {key: 'iam', arrays: ['roles', 'instanceProfiles'], objects: [], scope: 'account'},
  },
  logs: {
    load: async () => (await import('./services/logs')).logs,
    slice: {key: 'logs', arrays: [], objects: ['groups'] satisfies ReadonlyArray<keyof LogsState>, added: {objects: ['streamedTo'] satisfies ReadonlyArray<keyof LogsState>}},
    // EB instances and seeds stream their logs as time passes (services/logs-instances.ts).
    advances: true,
  },
  acm: {
    load: async () => (await import('./services/acm')).acm,
    slice: {key: 'acm', arrays: ['certificates'], objects: []},
  },
  route53: {
    load: async () => (await import('./services/route53')).route53,
    slice: {key: 'route53', arrays: ['zones', 'changes'], objects: []},
  },
  cloudwatch: {
    load: async () => (await import('./services/cloudwatch')).cloudwatch,
    slice: {key: 'cloudwatch', arrays: ['alarms'], objects: []},
    // The alarms a DescribeAlarms names go to ALARM a few simulated minutes later (a bad rollout's 5xx alarm).
    faults: {'alarm-fires': ['DescribeAlarms']},
  },
  scheduler: {
    load: async () => (await import('./services/scheduler')).scheduler,
    slice: {key: 'scheduler', arrays: ['schedules'], objects: []},
    // Schedules fire on the simulated clock (services/scheduler.ts).
    advances: true,
  },
  sns: {
    load: async () => (await import('./services/sns')).sns,
    slice: {key: 'sns', arrays: ['topics', 'published'] satisfies ReadonlyArray<keyof SnsState>, objects: []},
  },
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

/** Every part of a region the state file may hold: what store.ts validates. */
export function sliceShapes(): SliceShape[] {
  const entries: ServiceEntry[] = Object.values(SERVICES)
  return entries.flatMap((entry) => (entry.slice === undefined ? [] : [entry.slice]))
}

/** The parts that are account-wide (kept once, seen from every region). */
export function accountWideShapes(): SliceShape[] {
  return sliceShapes().filter((shape) => shape.scope === 'account')
}

type DeclaredSlice = {
  [K in SandboxServiceName]: (typeof SERVICES)[K] extends {readonly slice: {readonly key: infer Key}} ? Key : never
}[SandboxServiceName]
/** Fails to compile when RegionState gains a part no service declares (so the store would not check it). */
export const EVERY_SLICE_DECLARED: [Exclude<keyof RegionState, DeclaredSlice>] extends [never] ? true : never = true

/** The services with an advance phase that have a part in this region. */
export function advancingServices(region: RegionState | undefined): SandboxServiceName[] {
  if (region === undefined) return []
  return (Object.keys(SERVICES) as SandboxServiceName[]).filter((name) => {
    const entry: ServiceEntry = SERVICES[name]
    return entry.advances === true && entry.slice !== undefined && region[entry.slice.key] !== undefined
  })
}
