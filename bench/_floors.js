'use strict'
/**
 * What AWS itself makes each step wait, from the sandbox's durations table
 * (src/sandbox/durations.ts): the floors bench/env-create.js and
 * bench/pipeline.js measure against. Each figure is a wait a perfect client
 * still has (it polls at the very moment the state changes and spends no time
 * of its own).
 */
const {join} = require('node:path')

const {DURATIONS} = require(join(__dirname, '..', 'dist', 'src', 'sandbox', 'durations.js'))

/** One SSM Run Command round trip of a command that takes no time of its own: delivery, then its run. */
const SSM_ROUND_TRIP = DURATIONS.ssmCommandDelivery + DURATIONS.ssmCommandRun

/** What each `env create` step waits for (0: answered at once), by step id without its `env/` prefix. */
function envStepDurations(config) {
  const aurora = config.database.engine.startsWith('aurora-')
  return {
    database: aurora ? Math.max(DURATIONS.auroraClusterCreating, DURATIONS.auroraInstanceCreating) : DURATIONS.rdsInstanceCreating + DURATIONS.rdsBackingUp,
    cache: config.cache.engine === 'redis' ? DURATIONS.cacheReplicationGroupCreating : DURATIONS.cacheClusterCreating,
    efs: DURATIONS.efsCreating,
    'efs-mount-targets': DURATIONS.efsMountTargetCreating,
    environment: DURATIONS.ebEnvironmentLaunching,
  }
}

/**
 * env create's critical path without a run's timings: the environment waits
 * for the database, the cache and the EFS mount targets (which wait for the
 * file system), the rest is answered at once. Equal to what
 * `criticalPath(result.timings, envStepDurations)` gives for a real run.
 */
function envCriticalPath(config) {
  const d = envStepDurations(config)
  return Math.max(d.database, d.cache, d.efs + d['efs-mount-targets']) + d.environment
}

/** A rolling update's floor: each batch launches and passes its health checks, with EB's gap between batches. */
function rolloutFloor(instances, batchSize) {
  const batches = Math.ceil(instances / batchSize)
  return {batches, ms: batches * DURATIONS.ebBatchHealthy + (batches - 1) * DURATIONS.ebBatchGap}
}

module.exports = {DURATIONS, SSM_ROUND_TRIP, envCriticalPath, envStepDurations, rolloutFloor}
