import {flagsGiven, parseDuration, withOptionalFlagValue} from '../../../src/cli/flags'

describe('--lock-wait [MINUTES]', () => {
  it('gives a bare --lock-wait the default, and leaves a given value alone', () => {
    expect(withOptionalFlagValue(['--yes', '--lock-wait'], 'lock-wait', '30')).toEqual(['--yes', '--lock-wait', '30'])
    expect(withOptionalFlagValue(['--lock-wait', '--yes'], 'lock-wait', '30')).toEqual(['--lock-wait', '30', '--yes'])
    expect(withOptionalFlagValue(['--lock-wait', '90', '--yes'], 'lock-wait', '30')).toEqual(['--lock-wait', '90', '--yes'])
    expect(withOptionalFlagValue(['--lock-wait=5'], 'lock-wait', '30')).toEqual(['--lock-wait=5'])
    expect(withOptionalFlagValue(['--', '--lock-wait'], 'lock-wait', '30')).toEqual(['--', '--lock-wait'])
  })
})

describe('flags the operator gave (for the audit trail)', () => {
  const definitions = {'break-lock': {}, sandbox: {env: 'HACTL_SANDBOX'}, wait: {}, yes: {char: 'y'}}

  it('keeps typed flags, char flags and env-set flags, and drops defaults nobody typed', () => {
    const parsed = {'break-lock': false, sandbox: true, wait: 90, yes: true}
    expect(flagsGiven(['-y', '--wait', '90'], parsed, definitions, {HACTL_SANDBOX: '1'})).toEqual({sandbox: true, wait: 90, yes: true})
    expect(flagsGiven(['--wait=90'], parsed, definitions, {})).toEqual({wait: 90})
  })
})

describe('--since', () => {
  it('reads a number and a unit, and says what is wrong otherwise', () => {
    expect(parseDuration('30m')).toBe(30 * 60_000)
    expect(parseDuration('2d')).toBe(2 * 86_400_000)
    expect(() => parseDuration('0h')).toThrow('--since takes a number and a unit')
    expect(() => parseDuration('yesterday')).toThrow('(got "yesterday")')
  })
})
