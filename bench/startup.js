#!/usr/bin/env node
'use strict'
/**
 * Startup benchmark: how long `hactl --version` and `hactl --help` take next
 * to a bare `node -e 0` on the same machine, median of repeated runs.
 * Target: `hactl --help` within 3x of `node -e 0`.
 *
 *   npm run bench            (after `npm ci`, which builds dist/)
 *   RUNS=31 npm run bench
 */
const {spawnSync} = require('node:child_process')
const {existsSync} = require('node:fs')
const {join} = require('node:path')

const root = join(__dirname, '..')
const bin = join(root, 'bin', 'run.js')
const runs = Number(process.env.RUNS || 21)

if (!existsSync(join(root, 'dist', 'commands'))) {
  process.stderr.write('dist/ is missing: run `npm run build` first.\n')
  process.exit(1)
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

function time(args) {
  const samples = []
  // One warm-up run so the file cache is equally warm for every case.
  spawnSync(process.execPath, args, {cwd: root, stdio: 'ignore'})
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint()
    const result = spawnSync(process.execPath, args, {cwd: root, env: {...process.env, NO_COLOR: '1'}, stdio: 'ignore'})
    const ms = Number(process.hrtime.bigint() - start) / 1e6
    if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}`)
    samples.push(ms)
  }

  return {max: Math.max(...samples), median: median(samples), min: Math.min(...samples)}
}

const cases = [
  ['node -e 0', ['-e', '0']],
  ['hactl --version', [bin, '--version']],
  ['hactl --help', [bin, '--help']],
  ['hactl status --help', [bin, 'status', '--help']],
]

const results = cases.map(([name, args]) => ({name, ...time(args)}))
const baseline = results[0].median
const rows = results.map((r) => [
  r.name,
  r.median.toFixed(1),
  r.min.toFixed(1),
  r.max.toFixed(1),
  `${(r.median / baseline).toFixed(2)}x`,
])
const header = ['command', 'median ms', 'min ms', 'max ms', 'vs node -e 0']
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
process.stdout.write(`startup, ${runs} runs each, node ${process.version}\n`)
process.stdout.write(line(header) + '\n' + widths.map((w) => '-'.repeat(w)).join('  ') + '\n')
for (const row of rows) process.stdout.write(line(row) + '\n')
const help = results.find((r) => r.name === 'hactl --help')
process.stdout.write(`\nhactl --help is ${(help.median / baseline).toFixed(2)}x node -e 0 (target: at most 3x)\n`)
