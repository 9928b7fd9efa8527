import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {findConfigPath, initConfigPath, loadConfig} from '../../../src/config'
import {ConfigError} from '../../../src/core/errors'

const VALID = 'site: demo\napp: wordpress\nregion: eu-west-1\n'

describe('findConfigPath', () => {
  let root: string
  let deep: string

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'hactl-find-'))
    deep = join(root, 'a', 'b')
    mkdirSync(deep, {recursive: true})
    writeFileSync(join(root, 'hactl.yml'), VALID)
  })

  afterEach(() => rmSync(root, {force: true, recursive: true}))

  it('prefers --config over HACTL_CONFIG over the nearest hactl.yml', () => {
    const env = {HACTL_CONFIG: '/env/hactl.yml'}
    expect(findConfigPath({cwd: deep, env, explicit: '/flag/hactl.yml'})).toBe('/flag/hactl.yml')
    expect(findConfigPath({cwd: deep, env})).toBe('/env/hactl.yml')
    expect(findConfigPath({cwd: deep, env: {}})).toBe(join(root, 'hactl.yml'))
  })

  it('resolves relative explicit and HACTL_CONFIG paths from cwd', () => {
    expect(findConfigPath({cwd: deep, env: {}, explicit: 'x.yml'})).toBe(join(deep, 'x.yml'))
    expect(findConfigPath({cwd: deep, env: {HACTL_CONFIG: '../y.yml'}})).toBe(join(root, 'a', 'y.yml'))
  })

  it('finds the nearest file walking up', () => {
    writeFileSync(join(root, 'a', 'hactl.yml'), VALID)
    expect(findConfigPath({cwd: deep, env: {}})).toBe(join(root, 'a', 'hactl.yml'))
    expect(findConfigPath({cwd: root, env: {}})).toBe(join(root, 'hactl.yml'))
  })

  // Issue 8, "found by trying" 9: skipping it used a parent directory's file (another site's) silently.
  it('stops at a directory called hactl.yml, so loading it says what is wrong', async () => {
    mkdirSync(join(deep, 'hactl.yml'))
    expect(findConfigPath({cwd: deep, env: {}})).toBe(join(deep, 'hactl.yml'))
    const loading = loadConfig(join(deep, 'hactl.yml'))
    await expect(loading).rejects.toThrow(ConfigError)
    await expect(loading).rejects.toThrow(`Cannot read ${join(deep, 'hactl.yml')}: it is a directory, not a file.`)
  })

  it('returns undefined when there is none up to the root', () => {
    rmSync(join(root, 'hactl.yml'))
    // The temp dir's parents (/tmp, /) hold no hactl.yml in a clean test environment.
    expect(findConfigPath({cwd: deep, env: {}})).toBeUndefined()
  })
})

describe('initConfigPath', () => {
  it('writes to --config, else HACTL_CONFIG, else hactl.yml in cwd, never a parent\'s', () => {
    expect(initConfigPath({cwd: '/w', env: {HACTL_CONFIG: 'env.yml'}, explicit: 'flag.yml'})).toBe('/w/flag.yml')
    expect(initConfigPath({cwd: '/w', env: {HACTL_CONFIG: '/abs/env.yml'}})).toBe('/abs/env.yml')
    expect(initConfigPath({cwd: '/w/sub', env: {}})).toBe('/w/sub/hactl.yml')
  })
})

describe('loadConfig', () => {
  let dir: string

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hactl-load-'))
  })

  afterEach(() => rmSync(dir, {force: true, recursive: true}))

  it('loads and resolves a file, returning its absolute path', async () => {
    writeFileSync(join(dir, 'hactl.yml'), VALID)
    const loaded = await loadConfig(join(dir, 'hactl.yml'))
    expect(loaded.path).toBe(join(dir, 'hactl.yml'))
    expect(loaded.config.environment.minSize).toBe(2)
  })

  it('applies a region override', async () => {
    writeFileSync(join(dir, 'hactl.yml'), VALID)
    expect((await loadConfig(join(dir, 'hactl.yml'), {region: 'ap-southeast-2'})).config.region).toBe('ap-southeast-2')
  })

  it('fails with ConfigError when the file is missing, suggesting hactl init', async () => {
    const promise = loadConfig(join(dir, 'missing.yml'))
    await expect(promise).rejects.toThrow(ConfigError)
    await expect(promise).rejects.toMatchObject({
      exitCode: 3,
      message: expect.stringContaining('does not exist'),
      suggestions: [expect.stringContaining('hactl init')],
    })
  })

  it('fails with ConfigError when the path is not a readable file', async () => {
    await expect(loadConfig(dir)).rejects.toThrow(/Cannot read/)
  })

  it('fails with ConfigError carrying the file and its problems', async () => {
    writeFileSync(join(dir, 'hactl.yml'), `${VALID}images:\n  keep: 1\n`)
    await expect(loadConfig(join(dir, 'hactl.yml'))).rejects.toMatchObject({
      file: join(dir, 'hactl.yml'),
      problems: [{line: 5, path: 'images.keep'}],
    })
  })
})
