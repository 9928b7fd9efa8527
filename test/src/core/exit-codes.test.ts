import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {EXIT_CODE_DESCRIPTIONS, ExitCode, exitCodeHelpRows} from '../../../src/core/exit-codes'
import {AbortError, AwsError, ChecksFailedError, ConfigError, CredentialsError, LockHeldError, RolledBackError, TimeoutError, UserError} from '../../../src/core/errors'

const codes = Object.values(ExitCode).filter((v): v is ExitCode => typeof v === 'number')

describe('exit codes', () => {
  it('describes every code', () => {
    for (const code of codes) expect(EXIT_CODE_DESCRIPTIONS[code]).toMatch(/\w/)
    expect(exitCodeHelpRows()).toHaveLength(codes.length)
  })

  it('are all distinct, and 0 means success only', () => {
    expect(new Set(codes).size).toBe(codes.length)
    expect(ExitCode.Success).toBe(0)
  })

  it('each error class carries its own code', () => {
    expect(new UserError('u', 'm').exitCode).toBe(ExitCode.Usage)
    expect(new ConfigError('m').exitCode).toBe(ExitCode.Config)
    expect(new AwsError('X', 'm').exitCode).toBe(ExitCode.Aws)
    expect(new CredentialsError('m').exitCode).toBe(ExitCode.Credentials)
    expect(new LockHeldError('m', 'h', new Date()).exitCode).toBe(ExitCode.LockHeld)
    expect(new TimeoutError('m').exitCode).toBe(ExitCode.TimedOut)
    expect(new RolledBackError('m').exitCode).toBe(ExitCode.RolledBack)
    expect(new ChecksFailedError('m').exitCode).toBe(ExitCode.ChecksFailed)
    expect(new AbortError('m').exitCode).toBe(ExitCode.Aborted)
  })

  it('the README\'s exit-code table matches the code', () => {
    const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8')
    for (const code of codes) {
      expect(readme).toContain(`| ${code} | ${EXIT_CODE_DESCRIPTIONS[code]} |`)
    }
  })
})
