/**
 * A real WordPress on loopback with the seed's configuration, shared by the
 * real-parts tests (wordpress.test.ts, staging.test.ts): Debian's `wordpress`
 * package served by throwaway MariaDB, Redis, PHP-FPM and nginx instances,
 * each with its own data directory, socket and port in a temporary directory
 * (no system service or its configuration is touched). AWS is a stub CLI on
 * PATH and the instance metadata service a loopback IMDSv2 stand-in;
 * /run/hactl is a directory of the temp tree.
 *
 *   aws stub ─► db-app-user (master secret) ─► MariaDB: wordpress_app REQUIRE SSL
 *   aws stub + IMDS ─► render-config ─► <tmp>/run/hactl/site.php
 *   curl ─► nginx (seedNginxConf) ─► PHP-FPM (seedPhpFpmConf) ─► wp-config.php (renderWpConfig) ─► site.php ─► MariaDB over TLS
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

export const WORDPRESS = '/usr/share/wordpress'
export const PHP_FPM = ['php-fpm8.4', 'php-fpm8.3', 'php-fpm8.2', 'php-fpm'].find((name) => spawnSync('bash', ['-c', `command -v ${name}`]).status === 0) ?? 'php-fpm'
/** What the harness runs; a suite needing them goes through describeNeeding. */
export const PROGRAMS = ['php', PHP_FPM, 'nginx', 'mariadbd', 'mariadb-install-db', 'mariadb', 'mysql', 'redis-server', 'curl', 'openssl', 'runuser']
export const ROOT = process.getuid?.() === 0
// Quotes and a backslash: they must survive bash, JSON, var_export and SQL.
export const APP_PASSWORD_CORE = `${process.pid}-Zq9-app`
export const APP_PASSWORD = `Pw'1"\\$x-${APP_PASSWORD_CORE}`
export const MASTER_PASSWORD = `master-Pw-${process.pid}-Kx7`
export const REDIS_TOKEN = `redis-token-${process.pid}-Lm3`
const BOOT_MS = 20_000
export const SITE_URL = 'http://127.0.0.1'

export interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

