/**
 * Issue 9, "What it must show": `hactl plan --json` includes the rendered boot
 * script for the site's app, and it passes shellcheck for both apps.
 */

import {usePlanJson} from '../../_helpers/cli'
import {itNeeds, shellcheckText} from '../../_helpers/real-tools'

interface PlanSeed {
  readonly seed: {readonly bootScript: string; readonly userDataBytes: number; readonly userDataLimit: number}
}

describe.each(['wordpress', 'moodle'] as const)('plan --json: the seed boot script of a %s site', (app) => {
  const planned = usePlanJson<PlanSeed>(app)
  const plan = (): PlanSeed => planned.plan

  it('is there, for this app, and fits EC2\'s user-data limit gzipped', () => {
    expect(plan().seed.bootScript).toMatch(/^#!\/bin\/bash\n/)
    expect(plan().seed.bootScript).toContain(app === 'moodle' ? 'admin/cli/cron.php' : 'wp-cron.php')
    expect(plan().seed.userDataBytes).toBeGreaterThan(0)
    expect(plan().seed.userDataBytes).toBeLessThanOrEqual(plan().seed.userDataLimit)
  })

  itNeeds('shellcheck')('passes shellcheck', () => {
    expect(shellcheckText('user-data.sh', plan().seed.bootScript).output).toBe('')
  })
})
