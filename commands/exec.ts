import {Flags} from '@oclif/core'

import {HactlCommand} from '../src/cli/base-command'
import {waitFlag} from '../src/cli/flags'
import type {FleetExecResult} from '../src/ops/exec'
import {renderExecSummary, renderNodeResult} from '../src/ui/render-exec'

export default class Exec extends HactlCommand<typeof Exec> {
  public static description = `Runs a shell command on the site's web nodes through SSM Run Command (AWS-RunShellScript, as root, no SSH and no open port) and shows each node's output and exit code. Use it to look (read-only diagnosis: disk, processes, what PHP sees, a config file): web nodes are rebuilt from the baked image at every rollout and scale-out, so a change made here is lost, and until then \`hactl doctor\` reports the node as drifted from its image. Change code on the seed (\`hactl seed exec\`) and bake instead.

--all-web runs it on every running web node, at most --concurrency at once; --instance on one. Exits 0 only when every node exited 0; otherwise 1, and --json's results say which node failed with what (a node whose SSM agent is not Online is not run, and counts as failed). hactl's own failures have hactl's codes: no web node 12, --wait ran out 7 (the command goes on on the nodes).

SSM keeps only the first 24,000 characters of output and 8,000 of errors per node. One word after -- is run as a script as written (quote it to use pipes); several words are quoted and joined.`

  public static examples = [
    '<%= config.bin %> <%= command.id %> --all-web -- uptime',
    '<%= config.bin %> <%= command.id %> --all-web --concurrency 2 -- "df -h /var/app/current | tail -n 1"',
    '<%= config.bin %> <%= command.id %> --instance i-0123456789abcdef0 --json -- "php -m"',
  ]

  public static flags = {
    'all-web': Flags.boolean({exactlyOne: ['all-web', 'instance'], summary: 'Run on every running web node.'}),
    concurrency: Flags.integer({
      default: 5,
      description: 'How many web nodes run the command at once with --all-web.',
      max: 50,
      min: 1,
      summary: 'Nodes at once.',
    }),
    instance: Flags.string({
      exactlyOne: ['all-web', 'instance'],
      async parse(input) {
        if (!/^i-[0-9a-f]{8}([0-9a-f]{9})?$/.test(input)) throw new Error(`--instance takes an EC2 instance id such as i-0123456789abcdef0 (got "${input}")`)
        return input
      },
      summary: 'Run on this web node (an instance id).',
    }),
    wait: waitFlag(30),
  }

  public static strict = false

  public static summary = "Run a command on the site's web nodes (for diagnosis) and show each node's result."

  public async run(): Promise<FleetExecResult> {
    const [{argv}, {config}, aws] = await Promise.all([this.parse(Exec), this.loadConfig(), this.aws()])
    const [{execOnWebNodes}, {Deadline}] = await Promise.all([import('../src/ops/exec'), import('../src/core/deadline')])
    const json = this.jsonEnabled()
    const result = await execOnWebNodes({
      allWeb: this.flags['all-web'] ?? false,
      argv: argv as string[],
      clients: aws,
      concurrency: this.flags.concurrency,
      deadline: Deadline.after(aws.clock, this.flags.wait * 60_000),
      instanceId: this.flags.instance,
      onResult: json ? undefined : (node) => this.log(renderNodeResult(node)),
      region: config.region,
      reporter: this.reporter,
      signal: this.interrupt.signal,
      site: config.site,
    })
    this.reporter.stop(true)
    if (!json) this.log(renderExecSummary(result))
    if (result.failed === 0) return result
    if (json) this.logJson(result)
    return this.exit(1)
  }
}
