#!/usr/bin/env node
'use strict'
// The SDK warns on every run under Node 20 that releases after January 2027
// need Node 22. hactl pins its SDK in the lockfile, so the warning is noise to
// an operator; the README says when to move to Node 22. An explicit setting wins.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
// oclif's index checks Node against @oclif/core's own engines (not hactl's,
// which npm already enforces) with semver: 47 modules on every run. Off unless set.
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= 'true'

/**
 * `hactl --version` answers without loading oclif: its line is oclif's
 * config.userAgent, `<name>/<version> <platform>-<arch> node-<version>`
 * (test/commands/startup.test.ts compares the two). Under WSL, which oclif
 * names `wsl`, or anything less than certain, oclif answers as usual.
 */
function versionLine() {
  if (process.argv.length !== 3 || process.argv[2] !== '--version') return undefined
  const os = require('node:os')
  if (process.platform === 'linux' && /microsoft|wsl/i.test(os.release())) return undefined
  const {name, version} = require('../package.json')
  const arch = process.arch === 'ia32' ? 'x86' : process.arch
  return `${name}/${version} ${process.platform}-${arch} node-${process.version}\n`
}

const line = versionLine()
if (line) {
  process.stdout.write(line)
} else {
  // The entry points alone, not '@oclif/core' (its index loads every part of oclif).
  const {execute} = require('@oclif/core/execute')
  execute({dir: __dirname}).catch(require('@oclif/core/handle').handle)
}
