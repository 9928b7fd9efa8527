/**
 * The thin application bundle hactl uploads to Elastic Beanstalk.
 *
 * The site's code is baked into the AMI, outside `/var/app`, because EB
 * redeploys the application version onto every new instance. The bundle only
 * carries what makes an instance serve that code:
 *
 *   .ebextensions/*.config   packages, a php.ini drop-in, option settings
 *   .platform/hooks/…        role from the instance's own tag (no cron on web
 *                            nodes), the uploads EFS mount, public → baked code
 *   .platform/nginx/…        nginx additions: the upload size, and the
 *                            front-controller fallback (rendered from src/apps)
 *   public/                  the holding page (from `bundle/public/`), served
 *                            until the first rollout
 *   hactl/health.php         the health endpoint, which the predeploy hook copies
 *                            into the baked web root as /hactl-health.php
 *
 * The zip is deterministic: the same files give the same bytes, hash and
 * version label, so a re-run finds the application version it made before.
 */
import {createHash} from 'node:crypto'
import {existsSync, lstatSync, readdirSync, readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'

import {strToU8, type Zippable, zipSync} from 'fflate'
import {parseDocument} from 'yaml'

import {isEbNamespace} from './eb-namespaces'

/** One file of the bundle. */
export interface BundleFile {
  /** Path relative to the bundle root, `/`-separated, e.g. `.platform/hooks/prebuild/01-hactl-role.sh`. */
  readonly path: string
  /** UTF-8 text, with `\n` line endings. */
  readonly content: string
  /** Unix permission bits: 0o755 for hooks, 0o644 for everything else. */
  readonly mode: number
}

/** A built bundle, ready to upload. */
export interface Bundle {
  /** The files in the zip, sorted by path. */
  readonly files: readonly BundleFile[]
  readonly zip: Uint8Array
  /** Lower-case hex SHA-256 of `zip`. */
  readonly sha256: string
  /** `hactl-` and the first 12 hex digits of `sha256`: the EB application version label. */
  readonly versionLabel: string
}

/**
 * The `document_root` hactl must set (`aws:elasticbeanstalk:container:php:phpini`):
 * the bundle's `public/`, which the predeploy hook turns into a link to the baked code.
 */
export const BUNDLE_DOCUMENT_ROOT = '/public'

/**
 * The environment properties the bundle's hooks read with `get-config`
 * (pointers only, never secrets). hactl sets them on the environment.
 */
export const BUNDLE_ENV_PROPERTIES = [
  'HACTL_EFS_ACCESS_POINT',
  'HACTL_EFS_ID',
  'HACTL_HEALTH_PATH',
  'HACTL_UPLOADS_PATH',
] as const

/**
 * The health endpoint's script in the zip: outside `public/`, so EB never
 * serves it from the bundle; the predeploy hook copies it into the web root.
 */
export const BUNDLE_HEALTH_SCRIPT = 'hactl/health.php'

/** The only top-level keys EB reads in a `.ebextensions/*.config` file. */
export const EBEXTENSION_KEYS: ReadonlySet<string> = new Set([
  'option_settings',
  'packages',
  'groups',
  'users',
  'sources',
  'files',
  'commands',
  'services',
  'container_commands',
  'Resources',
])

/** Namespace EB assumes for an `option_settings` list entry without one. */
const DEFAULT_NAMESPACE = 'aws:elasticbeanstalk:application:environment'

/**
 * DOS time 1980-01-01 00:00, the earliest a zip can hold. fflate encodes it
 * with local-time getters, so a local-time Date gives the same bytes in every
 * time zone.
 */
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0)

/** "Made by" Unix, so unzip (and EB) apply the permission bits. */
const ZIP_OS_UNIX = 3
const S_IFREG = 0o100000

const HOOK_PREFIXES = ['.platform/hooks/', '.platform/confighooks/']

/**
 * The hactl package root: the nearest directory up from this file whose
 * package.json is named "hactl". Works from `src/env/` (ts-jest) and from
 * `dist/src/env/` (the built CLI).
 */
export function bundleRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json')
    if (existsSync(manifest) && packageName(manifest) === 'hactl') return dir
    if (dirname(dir) === dir) throw new Error(`No package.json named "hactl" above ${__dirname}: the bundle's files ship with the hactl package.`)
  }
}

function packageName(manifest: string): unknown {
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as {name?: unknown}).name
  } catch {
    return undefined
  }
}

/**
 * The bundle's files from the package: `.ebextensions/*.config`,
 * everything under `.platform/` and `bundle/` (mapped to the zip root), no
 * README. Sorted by path.
 */
export function readBundleFiles(root: string = bundleRoot()): BundleFile[] {
  const files = [
    ...listFiles(root, '.ebextensions').filter((path) => /^\.ebextensions\/[^/]+\.config$/.test(path)),
    ...listFiles(root, '.platform'),
    ...listFiles(root, 'bundle'),
  ]
    .filter((path) => !isReadme(path))
    .map((path) => toBundleFile(root, path))
  const sorted = sortByPath(files)
  assertComplete(sorted, root)
  return sorted
}

