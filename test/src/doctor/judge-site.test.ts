import type {Image} from '@aws-sdk/client-ec2'
import {DOCTOR_CHECKS, judgeSite, type SiteFacts} from '../../../src/doctor/run'
import {siteNames} from '../../../src/site/names'
import {UserError} from '../../../src/core/errors'
import {legacyMemcachedConfig} from '../../_helpers/config'
import {addIngress, auroraSite, check, type ClusterDb, failing, GROUP_IDS, healthySite, instance, setOption, withDb, withSettings} from './_helpers/site'

describe('judgeSite: a site as env create leaves it', () => {
  it('passes every check, in the documented order, with a one-line detail each', () => {
    const result = judgeSite(healthySite())
    expect(result.checks.map((c) => c.id)).toEqual(Object.keys(DOCTOR_CHECKS))
    // No domain: the https check skips, a warning that the site is HTTP only (issue 13); the staging runs and the last rollout were not read, so their checks skip;
    // no ImageId setting (no rollout yet), so the live-AMI and instance-AMI checks skip; the markers were not read, so the drift checks skip.
    expect(result.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id} ${c.status}`)).toEqual([
      'ami-live-bake skip', 'ami-instances-live skip', 'ami-rollback-target skip', 'https skip', 'staging-schedule skip', 'staging-last-run skip', 'web-drift skip', 'seed-drift skip',
    ])
    expect(result).toMatchObject({failed: 0, passed: 24, site: 'demo', skipped: 8})
    for (const c of result.checks) {
      expect(c.detail).not.toContain('\n')
      // The https skip says how to get HTTPS; every passing check has no remedy.
      if (c.status === 'pass') expect(c.remedy).toBeUndefined()
      expect(c.title).toBe(DOCTOR_CHECKS[c.id])
    }

    expect(check(healthySite(), 'imdsv2').detail).toBe('IMDSv2 required on 2 instances and in the launch settings')
  })

  it('passes with Aurora (a reader), Memcached and Immutable rollouts too', () => {
    const config = legacyMemcachedConfig({database: {engine: 'aurora-mysql'}, environment: {rollout: {policy: 'Immutable'}}})
    const names = siteNames(config.site, config.region)
    const facts = auroraSite(config)
    expect(failing(facts)).toEqual([])
    expect(check(facts, 'rollout-capacity').detail).toContain('immutably')
    expect(check(facts, 'db-multi-az').detail).toBe(
      'Aurora cluster hactl-demo-db has 1 reader outside the writer\'s zone eu-west-1a (hactl-demo-db-2 in eu-west-1b) to fail over to',
    )
    expect(check(facts, 'db-tls').detail).toBe('Aurora cluster hactl-demo-db refuses connections without TLS (require_secure_transport=1 in DB cluster parameter group hactl-demo-db)')
    expect(check(facts, 'cache-encrypted').detail).toBe(`Memcached cluster ${names.cache} is encrypted in transit; Memcached cannot encrypt at rest (it holds only caches and sessions; choose redis for that)`)
  })
})

describe('judgeSite: each broken invariant fails exactly its check', () => {
  const healthy = healthySite()

  it('imdsv2: DisableIMDSv1 off in the environment', () => {
    const facts = withSettings(healthy, setOption('aws:autoscaling:launchconfiguration', 'DisableIMDSv1', 'false'))
    expect(failing(facts)).toEqual(['imdsv2'])
    expect(check(facts, 'imdsv2')).toMatchObject({
      detail: expect.stringContaining('hactl-demo does not set DisableIMDSv1=true'),
      remedy: expect.stringContaining('OptionName=DisableIMDSv1,Value=true'),
    })
  })

  it('imdsv2: an instance (of the environment or tagged with the site) with HttpTokens optional', () => {
    const env = {...healthy.environment!, instances: [instance('i-0aaa'), instance('i-0bad', 'optional')]}
    expect(check({...healthy, environment: env}, 'imdsv2')).toMatchObject({
      detail: 'i-0bad accepts IMDSv1 (HttpTokens optional)',
      remedy: 'aws ec2 modify-instance-metadata-options --http-tokens required --instance-id i-0bad',
      status: 'fail',
    })
    const seed = {...healthy, siteInstances: [instance('i-0seed', 'optional')]}
    expect(failing(seed)).toEqual(['imdsv2'])
    expect(check(seed, 'imdsv2').detail).toContain('i-0seed')
  })

  it('efs-encrypted, db-encrypted, cache-encrypted: one each', () => {
    const fs = healthy.fileSystem!
    expect(failing({...healthy, fileSystem: {...fs, description: {...fs.description, Encrypted: false}}})).toEqual(['efs-encrypted'])
    const db = healthy.database as Extract<SiteFacts['database'], {kind: 'instance'}>
    expect(failing({...healthy, database: {...db, instance: {...db.instance, StorageEncrypted: false}}})).toEqual(['db-encrypted'])
    const cache = healthy.cache as Extract<SiteFacts['cache'], {kind: 'redis'}>
    const noTransit = {...healthy, cache: {...cache, group: {...cache.group, TransitEncryptionEnabled: false}}}
    expect(failing(noTransit)).toEqual(['cache-encrypted'])
    expect(check(noTransit, 'cache-encrypted').detail).toBe('Redis replication group hactl-demo is not encrypted in transit')
    const memcached: SiteFacts = {...healthy, cache: {cluster: {TransitEncryptionEnabled: false}, kind: 'memcached'}}
    expect(failing(memcached)).toEqual(['cache-encrypted'])
  })

  it('db-encrypted looks at the Aurora cluster', () => {
    const aurora = auroraSite()
    const db = aurora.database as ClusterDb
    expect(failing({...aurora, database: {...db, cluster: {...db.cluster, StorageEncrypted: false}}})).toEqual(['db-encrypted'])
  })

  it('security-groups: SSH from the world on the web group, named with its group and a revoke command', () => {
    const facts = addIngress(healthy, 'web', {FromPort: 22, IpProtocol: 'tcp', IpRanges: [{CidrIp: '0.0.0.0/0'}], ToPort: 22})
    expect(failing(facts)).toEqual(['security-groups'])
    expect(check(facts, 'security-groups')).toMatchObject({
      detail: 'sg-0web (hactl-demo-web) admits tcp/22 from 0.0.0.0/0 (only the load balancer\'s listener, tcp/80 and tcp/443, may be open to the world)',
      remedy: "Remove the rule: aws ec2 revoke-security-group-ingress --group-id sg-0web --ip-permissions 'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=0.0.0.0/0}]'",
    })
  })

  it('security-groups: the listener may be public (80, 443), anything else on the load balancer may not', () => {
    const https = addIngress(healthy, 'lb', {FromPort: 443, IpProtocol: 'tcp', Ipv6Ranges: [{CidrIpv6: '::/0'}], ToPort: 443})
    expect(failing(https)).toEqual([])
    const wide = addIngress(healthy, 'lb', {FromPort: 0, IpProtocol: 'tcp', IpRanges: [{CidrIp: '0.0.0.0/0'}], ToPort: 65_535})
    expect(failing(wide)).toEqual(['security-groups'])
    const all = addIngress(healthy, 'lb', {IpProtocol: '-1', Ipv6Ranges: [{CidrIpv6: '::/0'}]})
    expect(check(all, 'security-groups').detail).toContain('admits all traffic from ::/0')
  })

  it('security-groups: port 22 from anywhere at all, even a private range', () => {
    const facts = addIngress(healthy, 'seed', {FromPort: 20, IpProtocol: 'tcp', IpRanges: [{CidrIp: '10.0.0.0/8'}], ToPort: 25})
    expect(check(facts, 'security-groups').detail).toBe('sg-0seed (hactl-demo-seed) admits tcp/20-25 from 10.0.0.0/8 (no SSH port: instances are reached through SSM)')
  })

  it('security-groups: the data tier admits only web and seed, only on its port', () => {
    const wrongPort = addIngress(healthy, 'db', {FromPort: 5432, IpProtocol: 'tcp', ToPort: 5432, UserIdGroupPairs: [{GroupId: GROUP_IDS.web}]})
    expect(check(wrongPort, 'security-groups').detail).toContain('sg-0db (hactl-demo-db) admits tcp/5432 from sg-0web (only the web and seed groups, on tcp/3306)')
    const wrongPeer = addIngress(healthy, 'cache', {FromPort: 6379, IpProtocol: 'tcp', ToPort: 6379, UserIdGroupPairs: [{GroupId: GROUP_IDS.lb}]})
    expect(failing(wrongPeer)).toEqual(['security-groups'])
    const cidr = addIngress(healthy, 'efs', {FromPort: 2049, IpProtocol: 'tcp', IpRanges: [{CidrIp: '172.31.0.0/16'}], ToPort: 2049})
    expect(check(cidr, 'security-groups').remedy).toContain("--group-id sg-0efs --ip-permissions 'IpProtocol=tcp,FromPort=2049,ToPort=2049,IpRanges=[{CidrIp=172.31.0.0/16}]'")
  })

  it('db-multi-az: single-AZ RDS, or Aurora without a reader', () => {
    const single = withDb(healthy, {MultiAZ: false})
    expect(failing(single)).toEqual(['db-multi-az'])
    expect(check(single, 'db-multi-az').remedy).toContain('aws rds modify-db-instance --db-instance-identifier hactl-demo-db --multi-az --apply-immediately')
    const aurora = auroraSite()
    const db = aurora.database as ClusterDb
    const writerOnly: SiteFacts = {
      ...aurora,
      database: {...db, cluster: {...db.cluster, DBClusterMembers: db.cluster.DBClusterMembers!.slice(0, 1)}, instances: db.instances.slice(0, 1)},
    }
    expect(failing(writerOnly)).toEqual(['db-multi-az'])
    expect(check(writerOnly, 'db-multi-az').remedy).toContain('database.readers')
  })

  it('db-not-public and db-deletion-protection', () => {
    const db = healthy.database as Extract<SiteFacts['database'], {kind: 'instance'}>
    expect(failing({...healthy, database: {...db, instance: {...db.instance, PubliclyAccessible: true}}})).toEqual(['db-not-public'])
    expect(failing({...healthy, database: {...db, instance: {...db.instance, DeletionProtection: false}}})).toEqual(['db-deletion-protection'])
  })

  it('efs-mount-targets: a zone of the site without an available mount target', () => {
    const fs = healthy.fileSystem!
    const gone = {...healthy, fileSystem: {...fs, mountTargets: fs.mountTargets.slice(0, 2)}}
    expect(failing(gone)).toEqual(['efs-mount-targets'])
    expect(check(gone, 'efs-mount-targets').detail).toBe('fs-0123456789abcdef0 has no available mount target in eu-west-1c: instances there cannot reach the uploads')
    const deleting = {...healthy, fileSystem: {...fs, mountTargets: fs.mountTargets.map((t, i) => (i === 0 ? {...t, LifeCycleState: 'deleting' as const} : t))}}
    expect(check(deleting, 'efs-mount-targets').detail).toContain('eu-west-1a')
  })

  it('efs-mount-targets fails (with the reason) when the network cannot be resolved', () => {
    const facts = {...healthy, network: new UserError('vpc-not-found', 'VPC vpc-gone (network.vpcId) does not exist in this Region.', {suggestions: ['Check network.vpcId.']})}
    expect(failing(facts)).toEqual(['efs-mount-targets'])
    expect(check(facts, 'efs-mount-targets').remedy).toBe('Check network.vpcId.')
  })

  it('efs-backups: policy disabled', () => {
    expect(failing({...healthy, fileSystem: {...healthy.fileSystem!, backup: 'DISABLED'}})).toEqual(['efs-backups'])
  })

  it('rollout-capacity: MinInstancesInService below MinSize, MaxSize not above MinSize, rolling off, Time, AllAtOnce', () => {
    const ns = 'aws:autoscaling:updatepolicy:rollingupdate'
    const low = withSettings(healthy, setOption(ns, 'MinInstancesInService', '0'))
    expect(failing(low)).toEqual(['rollout-capacity'])
    expect(check(low, 'rollout-capacity')).toMatchObject({
      detail: 'hactl-demo keeps only 0 of MinSize 2 in service during a rollout (MinInstancesInService 0)',
      remedy: expect.stringContaining('OptionName=MinInstancesInService,Value=2'),
    })
    expect(failing(withSettings(healthy, setOption('aws:autoscaling:asg', 'MaxSize', '2')))).toEqual(['rollout-capacity'])
    expect(failing(withSettings(healthy, setOption(ns, 'RollingUpdateEnabled', 'false')))).toEqual(['rollout-capacity'])
    expect(failing(withSettings(healthy, setOption(ns, 'RollingUpdateType', 'Time')))).toEqual(['rollout-capacity'])
    expect(failing(withSettings(healthy, setOption('aws:elasticbeanstalk:command', 'DeploymentPolicy', 'AllAtOnce')))).toEqual(['rollout-capacity'])
  })

  it("rollout-capacity: unset MinInstancesInService takes EB's default, min(MinSize, MaxSize - 1)", () => {
    const unset = withSettings(healthy, setOption('aws:autoscaling:updatepolicy:rollingupdate', 'MinInstancesInService', undefined))
    expect(failing(unset)).toEqual([])
  })

  it('no-plaintext-secrets: DB_PASSWORD in an environment property, named but never shown', () => {
    const facts = withSettings(healthy, setOption('aws:elasticbeanstalk:application:environment', 'DB_PASSWORD', 'hunter2hunter2'))
    expect(failing(facts)).toEqual(['no-plaintext-secrets'])
    const found = check(facts, 'no-plaintext-secrets')
    expect(found.detail).toContain('DB_PASSWORD')
    expect(JSON.stringify(found)).not.toContain('hunter2')
    expect(found.remedy).toContain('--options-to-remove Namespace=aws:elasticbeanstalk:application:environment,OptionName=DB_PASSWORD')
  })

  it('amis-private: a public baked AMI of the site, or a public custom live AMI', () => {
    const image: Image = {ImageId: 'ami-0abc', Name: 'hactl-demo-20250101', Public: true}
    const facts = {...healthy, images: [image]}
    expect(failing(facts)).toEqual(['amis-private'])
    expect(check(facts, 'amis-private')).toMatchObject({
      detail: expect.stringContaining('ami-0abc (hactl-demo-20250101) is public'),
      remedy: "aws ec2 modify-image-attribute --image-id ami-0abc --launch-permission 'Remove=[{Group=all}]'",
    })
    const privateLive = {...healthy, environmentImageId: 'ami-0abc', images: [{...image, Public: false}]}
    expect(check(privateLive, 'amis-private').detail).toBe('1 AMI of the site, all private, the live one included')
  })
})

describe('judgeSite: what does not exist yet is skipped', () => {
  it('skips every check whose resource is missing, with `hactl env create` as the remedy', () => {
    const facts: SiteFacts = {...healthySite(), cache: undefined, database: undefined, environment: undefined, fileSystem: undefined, seed: undefined}
    const result = judgeSite(facts)
    const skipped = result.checks.filter((c) => c.status === 'skip').map((c) => c.id)
    // The VPC checks judge the network, which exists before the site does.
    expect(skipped).toEqual(Object.keys(DOCTOR_CHECKS).filter((id) => !['security-groups', 'vpc-dns', 'vpc-egress'].includes(id)))
    expect(result.checks.find((c) => c.id === 'efs-encrypted')).toMatchObject({detail: 'no EFS file system hactl-demo-uploads yet', remedy: 'Run `hactl env create`.'})
  })
})
