/**
 * The seed's user data: passes shellcheck for both apps, holds nothing
 * secret-shaped, fits EC2's limit, and - run for real into a scratch root
 * (HACTL_SYSROOT, files phase) - writes only what a web node baked from the
 * seed can carry without breaking EB's bootstrap (AWS-NOTES-2 B.1).
 */
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, relative} from 'node:path'

import {secretShapeOf} from '../../../src/security/secret-scan'
import {bootScript, bootUserData, moodleReleaseUrl, seedFiles, USER_DATA_MAX_BYTES, type BootScriptOptions} from '../../../src/seed/boot-script'
import {HACTL_PHP_SETTINGS} from '../../../src/seed/web-server'
import {describeNeeding, shellcheckText} from '../../_helpers/real-tools'

const APPS: readonly BootScriptOptions[] = [
  {app: 'wordpress', region: 'eu-west-1', site: 'demo', source: {kind: 'release', version: '6.7.1'}, uploadsPath: 'wp-content/uploads'},
  {app: 'moodle', publicDir: true, region: 'eu-west-1', site: 'learn', source: {kind: 'git', ref: 'MOODLE_501_STABLE', url: 'https://github.com/moodle/moodle.git'}, uploadsPath: '/mnt/moodledata'},
]

function filesUnder(root: string): string[] {
  const out: string[] = []
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) walk(path)
      else out.push(`/${relative(root, path)}`)
    }
  }
  walk(root)
  return out.sort()
}

describe('seed boot script', () => {
  it.each(APPS)('$app: nothing secret-shaped in the user data (only names and ARNs)', (options) => {
    const words = bootScript(options).split(/[\s'"=()]+/).filter(Boolean)
    expect(words.filter((word) => secretShapeOf(word) !== undefined)).toEqual([])
  })

  it.each(APPS)('$app: fits EC2\'s user data limit once gzipped', (options) => {
    expect(bootUserData(options).length).toBeLessThan(USER_DATA_MAX_BYTES)
  })

  it('keeps the seed\'s PHP settings in step with the bundle\'s zz-hactl.ini and memory_limit', () => {
    const bundle = readFileSync(join(__dirname, '../../../.ebextensions/10-hactl-php.config'), 'utf8')
    for (const [name, value] of Object.entries(HACTL_PHP_SETTINGS)) {
      expect(bundle).toMatch(new RegExp(`^\\s*${name}\\s*[=:]\\s*${value}\\s*$`, 'm'))
    }
  })
})

describeNeeding(['shellcheck'], 'seed boot script: shellcheck', () => {
  it.each(APPS)('$app: the user data passes shellcheck', (options) => {
    expect(shellcheckText(options.app, bootScript(options)).output).toBe('')
  })
})

describe.each(APPS)('seed boot script into a scratch root: $app', (options) => {
  let root: string
  let log: string

  const boot = (): {code: number | null; output: string} => {
    const script = join(log, '..', 'user-data')
    writeFileSync(script, bootScript(options))
    const result = spawnSync('bash', [script], {
      encoding: 'utf8',
      env: {HACTL_BOOT_LOG: log, HACTL_BOOT_PHASE: 'files', HACTL_SYSROOT: root, PATH: process.env.PATH ?? '/usr/bin:/bin'},
      timeout: 20_000,
    })
    return {code: result.status, output: `${result.stdout}${result.stderr}`}
  }

  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'hactl-boot-root-'))
    root = join(dir, 'root')
    log = join(dir, 'boot.log')
    const first = boot()
    if (first.code !== 0) throw new Error(`boot (files phase) failed: ${first.output}`)
  })

  afterAll(() => {
    rmSync(join(root, '..'), {force: true, recursive: true})
  })

  it('writes exactly the seed\'s files, with their content and modes', () => {
    const expected = ['/etc/hactl/site', ...seedFiles(options).map((file) => file.path)].sort()
    expect(filesUnder(root)).toEqual(expected)
    for (const file of seedFiles(options)) {
      expect(readFileSync(join(root, file.path), 'utf8')).toBe(file.content)
      expect(statSync(join(root, file.path)).mode & 0o777).toBe(file.mode)
    }
    expect(readFileSync(join(root, 'etc/hactl/site'), 'utf8')).toBe(`${options.site}\n`)
  })

  it('leaves what EB expects on a web node alone (AWS-NOTES-2 B.1)', () => {
    expect(existsSync(join(root, 'var/app'))).toBe(false)
    expect(existsSync(join(root, 'var/www/html'))).toBe(false)
    expect(existsSync(join(root, 'opt/elasticbeanstalk/.aws-eb-system-bootstrapped'))).toBe(false)
    expect(existsSync(join(root, 'opt/elasticbeanstalk/config/ebenvinfo'))).toBe(false)
    const confD = join(root, 'etc/nginx/conf.d')
    const included = existsSync(confD) ? readdirSync(confD).filter((name) => name.endsWith('.conf')) : []
    expect(included.filter((name) => /\bserver\s*\{/.test(readFileSync(join(confD, name), 'utf8')))).toEqual([])
  })

  it('gates every unit that acts on the role, at every start', () => {
    const units = seedFiles(options).filter((file) => file.path.endsWith('.service') && !file.path.endsWith('hactl-config.service'))
    expect(units.length).toBeGreaterThanOrEqual(3)
    for (const unit of units) expect(unit.content).toMatch(/^ExecCondition=\/usr\/local\/libexec\/hactl\/role-is-seed$/m)
  })

  it('is idempotent: a second run changes nothing', () => {
    const before = filesUnder(root).map((path) => `${path}:${statSync(join(root, path)).mtimeMs}`)
    expect(boot().code).toBe(0)
    expect(filesUnder(root).map((path) => `${path}:${statSync(join(root, path)).mtimeMs}`)).toEqual(before)
  })

  it('logs to its log file', () => {
    expect(readFileSync(log, 'utf8')).toContain('hactl-boot: writing the seed files')
  })
})

describe('moodleReleaseUrl', () => {
  it('names the branch folder by major and two-digit minor, as download.moodle.org does', () => {
    expect(moodleReleaseUrl('4.5.1')).toBe('https://download.moodle.org/download.php/direct/stable405/moodle-4.5.1.tgz')
    expect(moodleReleaseUrl('4.1.12')).toBe('https://download.moodle.org/download.php/direct/stable401/moodle-4.1.12.tgz')
    expect(moodleReleaseUrl('5.0.2')).toBe('https://download.moodle.org/download.php/direct/stable500/moodle-5.0.2.tgz')
  })
})
