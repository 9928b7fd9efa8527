#!/usr/bin/env node
'use strict'
/**
 * `hactl up` from nothing on the sandbox (WordPress, RDS, Redis, 2 web
 * instances, the durations of src/sandbox/durations.ts): each stage's
 * simulated time against its floor, where the rest went, the AWS calls each
 * stage makes and the most-polled resource (one describe/get operation with
 * one input) per simulated minute of the stage. Then a second `up`, which must change
 * nothing. Targets: the whole ≤ 1.05x its floor, ≤ 4 describes of one
 * resource per simulated minute. Printed figures, never a test gate.
 *
 * The floor is what a perfect client would wait: the AWS durations that
 * cannot overlap, each state change seen the moment it happens, no time of
 * its own (bench/_floors.js):
 *
 *   env      env create's critical path: max(RDS create + first backup, Redis create, EFS + mount targets) + EB launch
 *   seed     instance pending + the seed's boot (its SSM agent registers during the boot)
 *   test     the suite command's delivery + the staging run's own duration (its report's started → finished)
 *   bake     stop-cron and clean round trips (each delivery + run) + CreateImage pending
 *            (the reboot, when rebooting, runs inside it: max(pending, reboot))
 *   rollout  batches × (instance launch + deployment + health checks) + (batches − 1) × EB's gap between batches
 *
 * Not in the floor: the marker reads (one per `up` and one more in the bake),
 * each stage's check, waits for the SSM agent after the reboot, poll
 * overshoot, and hactl's own time. Where the rest went, per stage (the
 * sandbox's clock runs `speed` times faster than real time, so computing in
 * this process shows as simulated minutes; against AWS it is the same
 * seconds, unscaled):
 *   sandbox  real time inside the sandbox's state updates (state file read, advance, answer, write) × speed:
 *            work AWS does not make a client wait for (its own latency, ~50 ms a call, is not modelled)
 *            An upper bound: what the sandbox does while hactl waits on AWS overlaps that wait (then
 *            `waits` goes negative), so "without the sandbox's own work" is a lower bound.
 *   hactl    the rest of this process's CPU time (hactl, the SDK, garbage collection) × speed
 *   ssm      SSM round trips not in the floor (SendCommand count × (delivery + run), less the floor's own)
 *   waits    the rest: poll overshoot (a state that changed between two polls) and API calls in series
 *
 * As bench/env-create.js does, every SDK client is loaded before the clock
 * starts (a CLI run's first command has paid that before its first call).
 *
 *   npm run build && node bench/pipeline.js
 *   SPEED=30 node bench/pipeline.js        (less CPU in the figures; 4x longer)
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

const {mkdtempSync, rmSync} = require('node:fs')
const {tmpdir} = require('node:os')
const {join} = require('node:path')
const {performance} = require('node:perf_hooks')

const {DURATIONS, SSM_ROUND_TRIP, envCriticalPath, rolloutFloor} = require('./_floors.js')

const dist = join(__dirname, '..', 'dist', 'src')
const {AwsClients} = require(join(dist, 'aws', 'clients.js'))
const {openSandbox} = require(join(dist, 'sandbox', 'index.js'))
const {resolveConfig} = require(join(dist, 'config', 'parse.js'))
const {up} = require(join(dist, 'pipeline', 'up.js'))
const {Deadline} = require(join(dist, 'core', 'deadline.js'))
const {lastPassParameterName} = require(join(dist, 'staging', 'record.js'))
const {StateStore} = require(join(dist, 'sandbox', 'store.js'))

/**
 * Real ms spent inside the sandbox's state updates (read the state file,
 * advance, answer, write it back: synchronous, so timed exactly). Against AWS
 * that work does not exist; here it runs in this process and counts × speed.
 */
let sandboxMs = 0
const update = StateStore.prototype.update
StateStore.prototype.update = function timedUpdate(...args) {
  const started = performance.now()
  try {
    return update.apply(this, args)
  } finally {
    sandboxMs += performance.now() - started
  }
}

