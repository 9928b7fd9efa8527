/**
 * Tests that run a real tool (shellcheck today; later whatever checks the
 * generated shell of the seed and the bake) go through here, so "the tool is
 * missing" is decided in one place:
 *
 *   tool present            the test runs
 *   missing, CI set         the test runs and fails, saying how to install it
 *   missing, CI not set     the test is skipped, its title tagged
 *                           "(needs <tool>)"; test/_helpers/summary-reporter.js
 *                           prints one loud notice for all of them at the end
 *
 * so `npm test` passes on a fresh machine, as the README promises, while CI
 * (and `npm run test:real`, which installs the tools) never skips silently.
 */
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

/** The real tools tests may need, and how to get each. */
export const REAL_TOOLS = {
  shellcheck: {install: 'apt-get install shellcheck', probe: ['--version']},
} as const

export type RealTool = keyof typeof REAL_TOOLS

/** The tag a skipped test's title ends with; the summary reporter looks for it. */
export function neededToolTag(tool: RealTool): string {
  return `(needs ${tool})`
}

const availability = new Map<RealTool, boolean>()

export function toolAvailable(tool: RealTool): boolean {
  let found = availability.get(tool)
  if (found === undefined) {
    found = !spawnSync(tool, REAL_TOOLS[tool].probe, {encoding: 'utf8'}).error
    availability.set(tool, found)
  }
  return found
}

/** CI (any value but empty, "0" or "false") turns a missing tool into a failure. */
export function strictAboutTools(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI?.trim().toLowerCase()
  return Boolean(ci) && ci !== '0' && ci !== 'false'
}

/**
 * `it` for a test that needs `tool`: it runs when the tool is there or CI
 * demands it, and is skipped (tagged for the closing notice) otherwise.
 */
export function itNeeds(tool: RealTool): (name: string, fn: jest.ProvidesCallback) => void {
  const runs = toolAvailable(tool) || strictAboutTools()
  return (name, fn) => (runs ? it(name, fn) : it.skip(`${name} ${neededToolTag(tool)}`, fn))
}

export interface ShellcheckResult {
  readonly status: number | null
  /** Findings in gcc format; empty when the script is clean. */
  readonly output: string
}

/** Runs the real shellcheck on a bash script at style level; a missing shellcheck throws. */
export function shellcheck(file: string): ShellcheckResult {
  const result = spawnSync('shellcheck', ['--severity=style', '--shell=bash', '--format=gcc', file], {encoding: 'utf8'})
  if (result.error) {
    throw new Error(`shellcheck could not run (${result.error.message}): install it with \`${REAL_TOOLS.shellcheck.install}\`, or run \`npm run test:real\`.`)
  }
  return {output: `${result.stdout}${result.stderr}`, status: result.status}
}

/** Writes `text` as a script named `name` in a scratch directory and shellchecks it there. */
export function shellcheckText(name: string, text: string): ShellcheckResult {
  const dir = mkdtempSync(join(tmpdir(), 'hactl-shellcheck-'))
  try {
    const file = join(dir, name)
    writeFileSync(file, text)
    return shellcheck(file)
  } finally {
    rmSync(dir, {force: true, recursive: true})
  }
}

/** The programs of `names` that are not on PATH. */
export function missingPrograms(names: readonly string[]): string[] {
  return names.filter((name) => spawnSync('bash', ['-c', 'command -v -- "$1"', '_', name]).status !== 0)
}

/**
 * `describe` for a suite that needs real programs (servers, php, shellcheck):
 * it runs when they are all there or CI demands it (then a missing one fails
 * the suite's own tests); otherwise one skipped test stands for the suite,
 * tagged for the closing notice, and the suite's hooks never run.
 */
export function describeNeeding(programs: readonly string[], title: string, body: () => void): void {
  const missing = missingPrograms(programs)
  if (missing.length === 0) {
    describe(title, body)
    return
  }

  if (strictAboutTools()) {
    describe(title, () => {
      it('has the programs it needs', () => {
        throw new Error(`${title}: needs ${missing.join(', ')}, not installed; \`npm run test:real\` installs them (scripts/real-packages.txt).`)
      })
    })
    return
  }

  describe(title, () => {
    it.skip(`every test here, for want of ${missing.join(', ')} (needs ${missing[0]})`, () => {})
  })
}

/**
 * `it` for a test that needs a program the caller has already probed for
 * (`ok`): runs when it is there; under CI runs too, after one test that fails
 * saying what is missing; otherwise is skipped, tagged for the closing notice.
 * Returns jest's own `it` shape, so `.each` works as usual.
 */
export function itWhen(ok: boolean, tool: string): jest.It {
  if (ok) return it
  if (strictAboutTools()) {
    it(`has ${tool}`, () => {
      throw new Error(`needs ${tool}, which is not installed; \`npm run test:real\` installs it (scripts/real-packages.txt).`)
    })
    return it
  }

  const tag = (name: string): string => `${name} (needs ${tool})`
  const skip = ((name: string, fn?: jest.ProvidesCallback, timeout?: number) => it.skip(tag(name), fn, timeout)) as unknown as jest.It
  return Object.assign(skip, {
    each: (...table: unknown[]) => (name: string, fn: (...args: never[]) => unknown, timeout?: number) =>
      (it.skip.each as (...t: unknown[]) => (n: string, f: unknown, t?: number) => void)(...table)(tag(name), fn, timeout),
  }) as jest.It
}
