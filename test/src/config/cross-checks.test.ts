import {isArmInstanceType, isTimeZone} from '../../../src/config/cross-checks'

describe('isArmInstanceType', () => {
  it.each([
    // Graviton: the first-generation a1, and a "g" after the generation digit.
    'a1.medium',
    'a1.metal',
    't4g.small',
    'm6g.large',
    'm6gd.xlarge',
    'm7gd.large',
    'c6gn.large',
    'c7gn.medium',
    'r8g.large',
    'x2gd.large',
    'im4gn.large',
    'is4gen.medium',
    'hpc7g.4xlarge',
    'g5g.xlarge',
  ])('%s is arm64', (type) => {
    expect(isArmInstanceType(type)).toBe(true)
  })

  it.each([
    't3.small',
    't3a.medium',
    'm5.large',
    'm7i-flex.large',
    'c7a.large',
    'r6idn.large',
    'x2iedn.xlarge',
    // A "g" before the digit is a GPU family, not Graviton.
    'g4dn.xlarge',
    'g4ad.xlarge',
    'g6.xlarge',
    'gr6.4xlarge',
    'a2.large',
    'z1d.large',
  ])('%s is x86_64', (type) => {
    expect(isArmInstanceType(type)).toBe(false)
  })
})

describe('isTimeZone', () => {
  it.each(['UTC', 'Europe/Paris', 'America/Argentina/Buenos_Aires', 'Asia/Kolkata', 'Etc/GMT+5'])('accepts %s', (zone) => {
    expect(isTimeZone(zone)).toBe(true)
  })

  it.each(['Mars/Base', 'Europe/Pariss', 'europe/paris', 'Nowhere'])('rejects %s', (zone) => {
    expect(isTimeZone(zone)).toBe(false)
  })
})
