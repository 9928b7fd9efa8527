import {Flags} from '@oclif/core'

import {HactlCommand} from '../../src/cli/base-command'
import {breakLockFlag} from '../../src/cli/flags'
import type {ScheduleRequest, StagingScheduleResult} from '../../src/staging/schedule'
import {renderTestSchedule} from '../../src/ui/render-test'

export default class TestSchedule extends HactlCommand<typeof TestSchedule> {
  public static description = `Runs the staging tests on the seed on a schedule: an EventBridge Scheduler schedule (hactl-<site>-staging-tests) whose target calls SSM SendCommand itself (the universal target arn:aws:scheduler:::aws-sdk:ssm:sendCommand) to start the runner on the seed's instance, with its own execution role (trusting scheduler.amazonaws.com for this account only, allowed ssm:SendCommand on AWS-RunShellScript and that instance only). Without --every, --cron or --off it applies hactl.yml's staging.schedule and staging.timezone. Idempotent; \`hactl seed create\` points the schedule at a new seed.

Back-off: Scheduler sees only whether SendCommand was accepted, never whether a check failed (its retries, at most 2, cover the call). So the runner on the seed keeps the streak: after 3 failed scheduled runs in a row only every 4th scheduled run runs, and the ones in between are recorded as skipped (backoff); a full passing run, scheduled or \`hactl test run\`, ends it. While the site is frozen (\`hactl lock acquire\`, a manual lock) scheduled runs are recorded as skipped (frozen).

Notifications: with notify.email or notify.topicArn in hactl.yml, the first failing scheduled run and the first passing one after it each publish one message to notify.topicArn, else to the site's topic hactl-<site>-notify (the instance role may publish there and nowhere else).

Takes the site lock. Exits 12 when there is no seed to target.`

  public static examples = [
    '<%= config.bin %> <%= command.id %> --every 1h',
    '<%= config.bin %> <%= command.id %> --cron "0 3 * * ? *" --timezone Europe/Paris',
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --off',
    '<%= config.bin %> <%= command.id %> --every 1h --sandbox --json',
  ]

  public static flags = {
    'break-lock': breakLockFlag,
    cron: Flags.string({description: 'An EventBridge Scheduler cron expression, six fields: minutes hours day-of-month month day-of-week year, "?" in one day field, e.g. "0 3 * * ? *".', exclusive: ['every', 'off'], helpValue: '<expression>', summary: 'Run on a cron expression.'}),
    every: Flags.string({description: 'An interval: 15m, 1h, 6h, 1d (rate(...); the least is 1 minute).', exclusive: ['cron', 'off', 'timezone'], helpValue: '<interval>', summary: 'Run at this interval.'}),
    off: Flags.boolean({default: false, description: 'Delete the schedule and its role. Recorded runs stay.', exclusive: ['cron', 'every', 'timezone'], summary: 'Stop the scheduled runs.'}),
    timezone: Flags.string({dependsOn: ['cron'], description: 'IANA time zone of the cron expression (default hactl.yml staging.timezone).', helpValue: '<zone>', summary: 'Time zone of --cron.'}),
  }

  public static summary = 'Run the staging tests on a schedule (or stop them).'

  public async run(): Promise<StagingScheduleResult> {
    const {cron, every, off, timezone} = this.flags
    const request: ScheduleRequest = off ? {off: true} : every ? {every} : cron ? {cron, timezone} : {fromConfig: true}
    return this.runMutation({
      // The schedule changes nothing the site serves; it costs a command on the seed each time.
      confirm: async (config) => this.confirm(off ? `Stop the scheduled staging tests of ${config.site}?` : `Schedule the staging tests of ${config.site} on its seed?`),
      operation: 'test schedule',
      render: renderTestSchedule,
      async work(context) {
        const {scheduleStaging} = await import('../../src/staging/schedule')
        return scheduleStaging({clients: context.clients, config: context.config, reporter: context.reporter, request})
      },
    })
  }
}
