/**
 * oclif's Config.load does `await import('wsl-utils')` (an ESM-only package)
 * to tell WSL from Linux. Jest's CommonJS runtime cannot run a native dynamic
 * import without --experimental-vm-modules, so jest.config.js compiles that
 * one oclif file to `require` and maps the package here. Tests run on Linux,
 * never WSL.
 */
export const isWsl = false
export async function powerShellPath(): Promise<string> {
  return 'powershell.exe'
}