export function runAsync(command: string, args: string[], options: {cwd?: string; env?: Record<string, string>}): Promise<Run> {
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
export function filesContaining(dir: string, needle: string, skip: readonly string[]): string[] {
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

export interface HarnessOptions {
  /** Redis on a TLS port (with the test certificate) and cacheTls in the pointers. @default false */
  readonly cacheTls?: boolean
  /** Extra files (relative path → content) laid into the code before install. */
  readonly codeFiles?: Readonly<Record<string, string>>
}

export interface LoopbackWordPress {
  readonly dir: string
  /** The code directory (a copy of Debian's WordPress). */
  readonly app: string
  readonly runDir: string
  readonly libexec: string
  /** The seed nginx's base URL (http://127.0.0.1:<port>). */
  readonly url: string
  /** The seams every seed script reads (PATH with the AWS stub first). */
  readonly env: Record<string, string>
  readonly imds: ImdsStub
  readonly aws: AwsStub
  readonly dbSocket: string
  /** The self-signed certificate MariaDB and Redis serve. */
  readonly cert: string
  readonly phpUser: string
  readonly phpGroup: string
  /** PHP in the app directory as the PHP user, as the web server would. */
  php(code: string): Promise<Run>
  sql(statement: string): string
  /** GET through the seed's nginx with the site's Host header. */
  get(path: string): Promise<{status: number; body: string}>
  renderConfig(): Promise<Run>
  stopDatabase(): Promise<void>
  startDatabase(): Promise<void>
  close(): Promise<void>
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000)
    child.once('exit', () => {
      clearTimeout(force)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

/** Starts everything and installs WordPress; `close()` stops it and removes the tree. */
export async function startLoopbackWordPress(options: HarnessOptions = {}): Promise<LoopbackWordPress> {
  const servers: ChildProcess[] = []
  const imds = await startImdsStub()
  imds.tags = {'hactl:role': 'seed', 'hactl:site': 'demo'}
  const dir = mkdtempSync(join(tmpdir(), 'hactl-real-wp-'))
  chmodSync(dir, 0o755) // the PHP user traverses it
  for (const sub of ['db', 'redis', 'log', 'srv', 'nginx/client_body', 'nginx/fastcgi', 'nginx/proxy', 'nginx/uwsgi', 'nginx/scgi', 'libexec', 'run', 'state']) {
    mkdirSync(join(dir, sub), {recursive: true})
  }
  chmodSync(join(dir, 'run'), 0o755)
  const [dbPort, redisPort, httpPort] = [await freePort(), await freePort(), await freePort()]
  // The site's URL as behind the load balancer (port 80). Requests carry its Host:
  // Debian's fastcgi_params pass HTTP_HOST as nginx's $host, without the port.
  const url = `http://127.0.0.1:${httpPort}`
  const runDir = join(dir, 'run', 'hactl')
  const libexec = join(dir, 'libexec')
  const dbSocket = join(dir, 'db', 'mysqld.sock')
  const phpUser = ROOT ? 'www-data' : userInfo().username
  const phpGroup = ROOT ? 'www-data' : spawnSync('id', ['-gn'], {encoding: 'utf8'}).stdout.trim()
  const app = join(dir, 'app')

  const start = (command: string, args: string[], logFile: string): ChildProcess => {
    const child = spawn(command, args, {stdio: ['ignore', 'ignore', 'pipe']})
    child.stderr?.on('data', (chunk: Buffer) => writeFileSync(logFile, chunk, {flag: 'a'}))
    servers.push(child)
    return child
  }
  const sql = (statement: string): string => {
    const result = spawnSync('mariadb', ['--no-defaults', `--socket=${dbSocket}`, '-u', 'root', '-N', '-B', '-e', statement], {encoding: 'utf8'})
    if (result.status !== 0) throw new Error(`SQL failed: ${result.stderr}`)
    return result.stdout.trim()
  }

  // MariaDB with TLS (a throwaway self-signed certificate), standing in for RDS; Redis may use it too.
  const cert = join(dir, 'db', 'cert.pem')
  const key = join(dir, 'db', 'key.pem')
  spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert])
  chmodSync(key, 0o644) // Redis and MariaDB read it; a throwaway key
  const asUser = ROOT ? ['--user=root'] : []
  const install = spawnSync('mariadb-install-db', ['--no-defaults', `--datadir=${join(dir, 'db', 'data')}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...asUser], {encoding: 'utf8'})
  if (install.status !== 0) throw new Error(`mariadb-install-db failed: ${install.stderr}`)
  let database: ChildProcess | undefined
  const startDatabase = async (): Promise<void> => {
    database = start('mariadbd', ['--no-defaults', `--datadir=${join(dir, 'db', 'data')}`, `--socket=${dbSocket}`, `--port=${dbPort}`, '--bind-address=127.0.0.1', '--skip-name-resolve', `--pid-file=${join(dir, 'db', 'pid')}`, `--ssl-cert=${cert}`, `--ssl-key=${key}`, '--skip-log-bin', ...asUser], join(dir, 'log', 'mariadb.log'))
    await waitFor('MariaDB', () => spawnSync('mariadb-admin', ['--no-defaults', `--socket=${dbSocket}`, '-u', 'root', 'ping']).status === 0, join(dir, 'log', 'mariadb.log'))
  }
  const stopDatabase = async (): Promise<void> => {
    if (database) await stopChild(database)
    database = undefined
  }
  const redisListen = options.cacheTls
    ? ['--port', '0', '--tls-port', String(redisPort), '--tls-cert-file', cert, '--tls-key-file', key, '--tls-auth-clients', 'no']
    : ['--port', String(redisPort)]
  start('redis-server', [...redisListen, '--bind', '127.0.0.1', '--requirepass', REDIS_TOKEN, '--save', '', '--appendonly', 'no', '--dir', join(dir, 'redis')], join(dir, 'log', 'redis.log'))
  await startDatabase()
  sql(`CREATE USER 'admin'@'%' IDENTIFIED BY '${MASTER_PASSWORD}'; GRANT ALL PRIVILEGES ON *.* TO 'admin'@'%' WITH GRANT OPTION;`)

  // The code: Debian's WordPress with hactl's wp-config.php (and a test mu-plugin for the cron check).
  cpSync(WORDPRESS, app, {dereference: false, recursive: true})
  writeFileSync(join(app, 'wp-config.php'), renderWpConfig({runDir}))
  mkdirSync(join(app, 'wp-content', 'mu-plugins'), {recursive: true})
  writeFileSync(join(app, 'wp-content', 'mu-plugins', 'hactl-test.php'), "<?php\nadd_action('hactl_test_event', function () { update_option('hactl_test_ran', 'yes'); });\n")
  for (const [path, content] of Object.entries(options.codeFiles ?? {})) {
    mkdirSync(join(app, path, '..'), {recursive: true})
    writeFileSync(join(app, path), content)
  }

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
  const aws = createAwsStub(join(dir, 'aws'))
  const pointers: SitePointers = {
    app: 'wordpress', cacheEndpoint: '127.0.0.1', cacheEngine: 'redis', cachePort: redisPort, cacheSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:hactl-demo-cache-AbC',
    cacheTls: options.cacheTls ?? false, dbAppSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:hactl-demo-app-XyZ', dbEndpoint: '127.0.0.1', dbEngine: 'mariadb', dbName: 'wordpress',
    dbPort, dbReaderEndpoint: '', dbSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1-AbC', efsAccessPoint: 'fsap-0123456789abcdef0',
    efsId: 'fs-0123456789abcdef0', site: 'demo', uploadsPath: 'wp-content/uploads', url: SITE_URL,
  }
  aws.setParameter('/hactl/demo/site', JSON.stringify(pointers))
  aws.setSecret(pointers.dbSecretArn, JSON.stringify({password: MASTER_PASSWORD, username: 'admin'}))
  aws.setSecret(pointers.dbAppSecretArn, JSON.stringify({password: APP_PASSWORD, username: 'wordpress_app'}))
  aws.setSecret(pointers.cacheSecretArn, REDIS_TOKEN)
  const env: Record<string, string> = {
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
  const renderConfig = (): Promise<Run> => runAsync('bash', [join(libexec, 'render-config')], {env})
  const php = (code: string): Promise<Run> =>
    runAsync(ROOT ? 'runuser' : 'php', ROOT ? ['-u', phpUser, '--', 'php', '-r', code] : ['-r', code], {cwd: app, env})
  const get = async (path: string): Promise<{status: number; body: string}> => {
    const result = await runAsync('curl', ['-sS', '--max-time', '20', '-H', `Host: ${new URL(SITE_URL).host}`, '-w', '\n%{http_code}', `${url}${path}`], {})
    const cut = result.stdout.lastIndexOf('\n')
    return {body: result.stdout.slice(0, cut), status: Number(result.stdout.slice(cut + 1))}
  }
  const close = async (): Promise<void> => {
    await Promise.all(servers.map((server) => stopChild(server)))
    await imds.close()
    rmSync(dir, {force: true, recursive: true})
  }

  try {
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
  } catch (error) {
    await close()
    throw error
  }

  return {aws, app, cert, close, dbSocket, dir, env, get, imds, libexec, php, phpGroup, phpUser, renderConfig, runDir, sql, startDatabase, stopDatabase, url}
}
