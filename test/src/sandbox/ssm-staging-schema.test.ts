/**
 * The simulated seed's schema versions (ssm.md "Schema versions"): a fresh
 * site has code = database at the app's first version; `wp core update`
 * moves the code, `wp core update-db` brings the database up to it; Moodle's
 * git pull and admin/cli/upgrade.php likewise. `staging-run --versions`,
 * `--marker` and `--marker --versions` report them. The names the sandbox
 * writes out again agree with the product's.
 */
import {gzipSync} from 'node:zlib'

import {profileFor} from '../../../src/apps'
import {renderMoodleConfig} from '../../../src/seed/app-config/moodle'
import {renderWpConfig} from '../../../src/seed/app-config/wordpress'
import type {InstanceRecord} from '../../../src/sandbox/services/ec2-model'
import type {SsmState} from '../../../src/sandbox/services/ssm-model'
import {simulateRunner, STAGING_RUNNER_PATH, upgradeSchemas} from '../../../src/sandbox/services/ssm-staging'
import type {OperationContext, RegionState} from '../../../src/sandbox/types'
import {STAGING_RUNNER} from '../../../src/staging/runner'

function seedInstance(app: string): InstanceRecord {
  const script = `#!/bin/sh\nSITE=demo\nreadonly APP=${app}\nreadonly ALL_CHECKS='db-connect'\n`
  return {id: `i-${app}`, tags: {'hactl:site': 'demo'}, userData: gzipSync(script).toString('base64')} as unknown as InstanceRecord
}

const freshState = (): SsmState => ({commands: [], parameters: {}, seeds: {}})

describe('the sandbox seed\'s schema versions', () => {
  it('WordPress: core update moves the code, update-db the database; both in one command move both', () => {
    const state = freshState()
    const region = {} as RegionState
    const instance = seedInstance('wordpress')
    expect(upgradeSchemas(state, region, instance, 'demo', ['uptime'])).toBe(false)
    expect(state.schemas?.demo).toEqual({code: '57155', db: '57155'})
    expect(upgradeSchemas(state, region, instance, 'demo', ['wp core update --allow-root'])).toBe(true)
    expect(state.schemas?.demo).toEqual({code: '58975', db: '57155'})
    upgradeSchemas(state, region, instance, 'demo', ['sudo -u webapp wp core update-db'])
    expect(state.schemas?.demo).toEqual({code: '58975', db: '58975'})
    upgradeSchemas(state, region, instance, 'demo', ['wp core update && wp core update-db'])
    expect(state.schemas?.demo).toEqual({code: '60421', db: '60421'})
    upgradeSchemas(state, region, instance, 'demo', ['wp core update', 'wp core update-db'])
    expect(state.schemas?.demo).toEqual({code: '61421', db: '61421'})
  })

  it('Moodle: git pull moves the code, admin/cli/upgrade.php the database', () => {
    const state = freshState()
    const instance = seedInstance('moodle')
    upgradeSchemas(state, {} as RegionState, instance, 'demo', ['cd /opt/hactl/app && git pull'])
    expect(state.schemas?.demo).toEqual({code: '2025041400.00', db: '2024100700.00'})
    upgradeSchemas(state, {} as RegionState, instance, 'demo', ['sudo -u webapp php admin/cli/upgrade.php --non-interactive'])
    expect(state.schemas?.demo).toEqual({code: '2025041400.00', db: '2025041400.00'})
  })

  it('staging-run answers --versions, --marker and --marker --versions', () => {
    const state = freshState()
    const instance = seedInstance('wordpress')
    const seed = {bootReportedAt: 1, changes: 0, site: 'demo'}
    const context = {operation: {now: 0} as OperationContext, region: {} as RegionState, state}
    upgradeSchemas(state, context.region, instance, 'demo', ['wp core update'])
    const run = (args: string) => JSON.parse(simulateRunner([`${STAGING_RUNNER_PATH} ${args}`], instance, seed, context)?.stdout ?? '')
    expect(run('--versions')).toEqual({appVersion: 'sandbox-58975', codeSchema: '58975', dbSchema: '57155'})
    const marker = run('--marker')
    expect(marker).toMatchObject({codeSchema: '58975', value: expect.stringMatching(/^sha256:/)})
    expect(marker.dbSchema).toBeUndefined()
    expect(run('--marker --versions')).toEqual({...marker, dbSchema: '57155'})
    expect(run('--versions --marker')).toEqual({...marker, dbSchema: '57155'})
  })

  it('agrees with the product: the runner\'s path, and the table prefixes the apps\' schema queries use', () => {
    expect(STAGING_RUNNER_PATH).toBe(STAGING_RUNNER)
    expect(profileFor('wordpress').stagingChecks.dbSchemaSql).toContain('FROM wp_options')
    expect(profileFor('moodle').stagingChecks.dbSchemaSql).toContain('FROM mdl_config')
    expect(renderMoodleConfig()).toContain("$CFG->prefix = 'mdl_';")
    expect(renderWpConfig()).toContain("$table_prefix = 'wp_';")
  })
})
