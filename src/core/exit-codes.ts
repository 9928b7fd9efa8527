/**
 * hactl's exit codes. 0 means success and nothing else; a partial success is
 * never 0, so `hactl bake && hactl rollout` is safe. The table is shown in
 * every command's `--help` and in the README; a test keeps the two in step.
 */
export enum ExitCode {
  Success = 0,
  Failure = 1,
  Usage = 2,
  Config = 3,
  Aws = 4,
  Credentials = 5,
  LockHeld = 6,
  TimedOut = 7,
  RolledBack = 8,
  ChecksFailed = 9,
  Aborted = 10,
  Unhealthy = 11,
  NotReady = 12,
  Interrupted = 130,
}

export const EXIT_CODE_DESCRIPTIONS: Readonly<Record<ExitCode, string>> = {
  [ExitCode.Success]: 'success',
  [ExitCode.Failure]: 'unexpected failure (a bug, or an error hactl does not classify)',
  [ExitCode.Usage]: 'usage error: a bad flag, argument or input value',
  [ExitCode.Config]: 'hactl.yml is missing or invalid',
  [ExitCode.Aws]: 'an AWS call failed (AWS\'s message and request id are shown)',
  [ExitCode.Credentials]: 'no AWS credentials, or they expired',
  [ExitCode.LockHeld]: 'another operator holds the site lock',
  [ExitCode.TimedOut]: 'timed out waiting; the AWS operation is still running',
  [ExitCode.RolledBack]: 'the change failed health checks and was rolled back automatically',
  [ExitCode.ChecksFailed]: 'one or more checks or staging tests failed',
  [ExitCode.Aborted]: 'aborted: a confirmation was declined',
  [ExitCode.Unhealthy]: 'the environment is up but unhealthy (Red): its causes are shown; `hactl env create --redeploy` deploys it again, keeping the data',
  [ExitCode.NotReady]: 'what the command acts on is missing or not ready (e.g. no seed, or its SSM agent not Online)',
  [ExitCode.Interrupted]: 'interrupted (Ctrl-C); run `hactl status` to see where the work stands',
}

/** The table as oclif help-section rows. */
export function exitCodeHelpRows(): Array<{description: string; name: string}> {
  return Object.entries(EXIT_CODE_DESCRIPTIONS).map(([code, description]) => ({description, name: code}))
}
