import {HactlCommand} from '../../src/cli/base-command'
import type {SeedStatusResult} from '../../src/seed/status'
import {renderSeedStatus} from '../../src/ui/render-seed'

export default class SeedStatus extends HactlCommand<typeof SeedStatus> {
  public static description = `Reads everything from AWS: the seed's instance state and type, the AMI it came from and whether that is the live bake, its age, the boot script's result and the code version it installed, the last cron run and how long ago it was, whether its SSM agent is Online, and the last staging result (filled in once staging tests exist). Takes no lock. A site without a seed is not an error: the result says so.`

  public static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --sandbox --json']

  public static summary = 'Show the seed: state, image, boot result, cron heartbeat, SSM agent.'

  public async run(): Promise<SeedStatusResult> {
    return this.runRead({
      async read({clients, config}) {
        const {seedStatus} = await import('../../src/seed/status')
        return seedStatus({clients, config})
      },
      render: renderSeedStatus,
    })
  }
}
