/**
 * The staging runner as rendered: its files, POSIX sh (shellcheck -s sh), and
 * its behaviour on a scratch tree with no servers: Moodle's checks against
 * recorded outputs of Moodle's CLI scripts (their real exit codes and first
 * lines), custom shell checks and their time limit, --only/--skip, the
 * report, the change marker and the SSM record (a stub AWS CLI).
 */
import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'

import {ALL_PROFILES, profileFor} from '../../../src/apps'
import {APP_PROFILES} from '../../../src/config'
import {commonChecks, recordingPolicyStatement, stagingFiles, SUMMARY_MAX_CHARS} from '../../../src/staging'
import {shellQuote} from '../../../src/seed/cron'
import {describeNeeding, itNeeds} from '../../_helpers/real-tools'
import {createAwsStub, type AwsStub} from '../seed/aws-stub'
import {checkOf, installStagingFiles, reportOf, runStaging as runIn} from './_runner'
import {stagingConfig} from './_config'

describe('the staging files', () => {
  it.each(['wordpress', 'moodle'] as const)('gives every default %s check a script: the common ones or the profile\'s own', (app) => {
    const profile = profileFor(app)
    const common = Object.keys(commonChecks(profile))
    const own = profile.stagingChecks.checks.map((c) => c.id)
    expect([...common, ...own].sort()).toEqual([...APP_PROFILES[app].checks].sort())
    expect(own.filter((id) => common.includes(id))).toEqual([])
  })

  it('installs the runner, its PHP helper, the test user and (WordPress) the core manifest recorder', () => {
    const paths = (app: 'moodle' | 'wordpress') => stagingFiles(stagingConfig(app)).map((f) => `${f.path} ${f.mode.toString(8)}`)
    expect(paths('wordpress')).toEqual([
      '/usr/local/libexec/hactl/staging-probe.php 644',
      '/usr/local/libexec/hactl/staging-run 755',
      '/etc/sysusers.d/hactl-staging.conf 644',
      '/usr/local/libexec/hactl/staging-manifest 755',
    ])
    expect(paths('moodle')).toHaveLength(3)
    const sysusers = stagingFiles(stagingConfig('wordpress')).find((f) => f.path.endsWith('.conf'))?.content
    expect(sysusers).toContain('u hactl-test - "hactl staging tests" /nonexistent /usr/sbin/nologin')
    expect(sysusers).toContain('m hactl-test webapp')
  })

  it('renders custom checks into the runner, quoting what hactl.yml says', () => {
    const config = stagingConfig('wordpress', `staging:\n  custom:\n    - id: quoted\n      shell: {command: "echo 'it''s' \\"$HOME\\"", timeoutSeconds: 7}\n    - id: front\n      http: {path: "/?p=1", status: 301, matches: "^<!DOCTYPE"}\n`)
    const runner = stagingFiles(config).find((f) => f.path.endsWith('staging-run'))?.content ?? ''
    expect(runner).toContain(`sh -c ${shellQuote(`echo 'it''s' "$HOME"`)} 2>&1`)
    expect(runner).toContain(`http_check '/?p=1' 301 '' '^<!DOCTYPE' "$HTTP_MAX_MS"`)
    expect(runner).toContain(`http_check /wp-login.php 200 'id="user_login"' '' "$HTTP_MAX_MS"`)
    expect(runner).toContain('HTTP_MAX_MS="${HACTL_STAGING_HTTP_MAX_MS:-3000}"')
    expect(runner).toContain('quoted) echo 7 ;;')
    expect(runner).toMatch(/readonly ALL_CHECKS='http-home .* wp-cron-disabled quoted front'/)
  })

  it('leaves a relative uploads path and the app\'s caches out of the marker, not an absolute one', () => {
    const runner = (app: 'moodle' | 'wordpress', extra = '') => stagingFiles(stagingConfig(app, extra)).find((f) => f.path.endsWith('staging-run'))?.content ?? ''
    expect(runner('wordpress')).toContain("-path ./wp-content/uploads -o -path ./wp-content/cache")
    expect(runner('moodle')).toContain('-path ./.hactl-nothing-excluded')
    expect(runner('moodle', 'uploads:\n  path: files/up\n')).toContain('-path ./files/up')
  })

  it('names the IAM statement the instance role needs: put on its own site\'s two parameters only', () => {
    expect(recordingPolicyStatement({account: '123456789012', region: 'eu-west-1', site: 'demo'})).toEqual({
      Action: ['ssm:PutParameter'],
      Effect: 'Allow',
      Resource: ['arn:aws:ssm:eu-west-1:123456789012:parameter/hactl/demo/tests/last', 'arn:aws:ssm:eu-west-1:123456789012:parameter/hactl/demo/tests/last-pass'],
      Sid: 'HactlStagingRecordOwnSite',
    })
  })

  describe('is POSIX sh that shellcheck passes', () => {
    let dir: string
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'hactl-staging-sc-'))
    })
    afterAll(() => rmSync(dir, {force: true, recursive: true}))

    for (const profile of ALL_PROFILES) {
      itNeeds('shellcheck')(`for ${profile.label}, with custom checks`, () => {
        const config = stagingConfig(profile.app, 'staging:\n  custom:\n    - id: mine\n      shell: {command: "test -d ."}\n    - id: page\n      http: {path: /x, contains: "a \\"b\\" $c"}\n')
        for (const file of stagingFiles(config).filter((f) => f.mode === 0o755)) {
          const path = join(dir, `${profile.app}-${file.path.split('/').pop()}`)
          writeFileSync(path, file.content)
          const result = spawnSync('shellcheck', ['--shell=sh', '--severity=style', '--format=gcc', path], {encoding: 'utf8'})
          expect(`${result.stdout}${result.stderr}`).toBe('')
        }
      })
    }
  })
})

