/**
 * Issue 9, "What it must show": `hactl plan --json` includes the rendered boot
 * script for the site's app and the files payload it fetches, and both pass
 * shellcheck for both apps.
 */

import type {PlanResult} from '../../../src/env/plan'
import {usePlanJson} from '../../_helpers/cli'
import {itNeeds, shellcheckText} from '../../_helpers/real-tools'

/** The part of `plan --json` read here. */
type PlanSeed = Pick<PlanResult, 'seed'>

describe.each(['wordpress', 'moodle'] as const)('plan --json: the seed boot script of a %s site', (app) => {
  const planned = usePlanJson<PlanSeed>(app)
  const plan = (): PlanSeed => planned.plan

  it('is there, for this app, and fits EC2\'s user-data limit gzipped', () => {
    expect(plan().seed.bootScript).toMatch(/^#!\/bin\/bash\n/)
    expect(plan().seed.userDataBytes).toBeGreaterThan(0)
    expect(plan().seed.userDataBytes).toBeLessThanOrEqual(plan().seed.userDataLimit)
  })

  it('names its files payload (placeholder bucket, content-addressed key), which holds the app\'s cron', () => {
    expect(plan().seed.payloadUrl).toMatch(/^s3:\/\/elasticbeanstalk-eu-west-1-\(account\)\/hactl\/demo\/seed\/files-[0-9a-f]{16}\.sh\.gz$/)
    expect(plan().seed.bootScript).toContain(plan().seed.payloadUrl)
    expect(plan().seed.payload).toMatch(/^#!\/bin\/bash\n/)
    expect(plan().seed.payload).toContain(app === 'moodle' ? 'admin/cli/cron.php' : 'wp-cron.php')
    expect(plan().seed.payloadBytes).toBeGreaterThan(0)
  })

  itNeeds('shellcheck')('both scripts pass shellcheck', () => {
    expect(shellcheckText('user-data.sh', plan().seed.bootScript).output).toBe('')
    expect(shellcheckText('seed-files.sh', plan().seed.payload).output).toBe('')
  })
})