// The sandbox's clock runs SPEED times real time, so its own processing (the state file read and
// written on every call) and hactl's CPU show up SPEED-fold in simulated time: at 120x that was
// 4–5 of the pipeline's 40 simulated minutes, none of it a wait AWS would impose. At 30x it is
// about one minute (the table's sandbox and hactl columns show it) for about 80 s of real time.
const SPEED = Number(process.env.SPEED || 30)
const TARGET = 1.05
const RATE_TARGET = 4
const CLIENTS = ['sts', 'ec2', 'iam', 'efs', 'rds', 'elasticache', 'secrets', 's3', 'eb', 'ssm', 'logs', 'sns', 'cloudwatch', 'acm', 'route53', 'scheduler']

/** Each stage's floor, with the formula as printed. */
function floors(config, suiteMs, instances) {
  const rollout = rolloutFloor(instances, config.environment.rollout.batchSize)
  const image = Math.max(DURATIONS.imagePending, DURATIONS.imageReboot)
  return {
    env: {ms: envCriticalPath(config), how: 'critical path: database → environment'},
    seed: {ms: DURATIONS.instancePending + DURATIONS.seedBoot, how: 'instance pending + boot'},
    test: {ms: DURATIONS.ssmCommandDelivery + suiteMs, how: `delivery + the suite's own ${(suiteMs / 1000).toFixed(0)} s`},
    bake: {ms: 2 * SSM_ROUND_TRIP + image, how: '2 SSM round trips + image pending'},
    rollout: {ms: rollout.ms, how: `${rollout.batches} batches × launch + health, gaps`},
  }
}

/** SSM round trips of the floor itself, so the breakdown does not count them twice. */
const FLOOR_COMMANDS = {bake: 2, test: 1}

async function run(stateDir, config, label) {
  const calls = []
  const stageCpu = []
  const sandbox = openSandbox({onCall: (service, operation, input) => calls.push({at: sandbox.clock.now(), call: `${service}:${operation}`, resource: resourceOf(input)}), region: 'eu-west-1', speed: SPEED, stateDir})
  const clients = new AwsClients({sandbox, version: 'bench'})
  await Promise.all(CLIENTS.filter((name) => typeof clients[name] === 'function').map((name) => clients[name]()))
  calls.length = 0
  let cpuAt = process.cpuUsage()
  let sandboxAt = sandboxMs
  const reporter = {
    emit(event) {
      if (event.type !== 'stage') return
      if (event.state === 'start') {
        cpuAt = process.cpuUsage()
        sandboxAt = sandboxMs
        return
      }

      const used = process.cpuUsage(cpuAt)
      stageCpu.push({cpu: (used.user + used.system) / 1000, sandbox: sandboxMs - sandboxAt})
    },
  }
  const started = process.hrtime.bigint()
  const result = await up({clients, config, deadline: Deadline.after(sandbox.clock, 6 * 60 * 60_000), hactlVersion: 'bench', reporter, runId: `bench-${label}`, signal: new globalThis.AbortController().signal})
  const realMs = Number(process.hrtime.bigint() - started) / 1e6
  return {calls, clients, realMs, result, sandbox, stageCpu}
}

/** What a call asks about: its input without paging tokens, so each poll of one resource has one key. */
const PAGING = new Set(['ContinuationToken', 'Marker', 'MaxRecords', 'MaxResults', 'NextToken'])
function resourceOf(input) {
  return JSON.stringify(Object.entries(input || {}).filter(([key]) => !PAGING.has(key)))
}

/** The most-polled resource: calls of one describe/get operation with one input, per simulated minute of the stage. */
function busiest(calls, fromMs, toMs) {
  const minutes = Math.max(1, (toMs - fromMs) / 60_000)
  const counts = new Map()
  for (const {at, call, resource} of calls) {
    if (at < fromMs || at > toMs || !/:(Describe|Get|List)/.test(call)) continue
    const key = `${call} ${resource}`
    counts.set(key, {call, count: (counts.get(key)?.count || 0) + 1})
  }
  let worst = {call: '-', rate: 0}
  for (const {call, count} of counts.values()) if (count / minutes > worst.rate) worst = {call, rate: count / minutes}
  return worst
}

const minutes = (ms) => `${(ms / 60_000).toFixed(1)} min`
const seconds = (ms) => `${Math.round(ms / 1000)} s`
const write = (line) => process.stdout.write(`${line}\n`)

