import {hostname} from 'node:os'

import {Flags} from '@oclif/core'

import {HactlCommand} from '../../src/cli/base-command'
import {lockWaitFlag} from '../../src/cli/flags'
import type {FreezeResult} from '../../src/site/lock'
import {renderFreeze} from '../../src/ui/render-lock'

export default class LockAcquire extends HactlCommand<typeof LockAcquire> {
  public static description = `Takes the site lock (the SSM parameter /hactl/<site>/lock that every changing command takes) as a manual lock with a reason: until it is released, every command that changes the site (env create, env destroy, and later bake and rollout) exits 6 naming the reason.

A freeze has no heartbeat and never goes stale: --break-lock does not break it, and it holds until \`hactl lock release\` (by you, or by anyone with --force). \`hactl lock status\` and \`hactl status\` show its age so a forgotten freeze is seen.

With notify in hactl.yml, a new freeze sends one notification (a re-run does not).

Re-running it is safe: your own freeze is kept (with its start time) and its reason updated. If a command holds the lock now, this fails with exit 6, or with --lock-wait waits for it to finish first.`

  public static examples = [
    '<%= config.bin %> <%= command.id %> --message "exam week"',
    '<%= config.bin %> <%= command.id %> --message "exam week" --lock-wait 30 --json',
  ]

  public static flags = {
    'lock-wait': lockWaitFlag,
    message: Flags.string({
      char: 'm',
      description: 'Why the site is frozen; shown to everyone whose command is refused, and in `hactl status`.',
      async parse(input) {
        const text = input.trim()
        if (text === '' || text.length > 200) throw new Error(`--message must be 1 to 200 characters saying why the site is frozen (got ${text.length})`)
        return text
      },
      required: true,
      summary: 'Why the site is frozen.',
    }),
  }

  public static summary = 'Freeze deploys: take the site lock with a reason until released.'

  public async run(): Promise<FreezeResult & {site: string}> {
    const [{config}, aws] = await Promise.all([this.loadConfig(), this.aws()])
    const [{freezeSite}, ssm] = await Promise.all([import('../../src/site/lock'), aws.ssm()])
    const lockWait = this.flags['lock-wait']
    const result = await this.audited(config.site, (principal) =>
      freezeSite({
        clock: aws.clock,
        host: hostname(),
        message: this.flags.message,
        principal,
        reporter: this.reporter,
        signal: this.interrupt.signal,
        site: config.site,
        ssm,
        waitMs: lockWait === undefined ? 0 : lockWait * 60_000,
      }),
    )
    if (result.action === 'created') {
      const {notify} = await import('../../src/ops/notify')
      await notify({clients: aws, reporter: this.reporter, settings: config}, {details: {by: result.lock.principal, since: result.lock.since}, kind: 'freeze', title: `deploys frozen: ${this.flags.message}`})
    }

    this.reporter.stop(true)
    const out = {...result, site: config.site}
    if (!this.jsonEnabled()) this.log(renderFreeze(out))
    return out
  }
}
