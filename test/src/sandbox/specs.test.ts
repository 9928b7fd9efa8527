import * as fs from 'node:fs'

import {SERVICES} from '../../../src/sandbox/registry'
import {SANDBOX_SERVICES} from '../../../src/sandbox/types'

/*
 * Each service's spec (services/*.md) lists the operations it simulates in
 * the first column of its "operation" tables under "## Operations" (`Op` or
 * `OpA`, `OpB`);
 * the service's operation table is what the sandbox answers. They must agree.
 */

/** The first cell's operation names of every table whose header's first column is "operation". */
function documentedOperations(specFile: string): string[] {
  const text = fs.readFileSync(specFile, 'utf8')
  const section = /^## Operations\n([\s\S]*?)(?=^## )/m.exec(text)?.[1] ?? ''
  const names: string[] = []
  let header: string | undefined
  let previous = ''
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim())
    if (line.startsWith('|') && !previous.startsWith('|')) header = cells[1]
    else if (line.startsWith('| `') && header === 'operation') names.push(...[...cells[1].matchAll(/`([A-Z][A-Za-z0-9]*)`/g)].map((match) => match[1]))
    previous = line
  }

  return [...new Set(names)].sort()
}

describe('sandbox specs', () => {
  it.each(SANDBOX_SERVICES.map((name) => [name]))('%s: the spec documents exactly the operations it simulates', async (name) => {
    const simulated = await SERVICES[name].load()
    expect(documentedOperations(simulated.specFile)).toEqual([...simulated.operations])
  })
})
