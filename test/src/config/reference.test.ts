import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {configReferenceMarkdown, withConfigReference} from '../../../src/config/reference'

describe('config reference', () => {
  it('lists every key with its per-app defaults', () => {
    const table = configReferenceMarkdown()
    expect(table).toContain('| `site` |')
    expect(table).toMatch(/\| `database\.engine` \| `mysql` \\\| `mariadb`.* \| WordPress `mysql`; Moodle `postgres` \|/)
    expect(table).toMatch(/\| `environment\.minSize` \| integer 1–10000 \| `2` \|/)
  })

  it('is up to date in the README (run `npm run docs` to regenerate)', () => {
    const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8')
    expect(withConfigReference(readme)).toBe(readme)
  })
})
