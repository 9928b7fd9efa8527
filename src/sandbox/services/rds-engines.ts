import type {DBEngineVersion, DescribeDBEngineVersionsCommandInput, DescribeDBEngineVersionsCommandOutput} from '@aws-sdk/client-rds'

import type {Handler, Result} from '../types'
import {ENGINES, errors, matchesFilters, onlyFields, pageOf} from './rds-model'

/*
 * The engine versions the sandbox offers, with their parameter group
 * families, and the parameters each family's groups hold. A small, fixed
 * catalogue: enough for a create to pick a version and for hactl to find the
 * family a parameter group needs.
 */

interface CatalogueEntry {
  readonly engine: string
  readonly version: string
  /** `8.0`, `16`: what DefaultOnly and a short EngineVersion (`"8.0"`) are about. */
  readonly major: string
  readonly family: string
  /** The version CreateDB* uses for this major version when given only the major (`"8.0"`). */
  readonly majorDefault: boolean
}

/** Engine → [major, family, versions…], the major's default version first. */
const VERSIONS: Readonly<Record<string, ReadonlyArray<readonly [major: string, family: string, versions: readonly string[]]>>> = {
  mysql: [
    ['8.0', 'mysql8.0', ['8.0.40', '8.0.39', '8.0.41']],
    ['8.4', 'mysql8.4', ['8.4.3', '8.4.4']],
  ],
  mariadb: [
    ['10.11', 'mariadb10.11', ['10.11.10', '10.11.9']],
    ['11.4', 'mariadb11.4', ['11.4.4', '11.4.3']],
  ],
  postgres: [
    ['16', 'postgres16', ['16.6', '16.4']],
    ['17', 'postgres17', ['17.2']],
  ],
  'aurora-mysql': [['8.0', 'aurora-mysql8.0', ['8.0.mysql_aurora.3.08.0', '8.0.mysql_aurora.3.07.1']]],
  'aurora-postgresql': [['16', 'aurora-postgresql16', ['16.6', '16.4']]],
}

const DESCRIPTIONS: Readonly<Record<string, string>> = {
  mysql: 'MySQL Community Edition',
  mariadb: 'MariaDb Community Edition',
  postgres: 'PostgreSQL',
  'aurora-mysql': 'Aurora MySQL',
  'aurora-postgresql': 'Aurora (PostgreSQL)',
}

/** Every version, per engine in VERSIONS' order; the oldest first within a major, as DescribeDBEngineVersions lists them. */
export const CATALOGUE: readonly CatalogueEntry[] = Object.entries(VERSIONS).flatMap(([engine, majors]) =>
  majors.flatMap(([major, family, versions]) =>
    versions.map((version, index) => ({engine, version, major, family, majorDefault: index === 0})).sort((a, b) => compareVersions(a.version, b.version)),
  ),
)

function compareVersions(a: string, b: string): number {
  return a.localeCompare(b, 'en', {numeric: true})
}

/** The version CreateDBInstance / CreateDBCluster use without EngineVersion: ENGINES' default, so the two never disagree. */
function isEngineDefault(entry: CatalogueEntry): boolean {
  return ENGINES[entry.engine]?.defaultVersion === entry.version
}

/** `version` is this entry's, or names its major (`8.0`, `16`), or a prefix of it that ends at a dot. */
function versionMatches(entry: CatalogueEntry, version: string): boolean {
  return entry.version === version || entry.major === version || entry.version.startsWith(`${version}.`)
}

/**
 * The version a create uses: the engine's default without EngineVersion, the
 * major version's default for `"8.0"` or `"16"`, else exactly the one named.
 * Unknown → InvalidParameterCombination "Cannot find version … for …", as RDS says.
 */
export function resolveEngineVersion(engine: string, requested: string | undefined): CatalogueEntry {
  const entries = CATALOGUE.filter((entry) => entry.engine === engine)
  const found =
    requested === undefined
      ? entries.find((entry) => isEngineDefault(entry))
      : (entries.find((entry) => entry.version === requested) ?? entries.find((entry) => entry.majorDefault && versionMatches(entry, requested)))
  if (!found) throw errors.combination(`Cannot find version ${requested ?? 'default'} for ${engine}`)
  return found
}

/** Every family the catalogue knows: what CreateDB(Cluster)ParameterGroup accept. */
export const FAMILIES: ReadonlySet<string> = new Set(CATALOGUE.map((entry) => entry.family))

function toEngineVersion(entry: CatalogueEntry): DBEngineVersion {
  const aurora = entry.engine.startsWith('aurora-')
  return {
    Engine: entry.engine,
    EngineVersion: entry.version,
    MajorEngineVersion: entry.major,
    DBParameterGroupFamily: entry.family,
    DBEngineDescription: DESCRIPTIONS[entry.engine],
    DBEngineVersionDescription: `${DESCRIPTIONS[entry.engine]} ${entry.version}`,
    Status: 'available',
    SupportedEngineModes: aurora ? ['provisioned'] : undefined,
    SupportsReadReplica: true,
    SupportsLogExportsToCloudwatchLogs: true,
    ValidUpgradeTarget: [],
    TagList: [],
  }
}

const VERSION_FILTERS: Readonly<Record<string, (entry: CatalogueEntry) => string[]>> = {
  engine: (entry) => [entry.engine],
  'engine-version': (entry) => [entry.version],
  'db-parameter-group-family': (entry) => [entry.family],
  status: () => ['available'],
  'engine-mode': (entry) => (entry.engine.startsWith('aurora-') ? ['provisioned'] : []),
}

const DESCRIBE_FIELDS = new Set(['Engine', 'EngineVersion', 'DBParameterGroupFamily', 'Filters', 'MaxRecords', 'Marker', 'DefaultOnly', 'IncludeAll'])

/**
 * DefaultOnly: the engine's default version, or with EngineVersion the
 * default of each major version it names (`8.0.39` → 8.0's default, 8.0.40).
 */
function onlyDefaults(matching: readonly CatalogueEntry[], byVersion: boolean): CatalogueEntry[] {
  if (!byVersion) return matching.filter((entry) => isEngineDefault(entry))
  const majors = new Set(matching.map((entry) => `${entry.engine} ${entry.major}`))
  return CATALOGUE.filter((entry) => entry.majorDefault && majors.has(`${entry.engine} ${entry.major}`))
}

/** An unknown engine or version matches nothing: an empty list, not an error. */
export const describeDbEngineVersions: Handler<unknown, DescribeDBEngineVersionsCommandInput, Result<DescribeDBEngineVersionsCommandOutput>> = (_world, input, _context) => {
  onlyFields(input, DESCRIBE_FIELDS, 'DescribeDBEngineVersions')
  const version = input.EngineVersion
  const matching = CATALOGUE.filter(
    (entry) =>
      (input.Engine === undefined || entry.engine === input.Engine) &&
      (version === undefined || versionMatches(entry, version)) &&
      (input.DBParameterGroupFamily === undefined || entry.family === input.DBParameterGroupFamily) &&
      matchesFilters(entry, input.Filters, VERSION_FILTERS),
  )
  const chosen = input.DefaultOnly === true ? onlyDefaults(matching, version !== undefined) : matching
  const page = pageOf(chosen, input)
  return {DBEngineVersions: page.items.map((entry) => toEngineVersion(entry)), Marker: page.nextToken}
}
