/**
 * The bake's pure parts: the staging gate, the image name, the tags (every
 * BAKE_TAGS key, secret-scanned), prune's plan, and the seed scripts
 * (shellcheck clean).
 */
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import type {Image} from '@aws-sdk/client-ec2'

import {bakeTags, requireSameMarker} from '../../../src/bake/bake'
import {judgeGate} from '../../../src/bake/gate'
import {bakeImageName, protections} from '../../../src/bake/images'
import {planPrune} from '../../../src/bake/images-list'
import {BAKE_TAGS} from '../../../src/bake/record'
import {cleanScript, startCronScript, stopCronScript} from '../../../src/bake/seed-scripts'
import {HactlError} from '../../../src/core/errors'
import {ExitCode} from '../../../src/core/exit-codes'
import type {StagingSummary} from '../../../src/staging/record'
import {testConfig} from '../../_helpers/config'
import {itNeeds, shellcheck} from '../../_helpers/real-tools'
import {tempStateDir} from '../sandbox/clients'

const MARKER = `sha256:${'ab12'.repeat(16)}`
const OTHER = `sha256:${'cd34'.repeat(16)}`
const pass = (marker: string): StagingSummary => ({app: 'wordpress', checks: [], finished: '2025-09-10T17:45:00Z', instance: 'i-1', marker: {appVersion: '6.8.2', code: '', php: '', plugins: '', value: marker}, result: 'pass', runId: '20250910T174300Z-a1b2c3', selection: 'all', site: 'demo', started: '', trigger: 'manual', version: 1})

function refusal(fn: () => unknown): HactlError {
  try {
    fn()
  } catch (error) {
    if (HactlError.isHactlError(error)) return error
  }

  throw new Error('expected a HactlError')
}

describe('the staging gate', () => {
  it('passes a seed whose marker the last passing run tested', () => {
    expect(judgeGate('demo', MARKER, pass(MARKER), false)).toEqual({forced: false, stagingRun: '20250910T174300Z-a1b2c3'})
  })

  it('refuses with exit 9 an untested seed, and one changed since its run, naming the run and both markers', () => {
    const none = refusal(() => judgeGate('demo', MARKER, undefined, false))
    expect(none.exitCode).toBe(ExitCode.ChecksFailed)
    expect(none.message).toContain('/hactl/demo/tests/last-pass')
    const changed = refusal(() => judgeGate('demo', MARKER, pass(OTHER), false))
    expect(changed.exitCode).toBe(ExitCode.ChecksFailed)
    expect(changed.message).toContain('20250910T174300Z-a1b2c3')
    expect(changed.message).toContain(MARKER)
    expect(changed.message).toContain(OTHER)
    expect(changed.suggestions.join(' ')).toContain('hactl test run')
  })

  it('--force bakes either way and says so', () => {
    expect(judgeGate('demo', MARKER, pass(OTHER), true)).toEqual({forced: true, stagingRun: ''})
    expect(judgeGate('demo', MARKER, undefined, true)).toEqual({forced: true, stagingRun: ''})
  })
})

