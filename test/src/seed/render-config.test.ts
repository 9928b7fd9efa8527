/**
 * render-config, executed for real in bash and PHP against a stub AWS CLI and
 * a loopback IMDSv2 stand-in: it renders the site's pointers and secrets into
 * a /run-like directory only, follows the role tag, survives any password
 * characters, and keeps the last good file when AWS fails.
 */
import {spawnSync} from 'node:child_process'
import {chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {renderMoodleConfig} from '../../../src/seed/app-config/moodle'
import {renderWpConfig} from '../../../src/seed/app-config/wordpress'
import {roleGateScript} from '../../../src/seed/cron'
import {dbAppUserScript} from '../../../src/seed/db-user'
import {type SitePointers} from '../../../src/seed/pointers'
import {configServiceUnit, configTimerUnit, renderConfigScript, siteJsonPhp} from '../../../src/seed/render-config'
import {useImdsStub} from '../../_helpers/imds-stub'
import {runBash} from '../../_helpers/run-bash'
import {useTempDir} from '../../_helpers/sandbox-dir'
import {createAwsStub, type AwsStub} from './aws-stub'
import {describeNeeding, shellcheckText} from '../../_helpers/real-tools'

const run = runBash

/** A value out of the rendered PHP array, as PHP reads it. */
function phpValue(file: string, expression: string): string {
  const result = spawnSync('php', ['-r', `$s = require $argv[1]; echo ${expression};`, file], {encoding: 'utf8'})
  if (result.status !== 0) throw new Error(`php failed: ${result.stderr}`)
  return result.stdout
}

export const DEMO_POINTERS: SitePointers = {
  app: 'wordpress',
  cacheEndpoint: 'master.hactl-demo.abc123.euw1.cache.amazonaws.com',
  cacheEngine: 'redis',
  cachePort: 6379,
  cacheSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:hactl-demo-cache-AbCdEf',
  dbAppSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:hactl-demo-app-XyZ123',
  dbEndpoint: 'hactl-demo.cluster-abc.eu-west-1.rds.amazonaws.com',
  dbEngine: 'mysql',
  dbName: 'wordpress',
  dbPort: 3306,
  dbReaderEndpoint: '',
  dbSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1234-AbC',
  efsAccessPoint: 'fsap-0123456789abcdef0',
  efsId: 'fs-0123456789abcdef0',
  site: 'demo',
  uploadsPath: 'wp-content/uploads',
}

describeNeeding(['php', 'curl'], 'seed render-config', () => {
  const imds = useImdsStub()
  let dir: string
  let aws: AwsStub
  let runDir: string
  let script: string
  let env: Record<string, string>
  const password = `p'a"s\\s$(x)\`y\`%s\nz`

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hactl-render-'))
    aws = createAwsStub(join(dir, 'bin'))
    const libexec = join(dir, 'libexec')
    runDir = join(dir, 'run', 'hactl')
    spawnSync('mkdir', ['-p', libexec, join(dir, 'run')])
    writeFileSync(join(libexec, 'site-json.php'), siteJsonPhp())
    script = join(libexec, 'render-config')
    writeFileSync(script, renderConfigScript())
    writeFileSync(join(libexec, 'role-is-seed'), roleGateScript())
    chmodSync(join(libexec, 'role-is-seed'), 0o755)
    writeFileSync(join(dir, 'site'), 'demo\n')
    aws.setParameter('/hactl/demo/site', JSON.stringify(DEMO_POINTERS))
    aws.setSecret(DEMO_POINTERS.dbAppSecretArn, JSON.stringify({password, username: 'wordpress_app'}))
    aws.setSecret(DEMO_POINTERS.cacheSecretArn, 'cache-token-0123456789')
    imds.tags = {'hactl:role': 'seed'}
    imds.tagsExposed = true
    const group = spawnSync('id', ['-gn'], {encoding: 'utf8'}).stdout.trim()
    env = {
      AWS_REGION: 'eu-west-1',
      HACTL_GET_CONFIG: join(dir, 'no-get-config'),
      HACTL_IMDS_URL: imds.url,
      HACTL_LIBEXEC: libexec,
      HACTL_PHP_GROUP: group,
      HACTL_RUN_DIR: runDir,
      HACTL_SITE_FILE: join(dir, 'site'),
      PATH: `${aws.binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    }
  })

  afterEach(() => {
    rmSync(dir, {force: true, recursive: true})
  })

  it('renders the pointers and the app secret into the run directory, 0640, for the seed', async () => {
    const result = await run(script, env)
    expect(result.stderr).not.toContain('ERROR')
    expect(result.code).toBe(0)
    const site = join(runDir, 'site.php')
    expect(statSync(site).mode & 0o777).toBe(0o640)
    expect(statSync(runDir).mode & 0o777).toBe(0o750)
    expect(phpValue(site, '$s["db"]["password"]')).toBe(password)
    expect(phpValue(site, '$s["db"]["user"]')).toBe('wordpress_app')
    expect(phpValue(site, '$s["db"]["host"] . ":" . $s["db"]["port"]')).toBe(`${DEMO_POINTERS.dbEndpoint}:3306`)
    expect(phpValue(site, '$s["cache"]["password"] . "|" . var_export($s["cache"]["tls"], true)')).toBe('cache-token-0123456789|true')
    expect(phpValue(site, '$s["role"]')).toBe('seed')
    expect(spawnSync('cat', [join(runDir, 'role')], {encoding: 'utf8'}).stdout).toBe('seed\n')
    // The master secret is for the seed's DB-user step only: never read here.
    expect(aws.calls()).toEqual([
      'ssm get-parameter /hactl/demo/site',
      `secretsmanager get-secret-value ${DEMO_POINTERS.dbAppSecretArn}`,
      `secretsmanager get-secret-value ${DEMO_POINTERS.cacheSecretArn}`,
    ])
    expect(readdirSync(runDir).sort()).toEqual(['role', 'site.php'])
    expect(`${result.stdout}${result.stderr}`).not.toContain(password)
  })

  it.each<[string, () => void]>([
    ['a web tag', () => (imds.tags = {'hactl:role': 'web'})],
    ['tags not exposed', () => (imds.tagsExposed = false)],
  ])('renders role web with %s', async (_what, arrange) => {
    arrange()
    expect((await run(script, env)).code).toBe(0)
    expect(phpValue(join(runDir, 'site.php'), '$s["role"]')).toBe('web')
  })

  it('prefers the EB property HACTL_SITE on a web node', async () => {
    const getConfig = join(dir, 'get-config')
    writeFileSync(getConfig, '#!/bin/bash\n[[ "$*" == "environment -k HACTL_SITE" ]] && echo other\n')
    chmodSync(getConfig, 0o755)
    aws.setParameter('/hactl/other/site', JSON.stringify({...DEMO_POINTERS, site: 'other'}))
    expect((await run(script, {...env, HACTL_GET_CONFIG: getConfig})).code).toBe(0)
    expect(phpValue(join(runDir, 'site.php'), '$s["site"]')).toBe('other')
  })

  it('keeps the last good file when a secret cannot be read, and leaves no temporary file', async () => {
    expect((await run(script, env)).code).toBe(0)
    aws.setSecret(DEMO_POINTERS.dbAppSecretArn, '')
    rmSync(join(aws.binDir, 'secrets'), {force: true, recursive: true})
    const failed = await run(script, env)
    expect(failed.code).not.toBe(0)
    expect(failed.stderr).toContain('cannot read the secret')
    expect(phpValue(join(runDir, 'site.php'), '$s["db"]["password"]')).toBe(password)
    expect(readdirSync(runDir).sort()).toEqual(['role', 'site.php'])
  })

  it('refuses an app secret without a username and writes nothing', async () => {
    aws.setSecret(DEMO_POINTERS.dbAppSecretArn, JSON.stringify({password}))
    const failed = await run(script, env)
    expect(failed.code).not.toBe(0)
    expect(failed.stderr).toContain('needs "username" and "password"')
    expect(failed.stderr).not.toContain(password)
    expect(readdirSync(runDir)).toEqual([])
  })
})

describeNeeding(['shellcheck'], 'seed render-config: shellcheck', () => {
  it.each([
    ['render-config', renderConfigScript()],
    ['db-app-user', dbAppUserScript()],
  ])('%s passes shellcheck', (name, text) => {
    expect(shellcheckText(name, text).output).toBe('')
  })
})

describeNeeding(['php'], 'seed app config files', () => {
  const dir = useTempDir('hactl-appconfig-')

  it.each([
    ['wp-config.php', renderWpConfig()],
    ['config.php', renderMoodleConfig()],
  ])('%s is valid PHP, requires the rendered file under /run and holds no credential', (name, text) => {
    const file = join(dir.path, name)
    writeFileSync(file, text)
    const lint = spawnSync('php', ['-l', file], {encoding: 'utf8'})
    expect(lint.stdout).toContain('No syntax errors')
    expect(text).toContain("$hactl_file = '/run/hactl/site.php';")
    expect(text).not.toMatch(/password'\]\s*=\s*'|DB_PASSWORD', '/)
  })

  it('wp-config.php turns page-view cron off everywhere and file mods off unless seed', () => {
    const text = renderWpConfig()
    expect(text).toContain("define('DISABLE_WP_CRON', true);")
    expect(text).toContain("define('DISALLOW_FILE_MODS', !$hactl_seed);")
    expect(text).toContain("define('AUTOMATIC_UPDATER_DISABLED', !$hactl_seed);")
  })

  it('config.php keeps plugin deploys to the seed and the local cache off EFS', () => {
    const text = renderMoodleConfig()
    expect(text).toContain('$CFG->disableupdateautodeploy = !$hactl_seed;')
    expect(text).toContain("$CFG->localcachedir = '/var/cache/hactl/moodle';")
  })
})

describe('seed render-config units', () => {
  it('renders before PHP-FPM starts, EB\'s and the seed\'s', () => {
    expect(configServiceUnit()).toMatch(/^Before=php-fpm\.service hactl-seed-php-fpm\.service/m)
    expect(configServiceUnit()).toMatch(/^ExecStart=\/usr\/local\/libexec\/hactl\/render-config$/m)
  })

  it('renders again every five minutes by default', () => {
    expect(configTimerUnit()).toMatch(/^OnCalendar=\*-\*-\* \*:00\/5:00$/m)
  })
})
