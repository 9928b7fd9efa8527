/**
 * The CLI's contract: command ids and their flags. A renamed or removed flag
 * shows up here as a reviewed snapshot diff (`npx jest -u` after deciding),
 * in the spirit of @oclif/plugin-command-snapshot.
 */
import {Plugin} from '@oclif/core'

import {ROOT} from '../_helpers/cli'

describe('command contract', () => {
  it('matches the snapshot of command ids and flags', async () => {
    const plugin = new Plugin({ignoreManifest: true, isRoot: true, root: ROOT, type: 'core'})
    await plugin.load()
    const contract = Object.fromEntries(
      plugin.commands
        .map((command) => [
          command.id,
          Object.entries(command.flags)
            .filter(([, flag]) => !flag.hidden)
            .map(([name, flag]) => `${name}${flag.type === 'option' ? '=' : ''}${flag.char ? ` (-${flag.char})` : ''}`)
            .sort(),
        ] as const)
        .sort(([a], [b]) => a.localeCompare(b)),
    )
    expect(contract).toMatchSnapshot()
  })
})
