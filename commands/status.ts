import {HactlCommand} from '../src/cli/base-command'
import {getStatus, type StatusResult} from '../src/status/status'
import {renderStatus} from '../src/ui/render-status'

export default class Status extends HactlCommand<typeof Status> {
  public static description = `Reads everything from AWS (tags and SSM parameters under /hactl/<site>/), never from local files, so a second operator or a CI job sees the same truth.

Shows who the credentials belong to, the region, whether this is the sandbox, the hactl.yml in use, and for its site the lock, the pointers under /hactl/<site>/ and the EB environment's status and health (read only when a pointer or the lock says the site was made).`

  public static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --sandbox --json',
    '<%= config.bin %> <%= command.id %> --profile prod-admin --region eu-west-1',
  ]

  public static summary = 'Show the site at a glance: identity, config, lock, pointers and environment health.'

  public async run(): Promise<StatusResult> {
    const [aws, config] = await Promise.all([this.aws(), this.optionalConfig()])
    const result = await getStatus({clients: aws, config})
    if (!this.jsonEnabled()) this.log(renderStatus(result))
    return result
  }
}
