/**
 * Real parts: the staging runner (src/staging) against the real WordPress on
 * loopback (test/real/_harness.ts): Debian's WordPress, MariaDB over TLS,
 * Redis over TLS with AUTH, the seed's nginx and PHP-FPM, the rendered
 * site.php, the cron runner's heartbeat.
 *
 * Loopback stand-ins (the report shows them as they are, nothing is faked
 * inside the runner):
 *   - EFS: the uploads link points at /dev/shm, a real mount point (tmpfs),
 *     and the expected file system type is tmpfs instead of nfs4;
 *   - TLS: MariaDB and Redis serve a throwaway certificate, which the cache
 *     check trusts through HACTL_STAGING_CAFILE (on a seed: the system CAs);
 *   - "the disk": the secret scan searches the code and the log directory of
 *     the temp tree, not the test machine's /etc and /tmp (which hold other
 *     tests' trees);
 *   - the test user: www-data (the harness's PHP user) when run as root; the
 *     seed's own hactl-test is not created on a test machine.
 * http-health skips, with its reason, as it does on a real seed: the health
 * script comes with the EB bundle.
 */
import {spawnSync} from 'node:child_process'
import {mkdirSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {parseConfig} from '../../src/config'
import {stagingFiles} from '../../src/staging'
import {describeNeeding} from '../_helpers/real-tools'
import {checkOf, installStagingFiles, reportOf, runStaging} from '../src/staging/_runner'
import {type LoopbackWordPress, PROGRAMS, ROOT, runAsync, startLoopbackWordPress, WORDPRESS} from './_harness'

const CUSTOM = `staging:
  custom:
    - id: login-ok
      http: {path: /wp-login.php, status: 200, matches: "user_(login|pass)"}
    - id: login-wrong-status
      http: {path: /wp-login.php, status: 404}
    - id: login-wrong-marker
      http: {path: /wp-login.php, contains: "no such marker on the page"}
`
const PLUGIN = 'wp-content/plugins/hactl-demo/hactl-demo.php'

describeNeeding([...PROGRAMS, 'findmnt', 'timeout', `${WORDPRESS}/wp-cron.php`].filter((p) => !p.startsWith('/')), 'the staging runner against real WordPress on loopback', () => {
  let wp: LoopbackWordPress
  let runner: string
  let env: Record<string, string>
  const uploadsLink = (): string => join(wp.app, 'wp-content', 'uploads')
  const run = (args: string[]) => runStaging(runner, args, env)
  const BUILT_IN = parseConfig('site: demo\napp: wordpress\nregion: eu-west-1\n', 'hactl.yml').staging.checks

  beforeAll(async () => {
    wp = await startLoopbackWordPress({cacheTls: true, codeFiles: {[PLUGIN]: '<?php\n/*\nPlugin Name: hactl demo\nVersion: 1.0\n*/\n'}})
    const config = parseConfig(`site: demo\napp: wordpress\nregion: eu-west-1\n${CUSTOM}`, 'hactl.yml')
    runner = installStagingFiles(wp.libexec, stagingFiles(config, {phpGroup: wp.phpGroup}))
    // Uploads: the code's link to the "EFS" mount, as the seed's boot makes it.
    rmSync(uploadsLink(), {force: true, recursive: true})
    symlinkSync('/dev/shm', uploadsLink())
    const fstype = spawnSync('findmnt', ['-n', '-o', 'FSTYPE', '-T', '/dev/shm'], {encoding: 'utf8'}).stdout.trim().split('\n').pop() ?? ''
    env = {
      ...wp.env,
      HACTL_APP_DIR: wp.app,
      HACTL_HTTP_BASE: wp.url,
      HACTL_SITE_PHP: join(wp.runDir, 'site.php'),
      HACTL_STAGING_CAFILE: wp.cert,
      HACTL_STAGING_EFS_FSTYPE: fstype,
      // A loaded CI machine: the first page of a cold PHP-FPM can take seconds.
      HACTL_STAGING_HTTP_MAX_MS: '15000',
      HACTL_STAGING_LOG_DIR: join(wp.dir, 'log'),
      HACTL_STAGING_MANIFEST: join(wp.dir, 'state', 'core-checksums.md5'),
      HACTL_STAGING_RUN_DIR: join(wp.dir, 'run', 'staging'),
      HACTL_STAGING_SECRET_DIRS: `${wp.app} ${join(wp.dir, 'log')}`,
      HACTL_STAGING_STATE: join(wp.dir, 'state', 'staging'),
      HACTL_STAGING_UPLOADS_MOUNT: '/dev/shm',
      HACTL_STAGING_USER: ROOT ? wp.phpUser : '',
    }
    // The boot's step after unpacking the release: record the core checksums.
    const manifest = await runAsync('sh', [join(wp.libexec, 'staging-manifest'), 'record'], {env})
    if (manifest.code !== 0) throw new Error(`staging-manifest failed: ${manifest.stderr}`)
    // One cron run, for the heartbeat.
    const cron = await runAsync('bash', [join(wp.libexec, 'cron-run')], {env})
    if (cron.code !== 0) throw new Error(`cron-run failed: ${cron.stdout}${cron.stderr}`)
  }, 240_000)

  afterAll(async () => {
    await wp?.close()
  }, 30_000)

  it('passes every built-in check (http-health skips: no health script on a seed) and records the run', async () => {
    const result = await run(['--only', [...BUILT_IN, 'login-ok'].join(',')])
    const report = reportOf(result)
    const failures = report.checks.filter((c) => c.status === 'fail')
    expect(failures).toEqual([])
    expect(report.checks.filter((c) => c.status === 'skip').map((c) => [c.id, c.message])).toEqual([
      ['http-health', 'the seed serves no /hactl-health.php (it comes with the EB bundle)'],
    ])
    expect(report.checks.map((c) => c.id)).toEqual([...BUILT_IN, 'login-ok'])
    expect(result.code).toBe(0)
    expect(checkOf(result, 'db-connect').message).toMatch(/^writer 127\.0\.0\.1 as wordpress_app over TLS \(\S+\)$/)
    expect(checkOf(result, 'cache-connect').message).toMatch(/over TLS with AUTH: PONG$/)
    expect(checkOf(result, 'uploads-on-efs').message).toBe('/dev/shm is tmpfs; write, read and delete work')
    expect(JSON.parse(wp.aws.parameter('/hactl/demo/tests/last') ?? '{}')).toMatchObject({result: 'pass', site: 'demo'})
    // Nothing secret in what the runner printed or recorded.
    for (const text of [result.stdout, result.stderr, wp.aws.parameter('/hactl/demo/tests/last') ?? '']) {
      expect(text).not.toContain('Zq9-app')
      expect(text).not.toContain('redis-token-')
    }
  }, 180_000)

  it('fails a custom HTTP check with a wrong expected status or a wrong marker', async () => {
    const result = await run(['--only', 'login-ok,login-wrong-status,login-wrong-marker', '--no-record'])
    expect(result.code).toBe(1)
    expect(checkOf(result, 'login-ok').status).toBe('pass')
    expect(checkOf(result, 'login-wrong-status')).toMatchObject({status: 'fail'})
    expect(checkOf(result, 'login-wrong-status').message).toMatch(/^GET \/wp-login\.php answered 200, expected 404/)
    expect(checkOf(result, 'login-wrong-marker')).toMatchObject({message: 'GET /wp-login.php: the body lacks "no such marker on the page"', status: 'fail'})
  }, 120_000)

  it('fails the uploads check when the uploads path is not a mount', async () => {
    const plain = join(wp.dir, 'plain-uploads')
    mkdirSync(plain, {recursive: true})
    rmSync(uploadsLink())
    symlinkSync(plain, uploadsLink())
    try {
      const result = await run(['--only', 'uploads-on-efs', '--no-record'])
      expect(result.code).toBe(1)
      expect(checkOf(result, 'uploads-on-efs')).toMatchObject({status: 'fail'})
      expect(checkOf(result, 'uploads-on-efs').message).toBe(`${uploadsLink()} is ${plain}, not the mount /dev/shm`)
      // The link itself pointed at the mount but the mount gone: the same path as a plain directory.
      const direct = await runStaging(runner, ['--only', 'uploads-on-efs', '--no-record'], {...env, HACTL_STAGING_UPLOADS_MOUNT: plain})
      expect(checkOf(direct, 'uploads-on-efs').message).toBe(`${plain} is not a mount point: uploads would go to local disk`)
    } finally {
      rmSync(uploadsLink())
      symlinkSync('/dev/shm', uploadsLink())
    }
  }, 120_000)

  it('changes the marker when a plugin file changes, and not otherwise', async () => {
    const marker = async (): Promise<string> => reportOf(await run(['--only', 'wp-cron-disabled', '--no-record'])).marker.value
    const first = await marker()
    expect(first).toMatch(/^sha256:[0-9a-f]{64}$/)
    // A page view, a cron run and a probe under uploads change no code.
    await wp.get('/')
    await runAsync('bash', [join(wp.libexec, 'cron-run')], {env})
    expect(await marker()).toBe(first)
    writeFileSync(join(wp.app, PLUGIN), '<?php\n/*\nPlugin Name: hactl demo\nVersion: 1.0\n*/\n// one more line\n')
    expect(await marker()).not.toBe(first)
  }, 120_000)

  it('reports the code\'s and the database\'s schema versions (--versions, --marker, --marker --versions)', async () => {
    const code = spawnSync('php', ['-r', `include "${WORDPRESS}/wp-includes/version.php"; echo $wp_db_version;`], {encoding: 'utf8'}).stdout.trim()
    const db = wp.sql("SELECT option_value FROM wordpress.wp_options WHERE option_name = 'db_version'")
    expect(code).toMatch(/^\d+$/)
    expect(db).toMatch(/^\d+$/)
    const versions = await run(['--versions'])
    expect(versions.code).toBe(0)
    const line = JSON.parse(versions.stdout.trim())
    expect(line).toEqual({appVersion: expect.stringMatching(/^\d+\.\d+/), codeSchema: code, dbSchema: db})
    const marker = JSON.parse((await run(['--marker'])).stdout.trim())
    expect(marker).toMatchObject({codeSchema: code, value: expect.stringMatching(/^sha256:/)})
    expect(marker.dbSchema).toBeUndefined()
    const both = await run(['--marker', '--versions'])
    expect(JSON.parse(both.stdout.trim())).toEqual({...marker, dbSchema: db})
  }, 120_000)

  it('--versions exits 1 with one line on stderr when the database cannot be read', async () => {
    await wp.stopDatabase()
    try {
      const result = await run(['--versions'])
      expect(result.code).toBe(1)
      expect(result.stdout).toBe('')
      expect(result.stderr.trim().split('\n')).toEqual([expect.stringContaining("cannot read the database's schema version: writer 127.0.0.1")])
      // The marker is still read; the database's part is empty.
      expect(JSON.parse((await run(['--marker', '--versions'])).stdout.trim())).toMatchObject({dbSchema: ''})
    } finally {
      await wp.startDatabase()
    }
  }, 120_000)

  it('fails the database checks when MariaDB is stopped', async () => {
    await wp.stopDatabase()
    try {
      const result = await run(['--only', 'db-connect,wp-db-tables', '--no-record'])
      expect(result.code).toBe(1)
      expect(checkOf(result, 'db-connect')).toMatchObject({status: 'fail'})
      expect(checkOf(result, 'db-connect').message).toContain('writer 127.0.0.1')
      expect(checkOf(result, 'db-connect').message).toContain('cannot connect as wordpress_app over TLS')
      // WordPress answers a dead database with its error page and exit 0: the check sees through that.
      expect(checkOf(result, 'wp-db-tables')).toMatchObject({message: expect.stringContaining('Error establishing a database connection'), status: 'fail'})
    } finally {
      await wp.startDatabase()
    }
    const again = await run(['--only', 'db-connect', '--no-record'])
    expect(checkOf(again, 'db-connect').status).toBe('pass')
  }, 120_000)
})
