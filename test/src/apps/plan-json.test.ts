/**
 * Issue 8, "What it must show": `plan --json` for a WordPress site and for a
 * Moodle site includes the nginx fallback file and the health endpoint path.
 */
import {NGINX_FALLBACK_FILE, profileFor} from '../../../src/apps'
import {BUNDLE_HEALTH_SCRIPT} from '../../../src/env/bundle'
import {usePlanJson} from '../../_helpers/cli'

interface PlanJson {
  readonly resources: ReadonlyArray<{readonly kind: string; readonly name: string; readonly settings: Record<string, string>}>
  readonly bundle: {readonly files: ReadonlyArray<{readonly path: string; readonly content: string}>}
  readonly optionSettings: ReadonlyArray<{readonly namespace: string; readonly option: string; readonly value: string}>
}

describe.each(['wordpress', 'moodle'] as const)('plan --json for a %s site', (app) => {
  const planned = usePlanJson<PlanJson>(app)
  const plan = (): PlanJson => planned.plan

  const option = (namespace: string, name: string) =>
    plan().optionSettings.find((o) => o.namespace === namespace && o.option === name)?.value

  it('ships the nginx front-controller fallback, with the branch for this app', () => {
    const file = plan().bundle.files.find((f) => f.path === NGINX_FALLBACK_FILE)
    const {marker, target} = profileFor(app).frontController
    expect(file?.content).toContain(`if (-f $document_root/${marker}) {\n        rewrite ^ ${target} last;`)
  })

  it('points the load balancer at the health endpoint, and ships its script', () => {
    expect(option('aws:elasticbeanstalk:environment:process:default', 'HealthCheckPath')).toBe('/hactl-health.php')
    expect(option('aws:elasticbeanstalk:application:environment', 'HACTL_HEALTH_PATH')).toBe('/hactl-health.php')
    expect(plan().bundle.files.find((f) => f.path === BUNDLE_HEALTH_SCRIPT)?.content).toMatch(/^<\?php\n/)
  })

  it('shows the service role\'s inline policy for health log streaming', () => {
    const role = plan().resources.find((r) => r.kind === 'IAM role' && r.name === 'hactl-demo-eu-west-1-eb-service')
    expect(role?.settings.policies).toContain('inline hactl-health-logs')
  })
})
