/**
 * The notifications of the pipeline's commands, in one place: one message when
 * a rollout starts, one when it succeeds or was rolled back, one per bake
 * (hactl.yml `notify`; nothing is sent when it is not set). Publishing never
 * fails the command (notify() warns instead).
 */
import type {AwsClients} from '../aws/clients'
import type {HactlConfig} from '../config/schema'
import {HactlError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import type {Reporter} from '../core/progress'

import {notify, notifyConfigured} from './notify'

export interface NotifyContext {
  readonly config: HactlConfig
  readonly clients: Pick<AwsClients, 'sns' | 'sts'>
  readonly reporter: Reporter
}

interface RolloutOutcome {
  readonly imageId: string
  readonly previousImageId: string
  readonly outcome: string
  readonly lowestHealthy: number | null
}

/**
 * Runs a rollout (or rollback) with its notifications: `start` is handed to
 * the rollout as its onStarted hook, so an image already live sends nothing.
 */
export async function withRolloutNotifications<R extends RolloutOutcome>(
  context: NotifyContext,
  what: 'rollback' | 'rollout',
  run: (onStarted: (change: {imageId: string; previousImageId: string}) => Promise<void>) => Promise<R>,
): Promise<R> {
  const options = {clients: context.clients, reporter: context.reporter, settings: context.config}
  if (!notifyConfigured(context.config)) return run(async () => {})
  let change: {imageId: string; previousImageId: string} | undefined
  try {
    const result = await run(async (started) => {
      change = started
      await notify(options, {details: {from: started.previousImageId || 'the platform AMI', to: started.imageId}, kind: 'rollout-start', title: `${what} of ${started.imageId} started`})
    })
    if (change) {
      await notify(options, {details: {'lowest healthy': String(result.lowestHealthy ?? '-'), from: result.previousImageId, to: result.imageId}, kind: 'rollout-success', title: `${what} of ${result.imageId} succeeded`})
    }

    return result
  } catch (error) {
    if (change && HactlError.isHactlError(error) && error.exitCode === ExitCode.RolledBack) {
      await notify(options, {details: {back: change.previousImageId || 'the platform AMI', cause: error.message, from: change.imageId}, kind: 'rollback', title: `${what} of ${change.imageId} rolled back`})
    }

    throw error
  }
}

/** One message per bake that made an image. */
export async function notifyBake(context: NotifyContext, bake: {imageId: string; created: boolean; forced: boolean; marker: string; stagingRun: string}): Promise<void> {
  if (!bake.created || !notifyConfigured(context.config)) return
  await notify(
    {clients: context.clients, reporter: context.reporter, settings: context.config},
    {details: {forced: String(bake.forced), image: bake.imageId, marker: bake.marker, 'staging run': bake.stagingRun || '-'}, kind: 'bake', title: `baked ${bake.imageId}${bake.forced ? ' (forced, untested)' : ''}`},
  )
}
