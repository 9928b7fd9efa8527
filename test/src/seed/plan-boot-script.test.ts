/**
 * Issue 9, "What it must show": `hactl plan --json` includes the rendered boot
 * script for the site's app, and it passes shellcheck for both apps.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {exitCodeOf, type Project, scratchProject} from '../../_helpers/cli'
import {itNeeds, shellcheck} from '../../_helpers/real-tools'

interface PlanSeed {
  readonly seed: {readonly bootScript: string; readonly userDataBytes: number; readonly userDataLimit: number}
}

describe.each(['wordpress', 'moodle'] as const)('plan --json: the seed boot script of a %s site', (app) => {
  let project: Project
  let plan: PlanSeed

  beforeAll(async () => {
    project = scratchProject()
    await project.run(['init', '--yes', '--app', app, '--site', 'demo', '--region', 'eu-west-1'])
    const result = await project.run(['plan', '--json'])
    expect(exitCodeOf(result)).toBe(0)
    plan = JSON.parse(result.stdout) as PlanSeed
  })

  afterAll(() => project.cleanup())

  it('is there, for this app, and fits EC2\'s user-data limit gzipped', () => {
    expect(plan.seed.bootScript).toMatch(/^#!\/bin\/bash\n/)
    expect(plan.seed.bootScript).toContain(app === 'moodle' ? 'admin/cli/cron.php' : 'wp-cron.php')
    expect(plan.seed.userDataBytes).toBeGreaterThan(0)
    expect(plan.seed.userDataBytes).toBeLessThanOrEqual(plan.seed.userDataLimit)
  })

  itNeeds('shellcheck')('passes shellcheck', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hactl-plan-boot-'))
    try {
      const file = join(dir, 'user-data.sh')
      writeFileSync(file, plan.seed.bootScript)
      expect(shellcheck(file).output).toBe('')
    } finally {
      rmSync(dir, {force: true, recursive: true})
    }
  })
})
