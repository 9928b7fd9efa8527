import {Flags} from '@oclif/core'

import {HactlCommand} from '../src/cli/base-command'
import {sinceFlag} from '../src/cli/flags'
import type {AuditResult} from '../src/site/audit'
import {renderAudit} from '../src/ui/render-audit'

export default class Audit extends HactlCommand<typeof Audit> {
  public static description = `Every command that changes the site (and every lock acquire/release) writes one entry when it ends: who (the caller's ARN), what (the command and the flags given, with anything secret-looking redacted), when, from where (host name, and the CI job when run in CI), the outcome (exit code and error code — refusals by the lock included) and its run id.

Entries live on AWS in the CloudWatch Logs group /hactl/<site>/audit (one stream per run, kept 400 days), so every operator and CI job reads the same history. A declined confirmation changes nothing and is not recorded.`

  public static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --since 1h --json',
    '<%= config.bin %> <%= command.id %> --since 30d --limit 200',
  ]

  public static flags = {
    limit: Flags.integer({
      default: 50,
      description: 'Show at most this many entries, newest first.',
      max: 10_000,
      min: 1,
      summary: 'How many entries at most.',
    }),
    since: sinceFlag('7d'),
  }

  public static summary = 'Show who changed the site, when, how, and with what outcome.'

  public async run(): Promise<AuditResult> {
    const {limit, since} = this.flags
    return this.runRead({
      async read({clients, config}) {
        const [{readAudit}, logs] = await Promise.all([import('../src/site/audit'), clients.logs()])
        return readAudit({clock: clients.clock, limit, logs, sinceMs: since, site: config.site})
      },
      render: renderAudit,
    })
  }
}
