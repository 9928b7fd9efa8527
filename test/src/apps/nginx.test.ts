/**
 * The nginx front-controller fallback (AWS-NOTES-2 A.1 #6). nginx is not
 * always installed, so the routing is checked on the rendered text first:
 * which script a path that is no file reaches, for each app's web root. With
 * nginx on PATH the file also runs for real, included in a server block like
 * EB's PHP one (whose `\.php` location here answers with the script nginx
 * picked instead of calling php-fpm), on loopback ports.
 */
import {type ChildProcess, spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {ALL_PROFILES, NGINX_FALLBACK_FILE, profileFor, renderNginxFallback} from '../../../src/apps'
import {bundleRoot, readBundleFiles} from '../../../src/env/bundle'
import {freePort, get, startServer} from './loopback'
import {itWhen} from '../../_helpers/real-tools'

const shipped = readFileSync(join(bundleRoot(), NGINX_FALLBACK_FILE), 'utf8')

/**
 * Where nginx sends a request for a missing file, read off the config: the
 * named location's `if (-f $document_root/X) { rewrite ^ Y last; }` branches
 * in order, else its final `return`.
 */
function fallbackFor(conf: string, webRootFiles: readonly string[]): string {
  const named = /try_files \$uri \$uri\/ (@\w+);/.exec(conf)?.[1]
  if (!named) throw new Error('no try_files to a named location')
  const body = new RegExp(`location ${named} \\{\\n([\\s\\S]*?)\\n\\}`).exec(conf)?.[1] ?? ''
  for (const branch of body.matchAll(/if \(-f \$document_root\/([\w.-]+)\) \{\s*rewrite \^ (\S+) last;\s*\}/g)) {
    if (webRootFiles.includes(branch[1])) return branch[2]
  }
  const ret = /^\s*return (\d+);/m.exec(body)?.[1]
  if (!ret) throw new Error('the named location ends without a return')
  return ret
}

describe('the nginx front-controller fallback', () => {
  it('is shipped as rendered from the app profiles (re-render it after changing a profile)', () => {
    expect(shipped).toBe(renderNginxFallback(ALL_PROFILES))
  })

  it('sits where EB includes files inside its server block, and is in the bundle', () => {
    expect(NGINX_FALLBACK_FILE).toMatch(/^\.platform\/nginx\/conf\.d\/elasticbeanstalk\/[\w-]+\.conf$/)
    expect(readBundleFiles().find((f) => f.path === NGINX_FALLBACK_FILE)).toMatchObject({content: shipped, mode: 0o644})
  })

  it('routes WordPress pretty permalinks and /wp-json/ to index.php', () => {
    expect(fallbackFor(shipped, ['index.php', 'wp-load.php', 'wp-login.php'])).toBe('/index.php')
  })

  it('routes Moodle >= 5.1 to its router, r.php', () => {
    expect(fallbackFor(shipped, ['index.php', 'r.php', 'config.php'])).toBe('/r.php')
  })

  it('keeps the 404 for the holding page and for Moodle without a router', () => {
    expect(fallbackFor(shipped, ['index.html', 'index.php'])).toBe('404')
    expect(fallbackFor(shipped, ['index.php', 'config.php'])).toBe('404')
  })

  it('adds locations only: a server, listen or root here would break or change EB\'s server block', () => {
    const directives = shipped.split('\n').filter((line) => !line.trim().startsWith('#')).join('\n')
    expect(directives).not.toMatch(/\b(server|listen|root|http)\b/)
    expect(directives.match(/\{/g)?.length).toBe(directives.match(/\}/g)?.length)
    // Only `rewrite … last` and `return` inside `if`: the two uses nginx documents as safe there.
    expect(directives).toMatch(/location \/ \{\n {4}try_files \$uri \$uri\/ @hactl_front_controller;\n\}/)
  })

  it('never lets a PHP file be served as text: the fallback targets are rewritten, not tried', () => {
    // try_files serves any non-last file argument as is, so a .php there would leak source.
    expect(shipped).not.toMatch(/try_files[^;]*\.php[^;]*;/)
  })

  it('refuses two apps with the same marker file (nginx could not tell them apart)', () => {
    const clash = {...profileFor('moodle'), frontController: {...profileFor('wordpress').frontController}}
    expect(() => renderNginxFallback([clash, profileFor('wordpress')])).toThrow(/share a front-controller marker/)
  })

  const nginx = spawnSync('nginx', ['-v'], {encoding: 'utf8'})
  const haveNginx = !nginx.error
  const withNginx = itWhen(haveNginx, 'nginx')

  withNginx('passes `nginx -t` inside a server block like EB\'s PHP one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hactl-nginx-'))
    try {
      writeFileSync(join(dir, 'nginx.conf'), nginxConf(dir, {'127.0.0.1:9': '/var/www/html/public'}))
      const result = spawnSync('nginx', ['-t', '-p', dir, '-c', join(dir, 'nginx.conf')], {encoding: 'utf8'})
      expect(`${result.stdout}${result.stderr}`).toContain('syntax is ok')
    } finally {
      rmSync(dir, {force: true, recursive: true})
    }
  })

  describe('in a real nginx, with EB\'s PHP location standing in for php-fpm', () => {
    let dir: string
    let server: ChildProcess | undefined
    const ports = {holding: 0, moodle: 0, wordpress: 0}

    beforeAll(async () => {
      if (!haveNginx) return
      dir = mkdtempSync(join(tmpdir(), 'hactl-nginx-'))
      const roots = {
        holding: ['index.html', 'index.php'],
        moodle: ['index.php', 'r.php', 'pluginfile.php', 'config.php'],
        wordpress: ['index.php', 'wp-load.php', 'readme.html', 'wp-admin/index.php'],
      }
      for (const [app, files] of Object.entries(roots)) {
        for (const file of files) {
          mkdirSync(join(dir, app, file, '..'), {recursive: true})
          writeFileSync(join(dir, app, file), `static ${file}`)
        }
      }
      for (const app of Object.keys(ports) as Array<keyof typeof ports>) ports[app] = await freePort()
      writeFileSync(join(dir, 'nginx.conf'), nginxConf(dir, Object.fromEntries(Object.entries(ports).map(([app, port]) => [`127.0.0.1:${port}`, join(dir, app)]))))
      // nginx prints its OS notices after it has opened the listening sockets.
      server = await startServer('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off; master_process off;'], 'getrlimit')
    })

    afterAll(() => {
      server?.kill()
      if (dir) rmSync(dir, {force: true, recursive: true})
    })

    withNginx.each([
      ['wordpress', '/wp-json/wp/v2/posts?per_page=1', 200, 'php /index.php?per_page=1 for /wp-json/wp/v2/posts?per_page=1'],
      ['wordpress', '/2024/01/hello-world/', 200, 'php /index.php? for /2024/01/hello-world/'],
      ['wordpress', '/readme.html', 200, 'static readme.html'],
      ['wordpress', '/wp-admin/', 200, 'php /wp-admin/index.php? for /wp-admin/'],
      ['moodle', '/course/view/5?x=1', 200, 'php /r.php?x=1 for /course/view/5?x=1'],
      ['moodle', '/pluginfile.php/12/mod_page/content/a.png', 200, 'php /pluginfile.php/12/mod_page/content/a.png? for /pluginfile.php/12/mod_page/content/a.png'],
      ['holding', '/', 200, 'php /index.php? for /'],
      ['holding', '/no/such/page', 404, ''],
    ] as const)('%s: GET %s answers %i from %s', async (app, path, status, body) => {
      const answer = await get(ports[app], path)
      expect(answer.status).toBe(status)
      if (status === 200) expect(answer.body).toBe(`${body}\n`.replace(/^static (.*)\n$/, 'static $1'))
    })
  })
})

/**
 * An nginx.conf with one server per listen address, each shaped like EB's PHP
 * server block (root, index, the `\.php` location) and including the shipped file.
 */
function nginxConf(dir: string, servers: Record<string, string>): string {
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `${kind}_temp_path ${join(dir, 'tmp')};`).join(' ')
  mkdirSync(join(dir, 'tmp'), {recursive: true})
  writeFileSync(join(dir, 'hactl-app.conf'), shipped)
  return [
    'pid nginx.pid; error_log stderr notice; events {}',
    `http { access_log off; ${temp}`,
    ...Object.entries(servers).map(([listen, root]) => [
      `  server { listen ${listen}; root ${root}; index index.php index.html;`,
      `    include ${join(dir, 'hactl-app.conf')};`,
      '    location ~ \\.(php|phar)(/.*)?$ { return 200 "php $uri?$args for $request_uri\\n"; }',
      '  }',
    ].join('\n')),
    '}',
  ].join('\n')
}

