#!/usr/bin/env node
'use strict'
/**
 * Startup benchmark: how long `hactl --version`, `hactl --help` and a real
 * command's start (`plan --help` parses the manifest, `plan` loads its
 * module, hactl.yml and the config validators) take next to a bare
 * `node -e 0` on the same machine, median of repeated runs.
 * Target: `hactl --help` within 2x of `node -e 0` (bin/run.js prints the root
 * help that `npm run build` stored, without loading oclif). Printed, never a
 * test gate.
 *
 *   npm run bench            (after `npm ci`, which builds dist/)
 *   RUNS=31 node bench/startup.js
 *
 * The cases run round-robin (node, --version, --help, … then again), so a
 * machine whose load drifts during the run slows every case alike. Beside the
 * wall time it reports CPU time (user + system, from /proc/self/stat's
 * cutime/cstime, Linux only): on a busy machine wall time mostly measures the
 * neighbours, CPU time what hactl itself does.
 */
const {spawnSync} = require('node:child_process')
const {existsSync, mkdtempSync, readFileSync, rmSync} = require('node:fs')
const {tmpdir} = require('node:os')
const {join} = require('node:path')

const root = join(__dirname, '..')
const bin = join(root, 'bin', 'run.js')
const runs = Number(process.env.RUNS || 21)
const TARGET = 2

if (!existsSync(join(root, 'dist', 'commands'))) {
  process.stderr.write('dist/ is missing: run `npm run build` first.\n')
  process.exit(1)
}

if (!existsSync(join(root, 'dist', 'root-help.json'))) {
  process.stderr.write('dist/root-help.json is missing: `hactl --help` goes through oclif (`npm run build` writes it).\n')
}

// `plan` needs a hactl.yml: the one `init --yes` writes, in a scratch directory.
const scratch = mkdtempSync(join(tmpdir(), 'hactl-bench-'))
process.on('exit', () => rmSync(scratch, {force: true, recursive: true}))
const made = spawnSync(process.execPath, [bin, 'init', '--yes', '--app', 'wordpress', '--site', 'bench', '--region', 'eu-west-1'], {cwd: scratch, encoding: 'utf8'})
if (made.status !== 0) throw new Error(`hactl init exited ${made.status}: ${made.stderr}`)

/** Children's CPU time so far in ms (utime + stime of waited-for children), or undefined off Linux. */
function childrenCpuMs() {
  try {
    // Fields after the command name's closing parenthesis; cutime and cstime are fields 16 and 17.
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100
  } catch {
    return undefined
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

const cases = [
  {args: ['-e', '0'], name: 'node -e 0'},
  {args: [bin, '--version'], name: 'hactl --version'},
  {args: [bin, '--help'], name: 'hactl --help', target: TARGET},
  {args: [bin, 'plan', '--help'], name: 'hactl plan --help'},
  {args: [bin, 'plan', '--json'], name: 'hactl plan'},
]

function runOnce(args) {
  const cpuBefore = childrenCpuMs()
  const start = process.hrtime.bigint()
  const result = spawnSync(process.execPath, args, {cwd: scratch, env: {...process.env, NO_COLOR: '1'}, stdio: 'ignore'})
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}`)
  const cpuAfter = childrenCpuMs()
  return {cpu: cpuBefore === undefined ? undefined : cpuAfter - cpuBefore, ms}
}

// One warm-up round so the file cache is equally warm for every case.
for (const c of cases) runOnce(c.args)
const samples = cases.map(() => ({cpu: [], ms: []}))
for (let i = 0; i < runs; i++) {
  cases.forEach((c, index) => {
    const {cpu, ms} = runOnce(c.args)
    samples[index].ms.push(ms)
    if (cpu !== undefined) samples[index].cpu.push(cpu)
  })
}

const results = cases.map((c, index) => ({
  cpu: samples[index].cpu.length > 0 ? median(samples[index].cpu) : undefined,
  max: Math.max(...samples[index].ms),
  median: median(samples[index].ms),
  min: Math.min(...samples[index].ms),
  name: c.name,
  target: c.target,
}))
const [baseline] = results
const ratio = (value, base) => (value === undefined || !base ? '-' : `${(value / base).toFixed(2)}x`)
const rows = results.map((r) => [
  r.name,
  r.median.toFixed(1),
  r.min.toFixed(1),
  r.max.toFixed(1),
  ratio(r.median, baseline.median),
  r.cpu === undefined ? '-' : r.cpu.toFixed(0),
  ratio(r.cpu, baseline.cpu),
  r.target === undefined ? '-' : `<= ${r.target}x`,
])
const header = ['command', 'median ms', 'min ms', 'max ms', 'vs node', 'cpu ms', 'cpu vs node', 'target vs node']
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
process.stdout.write(`startup, ${runs} rounds, node ${process.version}\n`)
process.stdout.write(line(header) + '\n' + widths.map((w) => '-'.repeat(w)).join('  ') + '\n')
for (const row of rows) process.stdout.write(line(row) + '\n')
const help = results.find((r) => r.name === 'hactl --help')
const verdict = help.median / baseline.median <= TARGET ? 'met' : 'NOT met'
process.stdout.write(`\nhactl --help is ${ratio(help.median, baseline.median)} node -e 0 (target: at most ${TARGET}x, ${verdict})\n`)
