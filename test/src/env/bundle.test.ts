import {chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {strFromU8, unzipSync} from 'fflate'

import {type BundleFile, buildBundle, bundleRoot, readBundleFiles} from '../../../src/env/bundle'

interface ZipEntry {
  readonly name: string
  /** High byte of "version made by": 3 is Unix. */
  readonly os: number
  /** Unix mode from the high 16 bits of the external attributes. */
  readonly mode: number
  /** Raw DOS date and time fields. */
  readonly dosDate: number
  readonly dosTime: number
}

/** Reads the zip's central directory: what unzip (and EB) use for names and permissions. */
function centralDirectory(zip: Uint8Array): ZipEntry[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength)
  let end = zip.length - 22
  while (end >= 0 && view.getUint32(end, true) !== 0x06054b50) end--
  expect(end).toBeGreaterThanOrEqual(0)
  const count = view.getUint16(end + 10, true)
  let at = view.getUint32(end + 16, true)
  const entries: ZipEntry[] = []
  for (let i = 0; i < count; i++) {
    expect(view.getUint32(at, true)).toBe(0x02014b50)
    const nameLength = view.getUint16(at + 28, true)
    const extraLength = view.getUint16(at + 30, true)
    const commentLength = view.getUint16(at + 32, true)
    entries.push({
      dosDate: view.getUint16(at + 14, true),
      dosTime: view.getUint16(at + 12, true),
      mode: view.getUint32(at + 38, true) >>> 16,
      name: strFromU8(zip.subarray(at + 46, at + 46 + nameLength)),
      os: view.getUint8(at + 5),
    })
    at += 46 + nameLength + extraLength + commentLength
  }
  return entries
}

const EXPECTED_PATHS = [
  '.ebextensions/01-hactl-packages.config',
  '.ebextensions/10-hactl-php.config',
  '.ebextensions/20-hactl-platform.config',
  '.platform/hooks/postdeploy/90-hactl-verify.sh',
  '.platform/hooks/prebuild/01-hactl-role.sh',
  '.platform/hooks/prebuild/10-hactl-efs-mount.sh',
  '.platform/hooks/predeploy/10-hactl-webroot.sh',
  '.platform/nginx/conf.d/elasticbeanstalk/hactl-app.conf',
  '.platform/nginx/conf.d/hactl.conf',
  'hactl/health.php',
  'public/index.html',
  'public/index.php',
]

describe('bundleRoot', () => {
  it('is the hactl package root, where the bundle sources live', () => {
    const root = bundleRoot()
    expect(readBundleFiles(root).length).toBeGreaterThan(0)
    expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).name).toBe('hactl')
  })
})

