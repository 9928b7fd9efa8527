/**
 * The nginx front-controller fallback (AWS-NOTES-2 A.1 #6). nginx is not
 * installed here, so the routing is checked on the rendered text: which
 * script a path that is no file reaches, for each app's web root. With nginx
 * on PATH, `nginx -t` also checks the file inside a server block like EB's.
 */
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {ALL_PROFILES, NGINX_FALLBACK_FILE, profileFor, renderNginxFallback} from '../../../src/apps'
import {bundleRoot, readBundleFiles} from '../../../src/env/bundle'

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
  if (!haveNginx) console.warn('SKIPPED: nginx is not installed, so `nginx -t` on the fallback file did not run (install nginx to check it for real).')
  ;(haveNginx ? it : it.skip)('passes `nginx -t` inside a server block like EB\'s PHP one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hactl-nginx-'))
    try {
      writeFileSync(join(dir, 'hactl-app.conf'), shipped)
      writeFileSync(join(dir, 'nginx.conf'), [
        'pid nginx.pid; error_log stderr; events {}',
        'http {',
        `  upstream php-fpm { server 127.0.0.1:9; }`,
        '  server {',
        '    listen 127.0.0.1:8089; root /var/www/html/public; index index.php index.html;',
        `    include ${join(dir, 'hactl-app.conf')};`,
        '    location ~ \\.(php|phar)(/.*)?$ { fastcgi_split_path_info ^(.+\\.(?:php|phar))(/.*)$; fastcgi_pass php-fpm; }',
        '  }',
        '}',
      ].join('\n'))
      const result = spawnSync('nginx', ['-t', '-p', dir, '-c', join(dir, 'nginx.conf')], {encoding: 'utf8'})
      expect(`${result.stdout}${result.stderr}`).toContain('syntax is ok')
    } finally {
      rmSync(dir, {force: true, recursive: true})
    }
  })
})
