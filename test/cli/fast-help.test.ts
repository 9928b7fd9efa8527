/**
 * bin/run.js prints the root help (`hactl`, `hactl --help`) from
 * dist/root-help.json without loading oclif. Its text must be oclif's own,
 * byte for byte: each case runs the built CLI twice, with the fast path and
 * with it off (HACTL_FAST_HELP=0), and compares. The stored help comes from
 * `npm run build`; this test renders it again (scripts/root-help.js, a few
 * seconds) so it always matches this tree's dist/, and builds dist/ first
 * when there is none.
 */
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {ROOT} from '../_helpers/cli'

const BIN = join(ROOT, 'bin', 'run.js')
const CACHE = join(ROOT, 'dist', 'root-help.json')

/** The test process's environment without what jest and setup-env add, and without anything hactl or oclif read. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = {...process.env}
  for (const key of Object.keys(env)) {
    if (/^(HACTL_|OCLIF_)/.test(key) || ['DEBUG', 'FORCE_COLOR', 'NODE_ENV', 'NO_COLOR'].includes(key)) delete env[key]
  }

  return env
}

interface Run {
  status: number | null
  stdout: string
  /** True when the run loaded oclif's entry point (NODE_DEBUG=module names every module on stderr). */
  loadedOclif: boolean
}

function hactl(argv: string[], env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Run {
  const run = spawnSync(process.execPath, [...nodeArgs, BIN, ...argv], {cwd: ROOT, encoding: 'utf8', env: {...cleanEnv(), ...env, NODE_DEBUG: 'module'}})
  return {loadedOclif: run.stderr.includes('@oclif/core/execute'), status: run.status, stdout: run.stdout}
}

function build(args: string[], command = process.execPath): void {
  const run = spawnSync(command, args, {cwd: ROOT, encoding: 'utf8', env: cleanEnv()})
  if (run.status !== 0) throw new Error(`${args.join(' ')} exited ${run.status}: ${run.stderr}`)
}

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'commands')) || !existsSync(join(ROOT, 'oclif.manifest.json'))) build(['run', 'build'], 'npm')
  build([join(ROOT, 'scripts', 'root-help.js')])
}, 300_000)

describe('hactl --help without oclif', () => {
  const cases: Array<[string, string[], NodeJS.ProcessEnv]> = [
    ['--help, piped (80 columns)', ['--help'], {}],
    ['no arguments, piped', [], {}],
    ['--help, NO_COLOR', ['--help'], {NO_COLOR: '1'}],
    ['--help at the narrowest width, 40', ['--help'], {OCLIF_COLUMNS: '40'}],
    ['--help at 57 columns', ['--help'], {OCLIF_COLUMNS: '57'}],
    ['--help wider than anything wraps, 250', ['--help'], {OCLIF_COLUMNS: '250'}],
    ['--help in colour (FORCE_COLOR) at 66 columns', ['--help'], {FORCE_COLOR: '1', OCLIF_COLUMNS: '66'}],
    ['no arguments in colour', [], {FORCE_COLOR: '1'}],
  ]

  it.each(cases)('%s: prints oclif\'s text byte for byte', (_name, argv, env) => {
    const fast = hactl(argv, env)
    const oclif = hactl(argv, {...env, HACTL_FAST_HELP: '0'})
    expect(oclif.loadedOclif).toBe(true)
    expect(oclif.status).toBe(0)
    expect(fast.loadedOclif).toBe(false)
    expect(fast.status).toBe(0)
    expect(fast.stdout).toBe(oclif.stdout)
    expect(fast.stdout).toContain('TOPICS')
  })

  // A terminal's width, as oclif reads it (stdout.isTTY, stdout.getWindowSize()), from a preloaded
  // stand-in; colour stays off (supports-color asks the file descriptor, which is still a pipe).
  it.each([[100], [20], [0]])('on a %i-column terminal: prints oclif\'s text byte for byte', (columns) => {
    const dir = mkdtempSync(join(tmpdir(), 'hactl-tty-'))
    try {
      const preload = join(dir, 'tty.js')
      writeFileSync(preload, `process.stdout.isTTY = true\nprocess.stdout.getWindowSize = () => [${columns}, 24]\n`)
      const fast = hactl(['--help'], {}, ['--require', preload])
      const oclif = hactl(['--help'], {HACTL_FAST_HELP: '0'}, ['--require', preload])
      expect([fast.loadedOclif, oclif.loadedOclif]).toEqual([false, true])
      expect(fast.stdout).toBe(oclif.stdout)
      expect(fast.stdout).toBe(hactl(['--help'], {OCLIF_COLUMNS: String(columns < 1 ? 80 : Math.max(columns, 40))}).stdout)
    } finally {
      rmSync(dir, {force: true, recursive: true})
    }
  })

  it('the colour rendering has bold headers and the plain one none', () => {
    expect(hactl(['--help'], {FORCE_COLOR: '1'}).stdout).toContain('\u001B[1mCOMMANDS\u001B[22m')
    expect(hactl(['--help'], {}).stdout).not.toContain('\u001B[')
  })

  const fallbacks: Array<[string, string[], NodeJS.ProcessEnv]> = [
    ['a width oclif allows below 40 (OCLIF_COLUMNS=20)', ['--help'], {OCLIF_COLUMNS: '20'}],
    ['HACTL_DEBUG', ['--help'], {HACTL_DEBUG: '1'}],
    ['NODE_ENV=development', ['--help'], {NODE_ENV: 'development'}],
    ['an OCLIF_ setting it does not know', ['--help'], {OCLIF_TS_NODE: '0'}],
    ['a topic\'s help', ['env', '--help'], {}],
  ]

  it.each(fallbacks)('%s: oclif answers', (_name, argv, env) => {
    const run = hactl(argv, env)
    expect(run.loadedOclif).toBe(true)
    expect(run.status).toBe(0)
  })

  it('a stored help rendered from another manifest is not used', () => {
    const stored = readFileSync(CACHE, 'utf8')
    try {
      const cache = JSON.parse(stored)
      cache.renderedFrom.manifest = `1${cache.renderedFrom.manifest}`
      writeFileSync(CACHE, JSON.stringify(cache))
      expect(hactl(['--help'], {}).loadedOclif).toBe(true)
      writeFileSync(CACHE, '{not json')
      const broken = hactl(['--help'], {})
      expect(broken.loadedOclif).toBe(true)
      expect(broken.stdout).toContain('TOPICS')
    } finally {
      writeFileSync(CACHE, stored)
    }
  })
})

describe('-h', () => {
  it('is --help, at the root and for a command (oclif answers it)', () => {
    const root = hactl(['-h'], {})
    expect(root.status).toBe(0)
    expect(root.stdout).toBe(hactl(['--help'], {HACTL_FAST_HELP: '0'}).stdout)
    const command = hactl(['env', 'create', '-h'], {})
    expect(command.status).toBe(0)
    expect(command.stdout).toBe(hactl(['env', 'create', '--help'], {}).stdout)
    expect(command.stdout).toContain('GLOBAL FLAGS')
  })

  it('an unknown command points at --help, which exists', () => {
    const run = spawnSync(process.execPath, [BIN, 'nope'], {cwd: ROOT, encoding: 'utf8', env: cleanEnv()})
    expect(run.status).toBe(2)
    expect(run.stderr.replaceAll(/\s*›\s*/g, ' ')).toContain('Run `hactl --help` for the list of commands.')
  })
})
