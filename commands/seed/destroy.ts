import {breakLockFlag, waitFlag} from '../../src/cli/flags'
import {HactlCommand} from '../../src/cli/base-command'
import type {DestroySeedResult} from '../../src/seed/destroy'
import {renderSeedDestroy} from '../../src/ui/render-seed'

export default class SeedDestroy extends HactlCommand<typeof SeedDestroy> {
  public static description = `Terminates the seed (every instance tagged as the site's seed), waits until it is gone, and clears its boot and cron records in SSM. Uploads, the database and the images baked from the seed are the site's and are kept. Plugins installed on the seed since the last bake are lost.

Asks you to type the site name (or pass --yes). A re-run with no seed left does nothing and exits 0.`

  public static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --sandbox --yes']

  public static flags = {
    'break-lock': breakLockFlag,
    wait: waitFlag(15),
  }

  public static summary = 'Terminate the seed, keeping uploads, database and bakes.'

  public async run(): Promise<DestroySeedResult> {
    return this.runMutation({
      confirm: async (config) =>
        this.confirmTyped(`This terminates the seed of ${config.site} in ${config.region}; changes on it since the last bake are lost. Type the site name to go on:`, config.site),
      operation: 'seed destroy',
      render: renderSeedDestroy,
      async work(context) {
        const {destroySeed} = await import('../../src/seed/destroy')
        return destroySeed(context)
      },
    })
  }
}
