import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {ExitCode} from '../../src/core/exit-codes'
import {parseConfig} from '../../src/config'
import {InterruptedError, UserError} from '../../src/core/errors'
import {renderInitResult} from '../../src/ui/config-render'
import {askInitAnswers, type InitPrompts} from '../../src/ui/init-prompts'
import {exitCodeOf, useScratchProject} from '../_helpers/cli'

const DEMO = ['init', '--yes', '--app', 'wordpress', '--site', 'demo', '--region', 'eu-west-1']

describe('hactl init', () => {
  const project = useScratchProject()

  it('writes a commented hactl.yml with --yes and says what to run next', async () => {
    const result = await project.run(DEMO)
    expect(exitCodeOf(result)).toBe(0)
    expect(result.stdout).toBe(`Wrote ${project.configPath} for wordpress site demo (eu-west-1). Next: hactl config show (every setting), hactl status (your AWS access).\n`)
    const text = readFileSync(project.configPath, 'utf8')
    expect(text).toContain('hactl config schema --output hactl.schema.json')
    expect(parseConfig(text, project.configPath)).toMatchObject({app: 'wordpress', region: 'eu-west-1', site: 'demo'})
  })

  it('returns {path, config} as --json', async () => {
    const result = await project.run([...DEMO, '--json'])
    expect(exitCodeOf(result)).toBe(0)
    const json = JSON.parse(result.stdout)
    expect(Object.keys(json).sort()).toEqual(['config', 'path'])
    expect(json.path).toBe(project.configPath)
    expect(json.config).toEqual(parseConfig(readFileSync(project.configPath, 'utf8'), project.configPath))
  })

  it('takes every answer from flags', async () => {
    const result = await project.run([
      'init',
      '--yes',
      '--app',
      'moodle',
      '--site',
      'lms',
      '--region',
      'eu-central-1',
      '--domain',
      'learn.example.org',
      '--db-engine',
      'aurora-postgresql',
      '--instance-type',
      't4g.medium',
      '--min-size',
      '3',
      '--max-size',
      '6',
      '--json',
    ])
    expect(exitCodeOf(result)).toBe(0)
    expect(JSON.parse(result.stdout).config).toMatchObject({
      app: 'moodle',
      database: {engine: 'aurora-postgresql'},
      domain: 'learn.example.org',
      environment: {instanceType: 't4g.medium', maxSize: 6, minSize: 3},
      region: 'eu-central-1',
      site: 'lms',
    })
  })

  it('never overwrites without --force', async () => {
    writeFileSync(project.configPath, 'mine\n')
    const refused = await project.run(DEMO)
    expect(exitCodeOf(refused)).toBe(ExitCode.Usage)
    expect(refused.stderr).toContain('(config-exists)')
    expect(refused.stderr).toContain('--force')
    expect(readFileSync(project.configPath, 'utf8')).toBe('mine\n')

    const forced = await project.run([...DEMO, '--force'])
    expect(exitCodeOf(forced)).toBe(0)
    expect(readFileSync(project.configPath, 'utf8')).toContain('site: demo')
  })

  it('reports a path it cannot write as a usage error, not a bug', async () => {
    const dir = join(project.dir, 'd')
    mkdirSync(dir)
    const isDir = await project.run([...DEMO, '--config', dir, '--force'], {}, {configFlag: false})
    expect(exitCodeOf(isDir)).toBe(ExitCode.Usage)
    expect(isDir.stderr).toContain(`Error (write-failed): Cannot write hactl.yml to ${dir}: it is a directory (EISDIR).`)
    expect(isDir.stderr).not.toContain('bug')

    const file = join(project.dir, 'afile')
    writeFileSync(file, 'x')
    const underFile = await project.run([...DEMO, '--config', join(file, 'hactl.yml')], {}, {configFlag: false})
    expect(exitCodeOf(underFile)).toBe(ExitCode.Usage)
    expect(underFile.stderr).toContain(`Error (write-failed): Cannot write hactl.yml to ${join(file, 'hactl.yml')}: ${file} is a file, not a directory`)
    expect(underFile.stderr).toContain('--config <path>')
    expect(underFile.stderr).not.toContain('bug')
  })

  it('names the missing flag with --yes', async () => {
    const result = await project.run(['init', '--yes', '--app', 'wordpress', '--region', 'eu-west-1'])
    expect(exitCodeOf(result)).toBe(ExitCode.Usage)
    expect(result.stderr).toContain('hactl init --yes needs --site.')
    expect(existsSync(project.configPath)).toBe(false)
  })

  it('names the flag of a bad value', async () => {
    const result = await project.run(['init', '--yes', '--app', 'wordpress', '--site', 'demo', '--region', 'eu-west-1', '--db-engine', 'postgres'])
    expect(exitCodeOf(result)).toBe(ExitCode.Usage)
    expect(result.stderr).toContain('--db-engine: WordPress does not support postgres')
    expect(existsSync(project.configPath)).toBe(false)
  })

  it('rejects an unknown app as a usage error', async () => {
    const result = await project.run(['init', '--yes', '--app', 'drupal', '--site', 'demo', '--region', 'eu-west-1'])
    expect(exitCodeOf(result)).toBe(ExitCode.Usage)
    expect(existsSync(project.configPath)).toBe(false)
  })

  it('without --yes and without a terminal, says to use --yes', async () => {
    const saved = Object.getOwnPropertyDescriptor(process.stdin, 'isTTY')
    Object.defineProperty(process.stdin, 'isTTY', {configurable: true, value: undefined})
    try {
      const result = await project.run(['init', '--app', 'wordpress', '--site', 'demo', '--region', 'eu-west-1'])
      expect(exitCodeOf(result)).toBe(ExitCode.Usage)
      expect(result.stderr).toContain('(no-terminal)')
      expect(result.stderr).toContain('--yes')
    } finally {
      if (saved) Object.defineProperty(process.stdin, 'isTTY', saved)
      else delete (process.stdin as {isTTY?: boolean}).isTTY
    }
  })
})

