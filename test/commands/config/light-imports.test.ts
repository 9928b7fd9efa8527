/**
 * `hactl config show` and `hactl config validate` read hactl.yml; the build
 * precompiles its validators so that they never load TypeBox (the schema
 * builder, ~470 modules) or ajv's compiler. Importing the commands (and their
 * renderers) must not pull them in through the src/config barrel.
 */
let mockTypeboxLoaded = false
let mockAjvLoaded = false

jest.mock('@sinclair/typebox', () => {
  mockTypeboxLoaded = true
  return jest.requireActual('@sinclair/typebox')
})

jest.mock('ajv', () => {
  mockAjvLoaded = true
  return jest.requireActual('ajv')
})

describe('commands that read hactl.yml', () => {
  beforeEach(() => {
    jest.resetModules()
    mockTypeboxLoaded = false
    mockAjvLoaded = false
  })

  it.each(['config/show', 'config/validate'])('%s loads neither TypeBox nor the ajv compiler', (id) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const command = require(`../../../commands/${id}`) as {default: unknown}
    expect(command.default).toBeDefined()
    expect(mockTypeboxLoaded).toBe(false)
    expect(mockAjvLoaded).toBe(false)
  })

  it('the check itself works: config schema does load TypeBox', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('../../../commands/config/schema')
    expect(mockTypeboxLoaded).toBe(true)
  })
})
