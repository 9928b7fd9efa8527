#!/usr/bin/env node
'use strict'
/**
 * Writes oclif.manifest.json from the compiled commands, as `oclif manifest`
 * does, without the heavy `oclif` CLI package. With the manifest, oclif lists
 * and parses commands without loading every command module: fast `--help`.
 */
const {writeFileSync} = require('node:fs')
const {join} = require('node:path')
const {Plugin} = require('@oclif/core')

async function main() {
  const root = join(__dirname, '..')
  // Production mode: read compiled dist/, never the TypeScript sources.
  process.env.NODE_ENV = 'production'
  const plugin = new Plugin({errorOnManifestCreate: true, ignoreManifest: true, isRoot: true, root, type: 'core'})
  await plugin.load()
  writeFileSync(join(root, 'oclif.manifest.json'), JSON.stringify(plugin.manifest, null, 2) + '\n')
  process.stdout.write(`oclif.manifest.json: ${Object.keys(plugin.manifest.commands).length} commands\n`)
}

main().catch((error) => {
  process.stderr.write(`manifest: ${error.stack || error}\n`)
  process.exit(1)
})
