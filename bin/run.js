#!/usr/bin/env node
'use strict'
// The SDK warns on every run under Node 20 that releases after January 2027
// need Node 22. hactl pins its SDK in the lockfile, so the warning is noise to
// an operator; the README says when to move to Node 22. An explicit setting wins.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
// oclif's index checks Node against @oclif/core's own engines (not hactl's,
// which npm already enforces) with semver: 47 modules on every run. Off unless set.
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= 'true'

// `hactl --version`, `hactl --help` and a bare `hactl` answer without loading
// oclif, with oclif's own text (see fast-paths.js); anything else goes to oclif.
const {rootHelp, versionLine} = require('./fast-paths')

const argv = process.argv.slice(2)
const text = versionLine(argv) ?? rootHelp(argv)
if (text === undefined) {
  // The entry points alone, not '@oclif/core' (its index loads every part of oclif).
  const {execute} = require('@oclif/core/execute')
  execute({dir: __dirname}).catch(require('@oclif/core/handle').handle)
} else {
  process.stdout.write(text)
}
