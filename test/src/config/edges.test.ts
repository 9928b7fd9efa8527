/** Issue 8: bad hactl.yml input refused before any AWS call, with one clear problem each. */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {assertSiteRegion, loadConfig, MAX_CONFIG_BYTES, parseConfig} from '../../../src/config'
import {findDuplicateKeys} from '../../../src/config/duplicate-keys'
import {IDENTIFIER_RULES, LONGEST_REGION_EXAMPLE, siteNameViolation} from '../../../src/config/identifier-rules'
import {UserError} from '../../../src/core/errors'
import {ExitCode} from '../../../src/core/exit-codes'
import {siteNames} from '../../../src/site/names'
import {parseDocument} from 'yaml'
import {problemsOf} from '../../_helpers/config'

const BASE = 'site: demo\napp: wordpress\nregion: eu-west-1\n'

describe('hactl.yml size and duplicate keys (found by trying 2)', () => {
  it('refuses a file over the size cap before parsing it', () => {
    const keys = Array.from({length: 30_000}, (_, i) => `  k${i}: v`).join('\n')
    const text = `${BASE}tags:\n${keys}\n`
    expect(text.length).toBeGreaterThan(MAX_CONFIG_BYTES)
    const problems = problemsOf(text)
    expect(problems).toEqual([expect.objectContaining({line: 1, message: expect.stringMatching(/^the file is \d+ KiB, over hactl's limit of 256 KiB/)})])
  })

  it('finds repeated keys in every map, once each, without comparing every pair', () => {
    const doc = parseDocument('a: 1\nb:\n  c: 1\n  d: 2\n  c: 3\na: 4\nbase: &b {x: 1}\nm:\n  <<: *b\n  <<: *b\n', {merge: true, uniqueKeys: false})
    expect(findDuplicateKeys(doc).map((d) => d.key)).toEqual(['c', 'a'])
  })

  it('names the repeated key, on the line of its second occurrence', () => {
    expect(problemsOf(`${BASE}cache:\n  engine: redis\n  engine: redis\n`)).toEqual([
      expect.objectContaining({line: 6, message: 'YAML syntax: Map keys must be unique ("engine" is written twice)'}),
    ])
  })
})

describe('site name against every AWS identifier rule (found by trying 4)', () => {
  it('refuses two hyphens in a row, which RDS and ElastiCache refuse', () => {
    expect(problemsOf('site: de--mo\napp: wordpress\nregion: eu-west-1\n')).toEqual([
      expect.objectContaining({
        line: 1,
        message: expect.stringMatching(/^site: makes the RDS .* name "hactl-de--mo-.*", which AWS refuses .*; choose another site name \(got "de--mo"\)$/),
        path: 'site',
      }),
    ])
  })

  it('accepts the longest and shortest names the pattern allows', () => {
    expect(siteNameViolation('a'.repeat(23))).toBeUndefined()
    expect(siteNameViolation('a-1')).toBeUndefined()
  })

  it('restates the names src/site/names.ts builds', () => {
    const names = siteNames('demo', LONGEST_REGION_EXAMPLE)
    const built = [names.finalSnapshot('20260101T000000Z'), names.auroraInstance(8), names.cacheSubnetGroup, names.cache, names.environment, names.serviceRole, names.cacheSecret]
    const restated = IDENTIFIER_RULES.map((rule) => rule.example('demo'))
    for (const name of built) expect(restated).toContain(name)
    expect(names.bundleKey('v1').startsWith(IDENTIFIER_RULES.at(-1)!.example('demo'))).toBe(true)
  })
})

describe('config cross-checks from AWS-NOTES-2 A.1 rows 11 and 23 (documentation 7)', () => {
  it('wants RollingByHealth batchSize at most maxSize − minSize', () => {
    const problems = problemsOf(`${BASE}environment:\n  minSize: 2\n  maxSize: 3\n  rollout:\n    batchSize: 2\n`)
    expect(problems).toEqual([
      expect.objectContaining({line: 8, message: expect.stringContaining('rollout.batchSize (2) must be at most maxSize − minSize (3 − 2 = 1)'), path: 'environment.rollout.batchSize'}),
    ])
    expect(parseConfig(`${BASE}environment:\n  minSize: 2\n  maxSize: 3\n  rollout:\n    batchSize: 2\n    policy: Immutable\n`, 'x').environment.rollout.batchSize).toBe(2)
  })

  it('refuses MariaDB below 10.5, which has no require_secure_transport', () => {
    expect(problemsOf(`${BASE}database:\n  engine: mariadb\n  version: "10.4"\n`)).toEqual([
      expect.objectContaining({line: 6, message: expect.stringContaining('MariaDB 10.4 has no require_secure_transport'), path: 'database.version'}),
    ])
    expect(parseConfig(`${BASE}database:\n  engine: mariadb\n  version: "10.5"\n`, 'x').database.version).toBe('10.5')
    expect(parseConfig(`${BASE}database:\n  engine: mariadb\n  version: "10.11.8"\n`, 'x').database.version).toBe('10.11.8')
  })
})

describe('--region unlike the file\'s region (found by trying 8)', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hactl-region-'))
    writeFileSync(join(dir, 'hactl.yml'), BASE)
  })
  afterEach(() => rmSync(dir, {force: true, recursive: true}))

  it('is refused for work on the site with a usage error naming both Regions', async () => {
    const loaded = await loadConfig(join(dir, 'hactl.yml'), {region: 'us-east-2'})
    expect(loaded.fileRegion).toBe('eu-west-1')
    expect(() => assertSiteRegion(loaded)).toThrow(UserError)
    expect(() => assertSiteRegion(loaded)).toThrow(`--region us-east-2 differs from region: eu-west-1 in ${join(dir, 'hactl.yml')}; a site lives in one Region.`)
    try {
      assertSiteRegion(loaded)
    } catch (error) {
      expect((error as UserError).exitCode).toBe(ExitCode.Usage)
    }
  })

  it('is fine when it agrees, or when the file names no Region', async () => {
    expect(() => assertSiteRegion({config: parseConfig(BASE, 'x', {region: 'eu-west-1'}), fileRegion: 'eu-west-1', path: 'x'})).not.toThrow()
    writeFileSync(join(dir, 'hactl.yml'), 'site: demo\napp: wordpress\n')
    const noRegion = await loadConfig(join(dir, 'hactl.yml'), {region: 'us-east-2'})
    expect(() => assertSiteRegion(noRegion)).not.toThrow()
  })
})
