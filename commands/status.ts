import {Flags} from '@oclif/core'

import {HactlCommand} from '../src/cli/base-command'
import {getStatus, type StatusResult} from '../src/status/status'
import {renderStatus} from '../src/ui/render-status'

export default class Status extends HactlCommand<typeof Status> {
  public static description = `Reads everything from AWS (tags, EB, EC2 and the SSM parameters under /hactl/<site>/), never from local files, so a second operator or a CI job sees the same truth. Read-only: takes no lock.

Shows who the credentials belong to, the region, the hactl.yml in use, and for its site: the environment's status and health; the live AMI (the environment's ImageId), its age and whether it is a bake or the platform's base AMI; whether a newer platform version of the branch means the bake should be rebased; the seed and its cron heartbeat; the last staging run and the last passing one; the staging schedule; the last bake; the last rollout and the previous image a rollback goes back to; the lock or deploy freeze. What does not exist yet (no seed, no bake, no test run) is shown as such.

--marker also asks the seed for its change marker (SSM Run Command, a few seconds) to say whether the seed changed since the last test; without it status sends nothing to the seed.

--drift also asks every web node and the seed for their change markers (one SSM Run Command to all of them, a few seconds) and compares them with the live bake's: a web node whose code was changed on it (lost at the next scale event), a seed on another app version than the web nodes. \`hactl doctor\` checks the same (web-drift, seed-drift).`

  public static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --sandbox --json',
    '<%= config.bin %> <%= command.id %> --marker',
    '<%= config.bin %> <%= command.id %> --drift --json',
    '<%= config.bin %> <%= command.id %> --profile prod-admin --region eu-west-1',
  ]

  public static flags = {
    drift: Flags.boolean({
      default: false,
      description: 'Runs `staging-run --marker` on every web node and the seed in one SSM Run Command (needs ssm:SendCommand; waits at most 90 s) and compares each with the live image\'s hactl:marker and hactl:app-version. With --marker, the seed answers both from that one command.',
      summary: 'Ask the web nodes and the seed whether they drifted from the live image.',
    }),
    marker: Flags.boolean({
      default: false,
      description: 'Runs `staging-run --marker` on the seed through SSM Run Command (needs ssm:SendCommand; waits at most a minute) and compares it with the last staging run and the last passing one.',
      summary: 'Ask the seed whether it changed since the last test.',
    }),
  }

  public static summary = 'Show the site at a glance: environment, live AMI, seed, tests, bake, rollout and lock.'

  public async run(): Promise<StatusResult> {
    const [aws, config] = await Promise.all([this.aws(), this.optionalConfig()])
    const result = await getStatus({clients: aws, config, drift: this.flags.drift, marker: this.flags.marker, reporter: this.reporter})
    return this.present(result, renderStatus)
  }
}
