#!/usr/bin/env node
'use strict'
/**
 * `hactl up` from nothing on the sandbox's realistic duration profile
 * (WordPress, RDS, Redis, 2 web instances): each stage's simulated time
 * against its floor — what AWS itself makes the stage wait, from
 * src/sandbox/durations.ts — the AWS calls each stage makes, and the busiest
 * describe/get operation per simulated minute (AWS throttles per operation;
 * a stage that polls one resource at a time stays far from it). Then a
 * second `up`, which must change nothing. Targets: the whole ≤ 1.05x its
 * floor, ≤ 4 calls of one describe operation per simulated minute.
 * Printed figures, never a test gate.
 *
 * Floors (each the chain of AWS waits the stage cannot avoid):
 *   env      max(RDS create + first backup, Redis create, EFS + mount targets) + EB launch
 *   seed     instance pending + the seed's boot
 *   test     two SSM command round trips (marker, suite) + the suite's own run (its report's time)
 *   bake     the marker round trip + image pending (CreateImage → available)
 *   rollout  batches × (instance launch + registration + health checks)
 *
 *   npm run build && node bench/pipeline.js
 *   SPEED=120 node bench/pipeline.js
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

const {mkdtempSync, rmSync} = require('node:fs')
const {tmpdir} = require('node:os')
const {join} = require('node:path')

const dist = join(__dirname, '..', 'dist', 'src')
const {AwsClients} = require(join(dist, 'aws', 'clients.js'))
const {openSandbox} = require(join(dist, 'sandbox', 'index.js'))
const {DURATIONS} = require(join(dist, 'sandbox', 'durations.js'))
const {resolveConfig} = require(join(dist, 'config', 'parse.js'))
const {up} = require(join(dist, 'pipeline', 'up.js'))
const {Deadline} = require(join(dist, 'core', 'deadline.js'))
const {lastPassParameterName} = require(join(dist, 'staging', 'record.js'))

const SPEED = Number(process.env.SPEED || 120)
const silent = {emit() {}}
const round = () => DURATIONS.ssmCommandDelivery + DURATIONS.ssmCommandRun

function floors(config, suiteMs, instances) {
  const marker = round() + 2000
  return {
    env: Math.max(DURATIONS.rdsInstanceCreating + DURATIONS.rdsBackingUp, DURATIONS.cacheReplicationGroupCreating, DURATIONS.efsCreating + DURATIONS.efsMountTargetCreating) + DURATIONS.ebEnvironmentLaunching,
    seed: DURATIONS.instancePending + DURATIONS.seedBoot,
    test: marker + round() + suiteMs,
    bake: marker + DURATIONS.imagePending,
    rollout: Math.ceil(instances / config.environment.rollout.batchSize) * DURATIONS.ebBatchHealthy,
  }
}

async function run(stateDir, config, label) {
  const calls = []
  const sandbox = openSandbox({onCall: (service, operation) => calls.push({at: sandbox.clock.now(), call: `${service}:${operation}`}), region: 'eu-west-1', speed: SPEED, stateDir})
  const clients = new AwsClients({sandbox, version: 'bench'})
  const started = process.hrtime.bigint()
  const result = await up({clients, config, deadline: Deadline.after(sandbox.clock, 6 * 60 * 60_000), hactlVersion: 'bench', reporter: silent, runId: `bench-${label}`, signal: new globalThis.AbortController().signal})
  const realMs = Number(process.hrtime.bigint() - started) / 1e6
  return {calls, clients, realMs, result, sandbox}
}

function busiest(calls, fromMs, toMs) {
  const minutes = Math.max(1, (toMs - fromMs) / 60_000)
  const counts = new Map()
  for (const {at, call} of calls) if (at >= fromMs && at <= toMs && /:(Describe|Get|List)/.test(call)) counts.set(call, (counts.get(call) || 0) + 1)
  let worst = {call: '-', rate: 0}
  for (const [call, count] of counts) if (count / minutes > worst.rate) worst = {call, rate: count / minutes}
  return worst
}

const minutes = (ms) => `${(ms / 60_000).toFixed(1)} min`

async function main() {
  const stateDir = mkdtempSync(join(tmpdir(), 'hactl-bench-up-'))
  try {
    const config = resolveConfig({app: 'wordpress', region: 'eu-west-1', site: 'bench'}, 'hactl.yml')
    const first = await run(stateDir, config, 'first')
    const ssm = await first.clients.ssm()
    const pass = JSON.parse((await ssm.getParameter(lastPassParameterName(config.site))).value)
    const suiteMs = Date.parse(pass.finished) - Date.parse(pass.started)
    const floor = floors(config, suiteMs, config.environment.minSize)
    process.stdout.write(`up from nothing on the sandbox (speed ${SPEED}x), node ${process.version}; real ${(first.realMs / 1000).toFixed(1)} s\n`)
    process.stdout.write('stage     simulated      floor  ratio  AWS calls  changes  busiest describe per simulated minute\n')
    process.stdout.write('-------  ----------  ---------  -----  ---------  -------  -------------------------------------\n')
    let at = first.calls.length > 0 ? first.calls[0].at : 0
    let total = 0
    let floorTotal = 0
    let worstRate = 0
    for (const stage of first.result.stages) {
      const end = at + stage.elapsedMs
      const worst = busiest(first.calls, at, end)
      worstRate = Math.max(worstRate, worst.rate)
      at = end
      total += stage.elapsedMs
      floorTotal += floor[stage.id]
      process.stdout.write(
        `${stage.id.padEnd(7)}  ${minutes(stage.elapsedMs).padStart(10)}  ${minutes(floor[stage.id]).padStart(9)}  ${(stage.elapsedMs / floor[stage.id]).toFixed(2).padStart(5)}  ${String(stage.awsCalls.total).padStart(9)}  ${String(stage.awsCalls.mutations).padStart(7)}  ${worst.rate.toFixed(2)} ${worst.call}\n`,
      )
    }

    const ratio = total / floorTotal
    process.stdout.write(`whole    ${minutes(total).padStart(10)}  ${minutes(floorTotal).padStart(9)}  ${ratio.toFixed(2).padStart(5)}   target ≤ 1.05${ratio <= 1.05 ? '' : '  (above target)'}\n`)
    process.stdout.write(`busiest describe/get operation: ${worstRate.toFixed(2)} calls per simulated minute (target ≤ 4)${worstRate <= 4 ? '' : '  (above target)'}\n`)
    const second = await run(stateDir, config, 'second')
    const {awsCalls, nothingToDo} = second.result
    process.stdout.write(`second up: ${nothingToDo ? 'nothing to do' : 'DID WORK'}, ${awsCalls.total} AWS calls, ${awsCalls.mutations} changes, ${awsCalls.commands} marker reads on the seed, real ${(second.realMs / 1000).toFixed(1)} s\n`)
  } finally {
    rmSync(stateDir, {force: true, recursive: true})
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`)
  process.exit(1)
})
