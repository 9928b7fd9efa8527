/**
 * `hactl rollback`: a rollout of the AMI the last rollout replaced
 * (/hactl/<site>/rollout/last previousImageId), with the same checks,
 * watching and automatic undo. It may go back to EB's platform AMI, which no
 * bake tags (the site's first rollout replaced it). An image whose code is
 * older than the live database schema is refused, with the way back
 * (schema-guard.ts, exit 2).
 */
import {HactlError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import {lastRolloutParameterName, parseRolloutRecord} from './record'
import {rollout, type RolloutOptions, type RolloutResult} from './rollout'

export type RollbackOptions = Omit<RolloutOptions, 'imageId' | 'mode'>

export async function rollback(options: RollbackOptions): Promise<RolloutResult> {
  const ssm = await options.clients.ssm()
  const name = lastRolloutParameterName(options.config.site)
  const parameter = await ssm.getParameter(name)
  const previous = parameter === undefined ? '' : parseRolloutRecord(parameter.value).previousImageId
  if (!previous.startsWith('ami-')) {
    throw new HactlError('no-rollback-target', `${options.config.site} has no rollout to roll back (${name} ${parameter ? 'names no previous image' : 'does not exist'}).`, {
      exitCode: ExitCode.NotReady,
      suggestions: ['Roll out a known-good image by id instead: `hactl rollout --image ami-…` (`hactl images list` shows them).'],
    })
  }

  options.reporter.emit({message: `Rolling back to ${previous}, the image before the last rollout.`, type: 'info'})
  return rollout({...options, imageId: previous, mode: 'rollback'})
}
