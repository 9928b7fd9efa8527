import {FACT_KEYS, factsToRead, readSiteFacts} from '../../../src/doctor/facts'
import {testConfig} from '../../_helpers/config'
import {fakeSite} from './_helpers/fake-site'

describe('factsToRead', () => {
  it('adds what a fact is read through: attached groups through the resources, the live AMI through the environment', () => {
    expect([...factsToRead(['database'])]).toEqual(['database'])
    expect([...factsToRead(['images'])].sort()).toEqual(['environment', 'images'])
    expect([...factsToRead(['securityGroups'])].sort()).toEqual(['cache', 'database', 'environment', 'fileSystem', 'securityGroups', 'siteInstances'])
    expect([...factsToRead(FACT_KEYS)].sort()).toEqual([...FACT_KEYS].sort())
  })
})

describe('readSiteFacts reads only what is needed', () => {
  it('the database alone: RDS calls only, every other fact absent or empty', async () => {
    const site = fakeSite()
    const facts = await readSiteFacts(site.clients, testConfig(), ['database'])
    expect(site.calls).toEqual(['rds.describeInstance', 'rds.parameterValues(hactl-demo-db,false,require_secure_transport)'])
    expect(facts.database?.kind).toBe('instance')
    expect(facts).toMatchObject({cache: undefined, environment: undefined, fileSystem: undefined, images: [], network: undefined, securityGroups: [], siteInstances: []})
  })

  it('images: the tagged AMIs and the environment (for its ImageId), nothing of the data tier', async () => {
    const site = fakeSite()
    await readSiteFacts(site.clients, testConfig(), ['images'])
    expect(site.calls.filter((call) => /^(rds|efs|elasticache)\./.test(call))).toEqual([])
    expect(site.calls).toEqual(expect.arrayContaining(['eb.describeEnvironment', 'ec2.describeImages(tags)']))
    expect(site.calls).not.toContain('ec2.describeSecurityGroups')
  })

  it('snapshots and the last rollout: read through the images, no snapshot lookup without a snapshot, no rollout without SSM', async () => {
    expect([...factsToRead(['rollout'])].sort()).toEqual(['environment', 'images', 'rollout'])
    const site = fakeSite()
    const facts = await readSiteFacts(site.clients, testConfig(), ['snapshots', 'rollout'])
    expect(site.calls).toEqual(expect.arrayContaining(['eb.describeEnvironment', 'ec2.describeImages(tags)']))
    expect(site.calls.filter((call) => /snapshot/i.test(call))).toEqual([])
    expect(facts).toMatchObject({rollout: undefined, snapshots: []})
  })

  it('by default, every fact', async () => {
    const site = fakeSite()
    const facts = await readSiteFacts(site.clients, testConfig())
    expect(facts.environment && facts.fileSystem && facts.database && facts.cache && facts.network).toBeTruthy()
    expect(facts.securityGroups.length).toBeGreaterThan(0)
  })
})
