/**
 * The .platform hooks, checked with shellcheck and run for real with bash in
 * a temporary directory. What a hook would touch on an instance is redirected
 * through its test seams: HACTL_SYSROOT prefixes every system path
 * (/etc/fstab, /etc/cron.d, /opt/hactl, /mnt/...), HACTL_GET_CONFIG and PATH
 * stubs stand in for get-config, systemctl, mount and the package tools, and
 * HACTL_IMDS_URL points the role hook at a loopback IMDSv2 stand-in. Nothing
 * is mounted, installed or enabled. Without shellcheck the lint tests skip
 * locally and fail in CI (test/_helpers/real-tools.ts).
 */
import {spawn} from 'node:child_process'
import {existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import {type AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {BUNDLE_ENV_PROPERTIES, bundleRoot} from '../../../src/env/bundle'
import {itNeeds, shellcheck} from '../../_helpers/real-tools'

const ROOT = bundleRoot()
const ROLE_HOOK = join(ROOT, '.platform/hooks/prebuild/01-hactl-role.sh')
const EFS_HOOK = join(ROOT, '.platform/hooks/prebuild/10-hactl-efs-mount.sh')
const WEBROOT_HOOK = join(ROOT, '.platform/hooks/predeploy/10-hactl-webroot.sh')
const VERIFY_HOOK = join(ROOT, '.platform/hooks/postdeploy/90-hactl-verify.sh')

const EFS_ID = 'fs-0123456789abcdef0'
const ACCESS_POINT = 'fsap-0123456789abcdef0'

/** Every hook script EB would run, as paths relative to the package root. */
function hookFiles(): string[] {
  const found: string[] = []
  for (const kind of ['hooks', 'confighooks']) {
    const base = join(ROOT, '.platform', kind)
    if (!existsSync(base)) continue
    for (const stage of readdirSync(base)) {
      for (const name of readdirSync(join(base, stage))) found.push(`.platform/${kind}/${stage}/${name}`)
    }
  }
  return found.sort()
}

describe('every .platform hook', () => {
  const hooks = hookFiles()

  it('exists for each stage hactl relies on', () => {
    expect(hooks).toEqual(expect.arrayContaining([
      '.platform/hooks/postdeploy/90-hactl-verify.sh',
      '.platform/hooks/prebuild/01-hactl-role.sh',
      '.platform/hooks/prebuild/10-hactl-efs-mount.sh',
      '.platform/hooks/predeploy/10-hactl-webroot.sh',
    ]))
  })

  describe.each(hooks)('%s', (hook) => {
    const path = join(ROOT, hook)
    const text = readFileSync(path, 'utf8')

    it('is executable (EB skips a hook that is not)', () => {
      expect((statSync(path).mode & 0o111).toString(8)).toBe('111')
    })

    it('is bash with strict mode', () => {
      expect(text.startsWith('#!/bin/bash\n')).toBe(true)
      expect(text).toMatch(/^set -euo pipefail$/m)
      expect(text).not.toContain('\r')
    })

    // Skipped with a loud notice when shellcheck is missing locally; a failure when CI is set.
    itNeeds('shellcheck')('passes shellcheck at style level', () => {
      const {output, status} = shellcheck(path)
      expect(output).toBe('')
      expect(status).toBe(0)
    })

    it('prefixes what it logs with "hactl:"', () => {
      // printf '%s\n' prints a value for the script itself; every other message is a log line.
      const messages = text.split('\n').filter((l) => /\b(printf|echo) /.test(l) && !l.includes("printf '%s\\n'"))
      expect(messages.length).toBeGreaterThan(0)
      for (const line of messages) expect(line).toMatch(/printf 'hactl: /)
    })

    it('never enables cron', () => {
      expect(text).not.toMatch(/systemctl\s+(enable|start|unmask)/)
      expect(text).not.toMatch(/crontab\s/)
    })
  })

  it('read only the environment properties hactl knows it must set', () => {
    const read = new Set<string>()
    for (const hook of hooks) {
      for (const match of readFileSync(join(ROOT, hook), 'utf8').matchAll(/\bprop (HACTL_[A-Z_]+)/g)) read.add(match[1])
    }
    expect([...read].sort()).toEqual([...BUNDLE_ENV_PROPERTIES].sort())
  })
})

// ---------------------------------------------------------------------------
// Running the hooks

interface HookRun {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

const STUBS: Record<string, string> = {
  'get-config': `
[[ $1 == environment && $2 == -k && -n \${3-} ]] || { echo "get-config stub: unexpected $*" >&2; exit 2; }
[[ -f "$STUB_DIR/config/$3" ]] || exit 1
cat "$STUB_DIR/config/$3"`,
  // `systemctl cat UNIT` succeeds only for units listed in $STUB_DIR/units/.
  systemctl: `
if [[ $1 == cat ]]; then [[ -f "$STUB_DIR/units/$2" ]]; exit; fi`,
  mountpoint: `
[[ $1 == -q ]] || exit 2
grep -qxF -- "\${!#}" "$STUB_DIR/mounted" 2>/dev/null`,
  mount: `
[[ -f "$STUB_DIR/mount-fails" ]] && { echo "mount.efs: Failed to resolve the mount target" >&2; exit 32; }
echo "\${!#}" >>"$STUB_DIR/mounted"`,
  findmnt: `
cat "$STUB_DIR/fstype" 2>/dev/null || echo nfs4`,
  rpm: `
[[ -f "$STUB_DIR/efs-utils-installed" ]]`,
  dnf: `
touch "$STUB_DIR/efs-utils-installed"`,
}

/** One temporary instance: a sysroot, a staging directory, stubs and their call log. */
class World {
  public readonly dir = mkdtempSync(join(tmpdir(), 'hactl-hooks-'))
  public readonly sysroot = join(this.dir, 'root')
  public readonly staging = join(this.dir, 'staging')
  private readonly stubs = join(this.dir, 'stubs')

  public constructor(config: Record<string, string> = {}) {
    for (const d of [this.sysroot, join(this.sysroot, 'etc/cron.d'), this.staging, this.stubs, join(this.dir, 'config'), join(this.dir, 'units')]) {
      mkdirSync(d, {recursive: true})
    }
    writeFileSync(join(this.sysroot, 'etc/fstab'), 'UUID=1234 / xfs defaults,noatime 1 1\n')
    for (const [name, body] of Object.entries(STUBS)) {
      writeFileSync(join(this.stubs, name), `#!/bin/bash\necho "${name} $*" >>"$STUB_DIR/calls"\n${body.trim()}\n`, {mode: 0o755})
    }
    for (const [key, value] of Object.entries(config)) this.set(key, value)
  }

  /** Sets an environment property as get-config returns it. */
  public set(key: string, value: string): void {
    writeFileSync(join(this.dir, 'config', key), value)
  }

  /** Creates a file (parents too) under the sysroot or the world. */
  public put(path: string, content = '', mode = 0o644): string {
    mkdirSync(join(path, '..'), {recursive: true})
    writeFileSync(path, content, {mode})
    return path
  }

  public flag(name: string, content = ''): void {
    writeFileSync(join(this.dir, name), content)
  }

  public markMounted(path: string): void {
    writeFileSync(join(this.dir, 'mounted'), `${path}\n`, {flag: 'a'})
  }

  public calls(): string[] {
    return existsSync(join(this.dir, 'calls')) ? readFileSync(join(this.dir, 'calls'), 'utf8').trim().split('\n') : []
  }

  public fstab(): string {
    return readFileSync(join(this.sysroot, 'etc/fstab'), 'utf8')
  }

  /** Runs a hook as EB would (executable, cwd given), with the seams pointing into this world. */
  public run(hook: string, options: {cwd?: string; imdsUrl?: string} = {}): Promise<HookRun> {
    const env = {
      HACTL_GET_CONFIG: join(this.stubs, 'get-config'),
      HACTL_IMDS_URL: options.imdsUrl ?? 'http://127.0.0.1:9',
      HACTL_MOUNT_RETRY_SECONDS: '0',
      HACTL_SYSROOT: this.sysroot,
      HOME: this.dir,
      PATH: `${this.stubs}:${process.env.PATH}`,
      STUB_DIR: this.dir,
    }
    return new Promise((resolve, reject) => {
      const child = spawn(hook, [], {cwd: options.cwd ?? this.staging, env})
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      child.on('error', reject)
      child.on('close', (code) => resolve({code, stderr, stdout}))
    })
  }

  public dispose(): void {
    rmSync(this.dir, {force: true, recursive: true})
  }
}

/** Every path under `dir`, relative and sorted. */
function tree(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), {withFileTypes: true})
    .flatMap((entry) => {
      const path = prefix ? `${prefix}/${entry.name}` : entry.name
      return entry.isDirectory() ? [path, ...tree(dir, path)] : [path]
    })
    .sort()
}

let world: World
afterEach(() => world?.dispose())

// ---------------------------------------------------------------------------

describe('prebuild/01-hactl-role.sh', () => {
  /** A loopback IMDSv2 stand-in: a token only by PUT with a TTL, the tag only with that token. */
  let server: Server
  let url: string
  let roleTag: string | undefined
  let requests: string[]

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`)
      if (req.method === 'PUT' && req.url === '/latest/api/token' && req.headers['x-aws-ec2-metadata-token-ttl-seconds']) {
        res.end('token-123')
      } else if (req.headers['x-aws-ec2-metadata-token'] !== 'token-123') {
        res.writeHead(401).end()
      } else if (req.method === 'GET' && req.url === '/latest/meta-data/tags/instance/hactl:role' && roleTag !== undefined) {
        res.end(roleTag)
      } else {
        res.writeHead(404).end()
      }
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve))
  })

  beforeEach(() => {
    requests = []
    roleTag = undefined
    world = new World()
    world.put(join(world.dir, 'units/hactl-cron.timer'))
    world.put(join(world.dir, 'units/hactl-cron.service'))
    world.put(join(world.sysroot, 'etc/cron.d/hactl-cron'), '* * * * * webapp php admin/cli/cron.php\n')
    world.put(join(world.sysroot, 'etc/cron.d/0hourly'), '01 * * * * root run-parts /etc/cron.hourly\n')
  })

  const cronFiles = () => readdirSync(join(world.sysroot, 'etc/cron.d')).sort()

  it('leaves cron alone on the seed (tag exactly "seed"), read through IMDSv2', async () => {
    roleTag = 'seed'
    const run = await world.run(ROLE_HOOK, {imdsUrl: url})
    expect(run.code).toBe(0)
    expect(requests).toEqual(['PUT /latest/api/token', 'GET /latest/meta-data/tags/instance/hactl:role'])
    expect(run.stdout).toContain('hactl: role: seed')
    expect(world.calls().filter((c) => !c.startsWith('systemctl cat'))).toEqual([])
    expect(cronFiles()).toEqual(['0hourly', 'hactl-cron'])
  })

  it('switches the app cron off on a web node: timer disabled, service stopped, cron.d files removed', async () => {
    roleTag = 'web'
    const run = await world.run(ROLE_HOOK, {imdsUrl: url})
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('hactl: role: web (hactl:role is "web"')
    expect(world.calls()).toEqual(expect.arrayContaining(['systemctl disable --now hactl-cron.timer', 'systemctl stop hactl-cron.service']))
    expect(cronFiles()).toEqual(['0hourly'])
  })

  it.each([
    ['the tag is missing, or tags are not exposed in IMDS', () => (roleTag = undefined)],
    ['the tag is "Seed"', () => (roleTag = 'Seed')],
    ['the tag is " seed"', () => (roleTag = ' seed')],
    ['the tag is "seed-2"', () => (roleTag = 'seed-2')],
  ])('treats the instance as web when %s', async (_what, arrange) => {
    arrange()
    const run = await world.run(ROLE_HOOK, {imdsUrl: url})
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('hactl: role: web')
    expect(world.calls()).toContain('systemctl disable --now hactl-cron.timer')
    expect(cronFiles()).toEqual(['0hourly'])
  })

  it('treats the instance as web when IMDS does not answer', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const run = await world.run(ROLE_HOOK, {imdsUrl: `http://127.0.0.1:${port}`})
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('hactl: role: web (hactl:role unreadable')
    expect(world.calls()).toContain('systemctl disable --now hactl-cron.timer')
  })

  it('does nothing to systemd when the image has no hactl cron units, and can run again', async () => {
    rmSync(join(world.dir, 'units'), {force: true, recursive: true})
    const first = await world.run(ROLE_HOOK, {imdsUrl: url})
    const second = await world.run(ROLE_HOOK, {imdsUrl: url})
    expect([first.code, second.code]).toEqual([0, 0])
    expect(world.calls().filter((c) => !c.startsWith('systemctl cat'))).toEqual([])
    expect(cronFiles()).toEqual(['0hourly'])
  })

  it('stops the deployment if the timer cannot be disabled (fail closed, never silently keep cron)', async () => {
    world.put(join(world.dir, 'stubs/systemctl'), '#!/bin/bash\n[[ $1 == cat ]] && exit 0\nexit 1\n', 0o755)
    const run = await world.run(ROLE_HOOK, {imdsUrl: url})
    expect(run.code).not.toBe(0)
  })
})

