/**
 * oclif's package exports its parts as subpaths (`@oclif/core/help`), which
 * TypeScript's `node` module resolution does not read; these name their types.
 * Importing a part, not '@oclif/core', keeps `hactl --help` from loading the
 * index (every part of oclif, and a semver check of Node).
 */
declare module '@oclif/core/help' {
  export {CommandHelp, Help} from '@oclif/core/lib/help'
}
