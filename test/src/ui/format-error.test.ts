import {ConfigError, LockHeldError} from '../../../src/core/errors'
import {formatError} from '../../../src/ui/format-error'

describe('formatError', () => {
  it('prints code, message and what to try', () => {
    const error = new LockHeldError('Site demo is locked by alice.', 'alice', new Date(0), {suggestions: ['Wait, then retry.']})
    expect(formatError(error, {color: false})).toBe('Error (lock-held): Site demo is locked by alice.\nTry this:\n  Wait, then retry.')
  })

  it('lists every config problem with file and line', () => {
    const error = new ConfigError('hactl.yml has 2 problems.', {
      file: 'hactl.yml',
      problems: [
        {column: 11, line: 14, message: 'database.engine: must be one of mysql, … (got "oracle")', path: 'database.engine'},
        {line: 7, message: 'environment.minSize: must be >= 1 (got -1)', path: 'environment.minSize'},
      ],
    })
    expect(formatError(error, {color: false}).split('\n')).toEqual([
      'Error (config): hactl.yml has 2 problems.',
      '  hactl.yml:14:11  database.engine: must be one of mysql, … (got "oracle")',
      '  hactl.yml:7  environment.minSize: must be >= 1 (got -1)',
    ])
  })
})
