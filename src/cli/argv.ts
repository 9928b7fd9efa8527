/** Reading a flag before oclif parses argv (hooks run first). */

/** The value of `--<name> x` / `--<name>=x`, if given before any `--`. */
export function flagValue(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--') return undefined
    if (arg === `--${name}`) return argv[i + 1]
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3)
  }

  return undefined
}
