#!/usr/bin/env node
'use strict'
/**
 * `hactl env create` on the sandbox: its simulated duration against the
 * critical path (the longest chain of dependent simulated durations, from
 * src/sandbox/durations.ts), and the number of AWS calls it makes. A fully
 * sequential create would take the sum of the durations; the target is at
 * most 1.1x the critical path, which only parallel provisioning reaches.
 *
 * It runs at the sandbox's default speed (120x), as a user sees it: hactl's
 * own CPU time passes 120x faster too, so the figure includes what the
 * computer adds (shown as "cpu"), not only how the waits are scheduled.
 *
 *   npm run build && node bench/env-create.js
 *   CONFIGS=wordpress,moodle-aurora,wordpress-replicas SPEED=120 node bench/env-create.js
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

const {mkdtempSync, rmSync} = require('node:fs')
const {tmpdir} = require('node:os')
const {join} = require('node:path')

const dist = join(__dirname, '..', 'dist', 'src')
const {AwsClients} = require(join(dist, 'aws', 'clients.js'))
const {openSandbox} = require(join(dist, 'sandbox', 'index.js'))
const {envStepDurations: nominal} = require('./_floors.js')
const {createEnvironment} = require(join(dist, 'env', 'create.js'))
const {criticalPath} = require(join(dist, 'core', 'steps.js'))
const {resolveConfig} = require(join(dist, 'config', 'parse.js'))

const CONFIGS = {
  'wordpress': {app: 'wordpress'},
  // Memcached is refused by the config (issue 8): the third case is Redis with two replicas.
  'wordpress-replicas': {app: 'wordpress', cache: {engine: 'redis', replicas: 2}},
  'moodle-aurora': {app: 'moodle', database: {engine: 'aurora-postgresql', readers: 1}},
}

const SPEED = Number(process.env.SPEED || 120)

function minutes(ms) {
  return `${(ms / 60_000).toFixed(1)} min`
}

async function run(name) {
  const stateDir = mkdtempSync(join(tmpdir(), 'hactl-bench-env-'))
  try {
    const calls = new Map()
    const sandbox = openSandbox({
      onCall: (service, operation) => calls.set(`${service}:${operation}`, (calls.get(`${service}:${operation}`) || 0) + 1),
      region: 'eu-west-1',
      speed: SPEED,
      stateDir,
    })
    const config = resolveConfig({region: 'eu-west-1', site: 'bench', ...CONFIGS[name]}, 'hactl.yml')
    const clients = new AwsClients({sandbox, version: 'bench'})
    // Load every SDK client first, as a CLI run has before its first call: the figure is about provisioning.
    await Promise.all([clients.sts(), clients.ec2(), clients.iam(), clients.efs(), clients.rds(), clients.elasticache(), clients.secrets(), clients.s3(), clients.eb()])
    const started = process.hrtime.bigint()
    const cpuBefore = process.cpuUsage()
    const result = await createEnvironment({clients, clock: sandbox.clock, config, reporter: {emit() {}}, timeoutMs: 3 * 60 * 60_000})
    const realMs = Number(process.hrtime.bigint() - started) / 1e6
    const cpu = process.cpuUsage(cpuBefore)
    const cpuMs = (cpu.user + cpu.system) / 1000
    const durations = nominal(config)
    const path = criticalPath(result.timings, (id) => durations[id.replace(/^env\//, '')] || 0)
    const sequential = Object.values(durations).reduce((a, b) => a + b, 0)
    const total = [...calls.values()].reduce((a, b) => a + b, 0)
    const rerunCalls = new Map()
    const rerun = openSandbox({onCall: (s, o) => rerunCalls.set(`${s}:${o}`, (rerunCalls.get(`${s}:${o}`) || 0) + 1), region: 'eu-west-1', speed: SPEED, stateDir})
    await createEnvironment({clients: new AwsClients({sandbox: rerun, version: 'bench'}), clock: rerun.clock, config, reporter: {emit() {}}, timeoutMs: 60 * 60_000})
    const rerunTotal = [...rerunCalls.values()].reduce((a, b) => a + b, 0)
    return {calls: total, cpuMs, critical: path, name, realMs, rerunCalls: rerunTotal, sequential, simulated: result.elapsedMs}
  } finally {
    rmSync(stateDir, {force: true, recursive: true})
  }
}

async function main() {
  const names = (process.env.CONFIGS || 'wordpress,moodle-aurora,wordpress-replicas').split(',')
  process.stdout.write(`env create on the sandbox (speed ${SPEED}x), node ${process.version}\n`)
  process.stdout.write('config               simulated  critical path  ratio  sequential  AWS calls  re-run calls  real s  cpu s\n')
  process.stdout.write('-------------------  ---------  -------------  -----  ----------  ---------  ------------  ------  -----\n')
  for (const name of names) {
    const r = await run(name)
    const ratio = r.simulated / r.critical.ms
    process.stdout.write(
      `${r.name.padEnd(19)}  ${minutes(r.simulated).padStart(9)}  ${minutes(r.critical.ms).padStart(13)}  ${ratio.toFixed(2).padStart(5)}  ${minutes(r.sequential).padStart(10)}  ${String(r.calls).padStart(9)}  ${String(r.rerunCalls).padStart(12)}  ${(r.realMs / 1000).toFixed(1).padStart(6)}  ${(r.cpuMs / 1000).toFixed(1).padStart(5)}\n`,
    )
    process.stdout.write(`  critical path: ${r.critical.path.join(' → ')}${ratio <= 1.1 ? '' : '   (above the 1.1x target)'}\n`)
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`)
  process.exit(1)
})
