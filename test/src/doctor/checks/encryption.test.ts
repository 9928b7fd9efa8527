import type {SiteFacts} from '../../../../src/doctor/run'
import {auroraSite, check, failing, healthySite, withRedis} from '../_helpers/site'

describe('judgeSite: cache-encrypted', () => {
  const healthy = healthySite()

  it('Redis must require TLS, not merely prefer it', () => {
    const preferred = withRedis(healthy, {TransitEncryptionMode: 'preferred'})
    expect(failing(preferred)).toEqual(['cache-encrypted'])
    expect(check(preferred, 'cache-encrypted')).toMatchObject({
      detail: 'Redis replication group hactl-demo accepts plain-text connections too (TransitEncryptionMode preferred)',
      remedy: expect.stringContaining('ElastiCache cannot change TLS on a group with an AUTH token'),
    })
    // Without AUTH, ElastiCache changes the mode in place.
    const bare = withRedis(healthy, {AuthTokenEnabled: false, TransitEncryptionMode: 'preferred'})
    expect(check(bare, 'cache-encrypted').remedy).toMatch(
      /^aws elasticache modify-replication-group --replication-group-id hactl-demo --transit-encryption-mode required --apply-immediately; .*--auth-token-update-strategy ROTATE/,
    )
    const off = withRedis(healthy, {AuthTokenEnabled: false, TransitEncryptionEnabled: false})
    expect(check(off, 'cache-encrypted').remedy).toContain('--transit-encryption-enabled --transit-encryption-mode preferred --apply-immediately, then (clients on TLS)')
  })

  it('Redis must have AUTH on; the remedy points at the secret, never shows it', () => {
    const noAuth = withRedis(healthy, {AuthTokenEnabled: false})
    expect(failing(noAuth)).toEqual(['cache-encrypted'])
    expect(check(noAuth, 'cache-encrypted')).toMatchObject({
      detail: 'Redis replication group hactl-demo lets clients in without the AUTH token (AuthTokenEnabled false)',
      remedy: expect.stringContaining('--secret-id hactl/demo/cache-auth'),
    })
  })

  it('several problems read as one line', () => {
    const bad = withRedis(healthy, {AtRestEncryptionEnabled: false, AuthTokenEnabled: false, TransitEncryptionEnabled: false, TransitEncryptionMode: undefined})
    expect(check(bad, 'cache-encrypted').detail).toBe(
      'Redis replication group hactl-demo is not encrypted at rest or in transit and lets clients in without the AUTH token (AuthTokenEnabled false)',
    )
  })

  it('a mode AWS does not report passes when the flags are on, and says so', () => {
    const unreported = withRedis(healthy, {TransitEncryptionMode: undefined})
    expect(check(unreported, 'cache-encrypted')).toMatchObject({
      detail: 'Redis replication group hactl-demo is encrypted at rest and in transit (mode not reported), AUTH on',
      status: 'pass',
    })
    expect(check(healthy, 'cache-encrypted').detail).toBe('Redis replication group hactl-demo is encrypted at rest and in transit, TLS required, AUTH on')
  })

  it('Memcached: TLS on and required', () => {
    const aurora = auroraSite()
    const memcached = (change: object): SiteFacts => ({...aurora, cache: {cluster: {...(aurora.cache as Extract<SiteFacts['cache'], {kind: 'memcached'}>).cluster, ...change}, kind: 'memcached'}})
    expect(failing(memcached({TransitEncryptionMode: 'preferred'}))).toEqual(['cache-encrypted'])
    expect(check(memcached({TransitEncryptionMode: undefined}), 'cache-encrypted').detail).toBe('Memcached cluster hactl-demo is encrypted in transit (mode not reported); Memcached cannot encrypt at rest (it holds only caches and sessions; choose redis for that)')
  })
})
