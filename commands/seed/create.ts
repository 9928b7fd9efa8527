import {Flags} from '@oclif/core'

import {breakLockFlag, waitFlag} from '../../src/cli/flags'
import {HactlCommand} from '../../src/cli/base-command'
import type {CreateSeedResult} from '../../src/seed/create'
import {renderSeedCreate} from '../../src/ui/render-seed'

export default class SeedCreate extends HactlCommand<typeof SeedCreate> {
  public static description = `Launches one standalone instance (never part of the Auto Scaling group) from the AMI the environment runs: the live bake if there is one, else the base AMI of the environment's platform version. It goes into one of the site's instance subnets with the seed security group and the site's instance profile, IMDSv2 required with instance tags readable, an encrypted root volume, and the boot script as user data (checked by the secret scanner first).

Waits until the instance runs, its SSM agent is Online and its boot script reports success. A re-run finds the seed by its tags (and its launch client token) and never starts a second one.

A boot that fails or does not report within --wait shows the last lines of the boot log, terminates the instance (unless --keep-on-failure) and exits 1; with --keep-on-failure a timeout exits 7. No environment or seed security group yet: exit 12.`

  public static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --sandbox --yes',
    '<%= config.bin %> <%= command.id %> --keep-on-failure --wait 45',
  ]

  public static flags = {
    'break-lock': breakLockFlag,
    'keep-on-failure': Flags.boolean({
      default: false,
      description: 'Leave a seed whose boot failed or timed out running, to look at it with `hactl seed exec`. `hactl seed destroy` removes it.',
      summary: 'Keep a seed whose boot failed.',
    }),
    wait: waitFlag(30),
  }

  public static summary = 'Launch the seed: the staging instance, cron runner and source of every bake.'

  public async run(): Promise<CreateSeedResult> {
    const keepOnFailure = this.flags['keep-on-failure']
    return this.runMutation({
      // Launching the seed changes nothing the site serves; it costs an instance.
      confirm: async (config) => this.confirm(`Launch the seed of ${config.site} in ${config.region} (one ${config.seed.instanceType ?? config.environment.instanceType} instance)?`),
      operation: 'seed create',
      render: renderSeedCreate,
      async work(context) {
        const {createSeed} = await import('../../src/seed/create')
        return createSeed({...context, keepOnFailure})
      },
    })
  }
}
