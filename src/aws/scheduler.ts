/**
 * The EventBridge Scheduler calls hactl makes: the site's staging-test
 * schedule in the default group, whose target is the universal target
 * `arn:aws:scheduler:::aws-sdk:ssm:sendCommand` (AWS-NOTES-2 B.5).
 */
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  type GetScheduleOutput,
  type SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler'

import {awsCall, hasAwsCode} from './errors'
import type {ApiContext} from './types'

/** The universal target that calls SSM SendCommand with the target's Input as its request. */
export const SSM_SEND_COMMAND_TARGET = 'arn:aws:scheduler:::aws-sdk:ssm:sendCommand'

export interface ScheduleSpec {
  readonly name: string
  readonly expression: string
  readonly timezone: string
  readonly description: string
  readonly target: {
    readonly arn: string
    readonly roleArn: string
    /** The SendCommand request, as JSON with AWS's PascalCase names. */
    readonly input: string
    /** Scheduler retries the API call only (never the command's own failure): keep it low. */
    readonly maximumRetryAttempts: number
    readonly maximumEventAgeInSeconds: number
  }
}

export interface Schedule extends ScheduleSpec {
  readonly arn: string
  readonly state: string
}

export interface SchedulerApi {
  /** The schedule, or undefined when it does not exist. */
  getSchedule(name: string): Promise<Schedule | undefined>
  /** Creates it; false (nothing changed) when a schedule of that name exists (ConflictException). */
  createSchedule(spec: ScheduleSpec): Promise<boolean>
  /** Replaces every setting (UpdateSchedule resets what it is not given). */
  updateSchedule(spec: ScheduleSpec): Promise<void>
  /** Deletes it; false when there was none. */
  deleteSchedule(name: string): Promise<boolean>
}

function request(spec: ScheduleSpec) {
  return {
    Description: spec.description,
    // The checks run when asked, not somewhere in a window: OFF (AWS-NOTES-2 B.5).
    FlexibleTimeWindow: {Mode: 'OFF' as const},
    Name: spec.name,
    ScheduleExpression: spec.expression,
    ScheduleExpressionTimezone: spec.timezone,
    State: 'ENABLED' as const,
    Target: {
      Arn: spec.target.arn,
      Input: spec.target.input,
      RetryPolicy: {MaximumEventAgeInSeconds: spec.target.maximumEventAgeInSeconds, MaximumRetryAttempts: spec.target.maximumRetryAttempts},
      RoleArn: spec.target.roleArn,
    },
  }
}

function toSchedule(out: GetScheduleOutput): Schedule {
  return {
    arn: out.Arn ?? '',
    description: out.Description ?? '',
    expression: out.ScheduleExpression ?? '',
    name: out.Name ?? '',
    state: out.State ?? '',
    target: {
      arn: out.Target?.Arn ?? '',
      input: out.Target?.Input ?? '',
      maximumEventAgeInSeconds: out.Target?.RetryPolicy?.MaximumEventAgeInSeconds ?? 86_400,
      maximumRetryAttempts: out.Target?.RetryPolicy?.MaximumRetryAttempts ?? 185,
      roleArn: out.Target?.RoleArn ?? '',
    },
    timezone: out.ScheduleExpressionTimezone ?? 'UTC',
  }
}

export function createSchedulerApi(client: SchedulerClient, _context: ApiContext): SchedulerApi {
  /** One call; a schedule that does not exist (ResourceNotFoundException) answers `missing`, anything else is translated. */
  async function orIfMissing<T>(operation: string, call: () => Promise<T>, missing: T): Promise<T> {
    try {
      return await call()
    } catch (error) {
      if (hasAwsCode(error, 'ResourceNotFoundException')) return missing
      return awsCall(operation, () => Promise.reject(error))
    }
  }

  return {
    async createSchedule(spec) {
      try {
        await client.send(new CreateScheduleCommand(request(spec)))
        return true
      } catch (error) {
        if (hasAwsCode(error, 'ConflictException')) return false
        return awsCall('scheduler:CreateSchedule', () => Promise.reject(error))
      }
    },

    deleteSchedule: (name) => orIfMissing('scheduler:DeleteSchedule', async () => Boolean(await client.send(new DeleteScheduleCommand({Name: name}))), false),

    getSchedule: (name) => orIfMissing<Schedule | undefined>('scheduler:GetSchedule', async () => toSchedule(await client.send(new GetScheduleCommand({Name: name}))), undefined),

    async updateSchedule(spec) {
      await awsCall('scheduler:UpdateSchedule', () => client.send(new UpdateScheduleCommand(request(spec))))
    },
  }
}