const MOODLE_OK = {
  checks: ["OK: All 'status' checks OK", 0],
  schema: ['Database structure is ok.', 0],
  pending: ['', 0],
}

/** A stand-in Moodle tree whose CLI scripts replay recorded outputs and exit codes. */
function fakeMoodle(app: string, replies: Record<'checks' | 'schema' | 'pending', [string, number] | (string | number)[]>, cronAgeSeconds = 30): void {
  mkdirSync(join(app, 'admin', 'cli'), {recursive: true})
  const script = (text: string, code: number) => `<?php\necho ${JSON.stringify(text)}, ${text ? '"\\n"' : '""'};\nexit(${code});\n`
  writeFileSync(join(app, 'admin', 'cli', 'checks.php'), script(String(replies.checks[0]), Number(replies.checks[1])))
  writeFileSync(join(app, 'admin', 'cli', 'check_database_schema.php'), script(String(replies.schema[0]), Number(replies.schema[1])))
  // upgrade.php --is-pending prints nothing and exits 2 when an upgrade is pending (Moodle's admin/cli/upgrade.php).
  writeFileSync(join(app, 'admin', 'cli', 'upgrade.php'), script(String(replies.pending[0]), Number(replies.pending[1])))
  writeFileSync(join(app, 'admin', 'cli', 'cfg.php'), `<?php\necho time() - ${cronAgeSeconds}, "\\n";\n`)
  writeFileSync(join(app, 'version.php'), "<?php\n$version = 2024100700.00;\n$release = '4.5 (Build: 20241007)';\n")
}