/** Zips the files deterministically; throws if a `.ebextensions` file would be ignored or rejected by EB. */
export function buildBundle(files: readonly BundleFile[] = readBundleFiles()): Bundle {
  const sorted = sortByPath(files)
  assertUniquePaths(sorted)
  assertValidEbextensions(sorted)
  const zippable: Zippable = {}
  for (const file of sorted) {
    zippable[file.path] = [
      strToU8(file.content),
      // Stored, not deflated: a few KB, and the bytes never depend on a deflate implementation.
      {attrs: (S_IFREG | file.mode) * 0x1_00_00, level: 0, mtime: FIXED_MTIME, os: ZIP_OS_UNIX},
    ]
  }
  const zip = zipSync(zippable)
  const sha256 = createHash('sha256').update(zip).digest('hex')
  return {files: sorted, sha256, versionLabel: `hactl-${sha256.slice(0, 12)}`, zip}
}

/**
 * What is wrong with one `.ebextensions/*.config` file, as EB would see it:
 * invalid YAML (duplicate keys included: EB keeps only one of them), a
 * top-level key EB does not know, or an option namespace that does not exist.
 * Empty when the file is fine.
 */
export function ebextensionProblems(source: string): string[] {
  const doc = parseDocument(source, {uniqueKeys: true})
  if (doc.errors.length > 0) return doc.errors.map((error) => error.message)
  const config: unknown = doc.toJS()
  if (!isRecord(config)) return ['the file must be a map of EB keys (option_settings, packages, files, …)']
  const problems = Object.keys(config)
    .filter((key) => !EBEXTENSION_KEYS.has(key))
    .map((key) => `unknown top-level key "${key}"`)
  if ('option_settings' in config) problems.push(...optionSettingsProblems(config.option_settings))
  return problems
}

/** Both `option_settings` forms: a list of `{namespace, option_name, value}` or `{namespace: {option: value}}`. */
function optionSettingsProblems(settings: unknown): string[] {
  const namespaces: string[] = []
  if (Array.isArray(settings)) {
    for (const entry of settings) {
      if (!isRecord(entry) || typeof entry.option_name !== 'string') return ['every option_settings entry needs an option_name']
      namespaces.push(typeof entry.namespace === 'string' ? entry.namespace : DEFAULT_NAMESPACE)
    }
  } else if (isRecord(settings)) {
    for (const [namespace, options] of Object.entries(settings)) {
      if (!isRecord(options)) return [`option_settings "${namespace}" must map option names to values`]
      namespaces.push(namespace)
    }
  } else {
    return ['option_settings must be a list or a map of namespaces']
  }
  return namespaces.filter((namespace) => !isEbNamespace(namespace)).map((namespace) => `unknown option namespace "${namespace}"`)
}

function assertValidEbextensions(files: readonly BundleFile[]): void {
  const problems = files
    .filter((file) => file.path.startsWith('.ebextensions/'))
    .flatMap((file) => ebextensionProblems(file.content).map((problem) => `${file.path}: ${problem}`))
  if (problems.length > 0) throw new Error(`The bundle's .ebextensions would not work on Elastic Beanstalk:\n${problems.join('\n')}`)
}

function assertUniquePaths(files: readonly BundleFile[]): void {
  const duplicate = files.find((file, i) => i > 0 && files[i - 1].path === file.path)
  if (duplicate) throw new Error(`The bundle has ${duplicate.path} twice.`)
}

/** Without these an environment would serve nothing, or nothing hactl can roll out onto. */
function assertComplete(files: readonly BundleFile[], root: string): void {
  const paths = new Set(files.map((file) => file.path))
  for (const needed of ['public/index.html', '.platform/hooks/predeploy/10-hactl-webroot.sh']) {
    if (!paths.has(needed)) throw new Error(`The bundle is missing ${needed} (read from ${root}).`)
  }
}

/** Files under `dir` (relative to `root`), as `/`-separated paths relative to `root`; none if `dir` is absent. */
function listFiles(root: string, dir: string): string[] {
  if (!existsSync(join(root, dir))) return []
  return readdirSync(join(root, dir), {withFileTypes: true}).flatMap((entry) => {
    const path = `${dir}/${entry.name}`
    if (entry.isDirectory()) return listFiles(root, path)
    if (entry.isFile()) return [path]
    // A link would be zipped as its target's text, or break on another machine.
    throw new Error(`${join(root, path)} is not a regular file; the bundle holds only files and directories.`)
  })
}

function toBundleFile(root: string, path: string): BundleFile {
  const stat = lstatSync(join(root, path))
  if (!stat.isFile()) throw new Error(`${join(root, path)} is not a regular file.`)
  // A Windows checkout may add \r, which breaks bash's shebang line and YAML's quoting alike.
  const content = readFileSync(join(root, path), 'utf8').replace(/\r\n/g, '\n')
  const zipPath = path.startsWith('bundle/') ? path.slice('bundle/'.length) : path
  if (path.startsWith('bundle/') && /^\.(ebextensions|platform)\//.test(zipPath)) {
    throw new Error(`${join(root, path)}: put EB configuration in ${zipPath.split('/')[0]}/ at the package root, not under bundle/.`)
  }
  return {content, mode: isHook(zipPath) ? 0o755 : 0o644, path: zipPath}
}

/** Hooks must be executable on the instance whatever the checkout did to their mode (EB skips the rest). */
function isHook(path: string): boolean {
  return HOOK_PREFIXES.some((prefix) => path.startsWith(prefix))
}

function isReadme(path: string): boolean {
  return /^readme(\.[a-z]+)?$/i.test(path.slice(path.lastIndexOf('/') + 1))
}

function sortByPath(files: readonly BundleFile[]): BundleFile[] {
  return [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x)
}
