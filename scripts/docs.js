#!/usr/bin/env node
'use strict'
/** Regenerates the README's hactl.yml reference from the schema (after `npm run build`). */
const {readFileSync, writeFileSync} = require('node:fs')
const {join} = require('node:path')

const readmePath = join(__dirname, '..', 'README.md')
const {withConfigReference} = require('../dist/src/config/reference.js')
writeFileSync(readmePath, withConfigReference(readFileSync(readmePath, 'utf8')))
process.stdout.write('README.md: config reference regenerated\n')