async function main() {
  const stateDir = mkdtempSync(join(tmpdir(), 'hactl-bench-up-'))
  try {
    const config = resolveConfig({app: 'wordpress', region: 'eu-west-1', site: 'bench'}, 'hactl.yml')
    const first = await run(stateDir, config, 'first')
    const ssm = await first.clients.ssm()
    const pass = JSON.parse((await ssm.getParameter(lastPassParameterName(config.site))).value)
    const floor = floors(config, Date.parse(pass.finished) - Date.parse(pass.started), config.environment.minSize)
    write(`up from nothing on the sandbox (speed ${SPEED}x), node ${process.version}; real ${(first.realMs / 1000).toFixed(1)} s`)
    write('stage     simulated      floor  ratio  │ sandbox  hactl    ssm  waits  │  AWS calls  changes  most-polled resource per simulated minute')
    write('-------  ----------  ---------  -----  │ -------  -----  -----  -----  │  ---------  -------  -------------------------------------')
    let at = first.calls.length > 0 ? first.calls[0].at : 0
    let total = 0
    let floorTotal = 0
    let cpuTotal = 0
    let sandboxTotal = 0
    let worstRate = 0
    for (const [index, stage] of first.result.stages.entries()) {
      const end = at + stage.elapsedMs
      const worst = busiest(first.calls, at, end)
      worstRate = Math.max(worstRate, worst.rate)
      at = end
      const stageFloor = floor[stage.id].ms
      total += stage.elapsedMs
      floorTotal += stageFloor
      const measured = first.stageCpu[index] ?? {cpu: 0, sandbox: 0}
      const sandbox = Math.min(measured.sandbox, measured.cpu) * SPEED
      const cpu = measured.cpu * SPEED - sandbox
      sandboxTotal += sandbox
      cpuTotal += cpu
      const ssmMs = Math.max(0, (stage.awsCalls.commands - (FLOOR_COMMANDS[stage.id] ?? 0)) * SSM_ROUND_TRIP)
      const waits = stage.elapsedMs - stageFloor - sandbox - cpu - ssmMs
      write(
        `${stage.id.padEnd(7)}  ${minutes(stage.elapsedMs).padStart(10)}  ${minutes(stageFloor).padStart(9)}  ${(stage.elapsedMs / stageFloor).toFixed(2).padStart(5)}  │ ${seconds(sandbox).padStart(7)}  ${seconds(cpu).padStart(5)}  ${seconds(ssmMs).padStart(5)}  ${seconds(waits).padStart(5)}  │  ${String(stage.awsCalls.total).padStart(9)}  ${String(stage.awsCalls.mutations).padStart(7)}  ${worst.rate.toFixed(2)} ${worst.call}`,
      )
    }

    const ratio = total / floorTotal
    write(`whole    ${minutes(total).padStart(10)}  ${minutes(floorTotal).padStart(9)}  ${ratio.toFixed(2).padStart(5)}  target ≤ ${TARGET}${ratio <= TARGET ? '' : '  (above target)'}`)
    write(`  of which the sandbox's own work × ${SPEED}: ${minutes(sandboxTotal)}, hactl's CPU × ${SPEED}: ${minutes(cpuTotal)}`)
    write(`  without the sandbox's own work ${((total - sandboxTotal) / floorTotal).toFixed(2)}x the floor; without any computing ${((total - sandboxTotal - cpuTotal) / floorTotal).toFixed(2)}x`)
    write('floors:')
    for (const [id, {how, ms}] of Object.entries(floor)) write(`  ${id.padEnd(7)}  ${seconds(ms).padStart(6)}  ${how}`)
    write(`most-polled resource: ${worstRate.toFixed(2)} calls per simulated minute (target ≤ ${RATE_TARGET})${worstRate <= RATE_TARGET ? '' : '  (above target)'}`)
    const second = await run(stateDir, config, 'second')
    const {awsCalls, nothingToDo} = second.result
    write(`second up: ${nothingToDo ? 'nothing to do' : 'DID WORK'}, ${awsCalls.total} AWS calls, ${awsCalls.mutations} changes, ${awsCalls.commands} marker reads on the seed, real ${(second.realMs / 1000).toFixed(1)} s`)
  } finally {
    rmSync(stateDir, {force: true, recursive: true})
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`)
  process.exit(1)
})
