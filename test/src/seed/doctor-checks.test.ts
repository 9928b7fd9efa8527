/** The seed's doctor checks (src/doctor/checks/seed.ts): pure judges over SiteFacts. */
import {judgeSite, type SiteFacts} from '../../../src/doctor/run'
import {healthySeed, healthySite} from '../doctor/_helpers/site'

type Seed = NonNullable<SiteFacts['seed']>

/** The seed checks of checks/seed.ts (seed-drift is drift's: test/src/doctor/checks/drift.test.ts). */
function verdicts(seed: Seed | undefined): Record<string, string> {
  const result = judgeSite({...healthySite(), seed})
  return Object.fromEntries(result.checks.filter((c) => c.id.startsWith('seed-') && c.id !== 'seed-drift').map((c) => [c.id, `${c.status}: ${c.detail}`]))
}

function withInstance(change: (instance: Seed['instances'][number]) => Seed['instances'][number]): Seed {
  const seed = healthySeed()
  return {...seed, instances: [change(seed.instances[0])]}
}

describe('doctor: the seed', () => {
  it('passes on a seed as seed create leaves it', () => {
    expect(Object.values(verdicts(healthySeed())).every((v) => v.startsWith('pass'))).toBe(true)
  })

  it('skips every seed check, with the reason, when there is no seed or it was not read', () => {
    expect(Object.values(verdicts({...healthySeed(), instances: []}))).toEqual(Array(5).fill('skip: the site has no seed'))
    expect(Object.values(verdicts(undefined)).every((v) => v.startsWith('skip: the seed was not read'))).toBe(true)
  })

  it('fails on two seeds: cron would run twice', () => {
    const seed = healthySeed()
    expect(verdicts({...seed, instances: [seed.instances[0], {...seed.instances[0], InstanceId: 'i-0second'}]})['seed-single']).toMatch(/^fail: 2 seeds are running: i-0seed, i-0second/)
  })

  it('fails on IMDSv1, and on instance tags hidden from IMDS (the cron gate would say "web")', () => {
    expect(verdicts(withInstance((i) => ({...i, MetadataOptions: {HttpTokens: 'optional', InstanceMetadataTags: 'enabled'}})))['seed-metadata']).toMatch(/^fail: .*accepts IMDSv1/)
    expect(verdicts(withInstance((i) => ({...i, MetadataOptions: {HttpTokens: 'required', InstanceMetadataTags: 'disabled'}})))['seed-metadata']).toMatch(/^fail: .*cannot read its own tags/)
  })

  it('fails on any inbound rule on the seed\'s group', () => {
    const seed = healthySeed()
    const open = {...seed, groups: [{...seed.groups[0], IpPermissions: [{FromPort: 22, IpProtocol: 'tcp', IpRanges: [{CidrIp: '0.0.0.0/0'}], ToPort: 22}]}]}
    expect(verdicts(open)['seed-no-inbound']).toMatch(/^fail: the seed's security group admits traffic: hactl-demo-seed \(1 rule\(s\)\)/)
  })

  it('fails on a secret in the user data or a tag, naming where and never the value', () => {
    const inScript = verdicts({...healthySeed(), userData: '#!/bin/bash\nDB_PASSWORD=hunter2hunter2\n'})['seed-secrets']
    expect(inScript).toMatch(/^fail: .*user data line 2 \(DB_PASSWORD\)/)
    expect(inScript).not.toContain('hunter2')
    const inTag = verdicts(withInstance((i) => ({...i, Tags: [...(i.Tags ?? []), {Key: 'api-token', Value: 'abcdefabcdef'}]})))['seed-secrets']
    expect(inTag).toMatch(/^fail: .*tag api-token/)
  })

  it('fails on a stale, missing or failing cron heartbeat', () => {
    const seed = healthySeed()
    expect(verdicts({...seed, heartbeat: {at: new Date(seed.readAt - 10 * 60_000).toISOString(), exit: 0, seconds: 1}})['seed-cron']).toMatch(/^fail: the last cron run was 10 min ago/)
    expect(verdicts({...seed, heartbeat: undefined})['seed-cron']).toMatch(/^fail: no cron heartbeat/)
    expect(verdicts({...seed, heartbeat: {at: new Date(seed.readAt - 60_000).toISOString(), exit: 1, seconds: 1}})['seed-cron']).toMatch(/^fail: the last cron run, 60 s ago, exited 1/)
  })
})
