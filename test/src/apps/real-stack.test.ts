/**
 * The bundle's web parts together, when nginx and php-fpm are installed: the
 * fallback file inside a server block shaped like EB's PHP one (its `\.php`
 * location with fastcgi_params, SCRIPT_FILENAME and PATH_INFO, per
 * AWS-NOTES-2 A.1 #6), php-fpm behind it, the health script where the
 * predeploy hook copies it, and a stand-in WordPress. Skipped, loudly, without them.
 */
import {type ChildProcess, spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {NGINX_FALLBACK_FILE} from '../../../src/apps'
import {BUNDLE_HEALTH_SCRIPT, bundleRoot} from '../../../src/env/bundle'
import {freePort, get, startServer} from './loopback'
import {itWhen} from '../../_helpers/real-tools'

const ROOT = bundleRoot()
const FPM = ['php-fpm', 'php-fpm8.3', 'php-fpm8.2'].find((name) => !spawnSync(name, ['-v']).error)
const NGINX_OK = !spawnSync('nginx', ['-v']).error
const PARAMS = '/etc/nginx/fastcgi_params'
const ready = Boolean(FPM && NGINX_OK && existsSync(PARAMS))
const withStack = itWhen(ready, FPM ? 'nginx' : 'php-fpm')

describe('nginx + php-fpm with the bundle\'s fallback and health endpoint', () => {
  let dir: string
  const servers: ChildProcess[] = []
  let port = 0

  beforeAll(async () => {
    if (!ready) return
    dir = mkdtempSync(join(tmpdir(), 'hactl-stack-'))
    const sysroot = join(dir, 'root')
    const app = join(sysroot, 'opt/hactl/app')
    mkdirSync(app, {recursive: true})
    mkdirSync(join(dir, 'tmp'))
    writeFileSync(join(app, 'index.php'), '<?php echo "front controller: ", $_SERVER["REQUEST_URI"], " via ", $_SERVER["SCRIPT_NAME"];')
    writeFileSync(join(app, 'wp-load.php'), [
      '<?php',
      '$wp_db_version = 57155;',
      'class FakeWpdb { public $options = "wp_options"; public function get_var($sql) { return $sql === "SELECT 1" ? "1" : "57155"; } }',
      '$wpdb = new FakeWpdb();',
      'function wp_using_ext_object_cache() { return false; }',
    ].join('\n'))
    writeFileSync(join(app, 'hactl-health.php'), readFileSync(join(ROOT, 'bundle', BUNDLE_HEALTH_SCRIPT)))

    const fpmPort = await freePort()
    port = await freePort()
    writeFileSync(join(dir, 'fpm.conf'), [
      '[global]', `pid = ${join(dir, 'fpm.pid')}`, `error_log = ${join(dir, 'fpm.log')}`, 'daemonize = no',
      // EB passes environment properties to php-fpm; clear_env = no does the same here.
      '[www]', `listen = 127.0.0.1:${fpmPort}`, 'pm = static', 'pm.max_children = 1', 'clear_env = no',
    ].join('\n'))
    writeFileSync(join(dir, 'nginx.conf'), [
      'pid nginx.pid; error_log stderr notice; events {}',
      `http { access_log off; ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((k) => `${k}_temp_path ${join(dir, 'tmp')};`).join(' ')}`,
      `  upstream php-fpm { server 127.0.0.1:${fpmPort}; }`,
      `  server { listen 127.0.0.1:${port}; root ${app}; index index.php index.html;`,
      `    include ${join(ROOT, NGINX_FALLBACK_FILE)};`,
      '    location ~ \\.(php|phar)(/.*)?$ {',
      '      fastcgi_split_path_info ^(.+\\.(?:php|phar))(/.*)$;',
      `      include ${PARAMS};`,
      '      fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;',
      '      fastcgi_param PATH_INFO $fastcgi_path_info;',
      '      fastcgi_pass php-fpm;',
      '    }',
      '  }',
      '}',
    ].join('\n'))
    const env = {...process.env, HACTL_APP: 'wordpress', HACTL_SYSROOT: sysroot}
    // -R: these tests may run as root; -n: no php.ini, so nothing local changes the result;
    // -O: the log to stderr as well, where readiness is read.
    servers.push(await startServer(FPM!, ['-n', '-R', '-F', '-O', '-y', join(dir, 'fpm.conf')], 'ready to handle connections', env))
    servers.push(await startServer('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off; master_process off;'], 'getrlimit'))
  })

  afterAll(() => {
    for (const server of servers) server.kill()
    if (dir) rmSync(dir, {force: true, recursive: true})
  })

  withStack('answers the load balancer\'s check through php-fpm with 200 and the checks', async () => {
    const answer = await get(port, '/hactl-health.php')
    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.body)).toEqual({checks: {cache: 'not configured', database: 'ok', maintenance: 'ok', upgrade: 'ok'}, status: 'ok'})
  })

  withStack('gives WordPress\'s index.php the original REQUEST_URI for a pretty permalink and /wp-json/', async () => {
    expect(await get(port, '/2024/01/hello-world/')).toEqual({body: 'front controller: /2024/01/hello-world/ via /index.php', status: 200})
    expect(await get(port, '/wp-json/wp/v2/posts?per_page=1')).toEqual({body: 'front controller: /wp-json/wp/v2/posts?per_page=1 via /index.php', status: 200})
  })
})
