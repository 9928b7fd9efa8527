#!/usr/bin/env node
'use strict'
/**
 * Sandbox call cost: real milliseconds per AWS call answered by the embedded
 * sandbox, through hactl's own client factory (SDK middleware, retry strategy,
 * state file read and written under its lock), so later benchmarks of whole
 * commands can tell sandbox overhead from hactl's own work.
 *
 *   npm run build && node bench/sandbox.js      (CALLS=400 for more samples)
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

const {mkdtempSync, rmSync} = require('node:fs')
const {tmpdir} = require('node:os')
const {join} = require('node:path')

const dist = join(__dirname, '..', 'dist', 'src')
const {AwsClients} = require(join(dist, 'aws', 'clients.js'))
const {openSandbox} = require(join(dist, 'sandbox', 'index.js'))

const calls = Number(process.env.CALLS || 200)

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

async function measure(name, fn) {
  await fn(-1) // warm-up: loads the SDK client and the service simulation
  const samples = []
  for (let i = 0; i < calls; i++) {
    const start = process.hrtime.bigint()
    await fn(i)
    samples.push(Number(process.hrtime.bigint() - start) / 1e6)
  }

  samples.sort((a, b) => a - b)
  return {name, median: median(samples), p95: samples[Math.floor(samples.length * 0.95)]}
}

async function main() {
  const stateDir = mkdtempSync(join(tmpdir(), 'hactl-bench-'))
  try {
    const sandbox = openSandbox({region: 'eu-west-1', speed: 1e6, stateDir})
    const aws = new AwsClients({sandbox, version: 'bench'})
    const [sts, ec2, ssm] = await Promise.all([aws.sts(), aws.ec2(), aws.ssm()])
    const [platform] = await ec2.describeImages({owners: ['amazon']})
    await ec2.runInstances({ImageId: platform.ImageId, InstanceType: 't3.small', MaxCount: 20, MinCount: 20})

    const results = [
      await measure('sts GetCallerIdentity', () => sts.getCallerIdentity()),
      await measure('ec2 DescribeInstances (20 instances)', () => ec2.describeInstances({})),
      await measure('ssm PutParameter (overwrite)', (i) => ssm.putParameter({name: '/hactl/bench/p', overwrite: true, value: String(i)})),
      await measure('ssm GetParameter', () => ssm.getParameter('/hactl/bench/p')),
    ]
    const width = Math.max(...results.map((r) => r.name.length))
    process.stdout.write(`sandbox call cost, ${calls} calls each, node ${process.version}\n`)
    process.stdout.write(`${'call'.padEnd(width)}  median ms  p95 ms\n${'-'.repeat(width)}  ---------  ------\n`)
    for (const r of results) process.stdout.write(`${r.name.padEnd(width)}  ${r.median.toFixed(2).padStart(9)}  ${r.p95.toFixed(2).padStart(6)}\n`)
  } finally {
    rmSync(stateDir, {force: true, recursive: true})
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`)
  process.exit(1)
})
