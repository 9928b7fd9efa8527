import type {ResponseMetadata} from '@smithy/types'

import type {CatchUpWindow} from './advance'
import {type SimError, specFileOf} from './errors'
import type {FaultKind} from './faults'
import type {AcmState} from './services/acm'
import type {CloudWatchState} from './services/cloudwatch'
import type {EbState} from './services/eb-model'
import type {Ec2State} from './services/ec2-model'
import type {EfsState} from './services/efs-model'
import type {ElastiCacheState} from './services/elasticache'
import type {IamState} from './services/iam'
import type {LogsState} from './services/logs'
import type {RdsState} from './services/rds'
import type {Route53State} from './services/route53'
import type {S3State} from './services/s3'
import type {SchedulerState} from './services/scheduler'
import type {SecretsState} from './services/secretsmanager'
import type {SnsState} from './services/sns'
import type {SsmState} from './services/ssm'

/** The services the sandbox simulates, by the SDK's signing name. */
export const SANDBOX_SERVICES = ['sts', 'ec2', 'ssm', 'elasticbeanstalk', 'efs', 'rds', 'elasticache', 's3', 'secretsmanager', 'iam', 'logs', 'acm', 'route53', 'cloudwatch', 'scheduler', 'sns'] as const
export type SandboxServiceName = (typeof SANDBOX_SERVICES)[number]

/** The state of one simulated region of the account. Each service creates its part on first use. */
export interface RegionState {
  ec2?: Ec2State
  ssm?: SsmState
  eb?: EbState
  efs?: EfsState
  rds?: RdsState
  elasticache?: ElastiCacheState
  /** S3 buckets are global, but hactl only uses the EB bucket of its own region, so they live with the region. */
  s3?: S3State
  secretsmanager?: SecretsState
  /**
   * IAM is account-wide, as on AWS: this is not stored with the region but is
   * a view of `SandboxState.accountWide.iam` (store.ts linkAccountWide), so a
   * role made from one region is the same role in every other.
   */
  iam?: IamState
  /** CloudWatch Logs: log groups with their streams and events. */
  logs?: LogsState
  acm?: AcmState
  /** Route 53 is global on AWS; the sandbox keeps it with the region (hactl works in one Region per site). */
  route53?: Route53State
  /** CloudWatch metric alarms (no metrics): what a rollout watches. */
  cloudwatch?: CloudWatchState
  /** EventBridge Scheduler: schedules that fire on the simulated clock. */
  scheduler?: SchedulerState
  /** SNS: topics, their subscriptions, and what was published. */
  sns?: SnsState
}

/** The parts of the account that belong to no region (IAM). */
export interface AccountWideState {
  iam?: IamState
}

/** Everything in `sandbox.json`. */
export interface SandboxState {
  readonly version: 1
  readonly account: string
  /** Seed for ids (see ids.ts). */
  readonly seed: string
  counter: number
  /** Simulated time when the state was last written … */
  simNow: number
  /** … and the real time it was written at; simulated time runs on from there at the speed. */
  savedRealAt: number
  readonly regions: Record<string, RegionState>
  /** IAM and anything else global to the account. Optional: absent in states written before it existed. */
  accountWide?: AccountWideState
  /**
   * Per region, the simulated time its advance phase last ran at (advance.ts).
   * Optional: absent in states written before the advance phase existed.
   */
  advancedTo?: Record<string, number>
}

/** What a handler gets besides its input. */
export interface OperationContext {
  readonly account: string
  readonly region: string
  /** Simulated now, ms since the epoch. */
  readonly now: number
  /** The next AWS-shaped id (`i-…`), counted in the state so ids never repeat. */
  nextId(prefix: string, hexDigits?: number): string
  /** Takes one firing of a resource-marking fault (`image-failed`, `impaired`) for this call, if one is armed. */
  takeFault(kind: Exclude<FaultKind, 'throttle' | 'fail'>): boolean
}

