'use strict'
/**
 * What `hactl --version`, `hactl --help` and a bare `hactl` print, without
 * loading oclif (about a hundred modules before it prints a line).
 *
 * - `--version` is oclif's config.userAgent, built here the way oclif builds it.
 * - The root help is oclif's own: `npm run build` (scripts/root-help.js) has
 *   oclif's help class render it for every terminal width from 40 columns up,
 *   plain and with colour, into dist/root-help.json, stamped with what it was
 *   rendered from (package.json, oclif.manifest.json, the help class, oclif's
 *   version, the user agent). It is used only when every stamp still matches
 *   and nothing in the environment would make oclif print something else;
 *   otherwise (and with HACTL_FAST_HELP=0) oclif answers as usual.
 *
 * test/cli/fast-help.test.ts compares both with oclif's output byte for byte.
 */
const {existsSync, readFileSync, statSync} = require('node:fs')
const os = require('node:os')
const {dirname, join} = require('node:path')

const ROOT = join(__dirname, '..')
const CACHE = join(ROOT, 'dist', 'root-help.json')
/** Narrower terminals get 40 columns from oclif (src: @oclif/core lib/screen.js). */
const MIN_WIDTH = 40
/** oclif variables the fast path understands; any other OCLIF_* variable sends the run to oclif. */
const KNOWN_OCLIF_VARS = new Set(['OCLIF_COLUMNS', 'OCLIF_DISABLE_ENGINE_WARNING'])

/** oclif's config.userAgent, or undefined where hactl cannot be sure of it (WSL, which oclif names `wsl`). */
function userAgent() {
  if (process.platform === 'linux' && /microsoft|wsl/i.test(os.release())) return undefined
  const {name, version} = require('../package.json')
  const arch = process.arch === 'ia32' ? 'x86' : process.arch
  return `${name}/${version} ${process.platform}-${arch} node-${process.version}`
}

/** `hactl --version`'s line, or undefined when oclif should answer. */
function versionLine(argv) {
  if (argv.length !== 1 || argv[0] !== '--version') return undefined
  const agent = userAgent()
  return agent === undefined ? undefined : `${agent}\n`
}

/** Size and modification time: enough to tell a file the build saw from a changed one. */
function stamp(path) {
  const {mtimeMs, size} = statSync(path)
  return `${size}:${mtimeMs}`
}

function oclifDir() {
  return dirname(require.resolve('@oclif/core/package.json'))
}

/** What the stored root help was rendered from; the build writes it, the fast path compares it. */
function renderedFrom() {
  const pjson = require('../package.json')
  const {helpClass, theme} = pjson.oclif
  if (theme !== undefined || typeof helpClass !== 'string') return undefined
  return {
    helpClass: stamp(join(ROOT, `${helpClass}.js`)),
    manifest: stamp(join(ROOT, 'oclif.manifest.json')),
    oclif: stamp(join(oclifDir(), 'package.json')),
    package: stamp(join(ROOT, 'package.json')),
    userAgent: userAgent(),
  }
}

/** The width oclif wraps help to (lib/screen.js's stdtermwidth), or undefined when unsure. */
function helpWidth() {
  if (globalThis.oclif?.columns) return undefined
  const forced = Number.parseInt(process.env.OCLIF_COLUMNS, 10)
  if (forced) return forced
  if (!process.stdout.isTTY) return 80
  const [width] = process.stdout.getWindowSize()
  if (width < 1) return 80
  return Math.max(width, MIN_WIDTH)
}

/**
 * 'color' when oclif would print the section headers bold, 'plain' when not,
 * undefined when a theme could colour more than that. oclif colours when its
 * supports-color says yes for stdout and stderr, through ansis, which has its
 * own say: the same two modules decide here.
 */
function colourVariant() {
  // supports-color's own first answer, without loading it: no FORCE_COLOR, no
  // --color flag (argv is at most --help here) and stdout not a terminal.
  if (!('FORCE_COLOR' in process.env) && !process.stdout.isTTY) return 'plain'
  const paths = [oclifDir()]
  const supports = require(require.resolve('supports-color', {paths}))
  if (!supports.stdout || !supports.stderr) return 'plain'
  if (!themeless()) return undefined
  return require(require.resolve('ansis', {paths})).isSupported() ? 'color' : 'plain'
}

/** True when oclif would find no user theme (config.loadTheme: HACTL_DISABLE_THEME, <configDir>/theme.json). */
function themeless() {
  const disabled = process.env.HACTL_DISABLE_THEME
  if (disabled === '1' || disabled === 'true') return true
  if (process.platform === 'win32') return false
  const home = process.env.HOME || os.homedir() || os.tmpdir()
  const configDir = process.env.HACTL_CONFIG_DIR || join(process.env.XDG_CONFIG_HOME || join(home, '.config'), 'hactl')
  return !existsSync(join(configDir, 'theme.json'))
}

/** Anything in the environment that could make oclif print or behave otherwise. */
function unusualEnvironment(env) {
  if (env.HACTL_FAST_HELP === '0' || env.HACTL_DEBUG || env.DEBUG) return true
  if (env.NODE_ENV !== undefined && env.NODE_ENV !== 'production') return true
  return Object.keys(env).some((key) => key.startsWith('OCLIF_') && !KNOWN_OCLIF_VARS.has(key))
}

/**
 * The stored text for this width from one variant: widths past the last
 * stored one all render alike. Each text is stored as indexes into one pool
 * of lines (the renderings share most of their lines).
 */
function storedText(cache, variant, width) {
  if (!variant || width < variant.first) return undefined
  const text = variant.texts[variant.widths[Math.min(width - variant.first, variant.widths.length - 1)]]
  return text.map((index) => cache.lines[index]).join('\n')
}

/** The root help for `hactl` and `hactl --help`, or undefined when oclif should answer. */
function rootHelp(argv) {
  if (argv.length > 1 || (argv.length === 1 && argv[0] !== '--help')) return undefined
  if (unusualEnvironment(process.env)) return undefined
  try {
    if (!existsSync(CACHE)) return undefined
    const cache = JSON.parse(readFileSync(CACHE, 'utf8'))
    const now = renderedFrom()
    if (!now || now.userAgent === undefined || JSON.stringify(now) !== JSON.stringify(cache.renderedFrom)) return undefined
    const width = helpWidth()
    const variant = width === undefined ? undefined : colourVariant()
    return variant === undefined ? undefined : storedText(cache, cache.variants[variant], width)
  } catch {
    return undefined
  }
}

module.exports = {CACHE, MIN_WIDTH, renderedFrom, rootHelp, versionLine}
