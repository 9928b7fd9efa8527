import type {UpResult} from '../pipeline/up'
import type {StageOutcome} from '../pipeline/stages'
import {formatElapsed} from './cli-reporter'

const MARK: Record<StageOutcome['outcome'], string> = {done: '✓', failed: '✗', 'not-run': ' ', skipped: '-'}

/** One line per stage and a total: what `hactl up` did, how long it took, how many AWS calls. */
export function renderUp(result: UpResult): string {
  const width = Math.max(...result.stages.map((stage) => stage.title.length))
  const lines = result.stages.map(
    (stage) =>
      `${MARK[stage.outcome]} ${stage.title.padEnd(width)}  ${stage.outcome.padEnd(7)}  ${formatElapsed(stage.elapsedMs).padStart(6)}  ${String(stage.awsCalls.total).padStart(4)} calls  ${stage.detail}`,
  )
  const summary = result.nothingToDo
    ? `${result.site} is up: every stage was already done, nothing changed (${result.awsCalls.total} AWS calls, none a change${result.awsCalls.commands > 0 ? `; ${result.awsCalls.commands} read the seed's marker` : ''}).`
    : `${result.site} is up in ${formatElapsed(result.elapsedMs)}, ${result.awsCalls.total} AWS calls (${result.awsCalls.mutations} changes).`
  return [...lines, '', summary].join('\n')
}
