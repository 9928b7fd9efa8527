import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import type * as FsPromises from 'node:fs/promises'
import {stat} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {initConfig, initialConfig, parseConfig, requireInitAnswers} from '../../../src/config'
import {UserError} from '../../../src/core/errors'

/** When set, fs/promises' writeFile writes the first 20 characters, then fails with this error (a full disk). */
let mockWriteFailure: Error | undefined

jest.mock('node:fs/promises', () => {
  const actual = jest.requireActual<typeof FsPromises>('node:fs/promises')
  return {
    ...actual,
    async writeFile(...args: Parameters<typeof actual.writeFile>) {
      if (!mockWriteFailure) return actual.writeFile(...args)
      await actual.writeFile(args[0], String(args[1]).slice(0, 20))
      throw mockWriteFailure
    },
  }
})

describe('initConfig', () => {
  let dir: string
  let path: string

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hactl-init-'))
    path = join(dir, 'hactl.yml')
  })

  afterEach(() => rmSync(dir, {force: true, recursive: true}))

  it('writes a commented hactl.yml that loads back to the returned config', async () => {
    const result = await initConfig({app: 'wordpress', path, region: 'eu-west-1', site: 'demo'})
    expect(result.path).toBe(path)
    const text = readFileSync(path, 'utf8')
    expect(text.startsWith('# hactl.yml: WordPress site "demo" in eu-west-1.')).toBe(true)
    expect(parseConfig(text, path)).toEqual(result.config)
    expect(result.config.database.engine).toBe('mysql')
  })

  it('creates missing parent directories', async () => {
    const nested = join(dir, 'sites', 'blog', 'hactl.yml')
    await initConfig({app: 'moodle', path: nested, region: 'eu-west-1', site: 'lms'})
    expect(readFileSync(nested, 'utf8')).toContain('app: moodle')
  })

  it('refuses to overwrite an existing file', async () => {
    writeFileSync(path, 'keep me\n')
    const promise = initConfig({app: 'wordpress', path, region: 'eu-west-1', site: 'demo'})
    await expect(promise).rejects.toThrow(UserError)
    await expect(promise).rejects.toMatchObject({code: 'config-exists', exitCode: 2, suggestions: expect.arrayContaining([expect.stringContaining('--force')])})
    expect(readFileSync(path, 'utf8')).toBe('keep me\n')
  })

  it('overwrites with force', async () => {
    writeFileSync(path, 'old\n')
    await initConfig({app: 'wordpress', force: true, path, region: 'eu-west-1', site: 'demo'})
    expect(readFileSync(path, 'utf8')).toContain('site: demo')
  })

  it('replaces the file through a temporary file, leaving nothing else behind', async () => {
    writeFileSync(path, 'old\n', {mode: 0o640})
    await initConfig({app: 'wordpress', force: true, path, region: 'eu-west-1', site: 'demo'})
    expect(readdirSync(dir)).toEqual(['hactl.yml'])
    // The replacement keeps the old file's permissions.
    expect((await stat(path)).mode & 0o777).toBe(0o640)
  })

  it('leaves the old file whole when a forced write fails midway', async () => {
    writeFileSync(path, 'old\n')
    mockWriteFailure = Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC'})
    try {
      const promise = initConfig({app: 'wordpress', force: true, path, region: 'eu-west-1', site: 'demo'})
      await expect(promise).rejects.toThrow(UserError)
      await expect(promise).rejects.toMatchObject({code: 'write-failed', exitCode: 2, message: `Cannot write hactl.yml to ${path}: no space left on the device (ENOSPC).`})
    } finally {
      mockWriteFailure = undefined
    }

    expect(readFileSync(path, 'utf8')).toBe('old\n')
    expect(readdirSync(dir)).toEqual(['hactl.yml'])
  })

  it('says when the path is a directory, with or without force', async () => {
    mkdirSync(path)
    for (const force of [false, true]) {
      const promise = initConfig({app: 'wordpress', force, path, region: 'eu-west-1', site: 'demo'})
      await expect(promise).rejects.toThrow(UserError)
      await expect(promise).rejects.toMatchObject({
        code: 'write-failed',
        data: {code: 'EISDIR', path},
        exitCode: 2,
        message: `Cannot write hactl.yml to ${path}: it is a directory (EISDIR).`,
        suggestions: expect.arrayContaining([expect.stringContaining('not a directory')]),
      })
    }

    expect(readdirSync(dir)).toEqual(['hactl.yml'])
  })

  it('says which part of the path is a file', async () => {
    const file = join(dir, 'afile')
    writeFileSync(file, 'x')
    for (const target of [join(file, 'hactl.yml'), join(file, 'sub', 'hactl.yml')]) {
      const promise = initConfig({app: 'wordpress', force: true, path: target, region: 'eu-west-1', site: 'demo'})
      await expect(promise).rejects.toThrow(UserError)
      await expect(promise).rejects.toMatchObject({code: 'write-failed', message: expect.stringContaining(`Cannot write hactl.yml to ${target}: ${file} is a file, not a directory (E`)})
    }
  })

  it('writes nothing when an answer is invalid', async () => {
    await expect(initConfig({app: 'wordpress', path, region: 'eu-west-1', site: 'X'})).rejects.toThrow(UserError)
    expect(() => readFileSync(path)).toThrow()
  })
})

describe('initialConfig', () => {
  it('applies the answers', () => {
    const config = initialConfig({
      app: 'moodle',
      dbEngine: 'aurora-postgresql',
      domain: 'learn.example.org',
      instanceType: 't4g.medium',
      maxSize: 6,
      minSize: 3,
      region: 'eu-central-1',
      site: 'lms',
    })
    expect(config).toMatchObject({
      database: {engine: 'aurora-postgresql', readers: 1},
      domain: 'learn.example.org',
      environment: {instanceType: 't4g.medium', maxSize: 6, minSize: 3},
      seed: {instanceType: 't4g.medium'},
    })
  })

  it('raises the default maxSize above a large minSize, so rolling updates work', () => {
    expect(initialConfig({app: 'wordpress', minSize: 5, region: 'eu-west-1', site: 'demo'}).environment.maxSize).toBe(6)
    expect(initialConfig({app: 'wordpress', minSize: 1, region: 'eu-west-1', site: 'demo'}).environment.maxSize).toBe(4)
  })

  it('names the flag of each bad answer', () => {
    expect.assertions(3)
    try {
      initialConfig({app: 'wordpress', dbEngine: 'postgres', maxSize: 2, minSize: 2, region: 'eu-west-1', site: 'Demo!'})
    } catch (error) {
      expect(error).toBeInstanceOf(UserError)
      const {message} = error as UserError
      expect(message).toMatch(/^--site: must be 3 to 23 characters/)
      expect(message).toContain('--db-engine: WordPress does not support postgres')
    }
  })
})

describe('requireInitAnswers', () => {
  it('passes complete answers through', () => {
    expect(requireInitAnswers({app: 'wordpress', region: 'eu-west-1', site: 'demo'})).toEqual({
      app: 'wordpress',
      region: 'eu-west-1',
      site: 'demo',
    })
  })

  it('names every missing flag', () => {
    expect(() => requireInitAnswers({app: 'wordpress'})).toThrow('hactl init --yes needs --site, --region.')
    expect(() => requireInitAnswers({})).toThrow(expect.objectContaining({code: 'missing-flag', exitCode: 2}))
  })
})
