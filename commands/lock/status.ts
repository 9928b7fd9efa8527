import {HactlCommand} from '../../src/cli/base-command'
import type {LockStatusResult} from '../../src/site/lock-status'
import {renderLockStatus} from '../../src/ui/render-lock'

export default class LockStatus extends HactlCommand<typeof LockStatus> {
  public static description = `Reads /hactl/<site>/lock from SSM: free, held by a running command (which, who, since when, last heartbeat, stale or not), or frozen (the reason, who froze it, since when).

A running command's lock goes stale after 30 minutes without a heartbeat. A freeze never goes stale by time: it is judged by people, so its age is shown and one older than 7 days is pointed out.`

  public static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --sandbox --json']

  public static summary = 'Show whether the site is locked or frozen, by whom and why.'

  public async run(): Promise<LockStatusResult> {
    const [{config}, aws] = await Promise.all([this.loadConfig(), this.aws()])
    const [{lockStatus}, ssm] = await Promise.all([import('../../src/site/lock-status'), aws.ssm()])
    const result = await lockStatus({clock: aws.clock, site: config.site, ssm})
    if (!this.jsonEnabled()) this.log(renderLockStatus(result))
    return result
  }
}
