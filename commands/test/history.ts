import {Flags} from '@oclif/core'

import {HactlCommand} from '../../src/cli/base-command'
import {waitFlag} from '../../src/cli/flags'
import type {StagingHistoryResult} from '../../src/staging/history'
import {renderTestHistory} from '../../src/ui/render-test'

export default class TestHistory extends HactlCommand<typeof TestHistory> {
  public static description = `Lists the recorded staging runs, newest first: when, the trigger (manual or schedule), the result, the failed checks and the change marker. Every run, on demand or scheduled, writes SSM /hactl/<site>/tests/last from the seed; Parameter Store keeps that parameter's newest 100 versions, which are the history (at one run an hour, four days).

Also reads the seed's change marker now (one read-only command on the seed) and says whether the seed has changed since its last full passing run, which is what \`hactl bake\` requires. Skipped scheduled runs (a frozen site, or the back-off after failures) are listed as skipped. Read-only: takes no lock.`

  public static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --limit 50 --json',
    '<%= config.bin %> <%= command.id %> --sandbox',
  ]

  public static flags = {
    limit: Flags.integer({default: 20, description: 'Newest runs to show (Parameter Store keeps at most 100).', max: 100, min: 1, summary: 'How many runs to show.'}),
    wait: waitFlag(5),
  }

  public static summary = 'List past staging runs and whether the seed changed since the last pass.'

  public async run(): Promise<StagingHistoryResult> {
    const [{config}, aws] = await Promise.all([this.loadConfig(), this.aws()])
    const [{stagingHistory}, {Deadline}] = await Promise.all([import('../../src/staging/history'), import('../../src/core/deadline')])
    const result = await stagingHistory({
      clients: aws,
      deadline: Deadline.after(aws.clock, this.flags.wait * 60_000),
      limit: this.flags.limit,
      reporter: this.reporter,
      signal: this.interrupt.signal,
      site: config.site,
    })
    this.reporter.stop(true)
    if (!this.jsonEnabled()) this.log(renderTestHistory(result))
    return result
  }
}
