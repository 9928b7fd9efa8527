import {Flags} from '@oclif/core'

import {HactlCommand} from '../../src/cli/base-command'
import {waitFlag} from '../../src/cli/flags'
import {HactlError} from '../../src/core/errors'
import {ExitCode} from '../../src/core/exit-codes'
import type {StagingRunResult} from '../../src/staging/run'
import {renderTestRun} from '../../src/ui/render-test'

const ids = (value: string | undefined): string[] => (value ?? '').split(',').map((id) => id.trim()).filter(Boolean)

export default class TestRun extends HactlCommand<typeof TestRun> {
  public static description = `Runs the site's staging checks on the seed now, through SSM Run Command (AWS-RunShellScript): the runner installed by the seed's boot script runs each check as an unprivileged user under its own time limit, prints a report and records it in SSM (/hactl/<site>/tests/last, and tests/last-pass for a full passing run) with the seed's own role, so a scheduled run and this one record alike and \`hactl test history\`, \`hactl bake\` and a second operator see it.

Shows each check's result and duration. --junit writes JUnit XML (one testcase per check) for CI.

Takes no site lock: the checks only read the seed (the uploads probe deletes what it writes), so they never get in the way of a bake or a rollout, and run during a freeze when asked (scheduled runs skip a frozen site).

Exits 0 when every selected check passed and the run is recorded; 9 when a check failed, or when the run passed but could not be recorded (a bake would not count it); 12 when there is no seed or its SSM agent is not Online, or the seed has no runner; 2 for an unknown check id; 7 when --wait runs out (the run goes on on the seed and still records). With --json a failed run is in error.data.`

  public static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --only http-home,db-connect',
    '<%= config.bin %> <%= command.id %> --skip php-errors --junit staging.xml',
    '<%= config.bin %> <%= command.id %> --sandbox --json',
  ]

  public static flags = {
    junit: Flags.string({description: 'Write the result as JUnit XML (one testcase per check) to this file.', helpValue: '<file>', summary: 'Write JUnit XML.'}),
    only: Flags.string({description: 'Comma-separated check ids to run, e.g. http-home,db-connect (a partial run never becomes the last pass).', helpValue: '<id,...>', summary: 'Run only these checks.'}),
    skip: Flags.string({description: 'Comma-separated check ids to leave out (a partial run never becomes the last pass).', helpValue: '<id,...>', summary: 'Leave these checks out.'}),
    wait: waitFlag(30),
  }

  public static summary = 'Run the staging tests on the seed now.'

  public async run(): Promise<StagingRunResult> {
    const [{config}, aws] = await Promise.all([this.loadConfig(), this.aws()])
    const [{exitCodeOf, runStaging}, {Deadline}] = await Promise.all([import('../../src/staging/run'), import('../../src/core/deadline')])
    const result = await runStaging({
      clients: aws,
      config,
      deadline: Deadline.after(aws.clock, this.flags.wait * 60_000),
      junitPath: this.flags.junit,
      only: ids(this.flags.only),
      reporter: this.reporter,
      signal: this.interrupt.signal,
      skip: ids(this.flags.skip),
    })
    this.reporter.stop(true)
    if (!this.jsonEnabled()) this.log(renderTestRun(result))
    if (exitCodeOf(result) === ExitCode.Success) return result
    const message = result.result === 'pass' ? 'The staging tests passed but the run was not recorded.' : `Staging checks failed: ${result.failed.join(', ')}.`
    throw new HactlError(result.result === 'pass' ? 'staging-not-recorded' : 'staging-failed', message, {
      data: result as unknown as Record<string, unknown>,
      exitCode: ExitCode.ChecksFailed,
      suggestions: [result.result === 'pass' ? 'Check that the instance role allows ssm:PutParameter on /hactl/<site>/tests/last (`hactl env create` sets it), then run again.' : 'Fix what the failing checks say on the seed (`hactl seed exec`, `hactl seed tunnel`), then run again.'],
    })
  }
}
