import {HactlCommand} from '../../src/cli/base-command'
import type {EnvStatusResult} from '../../src/env/status'
import {renderEnvStatus} from '../../src/ui/render-env'

export default class EnvStatus extends HactlCommand<typeof EnvStatus> {
  public static description = `Reads everything from AWS: Elastic Beanstalk's status and enhanced health (with causes), each instance and the AMI it runs, the environment's URL, and the state and endpoint of the EFS file system, the database and the cache.`

  public static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --sandbox --json']

  public static summary = 'Show the environment, its instances and its data tier.'

  public async run(): Promise<EnvStatusResult> {
    return this.runRead({
      async read({clients, config}) {
        const {getEnvStatus} = await import('../../src/env/status')
        return getEnvStatus({clients, config})
      },
      render: renderEnvStatus,
    })
  }
}
