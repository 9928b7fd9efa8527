/**
 * Tests of generated shell and of real servers need programs this machine may
 * not have. Locally a missing program skips those tests with a loud message
 * (the README promises `npm test` passes on a fresh machine); with CI set it
 * fails them, so CI can never pass by skipping.
 */
import {spawnSync} from 'node:child_process'

/** The programs of `names` that are not on PATH. */
export function missingPrograms(names: readonly string[]): string[] {
  return names.filter((name) => spawnSync('bash', ['-c', `command -v -- "$1"`, '_', name]).status !== 0)
}

/**
 * `describe` when every program is there; otherwise a suite that says what
 * is missing: skipped locally, failing under CI.
 */
export function describeWith(programs: readonly string[], title: string, body: () => void): void {
  const missing = missingPrograms(programs)
  if (missing.length === 0) {
    describe(title, body)
    return
  }

  const why = `${title}: needs ${missing.join(', ')} (not installed)`
  if (process.env.CI) {
    describe(title, () => {
      it('has the programs it needs', () => {
        throw new Error(`${why}; CI must install them (scripts/real-packages.txt)`)
      })
    })
    return
  }

  process.stderr.write(`\n*** SKIPPED ${why}. Install them (apt-get install shellcheck php-cli ...) to run these tests. ***\n\n`)
  describe.skip(title, body)
}

/** Runs shellcheck on one script file; returns its report (empty when clean). */
export function shellcheck(file: string): string {
  const result = spawnSync('shellcheck', ['--shell=bash', file], {encoding: 'utf8'})
  return result.status === 0 ? '' : `${result.stdout}${result.stderr}`
}
