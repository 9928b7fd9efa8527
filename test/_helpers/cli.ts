/**
 * Runs whole hactl commands in-process with @oclif/test, each in its own
 * scratch project directory with its own sandbox state.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {type Command, Plugin} from '@oclif/core'
import {runCommand} from '@oclif/test'

export const ROOT = resolve(__dirname, '../..')

let rootPlugin: Promise<Plugin> | undefined

/**
 * hactl as a plugin loaded from its TypeScript sources. oclif prefers
 * oclif.manifest.json (which points into dist/) whenever it exists, so a
 * stale build would otherwise be what the tests run; ignoring the manifest
 * makes every command test exercise the code in this tree.
 */
function sourcePlugin(): Promise<Plugin> {
  rootPlugin ??= (async () => {
    const plugin = new Plugin({ignoreManifest: true, isRoot: true, root: ROOT, type: 'core'})
    await plugin.load()
    return plugin
  })()
  return rootPlugin
}

/** Every command id hactl has, as the user types it (`env create`), sorted. */
export async function commandIds(): Promise<string[]> {
  const plugin = await sourcePlugin()
  return plugin.commands.map((command) => command.id.replaceAll(':', ' ')).sort()
}

/** The loaded command classes' metadata, keyed by id as the user types it. */
export async function loadedCommands(): Promise<Map<string, Command.Loadable>> {
  const plugin = await sourcePlugin()
  return new Map(plugin.commands.map((command) => [command.id.replaceAll(':', ' '), command]))
}

/** Runs hactl with argv, in-process, from source. */
export async function runHactl(argv: string[]): ReturnType<typeof runCommand> {
  const plugin = await sourcePlugin()
  return runCommand(argv, {plugins: new Map([[plugin.name, plugin]]), root: ROOT})
}

export interface Project {
  readonly dir: string
  readonly configPath: string
  /**
   * Runs `hactl <argv>` with --config pointing into this project, or, with
   * `configFlag: false`, from inside the project directory with no --config
   * (so hactl searches for hactl.yml as it would for a user).
   */
  run(argv: string[], env?: Record<string, string>, options?: {configFlag?: boolean}): ReturnType<typeof runCommand>
  cleanup(): void
}

export function scratchProject(): Project {
  const dir = mkdtempSync(join(tmpdir(), 'hactl-test-'))
  const configPath = join(dir, 'hactl.yml')
  return {
    cleanup: () => rmSync(dir, {force: true, recursive: true}),
    configPath,
    dir,
    async run(argv, env = {}, options = {}) {
      const saved: Record<string, string | undefined> = {}
      const vars = {HACTL_SANDBOX_DIR: join(dir, '.hactl'), HACTL_SANDBOX_SPEED: '100000', ...env}
      for (const [key, value] of Object.entries(vars)) {
        saved[key] = process.env[key]
        process.env[key] = value
      }

      const cwd = process.cwd()
      const useFlag = options.configFlag ?? true
      if (!useFlag) process.chdir(dir)
      try {
        return await runHactl(useFlag ? [...argv, '--config', configPath] : argv)
      } finally {
        process.chdir(cwd)
        for (const [key, value] of Object.entries(saved)) {
          if (value === undefined) delete process.env[key]
          else process.env[key] = value
        }
      }
    },
  }
}

/** The exit code oclif would give the process for a runCommand result. */
export function exitCodeOf(result: {error?: Error & {oclif?: {exit?: number}}}): number {
  return result.error?.oclif?.exit ?? 0
}

/** `hactl init` for the WordPress site `demo` in eu-west-1: the project most command tests start from. */
export const INIT_WORDPRESS_DEMO: readonly string[] = ['init', '--yes', '--app', 'wordpress', '--site', 'demo', '--region', 'eu-west-1']

export interface UseProjectOptions {
  /** A fresh project for each test, or one for the whole describe block. @default 'each' */
  readonly scope?: 'all' | 'each'
  /** `hactl` arguments run once the project is made (e.g. {@link INIT_WORDPRESS_DEMO}). @default none */
  readonly init?: readonly string[]
}

/**
 * A scratch project made and removed around each test (or the block), so a
 * command test does not repeat the before/after pair. The answer stands for
 * whichever project is current: read it inside a test, not at describe time.
 */
export function useScratchProject(options: UseProjectOptions = {}): Project {
  let current: Project | undefined
  const setUp = async (): Promise<void> => {
    current = scratchProject()
    if (options.init) await current.run([...options.init])
  }

  const tearDown = (): void => {
    current?.cleanup()
    current = undefined
  }

  if (options.scope === 'all') {
    beforeAll(setUp)
    afterAll(tearDown)
  } else {
    beforeEach(setUp)
    afterEach(tearDown)
  }

  return new Proxy({} as Project, {
    get(_target, key) {
      if (!current) throw new Error('useScratchProject: the project exists only inside a test')
      return Reflect.get(current, key)
    },
  })
}

/**
 * `hactl plan --json` of a fresh `app` project (site demo, eu-west-1), run
 * once before the tests of the enclosing describe block; read `.plan` inside
 * a test. The result is typed by what the caller reads of it.
 */
export function usePlanJson<T>(app: 'moodle' | 'wordpress'): {readonly plan: T} {
  const project = useScratchProject({init: ['init', '--yes', '--app', app, '--site', 'demo', '--region', 'eu-west-1'], scope: 'all'})
  let plan: T | undefined
  beforeAll(async () => {
    const result = await project.run(['plan', '--json'])
    expect(exitCodeOf(result)).toBe(0)
    plan = JSON.parse(result.stdout) as T
  })
  return {
    get plan(): T {
      if (plan === undefined) throw new Error('usePlanJson: the plan exists only inside a test')
      return plan
    },
  }
}