describe('the image and its tags', () => {
  it('names it hactl-<site>-<yyyymmddThhmmss>-<short marker>, within EC2\'s rule', () => {
    const name = bakeImageName('a-site-of-23-characters', Date.parse('2025-09-10T17:43:05.123Z'), MARKER)
    expect(name).toBe('hactl-a-site-of-23-characters-20250910T174305-ab12ab12')
    expect(name).toMatch(/^[A-Za-z0-9()[\] ./\-'@_]{3,128}$/)
  })

  const lineage = {
    marker: {appVersion: '6.8.2', code: '', codeSchema: '58975', dbSchema: '58975', php: '', plugins: '', value: MARKER},
    platformArn: 'arn:aws:elasticbeanstalk:eu-west-1::platform/PHP 8.3 running on 64bit Amazon Linux 2023/4.7.1',
    seed: {ImageId: 'ami-0123456789abcdef0', InstanceId: 'i-0123456789abcdef0'},
    verdict: {forced: false, stagingRun: 'r1'},
  }

  it('carries every BAKE_TAGS key and the site\'s own tags', () => {
    const config = {...testConfig(), tags: {CostCentre: 'web'}}
    const tags = bakeTags({config, hactlVersion: '0.1.0', lineage, name: 'hactl-demo-20250910T174305-ab12ab12', runId: '6f1c2a7e-0d7e-4b52-9d1c-8f3a2b1c0d9e'})
    expect(Object.keys(tags)).toEqual(expect.arrayContaining([...Object.values(BAKE_TAGS), 'Name', 'CostCentre']))
    expect(tags).toMatchObject({[BAKE_TAGS.forced]: 'false', [BAKE_TAGS.role]: 'bake', [BAKE_TAGS.sourceImage]: 'ami-0123456789abcdef0'})
  })

  it('leaves the schema tags out when the seed did not report them (unknown, not empty)', () => {
    const tags = bakeTags({config: testConfig(), hactlVersion: '0.1.0', lineage: {...lineage, marker: {...lineage.marker, codeSchema: undefined, dbSchema: ''}}, name: 'n', runId: 'r'})
    expect(tags[BAKE_TAGS.codeSchema]).toBeUndefined()
    expect(tags[BAKE_TAGS.dbSchema]).toBeUndefined()
  })

  it('refuses a tag that looks like a secret, naming the tag and not the value', () => {
    const config = {...testConfig(), tags: {ApiToken: 'hunter2-not-a-pointer'}}
    const error = refusal(() => bakeTags({config, hactlVersion: '0.1.0', lineage, name: 'n', runId: 'r'}))
    expect(error.code).toBe('secret-in-tags')
    expect(error.message).toContain('ApiToken')
    expect(error.message).not.toContain('hunter2')
  })
})

describe('prune\'s plan', () => {
  const image = (id: string, state: Image['State'] = 'available'): Image => ({ImageId: id, Name: id, State: state})
  // Newest first, as findBakes gives them.
  const images = [image('ami-pending', 'pending'), image('ami-5'), image('ami-4'), image('ami-3'), image('ami-2', 'failed'), image('ami-1')]
  const none = {launchTemplates: [], savedConfigurations: [], seedSources: []}
  const roles = {...none, latest: 'ami-5', live: 'ami-4', rollbackTarget: 'ami-1', seedSources: ['ami-3']}

  it('keeps the newest N, every protected and pending one; removes the rest, failed ones included', () => {
    const {doomed, kept} = planPrune(images, roles, 1)
    expect(doomed.map((i) => i.ImageId)).toEqual(['ami-2'])
    expect(Object.fromEntries(kept.map((k) => [k.imageId, k.reasons]))).toEqual({
      'ami-1': ['rollback target'],
      'ami-3': ['the seed was launched from it'],
      'ami-4': ['live'],
      'ami-5': ['latest bake', 'one of the 1 newest'],
      'ami-pending': ['still pending (a bake in progress)'],
    })
    expect(planPrune(images, none, 2).doomed.map((i) => i.ImageId)).toEqual(['ami-3', 'ami-2', 'ami-1'])
    expect(protections('ami-9', roles)).toEqual([])
  })

  it('keeps an image a saved configuration or a launch template of the site uses, and says which', () => {
    const used = {...none, launchTemplates: [{imageIds: ['ami-2', 'ami-3'], name: 'demo-lt'}], savedConfigurations: [{imageId: 'ami-1', name: 'before-upgrade'}]}
    expect(protections('ami-1', used)).toEqual(['saved configuration before-upgrade uses it'])
    expect(protections('ami-3', used)).toEqual(['launch template demo-lt uses it'])
    // ami-2 failed, so only a launch template keeps it; ami-4 alone goes.
    expect(planPrune(images, used, 1).doomed.map((i) => i.ImageId)).toEqual(['ami-4'])
  })
})

describe('the seed scripts', () => {
  itNeeds('shellcheck')('pass shellcheck', () => {
    const dir = tempStateDir()
    for (const [name, script] of Object.entries({clean: cleanScript(), start: startCronScript(), stop: stopCronScript(600)})) {
      const file = join(dir, `${name}.sh`)
      writeFileSync(file, `#!/bin/sh\n${script}`)
      expect({name, output: shellcheck(file).output}).toEqual({name, output: ''})
    }
  })
})

describe('the marker after cron stopped (the clean script ends with it)', () => {
  const judged = 'sha256:aaa'

  it('lets the bake go on when it is the marker the gate judged', () => {
    expect(() => requireSameMarker(judged, `hactl bake: cleaned\n{"value":"${judged}","code":"c"}\n`, 'i-1')).not.toThrow()
    expect(cleanScript().trimEnd().split('\n').at(-1)).toBe('/usr/local/libexec/hactl/staging-run --marker')
  })

  it('stops the bake (exit 9) when cron changed the code in between, naming both markers', () => {
    const changed = (): void => requireSameMarker(judged, 'hactl bake: cleaned\n{"value":"sha256:bbb"}\n', 'i-1')
    expect(changed).toThrow(/changed after the gate read its marker .*judged sha256:aaa, now sha256:bbb/)
    try {
      changed()
    } catch (error) {
      expect((error as HactlError).exitCode).toBe(ExitCode.ChecksFailed)
    }
  })

  it('stops the bake when the seed printed no marker', () => {
    expect(() => requireSameMarker(judged, 'hactl bake: cleaned\n', 'i-1')).toThrow(/did not report its change marker after cron stopped/)
  })
})