// ---------------------------------------------------------------------------

describe('prebuild/10-hactl-efs-mount.sh', () => {
  const relativeMount = () => join(world.sysroot, 'mnt/hactl-uploads')
  const lineFor = (mountPoint: string) => `${EFS_ID}:/ ${mountPoint} efs _netdev,tls,iam,accesspoint=${ACCESS_POINT} 0 0`

  beforeEach(() => {
    world = new World({HACTL_EFS_ACCESS_POINT: ACCESS_POINT, HACTL_EFS_ID: EFS_ID, HACTL_UPLOADS_PATH: 'wp-content/uploads'})
    world.flag('efs-utils-installed')
  })

  it('mounts a relative uploads path at /mnt/hactl-uploads through an fstab line with TLS, IAM and the access point', async () => {
    const run = await world.run(EFS_HOOK)
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(world.fstab()).toBe(`UUID=1234 / xfs defaults,noatime 1 1\n${lineFor(relativeMount())}\n`)
    expect(world.calls()).toContain(`mount ${relativeMount()}`)
    expect(run.stdout).toContain(`hactl: uploads: EFS ${EFS_ID} via ${ACCESS_POINT} is mounted at ${relativeMount()}`)
  })

  it('mounts an absolute uploads path (Moodle dataroot) where it says', async () => {
    world.set('HACTL_UPLOADS_PATH', '/mnt/moodledata')
    const run = await world.run(EFS_HOOK)
    expect(run.code).toBe(0)
    expect(world.fstab()).toContain(lineFor(join(world.sysroot, 'mnt/moodledata')))
    expect(world.calls()).toContain(`mount ${join(world.sysroot, 'mnt/moodledata')}`)
  })

  it('is idempotent: a second run adds no second line and does not mount again', async () => {
    await world.run(EFS_HOOK)
    const run = await world.run(EFS_HOOK)
    expect(run.code).toBe(0)
    expect(world.fstab().split('\n').filter((l) => l.includes(EFS_ID))).toHaveLength(1)
    expect(world.calls().filter((c) => c.startsWith('mount '))).toHaveLength(1)
    expect(run.stdout).toContain('already mounts')
    expect(run.stdout).toContain('is already mounted')
  })

  it('replaces an older line for the same mount point (a new access point) and keeps the others', async () => {
    world.put(
      join(world.sysroot, 'etc/fstab'),
      `UUID=1234 / xfs defaults 1 1\n# ${relativeMount()} was here\nfs-00000000:/ ${relativeMount()} efs _netdev,tls 0 0\n`,
    )
    const run = await world.run(EFS_HOOK)
    expect(run.code).toBe(0)
    expect(world.fstab()).toBe(`UUID=1234 / xfs defaults 1 1\n# ${relativeMount()} was here\n${lineFor(relativeMount())}\n`)
  })

  it('installs amazon-efs-utils with dnf only when it is missing', async () => {
    await world.run(EFS_HOOK)
    expect(world.calls().filter((c) => c.startsWith('dnf'))).toEqual([])
    rmSync(join(world.dir, 'efs-utils-installed'))
    rmSync(join(world.dir, 'mounted'))
    const run = await world.run(EFS_HOOK)
    expect(run.code).toBe(0)
    expect(world.calls().filter((c) => c.startsWith('dnf'))).toEqual(['dnf install -y amazon-efs-utils'])
  })

  it('fails the deployment, clearly, when the mount fails (after retrying)', async () => {
    world.flag('mount-fails')
    const run = await world.run(EFS_HOOK)
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(`hactl: ERROR: could not mount EFS ${EFS_ID} (access point ${ACCESS_POINT})`)
    expect(run.stderr).toContain('TCP 2049')
    expect(run.stderr).toContain('uploads must never land on local disk')
    expect(world.calls().filter((c) => c.startsWith('mount '))).toHaveLength(3)
  })

  it('refuses to mount over a directory that already holds files on local disk', async () => {
    world.put(join(relativeMount(), '2024/01/photo.jpg'), 'jpeg')
    const run = await world.run(EFS_HOOK)
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('holds files: they are on local disk')
    expect(world.calls().filter((c) => c.startsWith('mount '))).toEqual([])
  })

  it('refuses a mount that is not NFS (EFS)', async () => {
    world.flag('fstype', 'xfs\n')
    const run = await world.run(EFS_HOOK)
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('as "xfs", not the EFS (nfs4) file system')
  })

  it.each([
    ['HACTL_EFS_ID', '', 'HACTL_EFS_ID must be an EFS file system id'],
    ['HACTL_EFS_ID', 'fs-1; rm -rf /', 'HACTL_EFS_ID must be an EFS file system id'],
    ['HACTL_EFS_ACCESS_POINT', 'ap-123', 'HACTL_EFS_ACCESS_POINT must be an EFS access point id'],
    ['HACTL_UPLOADS_PATH', '', 'HACTL_UPLOADS_PATH is not set'],
    ['HACTL_UPLOADS_PATH', 'wp-content/../../etc', 'without \'.\' or \'..\' segments'],
    ['HACTL_UPLOADS_PATH', '/etc', 'is a system or application directory'],
    ['HACTL_UPLOADS_PATH', '/var/app/current/uploads', 'is a system or application directory'],
    ['HACTL_UPLOADS_PATH', 'wp-content/up loads', 'must be a path of letters'],
  ])('fails the deployment when %s is "%s"', async (key, value, message) => {
    world.set(key, value)
    const run = await world.run(EFS_HOOK)
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(message)
    expect(run.stderr).toContain('hactl: ERROR:')
    expect(world.calls().filter((c) => c.startsWith('mount '))).toEqual([])
    expect(world.fstab()).not.toContain('efs')
  })

  it('fails when get-config knows nothing (no HACTL_* properties on the environment)', async () => {
    rmSync(join(world.dir, 'config'), {force: true, recursive: true})
    const run = await world.run(EFS_HOOK)
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('HACTL_EFS_ID must be an EFS file system id (fs-...), got ""')
  })
})

