/**
 * Real parts (the harness is test/real/_harness.ts): the seed's WordPress configuration, render step, DB-user step,
 * web server configuration and cron runner against a real WordPress
 * (Debian's `wordpress` package) served by throwaway MariaDB, Redis, PHP-FPM
 * and nginx instances on loopback, each with its own data directory, socket
 * and port in a temporary directory (no system service or its configuration
 * is touched). AWS is a stub CLI on PATH and the instance metadata service a
 * loopback IMDSv2 stand-in; /run/hactl is a directory of the temp tree.
 *
 *   aws stub ─► db-app-user (master secret) ─► MariaDB: wordpress_app REQUIRE SSL
 *   aws stub + IMDS ─► render-config ─► <tmp>/run/hactl/site.php
 *   curl ─► nginx (seedNginxConf) ─► PHP-FPM (seedPhpFpmConf) ─► wp-config.php (renderWpConfig) ─► site.php ─► MariaDB over TLS
 *   cron-run ─► php wp-cron.php ─► a due event runs, heartbeat written
 *
 * Needs the packages in scripts/real-packages.txt: skipped loudly without
 * them, failed when CI is set.
 */
import {spawnSync} from 'node:child_process'
import {readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'

import {describeNeeding} from '../_helpers/real-tools'
import {APP_PASSWORD, APP_PASSWORD_CORE, filesContaining, type LoopbackWordPress, MASTER_PASSWORD, PROGRAMS, REDIS_TOKEN, runAsync, startLoopbackWordPress, WORDPRESS} from './_harness'

describeNeeding([...PROGRAMS, `${WORDPRESS}/wp-cron.php`].filter((p) => !p.startsWith('/')), 'real WordPress on loopback with the seed\'s configuration', () => {
  let wp: LoopbackWordPress
  // The harness's parts under the names these tests used before it was shared.
  let dir: string
  let app: string
  let runDir: string
  let libexec: string
  let env: Record<string, string>
  const php = (code: string) => wp.php(code)
  const sql = (statement: string) => wp.sql(statement)
  const get = (path: string) => wp.get(path)
  const renderConfig = () => wp.renderConfig()

  beforeAll(async () => {
    wp = await startLoopbackWordPress()
    ;({app, dir, env, libexec, runDir} = wp)
  }, 180_000)

  afterAll(async () => {
    await wp?.close()
  }, 30_000)

  it('answers on loopback: the front page and the login page', async () => {
    const home = await get('/')
    expect(home.status).toBe(200)
    const login = await get('/wp-login.php')
    expect(login.status).toBe(200)
    const body = login.body
    expect(body).toContain('id="user_login"')
    expect(body).toContain('hactl real test')
  })

  it('sends a path with no file to the front controller (WordPress answers, not nginx)', async () => {
    // With plain permalinks WordPress answers an unknown path with its front page (200) or its 404.
    const missing = await get('/no/such/page/')
    expect([200, 404]).toContain(missing.status)
    expect(missing.body).not.toContain('<center>nginx</center>')
  })

  it('reads the DB credentials from the rendered file under the run directory and nowhere else on disk', () => {
    const site = join(runDir, 'site.php')
    expect(statSync(site).mode & 0o777).toBe(0o640)
    // The database's own files stand for RDS, the stub's for Secrets Manager.
    const skip = [join(dir, 'db'), wp.aws.binDir]
    // var_export escapes the quotes in the file: look for the part without them.
    expect(filesContaining(dir, APP_PASSWORD_CORE, skip)).toEqual(['run/hactl/site.php'])
    expect(filesContaining(dir, MASTER_PASSWORD, skip)).toEqual([])
    expect(filesContaining(dir, REDIS_TOKEN, skip)).toEqual(['run/hactl/site.php'])
    expect(readFileSync(join(app, 'wp-config.php'), 'utf8')).not.toContain('wordpress_app')
  })

  it('connects as the app user the boot step made from the master secret, TLS required', async () => {
    expect(sql("SELECT ssl_type FROM mysql.user WHERE user = 'wordpress_app'")).toBe('ANY')
    expect(sql("SHOW GRANTS FOR 'wordpress_app'@'%'")).toContain('ON `wordpress`.*')
    expect(sql('SELECT COUNT(*) FROM wordpress.wp_options')).not.toBe('0')
    const connected = await php("require 'wp-load.php'; global $wpdb; echo $wpdb->get_var('SELECT CURRENT_USER()'), '|', $wpdb->get_var(\"SHOW STATUS LIKE 'Ssl_cipher'\", 1);")
    expect(connected.stdout).toMatch(/^wordpress_app@%\|\S+/)
    // Without TLS the same user is refused.
    const plain = spawnSync('mariadb', ['--no-defaults', '--skip-ssl', '-h', '127.0.0.1', '-P', String(JSON.parse(wp.aws.parameter('/hactl/demo/site') ?? '{}').dbPort), '-u', 'wordpress_app', '-e', 'SELECT 1'], {
      encoding: 'utf8', env: {...process.env, MYSQL_PWD: APP_PASSWORD},
    })
    expect(plain.status).not.toBe(0)
    // Idempotent: a second boot changes nothing and still works.
    expect((await runAsync('bash', [join(libexec, 'db-app-user')], {env})).code).toBe(0)
  })

  it('reaches Redis with the rendered cache credentials', async () => {
    const ping = await php(`$s = require '${runDir}/site.php'; $r = new Redis(); $r->connect($s['cache']['host'], $s['cache']['port'], 2); $r->auth($s['cache']['password']); var_export($r->ping());`)
    expect(ping.stdout).toMatch(/true|PONG/)
  })

  it('runs a due event with the cron runner (php wp-cron.php) and writes the heartbeat', async () => {
    const scheduled = await php("require 'wp-load.php'; delete_option('hactl_test_ran'); var_export(wp_schedule_single_event(time() - 120, 'hactl_test_event'));")
    expect(scheduled.stdout).toBe('true')
    const cron = await runAsync('bash', [join(libexec, 'cron-run')], {env})
    expect(cron.stdout + cron.stderr).toBe('')
    expect(cron.code).toBe(0)
    const ran = await php("require 'wp-load.php'; echo get_option('hactl_test_ran', 'no');")
    expect(ran.stdout).toBe('yes')
    const beat = JSON.parse(readFileSync(env.HACTL_CRON_HEARTBEAT, 'utf8')) as {exit: number}
    expect(beat.exit).toBe(0)
  })

  it('allows file mods on the seed and refuses them on a web node; page-view cron is off on both', async () => {
    const constants = "require 'wp-load.php'; echo json_encode([DISALLOW_FILE_MODS, AUTOMATIC_UPDATER_DISABLED, DISABLE_WP_CRON, wp_is_file_mod_allowed('x')]);"
    expect(JSON.parse((await php(constants)).stdout)).toEqual([false, false, true, true])
    wp.imds.tags = {'hactl:role': 'web'}
    try {
      expect((await renderConfig()).code).toBe(0)
      expect(JSON.parse((await php(constants)).stdout)).toEqual([true, true, true, false])
    } finally {
      wp.imds.tags = {'hactl:role': 'seed'}
      await renderConfig()
    }
  })
})
