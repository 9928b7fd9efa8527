import {Flags} from '@oclif/core'

import {HactlCommand} from '../../src/cli/base-command'
import type {ReleaseResult} from '../../src/site/lock'
import {renderRelease} from '../../src/ui/render-lock'

export default class LockRelease extends HactlCommand<typeof LockRelease> {
  public static description = `Deletes the deploy freeze that \`hactl lock acquire\` set, so commands that change the site run again.

Releasing someone else's freeze needs --force; without it the command exits 6 and says whose freeze it is. The audit trail records who released it. A running command's lock is never released here: it ends with its command, or the next command's --break-lock takes it over once stale.

With notify in hactl.yml, ending a freeze sends one notification.

Safe to re-run: with no freeze there is nothing to do (exit 0).`

  public static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --force --json']

  public static flags = {
    force: Flags.boolean({
      default: false,
      description: 'Release the freeze even though someone else set it.',
      summary: "Release someone else's freeze.",
    }),
  }

  public static summary = 'End a deploy freeze.'

  public async run(): Promise<ReleaseResult & {site: string}> {
    const [{config}, aws] = await Promise.all([this.loadConfig(), this.aws()])
    const [{releaseFreeze}, ssm] = await Promise.all([import('../../src/site/lock'), aws.ssm()])
    const result = await this.audited(config.site, (principal) =>
      releaseFreeze({clock: aws.clock, force: this.flags.force, principal, site: config.site, ssm}),
    )
    if (result.released) {
      const {notify} = await import('../../src/ops/notify')
      const details = {freeze: result.lock?.message, 'frozen by': result.lock?.principal, forced: result.forced ? 'yes (--force)' : undefined}
      await notify({clients: aws, reporter: this.reporter, settings: config}, {details, kind: 'unfreeze', title: 'deploy freeze ended'})
    }

    const out = {...result, site: config.site}
    if (!this.jsonEnabled()) this.log(renderRelease(out))
    return out
  }
}