describeNeeding(['php', 'curl', 'timeout', 'findmnt'], 'the staging runner on a scratch tree', () => {
  // Real processes (sh, php) on a shared machine: generous limits, no sleeping in the test itself.
  jest.setTimeout(90_000)
  let dir: string
  let app: string
  let aws: AwsStub
  let env: Record<string, string>
  const runner = (extra = '', app: 'moodle' | 'wordpress' = 'moodle'): string =>
    installStagingFiles(join(dir, `libexec-${app}-${extra.length}`), stagingFiles(stagingConfig(app, extra)))

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hactl-staging-'))
    app = join(dir, 'app')
    fakeMoodle(app, MOODLE_OK)
    writeFileSync(join(dir, 'site'), 'demo\n')
    writeFileSync(join(dir, 'site.php'), "<?php return ['url' => 'http://lms.example.org', 'db' => ['password' => 'db-secret-1234'], 'cache' => ['password' => ''], 'uploads' => '/mnt/moodledata', 'keys' => []];\n")
    aws = createAwsStub(join(dir, 'aws'))
    env = {
      AWS_REGION: 'eu-west-1',
      HACTL_APP_DIR: app,
      HACTL_IMDS_URL: 'http://127.0.0.1:9',
      HACTL_SITE_FILE: join(dir, 'site'),
      HACTL_SITE_PHP: join(dir, 'site.php'),
      HACTL_STAGING_RUN_DIR: join(dir, 'run'),
      HACTL_STAGING_SECRET_DIRS: app,
      HACTL_STAGING_STATE: join(dir, 'state'),
      HACTL_STAGING_USER: '',
      PATH: `${aws.binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    }
  })
  afterEach(() => rmSync(dir, {force: true, recursive: true}))
  // The runner finds its PHP helper beside itself.
  const runStaging = (path: string, args: string[], e: Record<string, string>) => runIn(path, args, {...e, HACTL_LIBEXEC: dirname(path)})

  const MOODLE_ONLY = ['--only', 'moodle-checks,moodle-db-schema,moodle-no-pending-upgrade,moodle-cron-age']

  it('passes Moodle\'s own checks on recorded passing outputs, records the run and keeps the report', async () => {
    const run = await runStaging(runner(), [...MOODLE_ONLY, '--trigger', 'schedule'], env)
    expect(run.stderr).toContain('recorded run')
    expect(run.code).toBe(0)
    const report = reportOf(run)
    expect(report).toMatchObject({result: 'pass', selection: 'partial', trigger: 'schedule'})
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['moodle-checks', 'pass'], ['moodle-db-schema', 'pass'], ['moodle-no-pending-upgrade', 'pass'], ['moodle-cron-age', 'pass'],
    ])
    expect(checkOf(run, 'moodle-checks').message).toBe("OK: All 'status' checks OK")
    expect(report.marker.value).toMatch(/^sha256:[0-9a-f]{64}$/)
    // Every run goes to tests/last; a partial run never becomes last-pass.
    expect(JSON.parse(aws.parameter('/hactl/demo/tests/last') ?? '{}')).toMatchObject({result: 'pass'})
    expect(aws.parameter('/hactl/demo/tests/last-pass')).toBeUndefined()
    expect(JSON.parse(readFileSync(join(dir, 'state', 'last.json'), 'utf8'))).toEqual(report)
  })

  it.each([
    ['moodle-checks', {checks: ['CRITICAL: Cron (core\\check\\environment\\cron)', 2]}, 'exit 2: CRITICAL: Cron'],
    ['moodle-checks', {checks: ['UNKNOWN: Antivirus (core\\check\\security\\antivirus)', 3]}, 'exit 3: UNKNOWN'],
    ['moodle-db-schema', {schema: ['Database is not yet installed.', 2]}, 'exit 2: Database is not yet installed.'],
    ['moodle-no-pending-upgrade', {pending: ['', 2]}, 'an upgrade is pending'],
  ])('fails %s on a recorded failing output', async (id, replies, message) => {
    fakeMoodle(app, {...MOODLE_OK, ...replies} as typeof MOODLE_OK)
    const run = await runStaging(runner(), [...MOODLE_ONLY, '--no-record'], env)
    expect(run.code).toBe(1)
    expect(checkOf(run, id)).toMatchObject({status: 'fail'})
    expect(checkOf(run, id).message).toContain(message)
    expect(aws.calls()).toEqual([])
  })

  it('passes Moodle\'s checks.php WARNING (exit 1), naming it', async () => {
    fakeMoodle(app, {...MOODLE_OK, checks: ['WARNING: Statistics (core\\check\\performance\\stats)', 1]})
    const run = await runStaging(runner(), ['--only', 'moodle-checks', '--no-record'], env)
    expect(checkOf(run, 'moodle-checks')).toMatchObject({message: 'warnings only: WARNING: Statistics (core\\check\\performance\\stats)', status: 'pass'})
  })

  it('fails the cron age when Moodle\'s last cron start is old', async () => {
    fakeMoodle(app, MOODLE_OK, 3600)
    const run = await runStaging(runner(), ['--only', 'moodle-cron-age', '--no-record'], env)
    expect(checkOf(run, 'moodle-cron-age')).toMatchObject({message: "Moodle's cron last started 60 min ago (limit 10 min)", status: 'fail'})
  })

  it('runs custom shell checks in the code directory, under their own time limit', async () => {
    const extra = 'staging:\n  checks: [http-home]\n  custom:\n    - id: has-version\n      shell: {command: "test -f version.php && echo found it"}\n    - id: slow\n      shell: {command: "sleep 30", timeoutSeconds: 1}\n    - id: broken\n      shell: {command: "echo no such thing >&2; exit 4"}\n'
    const run = await runStaging(runner(extra), ['--skip', 'http-home', '--no-record'], env)
    expect(run.code).toBe(1)
    expect(checkOf(run, 'has-version')).toMatchObject({message: 'exited 0: found it', status: 'pass'})
    expect(checkOf(run, 'slow')).toMatchObject({status: 'fail'})
    expect(checkOf(run, 'slow').message).toMatch(/^timed out after 1 s/)
    expect(checkOf(run, 'slow').ms).toBeLessThan(10_000)
    expect(checkOf(run, 'broken')).toMatchObject({message: 'exited 4: no such thing', status: 'fail'})
  })

  it('refuses an unknown check id with exit 2 and no report', async () => {
    const run = await runStaging(runner(), ['--only', 'no-such-check'], env)
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toContain('no check no-such-check')
  })

  it('finds a secret from site.php on disk without printing it', async () => {
    writeFileSync(join(app, 'leak.txt'), 'password=db-secret-1234\n')
    const run = await runStaging(runner(), ['--only', 'no-secrets-on-disk', '--no-record'], env)
    expect(checkOf(run, 'no-secrets-on-disk')).toMatchObject({status: 'fail'})
    expect(checkOf(run, 'no-secrets-on-disk').message).toContain('leak.txt')
    expect(run.stdout + run.stderr).not.toContain('db-secret-1234')
    rmSync(join(app, 'leak.txt'))
    expect(checkOf(await runStaging(runner(), ['--only', 'no-secrets-on-disk', '--no-record'], env), 'no-secrets-on-disk').status).toBe('pass')
  })

  it('changes the marker when a code file changes, not otherwise', async () => {
    const marker = async () => reportOf(await runStaging(runner(), ['--only', 'moodle-cron-age', '--no-record'], env)).marker.value
    const first = await marker()
    expect(await marker()).toBe(first)
    writeFileSync(join(app, 'mod.php'), '<?php // a new file\n')
    expect(await marker()).not.toBe(first)
  })

  it('records a full passing run as last-pass too, and exits 3 when it cannot record', async () => {
    const extra = 'staging:\n  checks: [http-home]\n  custom:\n    - id: ok\n      shell: {command: "true"}\n'
    const passing = await runStaging(runner(extra), ['--skip', 'http-home'], env)
    expect(reportOf(passing).selection).toBe('partial')
    const only = 'staging:\n  checks: [moodle-cron-age]\n'
    const full = await runStaging(runner(only), [], env)
    expect(full.code).toBe(0)
    expect(JSON.parse(aws.parameter('/hactl/demo/tests/last-pass') ?? '{}')).toMatchObject({result: 'pass', selection: 'all'})
    const broken = await runStaging(runner(only), [], {...env, PATH: `${join(dir, 'nothing')}:/usr/bin:/bin`, AWS_REGION: 'eu-west-1'})
    expect(broken.code).toBe(3)
    expect(broken.stderr).toContain('could not record the run in SSM /hactl/demo/tests/last')
  })

  it('scheduled runs: skip a frozen site, back off after 3 failures (every 4th runs), notify the first failure and the recovery once', async () => {
    const failing = runner('staging:\n  checks: [moodle-cron-age]\n  custom:\n    - id: flag\n      shell: {command: "test ! -e ' + join(dir, 'broken') + '"}\n')
    const scheduled = ['--trigger', 'schedule', '--notify', 'arn:aws:sns:eu-west-1:123456789012:hactl-demo-notify']
    const last = () => JSON.parse(aws.parameter('/hactl/demo/tests/last') ?? '{}') as {result: string; skipped?: string; trigger: string}
    const published = () => aws.calls().filter((call) => call.startsWith('sns publish')).length

    aws.setParameter('/hactl/demo/lock', JSON.stringify({holder: 'me', kind: 'manual', message: 'exams', token: 't'}))
    const frozen = await runStaging(failing, scheduled, env)
    expect(frozen.code).toBe(0)
    expect(last()).toMatchObject({result: 'skip', skipped: 'frozen', trigger: 'schedule'})
    aws.setParameter('/hactl/demo/lock', '{"holder":"op","token":"x"}')

    writeFileSync(join(dir, 'broken'), '')
    for (let run = 1; run <= 3; run++) expect((await runStaging(failing, scheduled, env)).code).toBe(1)
    expect(published()).toBe(1)
    const outcomes: string[] = []
    for (let run = 0; run < 4; run++) {
      await runStaging(failing, scheduled, env)
      outcomes.push(last().skipped ?? last().result)
    }
    expect(outcomes).toEqual(['backoff', 'backoff', 'backoff', 'fail'])
    // A manual run still runs, and a full pass ends the back-off; the next scheduled pass announces the recovery.
    rmSync(join(dir, 'broken'))
    expect((await runStaging(failing, [], env)).code).toBe(0)
    expect((await runStaging(failing, scheduled, env)).code).toBe(0)
    expect(last()).toMatchObject({result: 'pass', trigger: 'schedule'})
    expect(published()).toBe(2)
  })

  it('keeps the recorded summary under an SSM parameter\'s 4,096 characters', async () => {
    const custom = Array.from({length: 16}, (_, i) => `    - id: c${i}\n      shell: {command: "printf '%0300d' 0; exit 1"}\n`).join('')
    const run = await runStaging(runner(`staging:\n  checks: [http-home]\n  custom:\n${custom}`), ['--skip', 'http-home'], env)
    expect(run.code).toBe(1)
    const summary = aws.parameter('/hactl/demo/tests/last') ?? ''
    expect(summary.length).toBeGreaterThan(100)
    expect(summary.length).toBeLessThanOrEqual(SUMMARY_MAX_CHARS)
    expect(JSON.parse(summary).checks).toHaveLength(16)
    // 16 messages of 300 characters would not fit: they were cut.
    expect(JSON.parse(summary).checks[0].message.length).toBeLessThan(300)
  })
})
