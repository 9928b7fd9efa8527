/**
 * An unknown command or topic. oclif reports it on stderr only, so a script
 * running `hactl <typo> --json` got nothing on stdout to parse; with --json
 * this prints the same JSON error object every command prints. Either way
 * the exit code stays 2 (usage).
 */
import {Errors, type Hook} from '@oclif/core'

import type {JsonErrorResult} from '../../src/cli/base-command'
import {ExitCode} from '../../src/core/exit-codes'
import {escapeControlCharacters} from '../../src/ui/format-error'

const hook: Hook.CommandNotFound = async function ({argv, id}) {
  const command = id.replaceAll(':', ' ')
  const message = `"${escapeControlCharacters(command)}" is not a hactl command.`
  const suggestion = 'Run `hactl --help` for the list of commands.'
  if ((argv ?? []).includes('--json') || id.split(':').includes('--json')) {
    const json: JsonErrorResult = {error: {code: 'command-not-found', exitCode: ExitCode.Usage, message, suggestions: [suggestion]}}
    this.log(JSON.stringify(json, null, 2))
    this.exit(ExitCode.Usage)
  }

  throw new Errors.CLIError(`${message} ${suggestion}`, {exit: ExitCode.Usage})
}

export default hook
