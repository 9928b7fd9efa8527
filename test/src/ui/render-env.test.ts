import {buildBundle} from '../../../src/env/bundle'
import {planOffline} from '../../../src/env/plan'
import {renderCreatePreview} from '../../../src/ui/render-env'
import {legacyMemcachedConfig, testConfig} from '../../_helpers/config'

function preview(overrides: Record<string, unknown>): string {
  return renderCreatePreview(planOffline(testConfig(overrides), buildBundle()))
}

describe('renderCreatePreview', () => {
  it('counts only the secrets the plan has: a (legacy) Memcached site has no AUTH token, only the app\'s DB secret', () => {
    const text = renderCreatePreview(planOffline(legacyMemcachedConfig(), buildBundle()))
    expect(text).toMatch(/cache +memcached \d+ node\(s\) × /)
    expect(text).toMatch(/also +6 security groups, 2 IAM roles, 1 instance profile, 1 secret, the application bundle/)
  })

  it('counts the Redis AUTH token secret for a Redis site, and says as many resources as plan lists', () => {
    const config = testConfig({cache: {engine: 'redis'}})
    const plan = planOffline(config, buildBundle())
    const text = renderCreatePreview(plan)
    expect(text).toMatch(/also +6 security groups, 2 IAM roles, 1 instance profile, 2 secrets, the application bundle/)
    expect(text).toContain(`(${plan.resources.length} resources)`)
    expect(text).toMatch(/environment +hactl-demo: 2–4 × \S+ behind an ALB/)
  })

  it('describes an Aurora cluster with its instance count from the plan', () => {
    const text = preview({database: {engine: 'aurora-mysql'}})
    expect(text).toMatch(/database +Aurora aurora-mysql cluster, \d+ instance\(s\) × db\./)
  })
})
