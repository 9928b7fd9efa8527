/*
 * The parameters the sandbox's parameter groups hold: a handful per family,
 * chosen for what hactl sets (TLS) and what a reader expects to see
 * (max_connections and the memory settings). Instance-level and cluster-level
 * parameters differ for Aurora: the TLS switches live in the DB cluster
 * parameter group there.
 */

export interface ParameterDef {
  readonly name: string
  readonly description: string
  /** `dynamic` parameters may be applied `immediate`; `static` ones only `pending-reboot`. */
  readonly applyType: 'static' | 'dynamic'
  readonly dataType: 'boolean' | 'integer' | 'string'
  /** As AWS writes them: a list (`0,1`, `OFF,ON`) or a range (`1-100000`, `-1-2147483647`). */
  readonly allowedValues: string
  /** What the family's default group shows; undefined: no ParameterValue (the engine's built-in default). */
  readonly defaultValue?: string
}

const REQUIRE_SECURE_TRANSPORT: ParameterDef = {
  name: 'require_secure_transport',
  description: 'Whether client connections to the server are required to use some form of secure transport.',
  applyType: 'dynamic',
  dataType: 'boolean',
  allowedValues: '0,1',
}

const MYSQL_MAX_CONNECTIONS: ParameterDef = {
  name: 'max_connections',
  description: 'The number of simultaneous client connections allowed.',
  applyType: 'dynamic',
  dataType: 'integer',
  allowedValues: '1-100000',
  defaultValue: '{DBInstanceClassMemory/12582880}',
}

const INNODB_BUFFER_POOL_SIZE: ParameterDef = {
  name: 'innodb_buffer_pool_size',
  description: 'The size in bytes of the memory buffer innodb uses to cache data and indexes of its tables.',
  applyType: 'static',
  dataType: 'integer',
  allowedValues: '0-9223372036854775807',
  defaultValue: '{DBInstanceClassMemory*3/4}',
}

const CHARACTER_SET_SERVER: ParameterDef = {
  name: 'character_set_server',
  description: 'The server\'s default character set.',
  applyType: 'dynamic',
  dataType: 'string',
  allowedValues: 'ascii,binary,latin1,utf8mb3,utf8mb4',
}

const SLOW_QUERY_LOG: ParameterDef = {
  name: 'slow_query_log',
  description: 'Enable or disable the slow query log.',
  applyType: 'dynamic',
  dataType: 'boolean',
  allowedValues: '0,1',
}

const FORCE_SSL: ParameterDef = {
  name: 'rds.force_ssl',
  description: 'Force SSL connections.',
  applyType: 'dynamic',
  dataType: 'boolean',
  allowedValues: '0,1',
}

const SSL_MIN_PROTOCOL_VERSION: ParameterDef = {
  name: 'ssl_min_protocol_version',
  description: 'Sets the minimum SSL/TLS protocol version to use.',
  applyType: 'dynamic',
  dataType: 'string',
  allowedValues: 'TLSv1,TLSv1.1,TLSv1.2,TLSv1.3',
  defaultValue: 'TLSv1.2',
}

const PG_MAX_CONNECTIONS: ParameterDef = {
  name: 'max_connections',
  description: 'Sets the maximum number of concurrent connections.',
  applyType: 'static',
  dataType: 'integer',
  allowedValues: '6-262143',
  defaultValue: 'LEAST({DBInstanceClassMemory/9531392},5000)',
}

const SHARED_BUFFERS: ParameterDef = {
  name: 'shared_buffers',
  description: 'Sets the number of shared memory buffers used by the server.',
  applyType: 'static',
  dataType: 'integer',
  allowedValues: '16-1073741823',
  defaultValue: '{DBInstanceClassMemory/32768}',
}

const LOG_MIN_DURATION_STATEMENT: ParameterDef = {
  name: 'log_min_duration_statement',
  description: 'Sets the minimum execution time above which statements will be logged.',
  applyType: 'dynamic',
  dataType: 'integer',
  allowedValues: '-1-2147483647',
}

const MYSQL_FAMILY: readonly ParameterDef[] = [REQUIRE_SECURE_TRANSPORT, MYSQL_MAX_CONNECTIONS, INNODB_BUFFER_POOL_SIZE, CHARACTER_SET_SERVER, SLOW_QUERY_LOG]

/** RDS for PostgreSQL 15 and later require SSL by default (`rds.force_ssl` 1); AWS's docs say so. */
const POSTGRES_FAMILY: readonly ParameterDef[] = [
  {...FORCE_SSL, defaultValue: '1'},
  PG_MAX_CONNECTIONS,
  SHARED_BUFFERS,
  LOG_MIN_DURATION_STATEMENT,
  SSL_MIN_PROTOCOL_VERSION,
]

/** The Aurora MySQL cluster group takes `require_secure_transport` as OFF/ON, where RDS for MySQL takes 0/1. */
const AURORA_MYSQL_CLUSTER: readonly ParameterDef[] = [
  {...REQUIRE_SECURE_TRANSPORT, allowedValues: 'OFF,ON'},
  CHARACTER_SET_SERVER,
  {
    name: 'binlog_format',
    description: 'Binary logging format for replication.',
    applyType: 'static',
    dataType: 'string',
    allowedValues: 'ROW,STATEMENT,MIXED,OFF',
    defaultValue: 'OFF',
  },
]

const AURORA_MYSQL_INSTANCE: readonly ParameterDef[] = [MYSQL_MAX_CONNECTIONS, INNODB_BUFFER_POOL_SIZE, SLOW_QUERY_LOG]

/** Aurora PostgreSQL's cluster group leaves `rds.force_ssl` off. */
const AURORA_POSTGRES_CLUSTER: readonly ParameterDef[] = [{...FORCE_SSL, defaultValue: '0'}, SSL_MIN_PROTOCOL_VERSION]

const AURORA_POSTGRES_INSTANCE: readonly ParameterDef[] = [PG_MAX_CONNECTIONS, SHARED_BUFFERS, LOG_MIN_DURATION_STATEMENT]

/** The parameters of a family's DB parameter groups (cluster: DB cluster parameter groups; only Aurora families have them here). */
export function parametersOf(family: string, cluster: boolean): readonly ParameterDef[] {
  if (family.startsWith('aurora-mysql')) return cluster ? AURORA_MYSQL_CLUSTER : AURORA_MYSQL_INSTANCE
  if (family.startsWith('aurora-postgresql')) return cluster ? AURORA_POSTGRES_CLUSTER : AURORA_POSTGRES_INSTANCE
  if (cluster) return []
  return family.startsWith('postgres') ? POSTGRES_FAMILY : MYSQL_FAMILY
}

const RANGE = /^(-?\d+)-(-?\d+)$/
const INTEGER = /^-?\d+$/

/** True when `value` is one of the parameter's allowed values or within its range (a `{…}` formula passes for integers, as RDS takes one). */
export function allowedValue(parameter: ParameterDef, value: string): boolean {
  const range = RANGE.exec(parameter.allowedValues)
  if (range) {
    if (parameter.dataType === 'integer' && value.startsWith('{')) return true
    return INTEGER.test(value) && BigInt(value) >= BigInt(range[1]) && BigInt(value) <= BigInt(range[2])
  }

  return parameter.allowedValues.split(',').includes(value)
}
