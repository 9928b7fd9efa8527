#!/usr/bin/env node
'use strict'
/**
 * Writes dist/root-help.json: hactl's root help (`hactl`, `hactl --help`) as
 * oclif's own help class renders it from oclif.manifest.json, for every
 * width from 40 columns to the one past which nothing wraps any more, plain
 * and with colour (bold section headers), stamped with what it was rendered
 * from. bin/fast-paths.js prints it without loading oclif when the stamps
 * still match. Runs after scripts/manifest.js in `npm run build`.
 *
 *   node scripts/root-help.js           renders both variants (one child process each)
 *   node scripts/root-help.js plain     (internal) one variant, as JSON on stdout
 */
const {spawnSync} = require('node:child_process')
const {rmSync, writeFileSync} = require('node:fs')
const {join, relative} = require('node:path')

const {CACHE, MIN_WIDTH, renderedFrom} = require('../bin/fast-paths')

const ROOT = join(__dirname, '..')
/** Wide enough that nothing in the root help wraps: the text every wider terminal gets. */
const UNWRAPPED = 2000
/** Widths past the last stored one that are rendered again to check they all print the same. */
const CHECKED_PAST = 40

/** Everything oclif writes to stdout while fn runs. */
async function captured(fn) {
  const chunks = []
  const write = process.stdout.write
  process.stdout.write = (chunk) => chunks.push(String(chunk)) > 0
  try {
    await fn()
  } finally {
    process.stdout.write = write
  }
  return chunks.join('')
}

/** One variant, in this process: the colour decision is made when oclif's modules load, from the environment. */
async function renderVariant() {
  process.env.NODE_ENV = 'production'
  const {Config} = require('@oclif/core/config')
  const {loadHelpClass} = require('@oclif/core/help')
  const config = await Config.load(ROOT)
  const Help = await loadHelpClass(config)
  // What oclif's main passes to the help class; maxWidth is what the terminal width sets.
  const options = config.pjson.oclif.helpOptions ?? config.pjson.helpOptions ?? {}
  if ('maxWidth' in options) throw new Error('helpOptions.maxWidth is set: the root help no longer follows the terminal width')
  // main.run shows the root help with showHelp(argv): the help flag is filtered out, so [] is the same.
  const render = (maxWidth) => captured(() => new Help(config, {...options, maxWidth}).showHelp([]))

  const unwrapped = await render(UNWRAPPED)
  const widest = Math.max(...unwrapped.split('\n').map((line) => line.length))
  const texts = []
  const widths = []
  for (let width = MIN_WIDTH; width <= Math.max(widest, MIN_WIDTH); width++) {
    const text = await render(width)
    if (texts.at(-1) !== text) texts.push(text)
    widths.push(texts.length - 1)
  }

  for (let width = widest + 1; width <= widest + CHECKED_PAST; width++) {
    if ((await render(width)) !== texts.at(-1)) throw new Error(`the root help at ${width} columns differs from ${widest}`)
  }

  if (texts.at(-1) !== unwrapped) throw new Error(`the root help at ${widest} columns differs from ${UNWRAPPED}`)
  return {first: MIN_WIDTH, texts, userAgent: config.userAgent, widths}
}

function variantInChild(name, colourEnv) {
  const env = {...process.env, HACTL_DISABLE_THEME: 'true', ...colourEnv}
  const run = spawnSync(process.execPath, [join(__dirname, 'root-help.js'), name], {cwd: ROOT, encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024})
  if (run.status !== 0) throw new Error(`rendering the ${name} root help failed: ${run.stderr}`)
  return JSON.parse(run.stdout)
}

function main() {
  // A failed build must not leave an older rendering behind (its stamps would not match, but say so plainly).
  rmSync(CACHE, {force: true})
  const from = renderedFrom()
  if (!from?.userAgent) {
    process.stdout.write(`${relative(ROOT, CACHE)}: not written (no fast root help here: oclif renders it on every run)\n`)
    return
  }

  const plain = variantInChild('plain', {FORCE_COLOR: '0', NO_COLOR: '1'})
  const color = variantInChild('color', {FORCE_COLOR: '1', NO_COLOR: ''})
  if (!color.texts.at(-1).includes('\u001B[1m')) throw new Error('the colour rendering has no bold headers: the colour decision changed in oclif')
  for (const variant of [plain, color]) {
    if (variant.userAgent !== from.userAgent) throw new Error(`oclif's user agent ${variant.userAgent} is not ${from.userAgent}`)
    delete variant.userAgent
  }

  const lines = []
  const pool = new Map()
  const pooled = (text) => text.split('\n').map((line) => {
    if (!pool.has(line)) pool.set(line, lines.push(line) - 1)
    return pool.get(line)
  })
  for (const variant of [plain, color]) variant.texts = variant.texts.map((text) => pooled(text))
  writeFileSync(CACHE, JSON.stringify({lines, renderedFrom: from, variants: {color, plain}}) + '\n')
  const count = plain.texts.length + color.texts.length
  process.stdout.write(`${relative(ROOT, CACHE)}: root help for ${MIN_WIDTH}+ columns (${count} renderings)\n`)
}

if (process.argv[2]) {
  renderVariant()
    .then((variant) => process.stdout.write(JSON.stringify(variant)))
    .catch((error) => {
      process.stderr.write(`${error.stack || error}\n`)
      process.exit(1)
    })
} else {
  try {
    main()
  } catch (error) {
    process.stderr.write(`root-help: ${error.stack || error}\n`)
    process.exit(1)
  }
}
