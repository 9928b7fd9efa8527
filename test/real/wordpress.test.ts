/**
 * Real parts: the seed's WordPress configuration, render step, DB-user step,
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
import {type ChildProcess, execFile, spawn, spawnSync} from 'node:child_process'
import {chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import type {AddressInfo} from 'node:net'
import {tmpdir, userInfo} from 'node:os'
import {join} from 'node:path'

import {renderWpConfig} from '../../src/seed/app-config/wordpress'
import {cronRunScript, roleGateScript} from '../../src/seed/cron'
import {dbAppUserScript} from '../../src/seed/db-user'
import {type SitePointers} from '../../src/seed/pointers'
import {renderConfigScript, siteJsonPhp} from '../../src/seed/render-config'
import {FRONT_CONTROLLER, seedNginxConf, seedPhpFpmConf} from '../../src/seed/web-server'
import {startImdsStub, type ImdsStub} from '../_helpers/imds-stub'
import {createAwsStub, type AwsStub} from '../src/seed/aws-stub'
import {describeNeeding} from '../_helpers/real-tools'

const WORDPRESS = '/usr/share/wordpress'
const PHP_FPM = ['php-fpm8.4', 'php-fpm8.3', 'php-fpm8.2', 'php-fpm'].find((name) => spawnSync('bash', ['-c', `command -v ${name}`]).status === 0) ?? 'php-fpm'
const PROGRAMS = ['php', PHP_FPM, 'nginx', 'mariadbd', 'mariadb-install-db', 'mariadb', 'mysql', 'redis-server', 'curl', 'openssl', 'runuser']
const ROOT = process.getuid?.() === 0
// Quotes and a backslash: they must survive bash, JSON, var_export and SQL.
const APP_PASSWORD_CORE = `${process.pid}-Zq9-app`
const APP_PASSWORD = `Pw'1"\\$x-${APP_PASSWORD_CORE}`
const MASTER_PASSWORD = `master-Pw-${process.pid}-Kx7`
const REDIS_TOKEN = `redis-token-${process.pid}-Lm3`
const BOOT_MS = 20_000
const SITE_URL = 'http://127.0.0.1'

interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

function runAsync(command: string, args: string[], options: {cwd?: string; env?: Record<string, string>}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, {...options, timeout: 60_000}, (error, stdout, stderr) => {
      resolve({code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr: String(stderr), stdout: String(stdout)})
    })
  })
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Polls a real server until it answers or the deadline passes (a real process takes real time to start). */
async function waitFor(what: string, ready: () => boolean | Promise<boolean>, log?: string): Promise<void> {
  const deadline = Date.now() + BOOT_MS
  while (Date.now() < deadline) {
    if (await ready()) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`${what} did not come up within ${BOOT_MS} ms${log && existsSync(log) ? `:\n${readFileSync(log, 'utf8').slice(-2000)}` : ''}`)
}

/** Every file under dir whose content holds needle (relative paths). */
function filesContaining(dir: string, needle: string, skip: readonly string[]): string[] {
  const found: string[] = []
  const walk = (path: string): void => {
    if (skip.includes(path)) return
    const stat = statSync(path, {throwIfNoEntry: false})
    if (!stat) return
    if (stat.isDirectory()) {
      for (const name of readdirSync(path)) walk(join(path, name))
    } else if (stat.isFile() && readFileSync(path).includes(needle)) {
      found.push(path.slice(dir.length + 1))
    }
  }
  walk(dir)
  return found
}

