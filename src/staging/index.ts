/** Staging tests on the seed: the runner and its files, the report and recording contract. */
export {commonChecks, customChecks, HTTP_MAX_MS, PRIVILEGED_CHECKS, type RunnerCheck, runnerChecks} from './checks'
export {stagingFiles, type StagingFilesOptions, sysusersConf} from './files'
export {stagingProbePhp} from './probe'
export * from './record'
export {CORE_MANIFEST, STAGING_MANIFEST, STAGING_PROBE, STAGING_RUNNER, STAGING_STATE_DIR, STAGING_USER, stagingManifestScript, stagingRunScript} from './runner'
