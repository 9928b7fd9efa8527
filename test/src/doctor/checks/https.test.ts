import {https} from '../../../../src/doctor/checks/https'
import type {SiteFacts} from '../../../../src/doctor/facts'
import {HTTPS_LISTENER, TLS_POLICY} from '../../../../src/env/https'
import {siteNames} from '../../../../src/site/names'
import {testConfig} from '../../../_helpers/config'

const NOW = Date.parse('2026-01-01T00:00:00Z')
const DAY = 24 * 60 * 60_000
const ARN = 'arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-4000-8000-000000000001'
const names = siteNames('demo', 'eu-west-1')

function facts(over: {policy?: string; status?: string; days?: number; eligible?: boolean; names?: string[]; label?: string} = {}): SiteFacts {
  const config = {...testConfig(), domain: 'www.example.org'}
  const ns = HTTPS_LISTENER.namespace
  return {
    config,
    environment: {
      description: {EnvironmentName: 'hactl-demo', VersionLabel: over.label ?? 'hactl-abc'},
      instances: [],
      settings: [
        {Namespace: ns, OptionName: 'Protocol', Value: 'HTTPS'},
        {Namespace: ns, OptionName: 'SSLPolicy', Value: over.policy ?? TLS_POLICY},
        {Namespace: ns, OptionName: 'SSLCertificateArns', Value: ARN},
      ],
    },
    https: {
      certificate: {arn: ARN, domain: 'www.example.org', inUseBy: [], names: over.names ?? ['www.example.org'], notAfter: new Date(NOW + (over.days ?? 300) * DAY), renewalEligibility: over.eligible === false ? 'INELIGIBLE' : 'ELIGIBLE', status: over.status ?? 'ISSUED', validation: []},
      certificateArn: ARN,
      readAt: NOW,
      redirectVersionLabel: 'hactl-abc',
    },
    images: [],
    securityGroups: [],
    siteInstances: [],
    snapshots: [],
  }
}

describe('doctor check https', () => {
  it('passes a listener with the policy, the redirect bundle and an issued covering certificate', () => {
    expect(https.judge(facts(), names)).toMatchObject({status: 'pass'})
  })

  it('warns (skip) that a site without a domain is HTTP only', () => {
    expect(https.judge({...facts(), config: testConfig()}, names)).toMatchObject({detail: expect.stringMatching(/HTTP only/), status: 'skip'})
  })

  it.each([
    ['an old TLS policy', {policy: 'ELBSecurityPolicy-2016-08'}, /TLS policy ELBSecurityPolicy-2016-08/],
    ['a bundle without the redirect', {label: 'hactl-old'}, /port 80 may still serve plain HTTP/],
    ['a certificate pending validation', {status: 'PENDING_VALIDATION'}, /is PENDING_VALIDATION/],
    ['a certificate for another name', {names: ['shop.example.org']}, /does not cover www\.example\.org/],
    ['29 days left and no renewal', {days: 29, eligible: false}, /expires in 29 days .* will not renew/],
  ])('fails %s', (_name, over, detail) => {
    expect(https.judge(facts(over), names)).toMatchObject({detail: expect.stringMatching(detail), status: 'fail'})
  })

  it('29 days left is fine when ACM will renew it', () => {
    expect(https.judge(facts({days: 29}), names)).toMatchObject({status: 'pass'})
  })
})
