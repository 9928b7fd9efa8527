import {breakLockFlag, lockWaitFlag, waitFlag} from '../src/cli/flags'
import {HactlCommand} from '../src/cli/base-command'
import type {UpResult} from '../src/pipeline/up'
import {renderUp} from '../src/ui/render-up'

export default class Up extends HactlCommand<typeof Up> {
  public static description = `Runs the whole pipeline as five named stages, one after the other:
  1. env      the Elastic Beanstalk environment and its data tier (as \`hactl env create\`);
  2. seed     the seed instance (as \`hactl seed create\`);
  3. test     the staging tests on the seed (as \`hactl test run\`);
  4. bake     an AMI of the tested seed (as \`hactl bake\`);
  5. rollout  that AMI into the environment, health-gated, rolled back by itself on failure (as \`hactl rollout\`).
Each stage is passed over when its work is already done (the environment matches hactl.yml and is Green; a seed booted; a passing staging run for the seed's current code; a bake of that code; that bake live), so a second \`up\` on a finished site changes nothing and says so, and a re-run after a failure, a timeout or Ctrl-C goes on where the last one stopped.

Stops at the first failing stage with that stage's exit code (e.g. 9 when a staging check fails, 8 when the rollout was rolled back). Holds the site lock for the whole run. --json returns each stage's outcome, its duration (simulated in the sandbox) and the AWS calls it made.`

  public static examples = [
    '<%= config.bin %> <%= command.id %> --sandbox --yes',
    '<%= config.bin %> <%= command.id %> --yes --json',
    '<%= config.bin %> <%= command.id %> --yes --wait 180 --lock-wait 30',
  ]

  public static flags = {
    'break-lock': breakLockFlag,
    'lock-wait': lockWaitFlag,
    wait: waitFlag(180),
  }

  public static summary = 'Environment, seed, tests, bake and rollout: everything not yet done.'

  public async run(): Promise<UpResult> {
    return this.runMutation({
      confirm: async (config) => this.confirm(`Bring ${config.site} in ${config.region} up: environment, seed, staging tests, bake and rollout, where not yet done?`),
      operation: 'up',
      render: renderUp,
      work: async (context) => {
        const {up} = await import('../src/pipeline/up')
        return up({...context, hactlVersion: this.config.version, runId: this.runId})
      },
    })
  }
}
