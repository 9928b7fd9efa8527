import {siteNames} from '../../../src/site/names'

describe('siteNames', () => {
  it('gives IAM names per site AND Region, as IAM is account-wide (issue 8, found by trying 15)', () => {
    const west = siteNames('demo', 'eu-west-1')
    const east = siteNames('demo', 'us-east-2')
    for (const key of ['instanceRole', 'instanceProfile', 'serviceRole'] as const) {
      expect(west[key]).not.toBe(east[key])
      expect(west[key]).toContain('eu-west-1')
    }
    // Regional resources keep their names: they cannot clash across Regions.
    expect(west.environment).toBe(east.environment)
    expect(siteNames('a'.repeat(23), 'ap-southeast-5').serviceRole.length).toBeLessThanOrEqual(64)
  })

  it('names the pointer parameter, the seed path and the app DB secret under the site prefix', () => {
    const names = siteNames('my-site', 'eu-west-1')
    expect(names.pointerParameter).toBe('/hactl/my-site/site')
    expect(names.seedParameterPrefix).toBe('/hactl/my-site/seed/')
    expect(names.appDbSecret).toBe('hactl/my-site/db-app')
    expect(names.appDbUser).toMatch(/^[A-Za-z_][A-Za-z0-9_]{0,31}$/)
    expect(names.appDbSecretToken.length).toBeGreaterThanOrEqual(32)
    expect(siteNames('a'.repeat(23), 'eu-west-1').appDbSecretToken.length).toBeLessThanOrEqual(64)
  })
})
