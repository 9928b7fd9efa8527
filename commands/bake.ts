import {Flags} from '@oclif/core'

import {breakLockFlag, waitFlag} from '../src/cli/flags'
import {HactlCommand} from '../src/cli/base-command'
import type {BakeResult} from '../src/bake/bake'
import {renderBake} from '../src/ui/render-bake'

export default class Bake extends HactlCommand<typeof Bake> {
  public static description = `Bakes an AMI of the seed, only when the last passing staging run (\`hactl test run\`, recorded in /hactl/<site>/tests/last-pass) tested the seed's current change marker; otherwise exit 9, naming the run and the marker that differs. --force bakes anyway and tags the image hactl:forced=true.

Pauses the seed's cron first (stops hactl-cron.timer and waits up to 10 minutes for a running job to end) and removes shell and database-client histories; cron is started again whatever happens. The image and its snapshots are tagged with their lineage: site, seed instance, source AMI, EB platform ARN, staging run, change marker, app version, hactl version, run id and whether forced. When it is available, /hactl/<site>/bake/latest points at it.

A re-run after a timeout or Ctrl-C finds the image of the same seed at the same marker by its tags and waits for it instead of making a second one. An image that ends failed is deregistered, its snapshots deleted, and the bake exits 1. No seed, or one not booted or not Online: exit 12.`

  public static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> && <%= config.bin %> rollout',
    '<%= config.bin %> <%= command.id %> --force --yes',
    '<%= config.bin %> <%= command.id %> --no-reboot --wait 90',
  ]

  public static flags = {
    'break-lock': breakLockFlag,
    force: Flags.boolean({
      default: false,
      description: 'Bake a seed whose current change marker has no passing staging run. The image is tagged hactl:forced=true, and `hactl images list` shows it.',
      summary: 'Bake without a passing staging run.',
    }),
    'no-reboot': Flags.boolean({
      default: false,
      description: 'By default EC2 shuts the seed down and boots it again for the image, so everything buffered in memory is on disk: a consistent file system, at the cost of the seed (staging only) being down for a minute or two. With --no-reboot the seed keeps running and the image is crash-consistent: only what was written to disk when the snapshot started, as after a power cut; an open database client or PHP writing a file at that moment may leave it half written in the image.',
      summary: 'Do not reboot the seed (crash-consistent image).',
    }),
    wait: waitFlag(60),
  }

  public static summary = 'Bake an AMI of the tested seed, tagged with its lineage.'

  public async run(): Promise<BakeResult> {
    const {force, 'no-reboot': noReboot} = this.flags
    const runId = this.runId
    const hactlVersion = this.config.version
    return this.runMutation({
      confirm: async (config) => this.confirm(`Bake an AMI of the seed of ${config.site}${noReboot ? '' : ' (the seed reboots for a minute or two)'}${force ? ', untested (--force)' : ''}?`),
      operation: 'bake',
      render: renderBake,
      async work(context) {
        const [{bake}, {notifyBake}] = await Promise.all([import('../src/bake/bake'), import('../src/ops/notify-hooks')])
        const result = await bake({...context, force, hactlVersion, noReboot, runId})
        await notifyBake(context, result)
        return result
      },
    })
  }
}