// ---------------------------------------------------------------------------

describe('predeploy/10-hactl-webroot.sh', () => {
  const holdingPage = readFileSync(join(ROOT, 'bundle/public/index.html'), 'utf8')
  const webroot = () => join(world.sysroot, 'opt/hactl/webroot')

  beforeEach(() => {
    world = new World({HACTL_HEALTH_PATH: '/wp-login.php', HACTL_UPLOADS_PATH: 'wp-content/uploads'})
    // The staging directory as EB unpacks the bundle.
    world.put(join(world.staging, 'public/index.html'), holdingPage)
    world.put(join(world.staging, 'public/index.php'), readFileSync(join(ROOT, 'bundle/public/index.php'), 'utf8'))
    world.put(join(world.staging, 'hactl/health.php'), readFileSync(join(ROOT, 'bundle/hactl/health.php'), 'utf8'))
  })

  /** A baked image: code in /opt/hactl/app, webroot -> its public/ (Moodle 5.1 layout) or the app root. */
  function bake(webrootTarget = 'app/public'): void {
    world.put(join(world.sysroot, 'opt/hactl/app/public/index.php'), '<?php echo "site";')
    world.put(join(world.sysroot, 'opt/hactl/app/wp-content/themes/x/style.css'), '')
    symlinkSync(join(world.sysroot, 'opt/hactl', webrootTarget), webroot())
  }

  describe('before the first rollout (no baked code)', () => {
    it('keeps the holding page and puts it at the health check path', async () => {
      const run = await world.run(WEBROOT_HOOK)
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      expect(readFileSync(join(world.staging, 'public/wp-login.php'), 'utf8')).toBe(holdingPage)
      expect(lstatSync(join(world.staging, 'public')).isDirectory()).toBe(true)
      expect(run.stdout).toContain('hactl: holding page also answers the health check at /wp-login.php')
    })

    it('creates the directories of a nested health check path (Moodle /login/index.php)', async () => {
      world.set('HACTL_HEALTH_PATH', '/login/index.php')
      const run = await world.run(WEBROOT_HOOK)
      expect(run.code).toBe(0)
      expect(readFileSync(join(world.staging, 'public/login/index.php'), 'utf8')).toBe(holdingPage)
    })

    it('answers a health check path ending in / with an index.html there', async () => {
      world.set('HACTL_HEALTH_PATH', '/health/')
      expect((await world.run(WEBROOT_HOOK)).code).toBe(0)
      expect(readFileSync(join(world.staging, 'public/health/index.html'), 'utf8')).toBe(holdingPage)
    })

    it.each(['', '/', '/index.html'])('needs no copy for the health check path "%s"', async (path) => {
      world.set('HACTL_HEALTH_PATH', path)
      const run = await world.run(WEBROOT_HOOK)
      expect(run.code).toBe(0)
      expect(readdirSync(join(world.staging, 'public')).sort()).toEqual(['index.html', 'index.php'])
    })

    it('can run again', async () => {
      await world.run(WEBROOT_HOOK)
      const run = await world.run(WEBROOT_HOOK)
      expect(run.code).toBe(0)
      expect(readFileSync(join(world.staging, 'public/wp-login.php'), 'utf8')).toBe(holdingPage)
    })

    it.each(['/../../etc/cron.d/evil', '/a/../../b', '/./x', 'wp-login.php', '/a b', '/x?y=1', '/a//b'])(
      'refuses the health check path "%s" and writes nothing',
      async (path) => {
        world.set('HACTL_HEALTH_PATH', path)
        const run = await world.run(WEBROOT_HOOK)
        expect(run.code).toBe(1)
        expect(run.stderr).toContain(`hactl: ERROR: HACTL_HEALTH_PATH "${path}" must be a URL path`)
        expect(readdirSync(join(world.staging, 'public')).sort()).toEqual(['index.html', 'index.php'])
        expect(tree(world.sysroot)).toEqual(['etc', 'etc/cron.d', 'etc/fstab'])
      },
    )

    it('fails when the bundle has no holding page', async () => {
      rmSync(join(world.staging, 'public'), {force: true, recursive: true})
      const run = await world.run(WEBROOT_HOOK)
      expect(run.code).toBe(1)
      expect(run.stderr).toContain('no holding page')
    })
  })

  describe('with baked code in /opt/hactl', () => {
    beforeEach(() => world.markMounted(join(world.sysroot, 'mnt/hactl-uploads')))

    it('replaces public with a link to /opt/hactl/webroot, and links relative uploads to the EFS mount', async () => {
      bake()
      const run = await world.run(WEBROOT_HOOK)
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      expect(readlinkSync(join(world.staging, 'public'))).toBe(webroot())
      expect(readFileSync(join(world.staging, 'public/index.php'), 'utf8')).toBe('<?php echo "site";')
      const uploads = join(world.sysroot, 'opt/hactl/app/wp-content/uploads')
      expect(readlinkSync(uploads)).toBe(join(world.sysroot, 'mnt/hactl-uploads'))
      expect(run.stdout).toContain('hactl: serving the baked code')
    })

    it('serves the app root when the webroot points there (Moodle before 5.1, WordPress)', async () => {
      bake('app')
      expect((await world.run(WEBROOT_HOOK)).code).toBe(0)
      expect(readFileSync(join(world.staging, 'public/public/index.php'), 'utf8')).toBe('<?php echo "site";')
    })

    it('can run again, leaving the links as they are', async () => {
      bake()
      await world.run(WEBROOT_HOOK)
      const run = await world.run(WEBROOT_HOOK)
      expect(run.code).toBe(0)
      expect(readlinkSync(join(world.staging, 'public'))).toBe(webroot())
      expect(run.stdout).toContain('already points at the EFS mount')
    })

    it('replaces an empty uploads directory in the baked code with the link', async () => {
      bake()
      mkdirSync(join(world.sysroot, 'opt/hactl/app/wp-content/uploads'))
      expect((await world.run(WEBROOT_HOOK)).code).toBe(0)
      expect(readlinkSync(join(world.sysroot, 'opt/hactl/app/wp-content/uploads'))).toBe(join(world.sysroot, 'mnt/hactl-uploads'))
    })

    it('re-points an uploads link that points elsewhere', async () => {
      bake()
      symlinkSync('/somewhere/else', join(world.sysroot, 'opt/hactl/app/wp-content/uploads'))
      expect((await world.run(WEBROOT_HOOK)).code).toBe(0)
      expect(readlinkSync(join(world.sysroot, 'opt/hactl/app/wp-content/uploads'))).toBe(join(world.sysroot, 'mnt/hactl-uploads'))
    })

    it('fails when the baked code keeps uploads in a real directory with files (local disk)', async () => {
      bake()
      world.put(join(world.sysroot, 'opt/hactl/app/wp-content/uploads/2024/a.jpg'), 'jpeg')
      const run = await world.run(WEBROOT_HOOK)
      expect(run.code).toBe(1)
      expect(run.stderr).toContain('uploads would land on local disk')
    })

    it('fails when the EFS mount is missing', async () => {
      bake()
      rmSync(join(world.dir, 'mounted'))
      const run = await world.run(WEBROOT_HOOK)
      expect(run.code).toBe(1)
      expect(run.stderr).toContain('is not mounted')
    })

    it('leaves an absolute uploads path alone (prebuild mounted it)', async () => {
      bake()
      world.set('HACTL_UPLOADS_PATH', '/mnt/moodledata')
      const run = await world.run(WEBROOT_HOOK)
      expect(run.code).toBe(0)
      expect(existsSync(join(world.sysroot, 'opt/hactl/app/wp-content/uploads'))).toBe(false)
    })

    it('fails, rather than show the holding page, when the webroot link is dangling', async () => {
      mkdirSync(join(world.sysroot, 'opt/hactl'), {recursive: true})
      symlinkSync(join(world.sysroot, 'opt/hactl/app/public'), webroot())
      const run = await world.run(WEBROOT_HOOK)
      expect(run.code).toBe(1)
      expect(run.stderr).toContain('which does not exist: the baked image is broken')
      expect(lstatSync(join(world.staging, 'public')).isDirectory()).toBe(true)
    })
  })
})

// ---------------------------------------------------------------------------

describe('postdeploy/90-hactl-verify.sh', () => {
  beforeEach(() => {
    world = new World({HACTL_UPLOADS_PATH: '/mnt/moodledata'})
    world.put(join(world.staging, 'public/index.html'), 'hold')
  })

  it('passes when the uploads are mounted', async () => {
    world.markMounted(join(world.sysroot, 'mnt/moodledata'))
    const run = await world.run(VERIFY_HOOK)
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('hactl: uploads are on EFS')
    expect(run.stdout).toContain('holding page')
  })

  it('fails the deployment when the uploads are not mounted', async () => {
    const run = await world.run(VERIFY_HOOK)
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('is not mounted: uploads would land on local disk')
  })

  it('warns when public does not reach the baked code', async () => {
    world.markMounted(join(world.sysroot, 'mnt/moodledata'))
    mkdirSync(join(world.sysroot, 'opt/hactl/webroot'), {recursive: true})
    const run = await world.run(VERIFY_HOOK)
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('hactl: WARNING:')
  })
})
