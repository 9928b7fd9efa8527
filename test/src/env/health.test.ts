/**
 * The health endpoint (issue 8 items 6 and 9): the load balancer checks
 * /hactl-health.php, which the predeploy hook copies from the bundle into the
 * baked web root, and which answers 200 only when the app's config, database
 * and cache work. PHP is run for real when a php binary is on PATH (its
 * built-in server, on loopback, against stand-in WordPress and Moodle trees);
 * without one those cases are skipped, loudly. The service role gets the
 * three logs: actions EB needs to stream health to CloudWatch Logs.
 */
import {type ChildProcess, spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {GetRolePolicyCommand, IAMClient} from '@aws-sdk/client-iam'

import {BUNDLE_HEALTH_SCRIPT, bundleRoot} from '../../../src/env/bundle'
import {optionSettings, type Refs, SERVICE_POLICY_NAME, serviceRolePolicy} from '../../../src/env/spec'
import {openSandbox} from '../../../src/sandbox'
import {siteNames} from '../../../src/site/names'
import {exitCodeOf, scratchProject} from '../../_helpers/cli'
import {testConfig} from '../../_helpers/config'
import {freePort, get, startServer} from '../apps/loopback'
import {itWhen} from '../../_helpers/real-tools'

const ROOT = bundleRoot()
const HEALTH_SOURCE = readFileSync(join(ROOT, 'bundle', BUNDLE_HEALTH_SCRIPT), 'utf8')
const WEBROOT_HOOK = join(ROOT, '.platform/hooks/predeploy/10-hactl-webroot.sh')

/** The first php on PATH that runs, or undefined. */
function findPhp(): string | undefined {
  return ['php', 'php8.3', 'php8.2'].find((bin) => !spawnSync(bin, ['-v']).error)
}
const PHP = findPhp()
const withPhp = itWhen(Boolean(PHP), 'php')

// ---------------------------------------------------------------------------
// A staging directory and a sysroot, as in platform-hooks.test.ts, trimmed to the predeploy hook.

interface Site {
  readonly dir: string
  readonly sysroot: string
  readonly staging: string
  readonly webroot: string
  readonly app: string
  runHook(): {code: number | null; stdout: string; stderr: string}
}

function site(properties: Record<string, string>): Site {
  const dir = mkdtempSync(join(tmpdir(), 'hactl-health-'))
  const sysroot = join(dir, 'root')
  const staging = join(dir, 'staging')
  const config = join(dir, 'config')
  for (const d of [sysroot, staging, config, join(staging, 'public'), join(staging, 'hactl')]) mkdirSync(d, {recursive: true})
  writeFileSync(join(staging, 'public/index.html'), readFileSync(join(ROOT, 'bundle/public/index.html')))
  writeFileSync(join(staging, BUNDLE_HEALTH_SCRIPT), HEALTH_SOURCE)
  for (const [key, value] of Object.entries(properties)) writeFileSync(join(config, key), value)
  const getConfig = join(dir, 'get-config')
  // get-config environment -k NAME
  writeFileSync(getConfig, `#!/bin/bash\ncat "${config}/$3" 2>/dev/null\n`, {mode: 0o755})
  return {
    app: join(sysroot, 'opt/hactl/app'),
    dir,
    runHook() {
      const result = spawnSync(WEBROOT_HOOK, [], {
        cwd: staging,
        encoding: 'utf8',
        env: {HACTL_GET_CONFIG: getConfig, HACTL_SYSROOT: sysroot, PATH: process.env.PATH},
      })
      return {code: result.status, stderr: result.stderr, stdout: result.stdout}
    },
    staging,
    sysroot,
    webroot: join(sysroot, 'opt/hactl/webroot'),
  }
}

function put(path: string, content: string): void {
  mkdirSync(join(path, '..'), {recursive: true})
  writeFileSync(path, content)
}

/** A baked tree: code under /opt/hactl/app, webroot -> it (or its public/). */
function bake(s: Site, files: Record<string, string>, webrootTarget = 'app'): void {
  for (const [path, content] of Object.entries(files)) put(join(s.app, path), content)
  mkdirSync(join(s.app, 'public'), {recursive: true})
  symlinkSync(join(s.sysroot, 'opt/hactl', webrootTarget), s.webroot)
}

const sites: Site[] = []
afterAll(() => {
  for (const s of sites) rmSync(s.dir, {force: true, recursive: true})
})
function newSite(properties: Record<string, string>): Site {
  const s = site(properties)
  sites.push(s)
  return s
}

describe('predeploy hook and the health endpoint', () => {
  it('copies the bundle\'s health script into the baked web root as /hactl-health.php', () => {
    const s = newSite({HACTL_HEALTH_PATH: '/hactl-health.php', HACTL_UPLOADS_PATH: '/mnt/moodledata'})
    bake(s, {'config.php': '<?php'}, 'app/public')
    const run = s.runHook()
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(readFileSync(join(s.app, 'public/hactl-health.php'), 'utf8')).toBe(HEALTH_SOURCE)
    expect(readFileSync(join(s.staging, 'public/hactl-health.php'), 'utf8')).toBe(HEALTH_SOURCE)
    expect(run.stdout).toContain('hactl: health endpoint:')
  })

  it('replaces a stale copy left in the image with the bundle\'s version', () => {
    const s = newSite({HACTL_HEALTH_PATH: '/hactl-health.php', HACTL_UPLOADS_PATH: '/mnt/moodledata'})
    bake(s, {'hactl-health.php': '<?php echo "old";'})
    expect(s.runHook().code).toBe(0)
    expect(readFileSync(join(s.app, 'hactl-health.php'), 'utf8')).toBe(HEALTH_SOURCE)
  })

  it('fails the deployment when the bundle lacks the script (the check would 404)', () => {
    const s = newSite({HACTL_HEALTH_PATH: '/hactl-health.php', HACTL_UPLOADS_PATH: '/mnt/moodledata'})
    bake(s, {'config.php': '<?php'})
    rmSync(join(s.staging, BUNDLE_HEALTH_SCRIPT))
    const run = s.runHook()
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(`hactl: ERROR: no ${s.staging}/hactl/health.php in the bundle`)
  })

  it('before the first bake, the holding page answers /hactl-health.php, as it answered the app page before', () => {
    const s = newSite({HACTL_HEALTH_PATH: '/hactl-health.php', HACTL_UPLOADS_PATH: 'wp-content/uploads'})
    const run = s.runHook()
    expect(run.code).toBe(0)
    expect(readFileSync(join(s.staging, 'public/hactl-health.php'), 'utf8')).toBe(readFileSync(join(ROOT, 'bundle/public/index.html'), 'utf8'))
    expect(run.stdout).toContain('holding page also answers the health check at /hactl-health.php')
  })
})

// ---------------------------------------------------------------------------
// health.php itself

describe('health.php', () => {
  it('is PHP from the first byte, with no closing tag (stray output after it would corrupt the answer)', () => {
    expect(HEALTH_SOURCE.startsWith('<?php\n')).toBe(true)
    expect(HEALTH_SOURCE).not.toContain('?>')
  })

  it('prints only check names and verdicts: errors go to the log, never to the public answer', () => {
    const echoes = HEALTH_SOURCE.split('\n').filter((line) => /\b(echo|print|var_dump|print_r)\b/.test(line))
    expect(echoes).toEqual([`    echo json_encode(['status' => $ok ? 'ok' : 'unavailable', 'checks' => $checks]), "\\n";`])
  })

  withPhp('passes php -l', () => {
    const result = spawnSync(PHP!, ['-l', join(ROOT, 'bundle', BUNDLE_HEALTH_SCRIPT)], {encoding: 'utf8'})
    expect(result.stdout).toContain('No syntax errors detected')
    expect(result.status).toBe(0)
  })

  describe('served by PHP\'s built-in server', () => {
    /** Runs `php -S` on the site's web root; it says "started" once it listens. */
    async function serve(s: Site, env: Record<string, string>): Promise<{port: number; server: ChildProcess}> {
      const port = await freePort()
      const server = await startServer(PHP!, ['-S', `127.0.0.1:${port}`, '-t', join(s.staging, 'public')], 'started', {
        HACTL_SYSROOT: s.sysroot,
        PATH: process.env.PATH,
        ...env,
      })
      return {port, server}
    }

    async function check(s: Site, env: Record<string, string> = {}): Promise<{status: number; body: {status?: string; checks?: Record<string, string>}}> {
      const {port, server} = await serve(s, env)
      try {
        return await getJson(port, '/hactl-health.php')
      } finally {
        server.kill()
      }
    }

    /** Stand-in WordPress: what SHORTINIT leaves loaded, driven by flags in the test. */
    function wordpress(options: {dbOk?: boolean; dbVersion?: number; cacheOk?: boolean; extCache?: boolean} = {}): Record<string, string> {
      const {dbOk = true, dbVersion = 57155, cacheOk = true, extCache = true} = options
      return {
        'wp-load.php': `<?php
if (!defined('SHORTINIT') || !SHORTINIT) { echo 'full WordPress loaded'; exit; }
$wp_db_version = 57155;
class FakeWpdb {
  public $options = 'wp_options';
  public $last_error = 'gone away';
  public function get_var($sql) {
    if (!${dbOk ? 'true' : 'false'}) return null;
    return $sql === 'SELECT 1' ? '1' : '${dbVersion}';
  }
}
$wpdb = new FakeWpdb();
function wp_using_ext_object_cache() { return ${extCache ? 'true' : 'false'}; }
$GLOBALS['cache'] = [];
function wp_cache_set($k, $v, $g, $t) { $GLOBALS['cache'][$g][$k] = $v; return true; }
function wp_cache_get($k, $g, $force) { return ${cacheOk ? "$GLOBALS['cache'][$g][$k] ?? false" : 'false'}; }
`,
      }
    }

    /**
     * Stand-in Moodle: config.php then lib/setup.php, which stops after config
     * with ABORT_AFTER_CONFIG (unless cancelled) and, like initialise_fullme(),
     * answers a host other than wwwroot's with a 200 redirect page.
     */
    function moodle(options: {needsUpgrade?: boolean; maintenance?: boolean} = {}): Record<string, string> {
      return {
        'config.php': `<?php
unset($CFG); global $CFG; $CFG = new stdClass();
$CFG->wwwroot = 'https://lms.example.org';
$CFG->sslproxy = true;
$CFG->dirroot = __DIR__;
$CFG->dataroot = '/nonexistent';
$CFG->maintenance_enabled = ${options.maintenance ? 'true' : 'false'};
require_once(__DIR__ . '/lib/setup.php');
`,
        // Included twice (ABORT_AFTER_CONFIG, then CANCEL): its declarations live in
        // a require_once'd file, as Moodle's are in setuplib.php and moodlelib.php.
        'lib/setup.php': `<?php
if (defined('ABORT_AFTER_CONFIG') && !defined('ABORT_AFTER_CONFIG_CANCEL')) { return; }
if (($_SERVER['HTTP_HOST'] ?? '') !== 'lms.example.org') { echo '<meta http-equiv="refresh" content="3; url=https://lms.example.org">'; exit; }
require_once __DIR__ . '/setuplib.php';
$DB = new FakeDb();
`,
        'lib/setuplib.php': `<?php
class FakeDb { public function get_field($t, $f, $c) { return '2024100700'; } }
function moodle_needs_upgrading() { return ${options.needsUpgrade ? 'true' : 'false'}; }
abstract class cache_store { const MODE_APPLICATION = 1; }
class cache {
  private $data = [];
  public static function make_from_params($mode, $component, $area) { return new cache(); }
  public function set($k, $v) { $this->data[$k] = $v; return true; }
  public function get($k) { return $this->data[$k] ?? false; }
}
`,
      }
    }

    async function baked(files: Record<string, string>): Promise<Site> {
      const s = newSite({HACTL_HEALTH_PATH: '/hactl-health.php', HACTL_UPLOADS_PATH: '/mnt/uploads'})
      bake(s, files)
      expect(s.runHook().code).toBe(0)
      return s
    }

    withPhp('answers 200 for a WordPress whose database, cache and version are right', async () => {
      const answer = await check(await baked(wordpress()), {HACTL_APP: 'wordpress'})
      expect(answer).toEqual({body: {checks: {cache: 'ok', database: 'ok', maintenance: 'ok', upgrade: 'ok'}, status: 'ok'}, status: 200})
    })

    withPhp.each([
      ['the database does not answer', {dbOk: false}, 'database'],
      ['an upgrade is pending', {dbVersion: 56000}, 'upgrade'],
      ['the object cache loses what was written', {cacheOk: false}, 'cache'],
    ])('answers 503 for a WordPress when %s', async (_, options, failed) => {
      const answer = await check(await baked(wordpress(options)), {HACTL_APP: 'wordpress'})
      expect(answer.status).toBe(503)
      expect(answer.body.status).toBe('unavailable')
      expect(answer.body.checks?.[failed]).toBe('fail')
    })

    withPhp('answers 503 for a WordPress in maintenance', async () => {
      const answer = await check(await baked({...wordpress(), '.maintenance': '<?php $upgrading = time();'}), {HACTL_APP: 'wordpress'})
      expect(answer).toMatchObject({body: {checks: {maintenance: 'fail'}}, status: 503})
    })

    withPhp('tells the app from its files when HACTL_APP is not set', async () => {
      expect((await check(await baked(wordpress()))).status).toBe(200)
      expect((await check(await baked(moodle()))).status).toBe(200)
    })

    withPhp('answers 200 for a Moodle although the check comes without the site\'s Host', async () => {
      const answer = await check(await baked(moodle()), {HACTL_APP: 'moodle'})
      expect(answer).toEqual({body: {checks: {cache: 'ok', database: 'ok', maintenance: 'ok', upgrade: 'ok'}, status: 'ok'}, status: 200})
    })

    withPhp.each([
      ['an upgrade is pending', {needsUpgrade: true}, 'upgrade'],
      ['it is in maintenance mode', {maintenance: true}, 'maintenance'],
    ])('answers 503 for a Moodle when %s', async (_, options, failed) => {
      const answer = await check(await baked(moodle(options)), {HACTL_APP: 'moodle'})
      expect(answer).toMatchObject({body: {checks: {[failed]: 'fail'}, status: 'unavailable'}, status: 503})
    })

    withPhp('answers 503 when the baked code is neither app', async () => {
      const answer = await check(await baked({'index.php': '<?php'}))
      expect(answer).toMatchObject({body: {checks: {app: 'fail'}}, status: 503})
    })
  })
})

async function getJson(port: number, path: string): Promise<{status: number; body: {status?: string; checks?: Record<string, string>}}> {
  const {body, status} = await get(port, path)
  try {
    return {body: JSON.parse(body), status}
  } catch {
    throw new Error(`not JSON (HTTP ${status}): ${body}`)
  }
}

// ---------------------------------------------------------------------------
// Where EB is told about it, and the service role

const refs = {
  accessPointId: 'fsap-1', account: '123456789012', appDbSecretArn: 'arn:app', cache: {endpoint: 'c', port: 6379}, db: {endpoint: 'd', port: 3306, secretArn: 'arn:s'},
  efsId: 'fs-1', instanceSubnets: ['subnet-a'], loadBalancerSubnets: ['subnet-a'],
  securityGroups: {cache: 'sg-c', db: 'sg-d', efs: 'sg-e', lb: 'sg-l', seed: 'sg-s', web: 'sg-w'}, vpcId: 'vpc-1',
} as Refs

describe('EB options for the health check', () => {
  it.each(['wordpress', 'moodle'] as const)('point the %s load balancer check at /hactl-health.php, answered 200', (app) => {
    const settings = optionSettings(testConfig({app}), refs)
    const value = (name: string) => settings.find((s) => s.Namespace === 'aws:elasticbeanstalk:environment:process:default' && s.OptionName === name)?.Value
    expect(value('HealthCheckPath')).toBe('/hactl-health.php')
    expect(value('MatcherHTTPCode')).toBe('200')
  })
})

describe('the service role\'s inline policy', () => {
  it('allows the three logs: actions EB needs to stream environment health, on EB\'s log streams only', () => {
    expect(JSON.parse(serviceRolePolicy())).toEqual({
      Statement: [
        {
          Action: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
          Effect: 'Allow',
          Resource: 'arn:aws:logs:*:*:log-group:/aws/elasticbeanstalk/*:log-stream:*',
          Sid: 'HealthLogStreaming',
        },
      ],
      Version: '2012-10-17',
    })
  })

  it('is on the service role after env create (sandbox)', async () => {
    const project = scratchProject()
    try {
      await project.run(['init', '--yes', '--app', 'wordpress', '--site', 'demo', '--region', 'eu-west-1'])
      expect(exitCodeOf(await project.run(['env', 'create', '--sandbox', '--yes', '--json', '--wait', '100000']))).toBe(0)
      const sandbox = openSandbox({region: 'eu-west-1', speed: 100_000, stateDir: join(project.dir, '.hactl')})
      const iam = new IAMClient({credentials: {accessKeyId: 'x', secretAccessKey: 'y'}, region: 'eu-west-1'})
      iam.middlewareStack.use(sandbox.plugin('iam'))
      const {PolicyDocument} = await iam.send(new GetRolePolicyCommand({PolicyName: SERVICE_POLICY_NAME, RoleName: siteNames('demo', 'eu-west-1').serviceRole}))
      expect(JSON.parse(decodeURIComponent(PolicyDocument!))).toEqual(JSON.parse(serviceRolePolicy()))
    } finally {
      project.cleanup()
    }
  })
})