/** What an advance phase gets: the operation context (at `now`) and the catch-up window for recurring work. */
export interface AdvanceContext extends OperationContext {
  readonly window: CatchUpWindow
}

/**
 * A service's advance phase: materialises its work due by `context.now`, in
 * time order (see advance.ts). Returns true when it changed anything.
 */
export type Advance = (region: RegionState, context: AdvanceContext) => boolean

/** An AWS error code, message and HTTP status. */
export interface ErrorShape {
  readonly code: string
  readonly message: string
  readonly status: number
}

/**
 * One simulated service as the middleware sees it. Each service module
 * builds one with `defineService`, which keeps its own state type private.
 */
export interface SimulatedService {
  readonly name: SandboxServiceName
  /** The behaviour spec, named in "not simulated" errors. */
  readonly specFile: string
  /** What this service answers when throttling (`throttle` faults). */
  readonly throttleError: ErrorShape
  /** What this service answers on an internal failure (`fail` faults without a code). */
  readonly internalError: ErrorShape
  /** The operations it simulates, sorted (named when a fault names another one). */
  readonly operations: readonly string[]
  supports(operation: string): boolean
  /** Runs before every handler of every service while this one is loaded (see advance.ts). */
  readonly advance?: Advance
  invoke(operation: string, input: object, region: RegionState, context: OperationContext): object
  /** The SDK exception the real client would throw for this error. */
  toException(error: SimError, metadata: ResponseMetadata): Error
}

/** A handler typed with the SDK's own input and output shapes. */
export type Handler<S, I, O> = (state: S, input: I, context: OperationContext) => O

/** The output without `$metadata`, which the middleware adds. */
export type Result<T> = Omit<T, '$metadata'>


/**
 * The throttling answer shared by the services of one AWS protocol family:
 * the query services (RDS, ElastiCache) answer `Throttling`, the JSON ones
 * (Secrets Manager, SSM) `ThrottlingException`, both HTTP 400 "Rate exceeded".
 */
export const THROTTLING = {
  json: {code: 'ThrottlingException', message: 'Rate exceeded', status: 400},
  query: {code: 'Throttling', message: 'Rate exceeded', status: 400},
} as const satisfies Record<string, ErrorShape>

export interface ServiceDefinition<S> {
  readonly name: SandboxServiceName
  /** @default specFileOf(name) */
  readonly specFile?: string
  readonly throttleError: ErrorShape
  readonly internalError: ErrorShape
  /** This service's part of the region, created (a fresh account) on first use. */
  slice(region: RegionState, context: OperationContext): S
  /** Handlers by operation name (`DescribeInstances`). */
  readonly operations: Readonly<Record<string, Handler<S, never, object>>>
  /** Materialises deferred work that came due; runs before every call's handler (see advance.ts). */
  readonly advance?: Advance
  /** Runs before any handler, before the state is touched (EC2: DryRun). */
  readonly precheck?: (input: object) => void
  toException(error: SimError, metadata: ResponseMetadata): Error
}

/** Wraps a typed service definition for the middleware. */
export function defineService<S>(definition: ServiceDefinition<S>): SimulatedService {
  return {
    name: definition.name,
    specFile: definition.specFile ?? specFileOf(definition.name),
    throttleError: definition.throttleError,
    internalError: definition.internalError,
    operations: Object.keys(definition.operations).sort(),
    supports: (operation) => Object.hasOwn(definition.operations, operation),
    advance: definition.advance,
    invoke(operation, input, region, context) {
      // At the deserialize step `input` is the caller's own object (the SDK's
      // serialised request is `args.request`), typed by this operation's input
      // shape; the handler table loses that link. Serialisers never run, so
      // output field types are correct only by hand.
      const handler = definition.operations[operation] as Handler<S, object, object>
      definition.precheck?.(input)
      return handler(definition.slice(region, context), input, context)
    },
    toException: definition.toException,
  }
}
