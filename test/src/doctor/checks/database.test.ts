import {tlsParameterOf} from '../../../../src/doctor/facts'
import type {SiteFacts} from '../../../../src/doctor/run'
import {siteNames} from '../../../../src/site/names'
import {dbTlsParameters} from '../../../../src/env/spec'
import {testConfig} from '../../../_helpers/config'
import {auroraSite, check, type ClusterDb, failing, healthySite, withDb} from '../_helpers/site'

describe('judgeSite: db-multi-az on Aurora wants a reader in another zone', () => {
  const aurora = auroraSite()
  const db = aurora.database as ClusterDb
  const zones = (writer: string | undefined, reader: string | undefined): SiteFacts => ({
    ...aurora,
    database: {...db, instances: [{...db.instances[0], AvailabilityZone: writer}, {...db.instances[1], AvailabilityZone: reader}]},
  })

  it("fails when the only reader shares the writer's zone, with a command that adds one elsewhere", () => {
    const same = zones('eu-west-1a', 'eu-west-1a')
    expect(failing(same)).toEqual(['db-multi-az'])
    expect(check(same, 'db-multi-az')).toMatchObject({
      detail: "Aurora cluster hactl-demo-db has its only reader (hactl-demo-db-2) in the writer's zone eu-west-1a: losing that zone takes the site down",
      remedy:
        'Add a reader in another zone: aws rds create-db-instance --db-cluster-identifier hactl-demo-db --db-instance-identifier hactl-demo-db-3 --engine aurora-mysql --db-instance-class db.t4g.medium --availability-zone eu-west-1b --no-publicly-accessible; then delete hactl-demo-db-2 if one reader is enough.',
    })
  })

  it('fails when RDS does not say where the writer is; passes once a reader is elsewhere', () => {
    expect(check(zones(undefined, 'eu-west-1b'), 'db-multi-az').detail).toContain('in a zone RDS does not report for the writer')
    expect(failing(zones('eu-west-1c', 'eu-west-1b'))).toEqual([])
  })

  it('without DBClusterMembers the first instance is taken for the writer', () => {
    const facts = {...zones('eu-west-1a', 'eu-west-1b'), database: {...db, cluster: {...db.cluster, DBClusterMembers: undefined}}}
    expect(check(facts, 'db-multi-az').status).toBe('pass')
  })
})

describe('judgeSite: db-tls', () => {
  const healthy = healthySite()
  const names = siteNames('demo', 'eu-west-1')

  it('the parameter doctor reads is the one env create sets', () => {
    for (const engine of ['mysql', 'mariadb', 'postgres', 'aurora-mysql', 'aurora-postgresql']) {
      const config = testConfig({app: 'moodle', database: {engine}})
      expect(Object.keys(dbTlsParameters(config))).toEqual([tlsParameterOf(config)])
    }
  })

  it('passes with require_secure_transport 1 or ON', () => {
    expect(check(healthy, 'db-tls').detail).toBe('RDS instance hactl-demo-db refuses connections without TLS (require_secure_transport=1 in DB parameter group hactl-demo-db)')
    expect(check(withDb(healthy, {}, {parameterGroup: names.dbParameterGroup, values: {require_secure_transport: 'ON'}}), 'db-tls').status).toBe('pass')
  })

  it('fails when the site\'s group has it off: re-run env create, then reboot', () => {
    const off = withDb(healthy, {}, {parameterGroup: names.dbParameterGroup, values: {require_secure_transport: '0'}})
    expect(failing(off)).toEqual(['db-tls'])
    expect(check(off, 'db-tls')).toMatchObject({
      detail: 'RDS instance hactl-demo-db accepts connections without TLS: require_secure_transport is 0 in DB parameter group hactl-demo-db',
      remedy: 'Run `hactl env create`: it sets require_secure_transport=1 in hactl-demo-db; then aws rds reboot-db-instance --db-instance-identifier hactl-demo-db',
    })
  })

  it('fails on a default group, saying how to attach the site\'s', () => {
    const standard = withDb(healthy, {DBParameterGroups: [{DBParameterGroupName: 'default.mysql8.0'}]}, {parameterGroup: 'default.mysql8.0', values: {require_secure_transport: undefined}})
    expect(check(standard, 'db-tls')).toMatchObject({
      detail: 'RDS instance hactl-demo-db accepts connections without TLS: require_secure_transport is not set in DB parameter group default.mysql8.0',
      remedy: expect.stringContaining('aws rds modify-db-instance --db-instance-identifier hactl-demo-db --db-parameter-group-name hactl-demo-db --apply-immediately; then aws rds reboot-db-instance'),
    })
    expect(check(withDb(healthy, {DBParameterGroups: []}, null), 'db-tls').detail).toBe('RDS instance hactl-demo-db accepts connections without TLS: it reports no DB parameter group')
  })

  it('fails while the value waits for a reboot', () => {
    const pending = withDb(healthy, {DBParameterGroups: [{DBParameterGroupName: names.dbParameterGroup, ParameterApplyStatus: 'pending-reboot'}]})
    expect(check(pending, 'db-tls')).toMatchObject({
      detail: 'RDS instance hactl-demo-db has require_secure_transport=1 in hactl-demo-db, but it waits for a reboot (pending-reboot)',
      remedy: 'aws rds reboot-db-instance --db-instance-identifier hactl-demo-db',
      status: 'fail',
    })
  })

  it('PostgreSQL wants rds.force_ssl=1; Aurora is judged by its cluster parameter group', () => {
    const postgres = healthySite(testConfig({app: 'moodle', database: {engine: 'postgres'}}))
    expect(check(postgres, 'db-tls').detail).toContain('rds.force_ssl=1')
    expect(check(withDb(postgres, {}, {parameterGroup: names.dbParameterGroup, values: {'rds.force_ssl': 'ON'}}), 'db-tls').status).toBe('fail')
    const aurora = auroraSite()
    const db = aurora.database as ClusterDb
    const off = {...aurora, database: {...db, tls: {parameterGroup: 'default.aurora-mysql8.0', values: {require_secure_transport: 'OFF'}}}}
    expect(check(off, 'db-tls')).toMatchObject({
      detail: 'Aurora cluster hactl-demo-db accepts connections without TLS: require_secure_transport is OFF in DB cluster parameter group default.aurora-mysql8.0',
      remedy: expect.stringContaining('--db-cluster-parameter-group-name hactl-demo-db --apply-immediately; then aws rds reboot-db-instance --db-instance-identifier hactl-demo-db-1 (each instance)'),
    })
  })
})