describe('readBundleFiles', () => {
  const files = readBundleFiles()

  it('maps .ebextensions, .platform and bundle/ to the zip root, sorted, without READMEs', () => {
    expect(files.map((f) => f.path)).toEqual(EXPECTED_PATHS)
  })

  it('makes hooks executable and nothing else', () => {
    for (const file of files) expect([file.path, file.mode]).toEqual([file.path, file.path.startsWith('.platform/hooks/') ? 0o755 : 0o644])
  })

  describe('in a package of its own', () => {
    let root: string
    beforeEach(() => {
      root = mkdtempSync(join(tmpdir(), 'hactl-bundle-'))
      const put = (path: string, content: string) => {
        mkdirSync(join(root, path, '..'), {recursive: true})
        writeFileSync(join(root, path), content)
      }
      put('.ebextensions/01-a.config', 'packages:\r\n  yum:\r\n    jq: []\r\n')
      put('.ebextensions/notes.txt', 'not a config')
      put('.ebextensions/README.md', '# ignored')
      put('.platform/hooks/predeploy/10-hactl-webroot.sh', '#!/bin/bash\r\necho hi\r\n')
      put('.platform/README.md', '# ignored')
      put('bundle/public/index.html', '<p>hold</p>')
      put('bundle/Readme', 'ignored too')
      // Checked out without the executable bit (a Windows clone, a tarball).
      chmodSync(join(root, '.platform/hooks/predeploy/10-hactl-webroot.sh'), 0o644)
    })
    afterEach(() => rmSync(root, {force: true, recursive: true}))

    it('keeps only *.config from .ebextensions, drops READMEs, normalises CRLF and forces hooks executable', () => {
      expect(readBundleFiles(root)).toEqual([
        {content: 'packages:\n  yum:\n    jq: []\n', mode: 0o644, path: '.ebextensions/01-a.config'},
        {content: '#!/bin/bash\necho hi\n', mode: 0o755, path: '.platform/hooks/predeploy/10-hactl-webroot.sh'},
        {content: '<p>hold</p>', mode: 0o644, path: 'public/index.html'},
      ])
    })

    it('refuses a symlink: it would not survive on another machine', () => {
      symlinkSync('/etc/hostname', join(root, 'bundle/public/host'))
      expect(() => readBundleFiles(root)).toThrow(/not a regular file/)
    })

    it('refuses a bundle without the holding page', () => {
      rmSync(join(root, 'bundle'), {force: true, recursive: true})
      expect(() => readBundleFiles(root)).toThrow(/missing public\/index.html/)
    })

    it('refuses EB configuration hidden under bundle/', () => {
      mkdirSync(join(root, 'bundle/.platform'), {recursive: true})
      writeFileSync(join(root, 'bundle/.platform/x.conf'), '')
      expect(() => readBundleFiles(root)).toThrow(/not under bundle\//)
    })
  })
})

describe('buildBundle', () => {
  const bundle = buildBundle()

  it('unzips to the bundle files, at the root (no top-level folder)', () => {
    const unzipped = unzipSync(bundle.zip)
    expect(Object.keys(unzipped).sort()).toEqual(EXPECTED_PATHS)
    for (const file of bundle.files) expect(strFromU8(unzipped[file.path])).toBe(file.content)
    expect(Object.keys(unzipped).some((p) => /readme/i.test(p))).toBe(false)
  })

  it('records Unix modes, so the hooks stay executable when EB unzips the bundle', () => {
    const entries = centralDirectory(bundle.zip)
    expect(entries.map((e) => e.name)).toEqual(EXPECTED_PATHS)
    for (const entry of entries) {
      expect(entry.os).toBe(3)
      const expected = entry.name.startsWith('.platform/hooks/') ? 0o100755 : 0o100644
      expect([entry.name, entry.mode.toString(8)]).toEqual([entry.name, expected.toString(8)])
    }
  })

  it('stamps every entry 1980-01-01 00:00, so the bytes never depend on when or where it was built', () => {
    for (const entry of centralDirectory(bundle.zip)) {
      expect(entry.dosDate).toBe((0 << 9) | (1 << 5) | 1)
      expect(entry.dosTime).toBe(0)
    }
  })

  it('is deterministic: the same files give the same bytes, hash and label, whatever their order', () => {
    const again = buildBundle([...readBundleFiles()].reverse())
    expect(Buffer.from(again.zip).equals(Buffer.from(bundle.zip))).toBe(true)
    expect(again.sha256).toBe(bundle.sha256)
    expect(again.versionLabel).toBe(bundle.versionLabel)
  })

  it('labels the version hactl- and the first 12 hex digits of the zip\'s SHA-256', () => {
    expect(bundle.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(bundle.versionLabel).toBe(`hactl-${bundle.sha256.slice(0, 12)}`)
    expect(bundle.versionLabel.length).toBeLessThanOrEqual(100)
  })

  it('gives another label when a file changes', () => {
    const files = readBundleFiles().map((f): BundleFile => (f.path === 'public/index.html' ? {...f, content: `${f.content}\n`} : f))
    expect(buildBundle(files).versionLabel).not.toBe(bundle.versionLabel)
  })

  it('gives another label when only a mode changes', () => {
    const files = readBundleFiles().map((f): BundleFile => (f.path === 'public/index.php' ? {...f, mode: 0o755} : f))
    expect(buildBundle(files).versionLabel).not.toBe(bundle.versionLabel)
  })

  it('refuses an .ebextensions file EB would ignore', () => {
    const bad: BundleFile = {content: 'option_settings:\n  aws:made:up:\n    X: y\n', mode: 0o644, path: '.ebextensions/99-bad.config'}
    expect(() => buildBundle([...readBundleFiles(), bad])).toThrow(/99-bad.config: unknown option namespace "aws:made:up"/)
  })

  it('refuses the same path twice', () => {
    const files = readBundleFiles()
    expect(() => buildBundle([...files, files[0]])).toThrow(/twice/)
  })

  it('keeps the holding page free of PHP tags: it is copied to .php health check paths', () => {
    const page = bundle.files.find((f) => f.path === 'public/index.html')!
    expect(page.content).not.toContain('<?')
    expect(page.content).toMatch(/<title>/)
  })
})
