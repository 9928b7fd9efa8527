import {Flags} from '@oclif/core'

import {HactlCommand} from '../src/cli/base-command'
import type {PlanResult} from '../src/env/plan'
import {renderPlan} from '../src/ui/render-plan'

export default class Plan extends HactlCommand<typeof Plan> {
  public static description = `Offline, from hactl.yml alone (no credentials needed): every resource \`hactl env create\` makes (kind, name, tags, key settings), every Elastic Beanstalk option setting, the .ebextensions and .platform files of the application bundle, and the estimated instance counts.

With --sandbox, --live or an endpoint it also looks at what exists and shows what would be created and which option settings would change.`

  public static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --json',
    '<%= config.bin %> <%= command.id %> --sandbox',
    '<%= config.bin %> <%= command.id %> --live --profile prod-admin',
  ]

  public static flags = {
    files: Flags.boolean({
      default: false,
      description: 'Print the content of every bundle file, not only its name (--json always includes it).',
      summary: 'Show the bundle files in full.',
    }),
    live: Flags.boolean({
      default: false,
      description: 'Compare with what exists on AWS (needs credentials). Implied by --sandbox and --endpoint-url.',
      summary: 'Compare with what exists.',
    }),
  }

  public static summary = 'Show what `hactl env create` would make, and with AWS at hand what would change.'

  public async run(): Promise<PlanResult> {
    const {config} = await this.loadConfig()
    const [{plan}, {buildBundle}] = await Promise.all([import('../src/env/plan'), import('../src/env/bundle')])
    const target = {endpointUrl: this.flags['endpoint-url'], live: this.flags.live, sandbox: this.flags.sandbox}
    const result = await plan({bundle: buildBundle(), clients: () => this.aws(), config, target})
    return this.present(result, (planned) => renderPlan(planned, {files: this.flags.files}))
  }
}
