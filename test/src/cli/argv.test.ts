import {flagValue} from '../../../src/cli/argv'

describe('flagValue', () => {
  it('reads --name value and --name=value', () => {
    expect(flagValue(['status', '--config', 'a.yml'], 'config')).toBe('a.yml')
    expect(flagValue(['status', '--config=b.yml'], 'config')).toBe('b.yml')
    expect(flagValue(['status', '--region', 'eu-west-1', '--config=b.yml'], 'region')).toBe('eu-west-1')
  })

  it('ignores other flags that start the same and anything after --', () => {
    expect(flagValue(['--configure', 'x'], 'config')).toBeUndefined()
    expect(flagValue(['--', '--config', 'x'], 'config')).toBeUndefined()
    expect(flagValue([], 'config')).toBeUndefined()
  })
})