describeNeeding([...PROGRAMS, `${WORDPRESS}/wp-cron.php`].filter((p) => !p.startsWith('/')), 'real WordPress on loopback with the seed\'s configuration', () => {
  const servers: ChildProcess[] = []
  let imds: ImdsStub
  let aws: AwsStub
  let dir: string
  let app: string
  let runDir: string
  let libexec: string
  let url: string
  let env: Record<string, string>
  let dbSocket: string
  const phpUser = ROOT ? 'www-data' : userInfo().username
  const phpGroup = ROOT ? 'www-data' : spawnSync('id', ['-gn'], {encoding: 'utf8'}).stdout.trim()

  /** Runs PHP in the app directory as the PHP user, as the web server would. */
  const php = (code: string): Promise<Run> =>
    runAsync(ROOT ? 'runuser' : 'php', ROOT ? ['-u', phpUser, '--', 'php', '-r', code] : ['-r', code], {cwd: app, env})
  const sql = (statement: string): string => {
    const result = spawnSync('mariadb', ['--no-defaults', `--socket=${dbSocket}`, '-u', 'root', '-N', '-B', '-e', statement], {encoding: 'utf8'})
    if (result.status !== 0) throw new Error(`SQL failed: ${result.stderr}`)
    return result.stdout.trim()
  }
  const start = (command: string, args: string[], logFile: string): void => {
    const child = spawn(command, args, {stdio: ['ignore', 'ignore', 'pipe']})
    child.stderr?.on('data', (chunk: Buffer) => writeFileSync(logFile, chunk, {flag: 'a'}))
    servers.push(child)
  }
  /** GET through the seed's nginx with the site's Host header. */
  const get = async (path: string): Promise<{status: number; body: string}> => {
    const result = await runAsync('curl', ['-sS', '--max-time', '20', '-H', `Host: ${new URL(SITE_URL).host}`, '-w', '\n%{http_code}', `${url}${path}`], {})
    const cut = result.stdout.lastIndexOf('\n')
    return {body: result.stdout.slice(0, cut), status: Number(result.stdout.slice(cut + 1))}
  }
  const renderConfig = (): Promise<Run> => runAsync('bash', [join(libexec, 'render-config')], {env})

  beforeAll(async () => {
    imds = await startImdsStub()
    imds.tags = {'hactl:role': 'seed', 'hactl:site': 'demo'}
    dir = mkdtempSync(join(tmpdir(), 'hactl-real-wp-'))
    chmodSync(dir, 0o755) // the PHP user traverses it
    for (const sub of ['db', 'redis', 'log', 'srv', 'nginx/client_body', 'nginx/fastcgi', 'nginx/proxy', 'nginx/uwsgi', 'nginx/scgi', 'libexec', 'run', 'state']) {
      mkdirSync(join(dir, sub), {recursive: true})
    }
    chmodSync(join(dir, 'run'), 0o755)
    const [dbPort, redisPort, httpPort] = [await freePort(), await freePort(), await freePort()]
    // The site's URL as behind the load balancer (port 80). Requests carry its Host:
    // Debian's fastcgi_params pass HTTP_HOST as nginx's $host, without the port.
    url = `http://127.0.0.1:${httpPort}`
    runDir = join(dir, 'run', 'hactl')
    libexec = join(dir, 'libexec')
    dbSocket = join(dir, 'db', 'mysqld.sock')

    // MariaDB with TLS (a throwaway self-signed certificate), standing in for RDS.
    const cert = join(dir, 'db', 'cert.pem')
    const key = join(dir, 'db', 'key.pem')
    spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', key, '-out', cert])
    const asUser = ROOT ? ['--user=root'] : []
    const install = spawnSync('mariadb-install-db', ['--no-defaults', `--datadir=${join(dir, 'db', 'data')}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...asUser], {encoding: 'utf8'})
    if (install.status !== 0) throw new Error(`mariadb-install-db failed: ${install.stderr}`)
    start('mariadbd', ['--no-defaults', `--datadir=${join(dir, 'db', 'data')}`, `--socket=${dbSocket}`, `--port=${dbPort}`, '--bind-address=127.0.0.1', '--skip-name-resolve', `--pid-file=${join(dir, 'db', 'pid')}`, `--ssl-cert=${cert}`, `--ssl-key=${key}`, '--skip-log-bin', ...asUser], join(dir, 'log', 'mariadb.log'))
    start('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--requirepass', REDIS_TOKEN, '--save', '', '--appendonly', 'no', '--dir', join(dir, 'redis')], join(dir, 'log', 'redis.log'))
    await waitFor('MariaDB', () => spawnSync('mariadb-admin', ['--no-defaults', `--socket=${dbSocket}`, '-u', 'root', 'ping']).status === 0, join(dir, 'log', 'mariadb.log'))
    sql(`CREATE USER 'admin'@'%' IDENTIFIED BY '${MASTER_PASSWORD}'; GRANT ALL PRIVILEGES ON *.* TO 'admin'@'%' WITH GRANT OPTION;`)

    // The code: Debian's WordPress with hactl's wp-config.php (and a test mu-plugin for the cron check).
    app = join(dir, 'app')
    cpSync(WORDPRESS, app, {dereference: false, recursive: true})
    writeFileSync(join(app, 'wp-config.php'), renderWpConfig({runDir}))
    mkdirSync(join(app, 'wp-content', 'mu-plugins'), {recursive: true})
    writeFileSync(join(app, 'wp-content', 'mu-plugins', 'hactl-test.php'), "<?php\nadd_action('hactl_test_event', function () { update_option('hactl_test_ran', 'yes'); });\n")

    // The seed's scripts, the AWS stub and its pointers.
    const files: Record<string, string> = {
      'cron-run': cronRunScript({appDir: app, command: ['php', 'wp-cron.php'], limitSeconds: 120, user: phpUser}),
      'db-app-user': dbAppUserScript(),
      'render-config': renderConfigScript({phpGroup}),
      'role-is-seed': roleGateScript(),
      'site-json.php': siteJsonPhp(),
    }
    for (const [name, text] of Object.entries(files)) {
      writeFileSync(join(libexec, name), text)
      chmodSync(join(libexec, name), 0o755)
    }
    writeFileSync(join(dir, 'site'), 'demo\n')
    aws = createAwsStub(join(dir, 'aws'))
    const pointers: SitePointers = {
      app: 'wordpress', cacheEndpoint: '127.0.0.1', cacheEngine: 'redis', cachePort: redisPort, cacheSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:hactl-demo-cache-AbC',
      cacheTls: false, dbAppSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:hactl-demo-app-XyZ', dbEndpoint: '127.0.0.1', dbEngine: 'mariadb', dbName: 'wordpress',
      dbPort, dbReaderEndpoint: '', dbSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1-AbC', efsAccessPoint: 'fsap-0123456789abcdef0',
      efsId: 'fs-0123456789abcdef0', site: 'demo', uploadsPath: 'wp-content/uploads', url: SITE_URL,
    }
    aws.setParameter('/hactl/demo/site', JSON.stringify(pointers))
    aws.setSecret(pointers.dbSecretArn, JSON.stringify({password: MASTER_PASSWORD, username: 'admin'}))
    aws.setSecret(pointers.dbAppSecretArn, JSON.stringify({password: APP_PASSWORD, username: 'wordpress_app'}))
    aws.setSecret(pointers.cacheSecretArn, REDIS_TOKEN)
    env = {
      AWS_REGION: 'eu-west-1',
      HACTL_CRON_HEARTBEAT: join(dir, 'state', 'cron-heartbeat.json'),
      HACTL_CRON_LOCK: join(dir, 'state', 'cron.lock'),
      HACTL_GET_CONFIG: join(dir, 'no-get-config'),
      HACTL_IMDS_URL: imds.url,
      HACTL_LIBEXEC: libexec,
      HACTL_RUN_DIR: runDir,
      HACTL_SITE_FILE: join(dir, 'site'),
      PATH: `${aws.binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    }

    // The boot's steps: the app's DB user from the master secret, then the render.
    const dbUser = await runAsync('bash', [join(libexec, 'db-app-user')], {env})
    if (dbUser.code !== 0) throw new Error(`db-app-user failed: ${dbUser.stderr}`)
    const render = await renderConfig()
    if (render.code !== 0) throw new Error(`render-config failed: ${render.stderr}`)

    // The seed's PHP-FPM and nginx, from its own configuration renderers.
    const web = {
      frontController: FRONT_CONTROLLER.wordpress, listen: `127.0.0.1:${httpPort}`, logDir: join(dir, 'log'), root: app,
      runDir: join(dir, 'srv'), socket: join(dir, 'srv', 'php-fpm.sock'), stateDir: join(dir, 'nginx'), user: ROOT ? phpUser : null,
    }
    writeFileSync(join(dir, 'php-fpm.conf'), seedPhpFpmConf(web))
    writeFileSync(join(dir, 'nginx.conf'), seedNginxConf(web))
    start(PHP_FPM, ['--nodaemonize', '--fpm-config', join(dir, 'php-fpm.conf')], join(dir, 'log', 'php-fpm.stderr'))
    await waitFor('PHP-FPM', () => existsSync(web.socket), join(dir, 'log', 'seed-php-fpm.log'))
    start('nginx', ['-c', join(dir, 'nginx.conf'), '-e', join(dir, 'log', 'nginx-startup.log'), '-g', 'daemon off;'], join(dir, 'log', 'nginx.stderr'))
    await waitFor('nginx', async () => (await fetch(`${url}/readme.html`).catch(() => undefined))?.status === 200, join(dir, 'log', 'nginx.stderr'))

    // Install WordPress through its own installer function, as the PHP user.
    const installed = await php(
      "define('WP_INSTALLING', true); require 'wp-load.php'; require_once ABSPATH . 'wp-admin/includes/upgrade.php';" +
        " $r = wp_install('hactl real test', 'admin', 'admin@example.invalid', false, '', 'admin-Pw-1'); echo is_array($r) ? 'installed' : 'failed';",
    )
    if (!installed.stdout.includes('installed')) throw new Error(`WordPress install failed: ${installed.stdout}${installed.stderr}`)
  }, 180_000)

  afterAll(async () => {
    for (const server of servers) server.kill('SIGTERM')
    await Promise.all(
      servers.map((server) => new Promise<void>((resolve) => {
        if (server.exitCode !== null || server.signalCode !== null) return resolve()
        const force = setTimeout(() => server.kill('SIGKILL'), 10_000)
        server.once('exit', () => {
          clearTimeout(force)
          resolve()
        })
      })),
    )
    await imds?.close()
    if (dir) rmSync(dir, {force: true, recursive: true})
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
    const skip = [join(dir, 'db'), aws.binDir]
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
    const plain = spawnSync('mariadb', ['--no-defaults', '--skip-ssl', '-h', '127.0.0.1', '-P', String(JSON.parse(aws.parameter('/hactl/demo/site') ?? '{}').dbPort), '-u', 'wordpress_app', '-e', 'SELECT 1'], {
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
    imds.tags = {'hactl:role': 'web'}
    try {
      expect((await renderConfig()).code).toBe(0)
      expect(JSON.parse((await php(constants)).stdout)).toEqual([true, true, true, false])
    } finally {
      imds.tags = {'hactl:role': 'seed'}
      await renderConfig()
    }
  })
})
