/** Reading a flag before oclif parses argv (hooks run first). */

/** The value of `--config x` / `--config=x`, if given. */
export function configArgument(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--') return undefined
    if (arg === '--config') return argv[i + 1]
    if (arg.startsWith('--config=')) return arg.slice('--config='.length)
  }

  return undefined
}
