import type {SiteFacts} from '../../../../src/doctor/run'
import {check, failing, FS_ID, healthySite} from '../_helpers/site'

describe('judgeSite: efs-policy', () => {
  const healthy = healthySite()
  const withPolicy = (policy: string | undefined): SiteFacts => ({...healthy, fileSystem: {...healthy.fileSystem!, policy}})
  const statements = (JSON.parse(healthy.fileSystem!.policy!) as {Statement: Array<Record<string, unknown>>}).Statement
  const policyOf = (list: ReadonlyArray<Record<string, unknown>>): string => JSON.stringify({Statement: list, Version: '2012-10-17'})

  it('passes the policy env create puts, and an equivalent one', () => {
    expect(check(healthy, 'efs-policy').detail).toBe(`${FS_ID}'s policy denies mounts without TLS and outside the access point`)
    const equivalent = policyOf([
      {Action: 'elasticfilesystem:Client*', Condition: {Bool: {'aws:securetransport': ['false']}}, Effect: 'Deny', Principal: '*'},
      {Action: ['elasticfilesystem:ClientMount'], Condition: {Null: {'elasticfilesystem:AccessPointArn': 'true'}}, Effect: 'Deny', Principal: {AWS: ['*']}},
    ])
    expect(check(withPolicy(equivalent), 'efs-policy').status).toBe('pass')
  })

  it('fails with no policy, or one hactl cannot read', () => {
    expect(failing(withPolicy(undefined))).toEqual(['efs-policy'])
    expect(check(withPolicy(undefined), 'efs-policy')).toMatchObject({
      detail: `${FS_ID} has no file system policy: a client that reaches a mount target can mount it without TLS`,
      remedy: expect.stringContaining('Run `hactl env create`'),
    })
    expect(check(withPolicy('{not json'), 'efs-policy').detail).toContain('cannot read')
  })

  it('fails without the TLS deny, or without the access point deny', () => {
    const noTls = withPolicy(policyOf(statements.filter((s) => s.Sid !== 'DenyWithoutTls')))
    expect(failing(noTls)).toEqual(['efs-policy'])
    expect(check(noTls, 'efs-policy').detail).toBe(`${FS_ID}'s policy does not deny mounts without TLS (a Deny on aws:SecureTransport false)`)
    const noAccessPoint = withPolicy(policyOf(statements.filter((s) => s.Sid !== 'DenyExceptThroughAccessPoint')))
    expect(check(noAccessPoint, 'efs-policy').detail).toBe(`${FS_ID}'s policy does not deny mounts outside the access point`)
  })

  it('a deny that binds only some principals, or only other actions, does not count', () => {
    const narrow = statements.map((s) => (s.Sid === 'DenyWithoutTls' ? {...s, Principal: {AWS: 'arn:aws:iam::123456789012:role/x'}} : s))
    expect(check(withPolicy(policyOf(narrow)), 'efs-policy').status).toBe('fail')
    const otherAction = statements.map((s) => (s.Sid === 'DenyWithoutTls' ? {...s, Action: 'elasticfilesystem:ClientRootAccess'} : s))
    expect(check(withPolicy(policyOf(otherAction)), 'efs-policy').status).toBe('fail')
    const allow = statements.map((s) => (s.Sid === 'DenyWithoutTls' ? {...s, Effect: 'Allow'} : s))
    expect(check(withPolicy(policyOf(allow)), 'efs-policy').status).toBe('fail')
  })
})

describe('judgeSite: efs-mount-targets without the network', () => {
  it('skips (does not crash) when facts come without the network; no other check fails for it', () => {
    const {network: _network, ...rest} = healthySite()
    const facts: SiteFacts = rest
    expect(check(facts, 'efs-mount-targets')).toMatchObject({detail: 'the site\'s network was not read', status: 'skip'})
    expect(failing(facts)).toEqual([])
  })
})
