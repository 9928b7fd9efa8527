import {auroraSite, check, type ClusterDb, failing, foreignGroup, GROUP_IDS, healthySite, instance, type RedisCache, withDb} from '../_helpers/site'

describe('judgeSite: security groups actually attached', () => {
  const healthy = healthySite()
  const DEFAULT = 'sg-0default'
  const EB_GROUP = 'sg-0awseb'
  const openDefault = foreignGroup(DEFAULT, 'default', [
    {IpProtocol: '-1', UserIdGroupPairs: [{GroupId: DEFAULT}]},
    {FromPort: 3306, IpProtocol: 'tcp', IpRanges: [{CidrIp: '0.0.0.0/0'}], ToPort: 3306},
  ])

  it('a database moved to an open `default` group fails, with the command that gives it its own group back', () => {
    const facts = {...withDb(healthy, {VpcSecurityGroups: [{VpcSecurityGroupId: DEFAULT}]}), securityGroups: [...healthy.securityGroups, openDefault]}
    expect(failing(facts)).toEqual(['security-groups'])
    const found = check(facts, 'security-groups')
    expect(found.detail).toBe(
      'RDS instance hactl-demo-db does not carry hactl-demo-db (it has sg-0default (default)), sg-0default (default, on hactl-demo-db) admits all traffic from sg-0default, tcp/3306 from 0.0.0.0/0 (no SSH port: instances are reached through SSM)',
    )
    expect(found.remedy).toMatch(/^aws rds modify-db-instance --db-instance-identifier hactl-demo-db --vpc-security-group-ids sg-0db --apply-immediately; Remove the rules: /)
    expect(found.remedy).toContain("--group-id sg-0default --ip-permissions 'IpProtocol=tcp,FromPort=3306,ToPort=3306,IpRanges=[{CidrIp=0.0.0.0/0}]'")
  })

  it('a group added beside the database\'s own is held to the database\'s rules', () => {
    const extra = foreignGroup('sg-0extra', 'ops-access', [{FromPort: 3306, IpProtocol: 'tcp', IpRanges: [{CidrIp: '10.0.0.0/8'}], ToPort: 3306}])
    const facts = {
      ...withDb(healthy, {VpcSecurityGroups: [{VpcSecurityGroupId: GROUP_IDS.db}, {VpcSecurityGroupId: 'sg-0extra'}]}),
      securityGroups: [...healthy.securityGroups, extra],
    }
    expect(check(facts, 'security-groups').detail).toBe('sg-0extra (ops-access, on hactl-demo-db) admits tcp/3306 from 10.0.0.0/8 (only the web and seed groups, on tcp/3306)')
    // The same group on a web instance only has to keep the world and port 22 out.
    const onWeb = {...healthy, environment: {...healthy.environment!, instances: [instance('i-0aaa', 'required', [GROUP_IDS.web, 'sg-0extra'])]}, securityGroups: [...healthy.securityGroups, extra]}
    expect(failing(onWeb)).toEqual([])
  })

  it("EB's own instance group (22 and 80 from the world) on the environment's instances fails; the remedy disables it", () => {
    const ebGroup = foreignGroup(EB_GROUP, 'awseb-e-abc123-stack-AWSEBSecurityGroup-1X2Y3Z', [
      {FromPort: 22, IpProtocol: 'tcp', IpRanges: [{CidrIp: '0.0.0.0/0'}], ToPort: 22},
      {FromPort: 80, IpProtocol: 'tcp', IpRanges: [{CidrIp: '0.0.0.0/0'}], ToPort: 80},
    ])
    const env = {...healthy.environment!, instances: [instance('i-0aaa', 'required', [GROUP_IDS.web, EB_GROUP]), instance('i-0bbb', 'required', [GROUP_IDS.web, EB_GROUP])]}
    const facts = {...healthy, environment: env, securityGroups: [...healthy.securityGroups, ebGroup]}
    expect(failing(facts)).toEqual(['security-groups'])
    expect(check(facts, 'security-groups')).toMatchObject({
      detail: expect.stringMatching(/^sg-0awseb \(awseb-e-abc123-stack-AWSEBSecurityGroup-1X2Y3Z, on i-0aaa, i-0bbb\) admits tcp\/22 from 0\.0\.0\.0\/0, tcp\/80 from 0\.0\.0\.0\/0 \(only the load balancer's listener/),
      remedy: 'aws elasticbeanstalk update-environment --environment-name hactl-demo --option-settings Namespace=aws:autoscaling:launchconfiguration,OptionName=DisableDefaultEC2SecurityGroup,Value=true',
    })
  })

  it('each resource must carry its own group: web and seed instances, Redis members, mount targets, the Aurora cluster', () => {
    const webless = {...healthy, environment: {...healthy.environment!, instances: [instance('i-0aaa', 'required', [GROUP_IDS.seed])]}}
    expect(check(webless, 'security-groups')).toMatchObject({
      detail: 'instance i-0aaa does not carry hactl-demo-web (it has sg-0seed (hactl-demo-seed))',
      remedy: 'aws elasticbeanstalk update-environment --environment-name hactl-demo --option-settings Namespace=aws:autoscaling:launchconfiguration,OptionName=SecurityGroups,Value=sg-0web',
    })
    const seed = {...instance('i-0seed', 'required', [GROUP_IDS.web]), Tags: [{Key: 'hactl:site', Value: 'demo'}, {Key: 'hactl:role', Value: 'seed'}]}
    expect(check({...healthy, siteInstances: [seed]}, 'security-groups').remedy).toBe('aws ec2 modify-instance-attribute --instance-id i-0seed --groups sg-0seed')
    const cache = healthy.cache as RedisCache
    const member = {...healthy, cache: {...cache, memberGroups: {...cache.memberGroups, 'hactl-demo-002': [GROUP_IDS.web]}}}
    expect(check(member, 'security-groups')).toMatchObject({
      detail: 'cache cluster hactl-demo-002 does not carry hactl-demo-cache (it has sg-0web (hactl-demo-web))',
      remedy: 'aws elasticache modify-replication-group --replication-group-id hactl-demo --security-group-ids sg-0cache --apply-immediately',
    })
    const fs = healthy.fileSystem!
    const target = {...healthy, fileSystem: {...fs, mountTargetGroups: {...fs.mountTargetGroups, 'fsmt-01': [GROUP_IDS.db]}}}
    expect(check(target, 'security-groups').remedy).toBe('aws efs modify-mount-target-security-groups --mount-target-id fsmt-01 --security-groups sg-0efs')
    const aurora = auroraSite()
    const db = aurora.database as ClusterDb
    const cluster = {...aurora, database: {...db, cluster: {...db.cluster, VpcSecurityGroups: [{VpcSecurityGroupId: GROUP_IDS.cache}]}}}
    expect(check(cluster, 'security-groups').remedy).toBe('aws rds modify-db-cluster --db-cluster-identifier hactl-demo-db --vpc-security-group-ids sg-0db --apply-immediately')
    const memcached = {...aurora, cache: {cluster: {CacheClusterId: 'hactl-demo', SecurityGroups: [{SecurityGroupId: GROUP_IDS.db}], TransitEncryptionEnabled: true}, kind: 'memcached' as const}}
    expect(check(memcached, 'security-groups').remedy).toBe('aws elasticache modify-cache-cluster --cache-cluster-id hactl-demo --security-group-ids sg-0cache --apply-immediately')
  })

  it("a resource whose role's group no longer exists, and one AWS reports with no group at all", () => {
    const noDbGroup = {...healthy, securityGroups: healthy.securityGroups.filter((group) => group.GroupId !== GROUP_IDS.db)}
    expect(check(noDbGroup, 'security-groups')).toMatchObject({
      detail: 'RDS instance hactl-demo-db does not carry hactl-demo-db, which does not exist (it has sg-0db)',
      remedy: 'Run `hactl env create`: it creates hactl-demo-db.',
    })
    // In a VPC every resource has a group; none means it went between two reads.
    const fs = healthy.fileSystem!
    expect(failing({...healthy, fileSystem: {...fs, mountTargetGroups: {...fs.mountTargetGroups, 'fsmt-01': []}}})).toEqual([])
  })

  it("a group tagged with another site's role is not taken for this site's", () => {
    const other = {...healthy.securityGroups.find((group) => group.GroupId === GROUP_IDS.db)!, GroupId: 'sg-0other', GroupName: 'hactl-other-db', Tags: [{Key: 'hactl:site', Value: 'other'}, {Key: 'hactl:role', Value: 'db'}]}
    const facts = {...withDb(healthy, {VpcSecurityGroups: [{VpcSecurityGroupId: 'sg-0other'}]}), securityGroups: [...healthy.securityGroups, other]}
    expect(check(facts, 'security-groups').detail).toContain('RDS instance hactl-demo-db does not carry hactl-demo-db (it has sg-0other (hactl-other-db))')
  })
})
