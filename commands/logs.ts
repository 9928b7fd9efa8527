import {Flags} from '@oclif/core'

import {HactlCommand} from '../src/cli/base-command'
import {sinceFlag} from '../src/cli/flags'
import type {SiteLogsResult} from '../src/ops/logs'
import {renderLogEvent, renderLogsSummary} from '../src/ui/render-logs'

export default class Logs extends HactlCommand<typeof Logs> {
  public static description = `Reads the site's instance logs from CloudWatch Logs and shows them interleaved by time, each line with its instance id: on the web nodes the platform's deployment log, the .platform hook log, nginx's access and error logs and PHP's error log (Elastic Beanstalk streams them, one log group per file under /aws/elasticbeanstalk/<environment>/); on the seed its boot log, cron runs, nginx and PHP-FPM (its CloudWatch agent streams them to /hactl/<site>/seed/…). No log bundle is downloaded and nothing is changed.

--grep is sent to CloudWatch as a filter pattern, so only matching lines travel: a plain phrase is matched as written (case-sensitive); anything with regex operators is a regular expression in CloudWatch's subset (letters, digits, : _ # = @ / ; , - and ^ $ ? [ ] { } | \\ * + . — no spaces or parentheses).

--follow keeps reading new lines every few seconds until Ctrl-C (exit 130). With --json, --follow prints one JSON object per line (an event each); without it the output is one JSON document.`

  public static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --since 1h --web --grep "PHP Fatal error"',
    '<%= config.bin %> <%= command.id %> --seed --follow',
    '<%= config.bin %> <%= command.id %> --since 2d --grep "[Ee]rror|timeout" --json',
  ]

  public static flags = {
    follow: Flags.boolean({
      char: 'f',
      default: false,
      description: 'After the lines since --since, keep showing new ones as they arrive until Ctrl-C.',
      summary: 'Keep showing new lines.',
    }),
    grep: Flags.string({
      description: 'Only lines matching this: a plain phrase, or a regular expression in CloudWatch\'s subset.',
      summary: 'Only matching lines.',
    }),
    seed: Flags.boolean({default: false, exclusive: ['web'], summary: "Only the seed's logs."}),
    since: sinceFlag('10m'),
    web: Flags.boolean({default: false, exclusive: ['seed'], summary: "Only the web nodes' logs."}),
  }

  public static summary = "Show the site's instance logs (web nodes and seed) from CloudWatch Logs."

  public async run(): Promise<SiteLogsResult> {
    const [{config}, aws] = await Promise.all([this.loadConfig(), this.aws()])
    const {siteLogs} = await import('../src/ops/logs')
    const json = this.jsonEnabled()
    const {follow} = this.flags
    const result = await siteLogs({
      clients: aws,
      follow,
      grep: this.flags.grep,
      onEvent: (event) => {
        if (!json) this.log(renderLogEvent(event))
        else if (follow) this.log(JSON.stringify(event))
      },
      region: config.region,
      reporter: this.reporter,
      role: this.flags.seed ? 'seed' : this.flags.web ? 'web' : 'all',
      signal: this.interrupt.signal,
      sinceMs: this.flags.since,
      site: config.site,
    })
    this.reporter.stop(true)
    if (!json) this.log(renderLogsSummary(result))
    return result
  }
}
