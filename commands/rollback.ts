import {breakLockFlag, waitFlag} from '../src/cli/flags'
import {HactlCommand} from '../src/cli/base-command'
import type {RolloutResult} from '../src/bake/rollout'
import {renderRollout} from '../src/ui/render-rollout'

export default class Rollback extends HactlCommand<typeof Rollback> {
  public static description = `Puts back the AMI the last rollout replaced (previousImageId in /hactl/<site>/rollout/last): a rollout of that image, with the same checks, watching, success rule and automatic undo (exit 8). No rollout recorded: exit 12.

Never across a schema change: the seed shares the production database, so once the seed's upgrade has moved the database's schema on, an image whose code is older is refused (exit 2) with both versions and the way back (the newest RDS snapshot of the site's database taken before the schema moved, to restore first).`

  public static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --wait 90 --json']

  public static flags = {
    'break-lock': breakLockFlag,
    wait: waitFlag(60),
  }

  public static summary = 'Go back to the AMI before the last rollout.'

  public async run(): Promise<RolloutResult> {
    const runId = this.runId
    return this.runMutation({
      confirm: async (config) => this.confirm(`Replace every instance of ${config.site} with the image before the last rollout (${config.environment.rollout.policy})?`),
      operation: 'rollback',
      render: renderRollout,
      async work(context) {
        const [{rollback}, {withRolloutNotifications}] = await Promise.all([import('../src/bake/rollback'), import('../src/ops/notify-hooks')])
        return withRolloutNotifications(context, 'rollback', (onStarted) => rollback({...context, onStarted, runId}))
      },
    })
  }
}
