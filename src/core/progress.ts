/**
 * The library never prints. It tells a {@link Reporter} what is happening
 * with typed events, and the command decides how to show them (a live
 * spinner on a TTY, one line per event in CI, nothing under `--json`).
 */

export type ProgressEvent =
  /** A named unit of work started, finished, failed or was skipped. */
  | {
      readonly type: 'step'
      readonly id: string
      readonly title: string
      readonly state: 'start' | 'done' | 'fail' | 'skip'
      readonly detail?: string
    }
  /**
   * One stage of a pipeline (`hactl up`: env, seed, test, bake, rollout), the
   * steps of which report as usual in between.
   */
  | {
      readonly type: 'stage'
      readonly id: string
      readonly title: string
      /** 1-based position and the number of stages: "2/5". */
      readonly index: number
      readonly total: number
      readonly state: 'start' | 'done' | 'fail' | 'skip'
      readonly detail?: string
    }
  /** A poll of something we are waiting for; `status` is a short human string. */
  | {
      readonly type: 'wait'
      readonly what: string
      readonly status: string
      /** Elapsed time on the operation's clock (simulated in the sandbox). */
      readonly elapsedMs: number
      readonly timeoutMs: number
    }
  /** An event from AWS (e.g. an Elastic Beanstalk environment event). */
  | {
      readonly type: 'event'
      readonly time: Date
      readonly severity: string
      readonly message: string
      readonly source: string
    }
  /** An SDK call is being retried after a throttle or transient error. */
  | {
      readonly type: 'retry'
      readonly service: string
      readonly attempt: number
      readonly errorCode: string
    }
  /**
   * A health reading of an environment: how many in-service instances are
   * healthy, per AMI when known, for "2 / 4 healthy" and a rollout's floor.
   */
  | {
      readonly type: 'health'
      /** What was read, e.g. the environment name. */
      readonly what: string
      /** EB's colour and status, e.g. `Green` / `Ok`. */
      readonly color: string
      readonly status: string
      readonly healthy: number
      readonly total: number
      /** Instance counts per AMI id (healthy or not), when the reading has them. */
      readonly byImage?: Readonly<Record<string, number>>
    }
  | {readonly type: 'warning'; readonly message: string}
  | {readonly type: 'info'; readonly message: string}

export interface Reporter {
  emit(event: ProgressEvent): void
}

/** A reporter that drops everything: the default when nobody listens. */
export const silentReporter: Reporter = {emit() {}}

/** Keeps every event; used by tests and by `--json` runs that want a log. */
export class RecordingReporter implements Reporter {
  public readonly events: ProgressEvent[] = []

  public emit(event: ProgressEvent): void {
    this.events.push(event)
  }

  public ofType<T extends ProgressEvent['type']>(type: T): Array<Extract<ProgressEvent, {type: T}>> {
    return this.events.filter((e): e is Extract<ProgressEvent, {type: T}> => e.type === type)
  }
}
