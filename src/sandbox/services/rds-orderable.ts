import type {
  DescribeOrderableDBInstanceOptionsCommandInput,
  DescribeOrderableDBInstanceOptionsCommandOutput,
  OrderableDBInstanceOption,
} from '@aws-sdk/client-rds'

import type {Handler, Result} from '../types'
import {CATALOGUE} from './rds-engines'
import {errors, matchesFilters, onlyFields, pageOf} from './rds-model'

/*
 * Which DB instance classes each engine version can be ordered in. A fixed,
 * coarse catalogue (every class below for every version, Aurora without the
 * micro and small sizes, as on AWS): enough that a made-up class such as
 * `db.bogus.huge` is refused as RDS refuses it.
 */

const STANDARD_CLASSES = [
  ...['micro', 'small', 'medium', 'large', 'xlarge', '2xlarge'].flatMap((size) => [`db.t3.${size}`, `db.t4g.${size}`]),
  ...['m5', 'm6g', 'm6i', 'm7g', 'r5', 'r6g', 'r6i', 'r7g'].flatMap((family) =>
    ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'].map((size) => `db.${family}.${size}`),
  ),
]
const AURORA_CLASSES = [...STANDARD_CLASSES.filter((name) => !/\.(micro|small)$/.test(name)), 'db.serverless']

export function classesFor(engine: string): readonly string[] {
  return engine.startsWith('aurora-') ? AURORA_CLASSES : STANDARD_CLASSES
}

function licenseModel(engine: string): string {
  return engine.includes('postgres') ? 'postgresql-license' : 'general-public-license'
}

/**
 * CreateDBInstance's answer to a class the engine version is not sold in, in
 * RDS's words (e.g. terraform-aws-modules users quoting "RDS does not support
 * creating a DB instance with the following combination: DBInstanceClass=db.t2.micro, Engine=mysql, …").
 */
export function checkOrderable(engine: string, version: string, instanceClass: string): void {
  if (classesFor(engine).includes(instanceClass)) return
  throw errors.combination(
    `RDS does not support creating a DB instance with the following combination: DBInstanceClass=${instanceClass}, Engine=${engine}, EngineVersion=${version}, LicenseModel=${licenseModel(engine)}. For supported combinations of instance class and database engine version, see the documentation.`,
  )
}

const FIELDS = new Set(['Engine', 'EngineVersion', 'DBInstanceClass', 'LicenseModel', 'AvailabilityZoneGroup', 'Vpc', 'Filters', 'MaxRecords', 'Marker'])

/** Engine is required; an unknown engine, version or class matches nothing (an empty list), as RDS answers. */
export const describeOrderableDbInstanceOptions: Handler<unknown, DescribeOrderableDBInstanceOptionsCommandInput, Result<DescribeOrderableDBInstanceOptionsCommandOutput>> = (_world, input, context) => {
  onlyFields(input, FIELDS, 'DescribeOrderableDBInstanceOptions')
  const engine = input.Engine
  if (!engine) throw errors.invalidValue('The parameter Engine must be provided and must not be blank.')
  // EngineVersion matches exactly: a short "8.0" matches nothing (resolve it with DescribeDBEngineVersions first).
  const versions = CATALOGUE.filter((entry) => entry.engine === engine && (input.EngineVersion === undefined || entry.version === input.EngineVersion))
  const options = versions.flatMap((entry) =>
    classesFor(engine)
      .filter((name) => input.DBInstanceClass === undefined || name === input.DBInstanceClass)
      .map(
        (name): OrderableDBInstanceOption => ({
          Engine: engine,
          EngineVersion: entry.version,
          DBInstanceClass: name,
          LicenseModel: licenseModel(engine),
          AvailabilityZones: ['a', 'b', 'c'].map((suffix) => ({Name: `${context.region}${suffix}`})),
          MultiAZCapable: true,
          ReadReplicaCapable: true,
          Vpc: true,
          SupportsStorageEncryption: true,
          StorageType: engine.startsWith('aurora-') ? 'aurora' : 'gp3',
        }),
      ),
  )
  const matching = options.filter((option) =>
    matchesFilters(option, input.Filters, {
      'db-instance-class': (found) => [found.DBInstanceClass ?? ''],
      'engine-version': (found) => [found.EngineVersion ?? ''],
    }),
  )
  const page = pageOf(matching, input)
  return {OrderableDBInstanceOptions: page.items, Marker: page.nextToken}
}

