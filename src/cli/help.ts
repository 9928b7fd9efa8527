/**
 * oclif's help, plus an EXIT CODES section on every command's help page, so
 * scripts can be written against hactl without opening the README.
 */
import type {Command} from '@oclif/core'
import {CommandHelp, Help} from '@oclif/core/help'

import {exitCodeHelpRows} from '../core/exit-codes'

class HactlCommandHelp extends CommandHelp {
  protected override sections(): ReturnType<CommandHelp['sections']> {
    return [
      ...super.sections(),
      {
        generate: () => this.renderList(exitCodeHelpRows().map(({description, name}) => [name, description]), {indentation: 2, spacer: '\n', stripAnsi: this.opts.stripAnsi}),
        header: 'EXIT CODES',
      },
    ]
  }
}

export default class HactlHelp extends Help {
  protected override getCommandHelpClass(command: Command.Loadable): CommandHelp {
    return new HactlCommandHelp(command, this.config, this.opts)
  }
}
