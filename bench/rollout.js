#!/usr/bin/env node
'use strict'
/**
 * `hactl rollout` on the sandbox (RollingByHealth, MinSize 2, batch 1): its
 * simulated duration against the floor — batches × (instance launch + health
 * checks) + EB's gap between batches, what EB itself needs — and the AWS describe calls it makes per
 * resource per simulated minute (each Describe* call names one environment,
 * its instances or its alarms). Targets: ≤ 1.1x the floor, ≤ 4 calls per
 * resource per minute. Printed figures, never a test gate.
 *
 *   npm run build && node bench/rollout.js
 *   SPEED=120 node bench/rollout.js
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

const {mkdtempSync, rmSync} = require('node:fs')
const {tmpdir} = require('node:os')
const {join} = require('node:path')

const dist = join(__dirname, '..', 'dist', 'src')
const {AwsClients} = require(join(dist, 'aws', 'clients.js'))
const {openSandbox} = require(join(dist, 'sandbox', 'index.js'))
const {DURATIONS, rolloutFloor} = require('./_floors.js')
const {createEnvironment} = require(join(dist, 'env', 'create.js'))
const {resolveConfig} = require(join(dist, 'config', 'parse.js'))
const {rollout} = require(join(dist, 'bake', 'rollout.js'))
const {Deadline} = require(join(dist, 'core', 'deadline.js'))
const {BAKE_TAGS, latestBakeParameterName} = require(join(dist, 'bake', 'record.js'))
const {siteNames} = require(join(dist, 'site', 'names.js'))

// The sandbox's clock runs SPEED times real time, so its own processing (the state file read and
// written on every call) and hactl's CPU show up SPEED-fold in simulated time: at 120x that was
// 4–5 of the pipeline's 40 simulated minutes, none of it a wait AWS would impose. At 30x it is
// about one minute (the table's sandbox and hactl columns show it) for about 80 s of real time.
const SPEED = Number(process.env.SPEED || 30)
const silent = {emit() {}}

async function setUp(stateDir, config) {
  const sandbox = openSandbox({region: 'eu-west-1', speed: 100_000, stateDir})
  const clients = new AwsClients({sandbox, version: 'bench'})
  await createEnvironment({clients, clock: sandbox.clock, config, reporter: silent, timeoutMs: 3 * 60 * 60_000})
  const [eb, ec2, ssm] = await Promise.all([clients.eb(), clients.ec2(), clients.ssm()])
  const name = siteNames(config.site, config.region).environment
  const env = await eb.describeEnvironment(name)
  const {instanceIds} = await eb.environmentResources(name)
  const tags = {[BAKE_TAGS.site]: config.site, [BAKE_TAGS.role]: 'bake', [BAKE_TAGS.platformArn]: env.PlatformArn}
  const imageId = await ec2.createImage({instanceId: instanceIds[0], name: 'hactl-bench-bake', noReboot: true, tags})
  await ec2.waitForImageAvailable(imageId, {timeoutMs: 60 * 60_000})
  await ssm.putParameter({name: latestBakeParameterName(config.site), overwrite: true, value: JSON.stringify({imageId})})
  return instanceIds.length
}

async function main() {
  const stateDir = mkdtempSync(join(tmpdir(), 'hactl-bench-rollout-'))
  try {
    const config = resolveConfig({app: 'wordpress', region: 'eu-west-1', site: 'bench'}, 'hactl.yml')
    const instances = await setUp(stateDir, config)
    const calls = new Map()
    const sandbox = openSandbox({onCall: (service, operation) => calls.set(`${service}:${operation}`, (calls.get(`${service}:${operation}`) || 0) + 1), region: 'eu-west-1', speed: SPEED, stateDir})
    const clients = new AwsClients({sandbox, version: 'bench'})
    await Promise.all([clients.eb(), clients.ec2(), clients.ssm(), clients.cloudwatch()])
    calls.clear()
    const start = sandbox.clock.now()
    const result = await rollout({clients, config, deadline: Deadline.after(sandbox.clock, 3 * 60 * 60_000), reporter: silent, runId: 'bench'})
    const simulated = sandbox.clock.now() - start
    const {batches, ms: floor} = rolloutFloor(instances, config.environment.rollout.batchSize)
    const minutes = simulated / 60_000
    process.stdout.write(`rollout on the sandbox (speed ${SPEED}x), node ${process.version}: ${instances} instances, batch ${config.environment.rollout.batchSize}, lowest healthy ${result.lowestHealthy}\n`)
    process.stdout.write(`simulated ${(simulated / 1000).toFixed(0)} s, floor ${batches} batches × ${DURATIONS.ebBatchHealthy / 1000} s + ${batches - 1} × ${DURATIONS.ebBatchGap / 1000} s between = ${floor / 1000} s, ratio ${(simulated / floor).toFixed(2)} (target ≤ 1.1)\n`)
    process.stdout.write('call                                            calls  per simulated minute\n')
    let worst = 0
    for (const [call, count] of [...calls.entries()].sort()) {
      const rate = count / minutes
      if (/:Describe/.test(call)) worst = Math.max(worst, rate)
      process.stdout.write(`${call.padEnd(46)}  ${String(count).padStart(5)}  ${rate.toFixed(2).padStart(6)}\n`)
    }
    process.stdout.write(`most describe calls per resource per simulated minute: ${worst.toFixed(2)} (target ≤ 4)\n`)
  } finally {
    rmSync(stateDir, {force: true, recursive: true})
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`)
  process.exit(1)
})