describe('renderInitResult', () => {
  it('shows the path relative to cwd when the file is under it', () => {
    const config = parseConfig('site: demo\napp: wordpress\nregion: eu-west-1\n', 'hactl.yml')
    expect(renderInitResult({config, path: '/w/hactl.yml'}, '/w')).toBe('Wrote hactl.yml for wordpress site demo (eu-west-1). Next: hactl config show (every setting), hactl status (your AWS access).')
    expect(renderInitResult({config, path: '/elsewhere/hactl.yml'}, '/w')).toBe(
      'Wrote /elsewhere/hactl.yml for wordpress site demo (eu-west-1). Next: hactl config show (every setting), hactl status (your AWS access).',
    )
  })
})

describe('askInitAnswers', () => {
  function fakePrompts(answers: Record<string, unknown>): InitPrompts & {asked: string[]} {
    const asked: string[] = []
    const answer = async (config: {message: string; default?: unknown; validate?: (v: never) => unknown}) => {
      const key = Object.keys(answers).find((k) => config.message.includes(k))
      asked.push(config.message)
      const value = key === undefined ? config.default : answers[key]
      if (config.validate) {
        const verdict = config.validate(value as never)
        if (verdict !== true) throw new Error(`invalid answer for "${config.message}": ${String(verdict)}`)
      }

      return value
    }

    return {asked, input: answer, number: answer, select: answer} as unknown as InitPrompts & {asked: string[]}
  }

  it('asks every question not answered by a flag, with sensible defaults', async () => {
    const prompts = fakePrompts({'Public hostname': '', 'Site name': 'demo', 'Which application': 'wordpress'})
    const answers = await askInitAnswers({defaultRegion: 'eu-west-1', given: {}, interactive: true, prompts})
    expect(prompts.asked).toHaveLength(8)
    expect(answers).toEqual({
      app: 'wordpress',
      dbEngine: 'mysql',
      domain: undefined,
      instanceType: 't3.small',
      maxSize: 4,
      minSize: 2,
      region: 'eu-west-1',
      site: 'demo',
    })
  })

  it('skips the questions answered by flags', async () => {
    const prompts = fakePrompts({'Public hostname': 'www.example.org'})
    const answers = await askInitAnswers({
      given: {app: 'moodle', instanceType: 'm7g.large', maxSize: 5, minSize: 3, region: 'us-east-1', site: 'lms'},
      interactive: true,
      prompts,
    })
    expect(prompts.asked).toEqual([expect.stringContaining('Public hostname'), 'Database engine:'])
    expect(answers).toMatchObject({dbEngine: 'postgres', domain: 'www.example.org', site: 'lms'})
  })

  it('checks answers as they are typed, with the config\'s own rules', async () => {
    const prompts = fakePrompts({'Site name': 'Not Valid', 'Which application': 'wordpress'})
    await expect(askInitAnswers({given: {}, interactive: true, prompts})).rejects.toThrow(/It must be 3 to 23 characters/)
  })

  it('refuses to ask without a terminal', async () => {
    await expect(askInitAnswers({given: {}, interactive: false, prompts: fakePrompts({})})).rejects.toThrow(UserError)
  })

  it('turns Ctrl-C into an interruption (exit 130)', async () => {
    const cancelled = Object.assign(new Error('User force closed the prompt'), {name: 'ExitPromptError'})
    const prompts = {input: jest.fn(), number: jest.fn(), select: jest.fn().mockRejectedValue(cancelled)} as unknown as InitPrompts
    await expect(askInitAnswers({given: {}, interactive: true, prompts})).rejects.toThrow(InterruptedError)
  })
})
