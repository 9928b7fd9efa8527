import {HactlCommand} from '../src/cli/base-command'
import {getStatus, type StatusResult} from '../src/status/status'
import {renderStatus} from '../src/ui/render-status'

export default class Status extends HactlCommand<typeof Status> {
  public static description = `Reads everything from AWS (tags and SSM parameters under /hactl/<site>/), never from local files, so a second operator or a CI job sees the same truth.

Shows who the credentials belong to, the region, whether this is the sandbox, the hactl.yml in use and the site lock.`

  public static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --sandbox --json',
    '<%= config.bin %> <%= command.id %> --profile prod-admin --region eu-west-1',
  ]

  public static summary = 'Show the site at a glance: identity, config and lock.'

  public async run(): Promise<StatusResult> {
    const [aws, config] = await Promise.all([this.aws(), this.optionalConfig()])
    const result = await getStatus({clients: aws, config})
    if (!this.jsonEnabled()) this.log(renderStatus(result))
    return result
  }
}
