import {breakLockFlag, imageFlag, waitFlag} from '../src/cli/flags'
import {HactlCommand} from '../src/cli/base-command'
import type {RolloutResult} from '../src/bake/rollout'
import {renderRollout} from '../src/ui/render-rollout'

export default class Rollout extends HactlCommand<typeof Rollout> {
  public static description = `Puts a baked AMI (default: the latest bake) into the Elastic Beanstalk environment by changing only its ImageId, under the rollout policy of hactl.yml: RollingByHealth replaces instances in batches and keeps minSize healthy in service; Immutable starts a full new set beside the old one.

Refuses an image that is not this site's bake, not available, of another CPU architecture than the instance type, or baked on another platform version than the environment runs (exit 2, 12 while it is still pending), an image whose code is older than the live database schema (exit 2, naming both versions and the way back: the newest RDS snapshot from before the schema moved; the live schema is read from the seed, else from the bakes' hactl:db-schema tags; an image without the tags is allowed with a warning), and an environment that is not Ready or already updating. An image that is live already changes nothing (exit 0).

Watches EB's events, each instance's health and the CloudWatch alarms in environment.rollout.alarms. Success is Ready, Green and every instance on the new AMI. Red health for more than 2 minutes, an alarm in ALARM, EB's own failure or the end of --wait abort the update, put the previous AMI back, wait for Green and exit 8 — unless the previous AMI's code is older than the live database schema: then nothing is aborted or put back, the rollout is recorded as stopped and exit 8 says where the environment stands and the way back. Ctrl-C says where the environment stands and how to finish or roll back.`

  public static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --image ami-0123456789abcdef0 --wait 90',
    '<%= config.bin %> <%= command.id %> --sandbox --yes --json',
  ]

  public static flags = {
    'break-lock': breakLockFlag,
    image: imageFlag,
    wait: waitFlag(60),
  }

  public static summary = 'Roll a baked AMI out to the environment; roll back on its own when it goes bad.'

  public async run(): Promise<RolloutResult> {
    const {image} = this.flags
    const runId = this.runId
    return this.runMutation({
      confirm: async (config) => this.confirm(`Replace every instance of ${config.site} with ${image ?? 'the latest bake'} (${config.environment.rollout.policy})?`),
      operation: 'rollout',
      render: renderRollout,
      async work(context) {
        const [{rollout}, {withRolloutNotifications}] = await Promise.all([import('../src/bake/rollout'), import('../src/ops/notify-hooks')])
        return withRolloutNotifications(context, 'rollout', (onStarted) => rollout({...context, imageId: image, onStarted, runId}))
      },
    })
  }
}
