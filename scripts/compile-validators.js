#!/usr/bin/env node
'use strict'
/**
 * Precompiles hactl.yml's ajv validators into a standalone module next to the
 * compiled config code, so no command loads TypeBox or ajv's compiler at run
 * time. See src/config/compile.ts.
 */
const {writeFileSync} = require('node:fs')
const {join} = require('node:path')

const dist = join(__dirname, '..', 'dist', 'src', 'config')
const {standaloneValidatorsSource} = require(join(dist, 'compile.js'))
writeFileSync(join(dist, 'validators.generated.js'), standaloneValidatorsSource())
process.stdout.write('dist/src/config/validators.generated.js: hactl.yml validators precompiled\n')
