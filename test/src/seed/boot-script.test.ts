/**
 * The seed's user data and the files payload it fetches: both pass shellcheck
 * for both apps and hold nothing secret-shaped, the user data fits EC2's
 * limit, and - run for real into a scratch root (HACTL_SYSROOT, files phase,
 * `aws s3 cp` a stub that copies a local object) - the boot checks the
 * payload's sha256 and writes only what a web node baked from the seed can
 * carry without breaking EB's bootstrap (AWS-NOTES-2 B.1).
 */
import {spawnSync} from 'node:child_process'
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, relative} from 'node:path'

import {secretShapeOf, secretsInText} from '../../../src/security/secret-scan'
import {bootScript, bootUserData, moodleReleaseUrl, seedFiles, seedPayload, seedPayloadObject, USER_DATA_MAX_BYTES, type BootScriptOptions} from '../../../src/seed/boot-script'
import {shellQuote} from '../../../src/seed/cron'
import {HACTL_PHP_SETTINGS} from '../../../src/seed/web-server'
import {describeNeeding, shellcheckText} from '../../_helpers/real-tools'

const APPS: readonly BootScriptOptions[] = [
  {app: 'wordpress', region: 'eu-west-1', site: 'demo', source: {kind: 'release', version: '6.7.1'}, uploadsPath: 'wp-content/uploads'},
  {app: 'moodle', publicDir: true, region: 'eu-west-1', site: 'learn', source: {kind: 'git', ref: 'MOODLE_501_STABLE', url: 'https://github.com/moodle/moodle.git'}, uploadsPath: '/mnt/moodledata'},
]

const BUCKET = 'elasticbeanstalk-eu-west-1-123456789012'

/** `aws s3 cp [--only-show-errors] <url> <file>` copies HACTL_TEST_OBJECT; any other aws call fails, as without credentials. */
const AWS_STUB = `#!/bin/bash
if [[ $1 == s3 && $2 == cp ]]; then
  exec cp -- "$HACTL_TEST_OBJECT" "\${@: -1}"
fi
exit 1
`

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
  it.each(APPS)('$app: nothing secret-shaped in the user data or the files payload (only names and ARNs)', (options) => {
    for (const text of [bootScript(options, BUCKET), seedPayload(options)]) {
      const words = text.split(/[\s'"=()]+/).filter(Boolean)
      expect(words.filter((word) => secretShapeOf(word) !== undefined)).toEqual([])
      // What seed create runs before anything is launched (user-data.ts checkedUserData).
      expect(secretsInText(text)).toEqual([])
    }
  })

  it.each(APPS)('$app: the user data fits EC2\'s limit once gzipped (the files are in the payload, which S3 does not limit)', (options) => {
    expect(bootUserData(options, BUCKET).length).toBeLessThan(USER_DATA_MAX_BYTES)
  })

  it.each(APPS)('$app: the user data pins the payload by its content: URL under hactl/<site>/seed/, sha256 of the gzipped bytes', (options) => {
    const payload = seedPayloadObject(options)
    expect(payload.key).toBe(`hactl/${options.site}/seed/files-${payload.sha256.slice(0, 16)}.sh.gz`)
    const script = bootScript(options, BUCKET)
    expect(script).toContain(`readonly FILES_URL=${shellQuote(`s3://${BUCKET}/${payload.key}`)}`)
    expect(script).toContain(`readonly FILES_SHA256='${payload.sha256}'`)
    expect(seedPayloadObject(options)).toEqual(payload)
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
    expect(shellcheckText(options.app, bootScript(options, BUCKET)).output).toBe('')
  })

  it.each(APPS)('$app: the files payload passes shellcheck', (options) => {
    expect(shellcheckText(`${options.app}-files.sh`, seedPayload(options)).output).toBe('')
  })
})

describe.each(APPS)('seed boot script into a scratch root: $app', (options) => {
  let root: string
  let log: string

  /** The boot, its `aws s3 cp` answered with `object` (the real payload unless given). */
  const boot = (object = seedPayloadObject(options).body, into = root): {code: number | null; output: string} => {
    const dir = join(log, '..')
    const script = join(dir, 'user-data')
    writeFileSync(script, bootScript(options, BUCKET))
    writeFileSync(join(dir, 'object'), object)
    const result = spawnSync('bash', [script], {
      encoding: 'utf8',
      env: {
        HACTL_BOOT_LOG: log,
        HACTL_BOOT_PHASE: 'files',
        HACTL_SYSROOT: into,
        HACTL_TEST_OBJECT: join(dir, 'object'),
        PATH: `${join(dir, 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      },
      timeout: 20_000,
    })
    return {code: result.status, output: `${result.stdout}${result.stderr}`}
  }

  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'hactl-boot-root-'))
    root = join(dir, 'root')
    log = join(dir, 'boot.log')
    mkdirSync(join(dir, 'bin'))
    writeFileSync(join(dir, 'bin', 'aws'), AWS_STUB)
    chmodSync(join(dir, 'bin', 'aws'), 0o755)
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
    expect(readFileSync(log, 'utf8')).toContain("hactl-boot: fetch the seed's files")
    expect(readFileSync(log, 'utf8')).toContain('hactl-boot: writing the seed files')
  })

  it('fails during the fetch, writing none of the files, when the object is not the payload it pins', () => {
    const other = join(root, '..', 'other-root')
    const tampered = seedPayloadObject({...options, site: `${options.site}x`}).body
    const result = boot(tampered, other)
    expect(result.code).not.toBe(0)
    expect(result.output).toContain("hactl-boot: FAILED during: fetch the seed's files")
    expect(filesUnder(other)).toEqual(['/etc/hactl/site'])
  })
})

describe('moodleReleaseUrl', () => {
  it('names the branch folder by major and two-digit minor, as download.moodle.org does', () => {
    expect(moodleReleaseUrl('4.5.1')).toBe('https://download.moodle.org/download.php/direct/stable405/moodle-4.5.1.tgz')
    expect(moodleReleaseUrl('4.1.12')).toBe('https://download.moodle.org/download.php/direct/stable401/moodle-4.1.12.tgz')
    expect(moodleReleaseUrl('5.0.2')).toBe('https://download.moodle.org/download.php/direct/stable500/moodle-5.0.2.tgz')
  })
})
