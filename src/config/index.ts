/**
 * hactl.yml: finding, parsing, validating (with every problem placed on its
 * line), defaults per app, rendering, the JSON Schema, and `hactl init`.
 */
export {APP_PROFILES, type AppProfileDefaults, HEALTH_ENDPOINT} from './app-defaults'
export {
  APP_NAMES,
  type AppName,
  CACHE_ENGINES,
  type CacheEngine,
  DATABASE_ENGINES,
  type DatabaseEngine,
  isAppName,
  isAuroraEngine,
  PATTERNS,
  ROLLOUT_POLICIES,
  type RolloutPolicy,
  SCALING_METRIC_INFO,
  SCALING_METRICS,
  type ScalingMetric,
  STAGING_CHECKS,
  type StagingCheck,
} from './constants'
export {isArmInstanceType} from './cross-checks'
export {
  type InitAnswers,
  initConfig,
  type InitConfigOptions,
  type InitConfigResult,
  initialConfig,
  requireInitAnswers,
} from './init'
export {configJsonSchema, exportConfigSchema, type ExportConfigSchemaOptions, type ExportConfigSchemaResult} from './json-schema'
export {
  assertSiteRegion,
  CONFIG_FILE_NAME,
  findConfigPath,
  type FindConfigPathOptions,
  initConfigPath,
  loadConfig,
  type LoadConfigOptions,
  type LoadedConfig,
} from './load'
export {MAX_CONFIG_BYTES, parseConfig, parseConfigFile, type ParseConfigOptions, type ParsedConfigFile, resolveConfig} from './parse'
export {defaultHeader, renderConfigYaml, type RenderConfigOptions} from './render'
export {type HactlConfig, HactlConfigSchema} from './schema'
