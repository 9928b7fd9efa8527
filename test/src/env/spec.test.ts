import {BUNDLE_DOCUMENT_ROOT, BUNDLE_ENV_PROPERTIES} from '../../../src/env/bundle'
import {isEbNamespace} from '../../../src/env/eb-namespaces'
import {SECURITY_GROUP_ROLES, siteNames} from '../../../src/site/names'
import {
  ENV_PROPERTIES_MAX_BYTES,
  auroraInstanceInputs,
  changedOptions,
  dataTierDrift,
  dbClusterInput,
  dbInstanceInput,
  dbTlsParameters,
  efsPolicy,
  environmentProperties,
  environmentPropertyProblems,
  estimateInstances,
  instancePolicy,
  memcachedInput,
  optionSettings,
  replicationGroupInput,
  samePolicy,
  securityGroupSpecs,
  sitePointers,
  type Refs,
} from '../../../src/env/spec'
import {legacyMemcachedConfig, testConfig} from '../../_helpers/config'

const groups = {cache: 'sg-cache', db: 'sg-db', efs: 'sg-efs', lb: 'sg-lb', seed: 'sg-seed', web: 'sg-web'}

const refs: Refs = {
  accessPointId: 'fsap-0123456789abcdef0',
  account: '123456789012',
  appDbSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:hactl/demo/db-app-AbCdEf',
  cache: {endpoint: 'master.hactl-demo.abc.euw1.cache.amazonaws.com', port: 6379, secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:hactl/demo/cache-auth-AbCdEf'},
  db: {endpoint: 'hactl-demo-db.abcdefghijkl.eu-west-1.rds.amazonaws.com', port: 3306, secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1234-AbCdEf'},
  efsId: 'fs-0123456789abcdef0',
  instanceSubnets: ['subnet-aaaaaaaa', 'subnet-bbbbbbbb'],
  loadBalancerSubnets: ['subnet-aaaaaaaa', 'subnet-bbbbbbbb'],
  securityGroups: groups,
  vpcId: 'vpc-12345678',
}

function value(settings: ReturnType<typeof optionSettings>, namespace: string, name: string): string | undefined {
  return settings.find((s) => s.Namespace === namespace && s.OptionName === name)?.Value
}

describe('security group specs', () => {
  const specs = securityGroupSpecs(testConfig(), groups)

  it('has one group per role, named hactl-<site>-<role>', () => {
    expect(specs.map((s) => s.role)).toEqual([...SECURITY_GROUP_ROLES])
    expect(specs.map((s) => s.name)).toEqual(SECURITY_GROUP_ROLES.map((r) => siteNames('demo', 'eu-west-1').securityGroup[r]))
  })

  it('opens only the load balancer listener to the world', () => {
    const open = specs.filter((s) => s.ingress.some((p) => (p.IpRanges ?? []).length > 0 || (p.Ipv6Ranges ?? []).length > 0))
    expect(open.map((s) => s.role)).toEqual(['lb'])
    expect(open[0].ingress.map((p) => p.FromPort)).toEqual([80])
  })

  it('lets only web and seed into the data tier, each on its own port', () => {
    const ports: Record<string, number> = {cache: 6379, db: 3306, efs: 2049}
    for (const role of ['efs', 'db', 'cache'] as const) {
      const spec = specs.find((s) => s.role === role)
      expect(spec?.ingress).toHaveLength(1)
      expect(spec?.ingress[0].FromPort).toBe(ports[role])
      expect(spec?.ingress[0].UserIdGroupPairs?.map((p) => p.GroupId)).toEqual(['sg-web', 'sg-seed'])
    }
  })

  it('uses the PostgreSQL port for a PostgreSQL database and admits nothing into the seed', () => {
    const pg = securityGroupSpecs(testConfig({app: 'moodle'}), groups)
    expect(pg.find((s) => s.role === 'db')?.ingress[0].FromPort).toBe(5432)
    expect(pg.find((s) => s.role === 'seed')?.ingress).toEqual([])
  })
})

describe('option settings', () => {
  const settings = optionSettings(testConfig(), refs)

  it('uses only real EB namespaces', () => {
    const bad = settings.filter((s) => !isEbNamespace(s.Namespace ?? ''))
    expect(bad).toEqual([])
  })

  it('sets explicitly what the API would otherwise default', () => {
    expect(value(settings, 'aws:elasticbeanstalk:environment', 'LoadBalancerType')).toBe('application')
    expect(value(settings, 'aws:elasticbeanstalk:healthreporting:system', 'SystemType')).toBe('enhanced')
    expect(value(settings, 'aws:autoscaling:launchconfiguration', 'DisableIMDSv1')).toBe('true')
    expect(value(settings, 'aws:elasticbeanstalk:managedactions', 'ManagedActionsEnabled')).toBe('false')
    expect(value(settings, 'aws:elasticbeanstalk:environment', 'ServiceRole')).toBe('hactl-demo-eu-west-1-eb-service')
    expect(value(settings, 'aws:autoscaling:launchconfiguration', 'IamInstanceProfile')).toBe('hactl-demo-eu-west-1-instance')
    expect(value(settings, 'aws:ec2:vpc', 'Subnets')).toBe('subnet-aaaaaaaa,subnet-bbbbbbbb')
    expect(value(settings, 'aws:elasticbeanstalk:environment:process:default', 'HealthCheckPath')).toBe('/hactl-health.php')
  })

  it('keeps in-service capacity at the minimum during a rolling rollout (invariant 3)', () => {
    expect(value(settings, 'aws:autoscaling:updatepolicy:rollingupdate', 'RollingUpdateType')).toBe('Health')
    expect(value(settings, 'aws:autoscaling:updatepolicy:rollingupdate', 'MinInstancesInService')).toBe('2')
    expect(value(settings, 'aws:autoscaling:asg', 'MinSize')).toBe('2')
    expect(value(settings, 'aws:elasticbeanstalk:command', 'DeploymentPolicy')).toBe('RollingWithAdditionalBatch')
  })

  it('uses Immutable updates for the Immutable policy, without rolling-only options', () => {
    const immutable = optionSettings(testConfig({environment: {rollout: {policy: 'Immutable'}}}), refs)
    expect(value(immutable, 'aws:autoscaling:updatepolicy:rollingupdate', 'RollingUpdateType')).toBe('Immutable')
    expect(value(immutable, 'aws:autoscaling:updatepolicy:rollingupdate', 'MinInstancesInService')).toBeUndefined()
    expect(value(immutable, 'aws:elasticbeanstalk:command', 'DeploymentPolicy')).toBe('Immutable')
  })

  it('keeps BreachDuration = Period × EvaluationPeriods', () => {
    const s = optionSettings(testConfig({environment: {scaling: {evaluationPeriods: 3, periodMinutes: 2}}}), refs)
    expect(value(s, 'aws:autoscaling:trigger', 'BreachDuration')).toBe('6')
  })
})

describe('environment properties', () => {
  it('carry pointers only, never a secret value', () => {
    const properties = environmentProperties(testConfig(), refs)
    expect(properties.HACTL_DB_SECRET_ARN).toMatch(/^arn:aws:secretsmanager:/)
    expect(properties.HACTL_CACHE_SECRET_ARN).toMatch(/^arn:aws:secretsmanager:/)
    expect(Object.keys(properties).filter((k) => /PASSWORD|TOKEN$|AUTH$/.test(k))).toEqual([])
  })

  it('include every property the bundle\'s hooks read, and the document root the bundle serves', () => {
    const properties = environmentProperties(testConfig(), refs)
    expect(Object.keys(properties)).toEqual(expect.arrayContaining([...BUNDLE_ENV_PROPERTIES]))
    expect(value(optionSettings(testConfig(), refs), 'aws:elasticbeanstalk:container:php:phpini', 'document_root')).toBe(BUNDLE_DOCUMENT_ROOT)
  })

  it('leave out empty values instead of sending "" (no reader endpoint outside Aurora): a re-run then sees no difference (issue 8, found by trying 13)', () => {
    const properties = environmentProperties(testConfig(), {...refs, cache: {...refs.cache, secretArn: undefined}})
    expect(Object.entries(properties).filter(([, value]) => value === '')).toEqual([])
    expect(properties).not.toHaveProperty('HACTL_DB_READER_ENDPOINT')
    expect(properties).not.toHaveProperty('HACTL_CACHE_SECRET_ARN')
    const aurora = environmentProperties(testConfig({database: {engine: 'aurora-mysql'}}), {...refs, db: {...refs.db, readerEndpoint: 'r.example'}})
    expect(aurora.HACTL_DB_READER_ENDPOINT).toBe('r.example')
  })

  it('fit within EB\'s limits, and a value over 256 characters is reported', () => {
    expect(environmentPropertyProblems(environmentProperties(testConfig(), refs))).toEqual([])
    const long = environmentPropertyProblems({A: 'x'.repeat(257)})
    expect(long).toEqual(['A is 257 characters; Elastic Beanstalk allows 256'])
    const many = Object.fromEntries(Array.from({length: 20}, (_, i) => [`K${i}`, 'v'.repeat(250)]))
    expect(environmentPropertyProblems(many).at(-1)).toMatch(new RegExp(`allows ${ENV_PROPERTIES_MAX_BYTES}$`))
  })
})

describe('data tier inputs', () => {
  it('makes an RDS instance encrypted, private, protected, with the password managed by RDS', () => {
    const input = dbInstanceInput(testConfig(), {securityGroups: groups})
    expect(input).toMatchObject({
      DeletionProtection: true,
      ManageMasterUserPassword: true,
      MultiAZ: true,
      PubliclyAccessible: false,
      StorageEncrypted: true,
      VpcSecurityGroupIds: ['sg-db'],
    })
    expect(input).not.toHaveProperty('MasterUserPassword')
  })

  it('makes an Aurora cluster and a writer plus readers', () => {
    const config = testConfig({database: {engine: 'aurora-mysql', readers: 2}})
    expect(dbClusterInput(config, {securityGroups: groups})).toMatchObject({DeletionProtection: true, ManageMasterUserPassword: true, StorageEncrypted: true})
    expect(auroraInstanceInputs(config).map((i) => i.DBInstanceIdentifier)).toEqual(['hactl-demo-db-1', 'hactl-demo-db-2', 'hactl-demo-db-3'])
    expect(estimateInstances(config).database).toBe(3)
  })

  it('makes Redis with failover and encryption everywhere, the token from the caller', () => {
    const input = replicationGroupInput(testConfig(), {securityGroups: groups}, 'token-from-secrets-manager-0123')
    expect(input).toMatchObject({AtRestEncryptionEnabled: true, AutomaticFailoverEnabled: true, MultiAZEnabled: true, NumCacheClusters: 2, TransitEncryptionEnabled: true})
  })

  it('makes Memcached across AZs with TLS', () => {
    const input = memcachedInput(legacyMemcachedConfig(), {securityGroups: groups})
    expect(input).toMatchObject({AZMode: 'cross-az', Engine: 'memcached', TransitEncryptionEnabled: true})
  })
})

describe('instance policy', () => {
  it('grants exactly this site\'s secrets and the uploads access point', () => {
    const policy = JSON.parse(instancePolicy(testConfig(), refs)) as {Statement: Array<{Sid: string; Resource: unknown; Condition?: unknown}>}
    const secrets = policy.Statement.find((s) => s.Sid === 'SiteSecrets')
    expect(secrets?.Resource).toEqual([refs.db.secretArn, refs.appDbSecretArn, refs.cache.secretArn])
    const uploads = policy.Statement.find((s) => s.Sid === 'Uploads')
    expect(uploads?.Resource).toBe('arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-0123456789abcdef0')
    expect(JSON.stringify(uploads?.Condition)).toContain('access-point/fsap-0123456789abcdef0')
  })

  it('lets the instances read the pointer parameter and write only under the seed\'s path, nothing wider (least privilege)', () => {
    const policy = JSON.parse(instancePolicy(testConfig(), refs)) as {Statement: Array<{Sid: string; Action: unknown; Resource: unknown}>}
    const ssm = policy.Statement.filter((s) => JSON.stringify(s.Action).includes('ssm:'))
    expect(ssm).toEqual([
      expect.objectContaining({Action: 'ssm:GetParameter', Resource: 'arn:aws:ssm:eu-west-1:123456789012:parameter/hactl/demo/site'}),
      expect.objectContaining({Action: 'ssm:PutParameter', Resource: 'arn:aws:ssm:eu-west-1:123456789012:parameter/hactl/demo/seed/*'}),
      // The staging runner records only its own site's runs, and reads only the lock (a freeze skips scheduled runs).
      expect.objectContaining({
        Action: ['ssm:PutParameter'],
        Resource: ['arn:aws:ssm:eu-west-1:123456789012:parameter/hactl/demo/tests/last', 'arn:aws:ssm:eu-west-1:123456789012:parameter/hactl/demo/tests/last-pass'],
      }),
      expect.objectContaining({Action: 'ssm:GetParameter', Resource: 'arn:aws:ssm:eu-west-1:123456789012:parameter/hactl/demo/lock'}),
    ])
    // Only DescribeTags (which takes no resource) may say "*".
    expect(policy.Statement.filter((s) => s.Resource === '*').map((s) => s.Action)).toEqual(['ec2:DescribeTags'])
  })
})

describe('instance policy: staging notifications', () => {
  it('publishes only to the site\'s topic, or to notify.topicArn when hactl.yml names one', () => {
    const publish = (config: ReturnType<typeof testConfig>) =>
      (JSON.parse(instancePolicy(config, refs)) as {Statement: Array<{Action: unknown; Resource: unknown}>}).Statement.filter((s) => JSON.stringify(s.Action).includes('sns:'))
    expect(publish(testConfig())).toEqual([expect.objectContaining({Action: 'sns:Publish', Resource: 'arn:aws:sns:eu-west-1:123456789012:hactl-demo-notify'})])
    const own = 'arn:aws:sns:eu-west-1:123456789012:ops-alerts'
    expect(publish({...testConfig(), notify: {topicArn: own}})).toEqual([expect.objectContaining({Resource: own})])
  })
})

describe('site pointers (/hactl/<site>/site)', () => {
  it('hold what the seed reads (src/seed/pointers.ts), and no secret: only the ARNs', () => {
    const pointers = sitePointers(testConfig(), refs)
    expect(pointers).toMatchObject({
      app: 'wordpress',
      cacheEngine: 'redis',
      cacheSecretArn: refs.cache.secretArn,
      dbAppSecretArn: refs.appDbSecretArn,
      dbEndpoint: refs.db.endpoint,
      dbEngine: 'mysql',
      dbReaderEndpoint: '',
      dbSecretArn: refs.db.secretArn,
      efsAccessPoint: refs.accessPointId,
      efsId: refs.efsId,
      site: 'demo',
    })
    expect(JSON.stringify(pointers)).not.toMatch(/password/i)
  })
})

describe('hardening from review', () => {
  it('opts out of EB\'s default instance group, which opens 22 and 80 to the world', () => {
    expect(value(optionSettings(testConfig(), refs), 'aws:autoscaling:launchconfiguration', 'DisableDefaultEC2SecurityGroup')).toBe('true')
  })

  it('requires TLS from Redis clients and from database clients, by engine', () => {
    expect(replicationGroupInput(testConfig(), {securityGroups: groups}, 't'.repeat(32)).TransitEncryptionMode).toBe('required')
    expect(dbTlsParameters(testConfig())).toEqual({require_secure_transport: '1'})
    expect(dbTlsParameters(testConfig({app: 'moodle'}))).toEqual({'rds.force_ssl': '1'})
    expect(dbInstanceInput(testConfig(), {securityGroups: groups}).DBParameterGroupName).toBe('hactl-demo-db')
    expect(dbClusterInput(testConfig({database: {engine: 'aurora-mysql'}}), {securityGroups: groups}).DBClusterParameterGroupName).toBe('hactl-demo-db')
  })

  it('spreads Aurora instances over the Availability Zones, writer first', () => {
    const inputs = auroraInstanceInputs(testConfig({database: {engine: 'aurora-mysql', readers: 2}}), ['eu-west-1a', 'eu-west-1b'])
    expect(inputs.map((i) => i.AvailabilityZone)).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1a'])
  })

  it('denies EFS mounts without TLS and mounts not through the site\'s access point', () => {
    const policy = JSON.parse(efsPolicy(testConfig(), refs)) as {Statement: Array<{Sid: string; Effect: string; Condition: Record<string, Record<string, string>>}>}
    const tls = policy.Statement.find((s) => s.Sid === 'DenyWithoutTls')
    expect(tls).toMatchObject({Condition: {Bool: {'aws:SecureTransport': 'false'}}, Effect: 'Deny'})
    const ap = policy.Statement.find((s) => s.Sid === 'DenyExceptThroughAccessPoint')
    expect(ap?.Condition.StringNotEquals['elasticfilesystem:AccessPointArn']).toBe('arn:aws:elasticfilesystem:eu-west-1:123456789012:access-point/fsap-0123456789abcdef0')
    expect(samePolicy(efsPolicy(testConfig(), refs), JSON.stringify(JSON.parse(efsPolicy(testConfig(), refs)), null, 2))).toBe(true)
    expect(samePolicy(efsPolicy(testConfig(), refs), '{"Statement":[]}')).toBe(false)
  })

  it('finds only real option changes: lists in any order and booleans in any case are the same', () => {
    const desired = [
      {Namespace: 'aws:ec2:vpc', OptionName: 'Subnets', Value: 'subnet-a,subnet-b'},
      {Namespace: 'aws:autoscaling:launchconfiguration', OptionName: 'DisableIMDSv1', Value: 'true'},
      {Namespace: 'aws:autoscaling:asg', OptionName: 'MinSize', Value: '3'},
      {Namespace: 'aws:elasticbeanstalk:managedactions', OptionName: 'ManagedActionsEnabled', Value: 'false'},
    ]
    const deployed = [
      {Namespace: 'aws:ec2:vpc', OptionName: 'Subnets', Value: 'subnet-b, subnet-a'},
      {Namespace: 'aws:autoscaling:launchconfiguration', OptionName: 'DisableIMDSv1', Value: 'TRUE'},
      {Namespace: 'aws:autoscaling:asg', OptionName: 'MinSize', Value: '2'},
      {Namespace: 'aws:autoscaling:asg', OptionName: 'Cooldown', Value: '360'},
    ]
    expect(changedOptions(desired, deployed)).toEqual([
      {current: '2', namespace: 'aws:autoscaling:asg', option: 'MinSize', value: '3'},
      {current: undefined, namespace: 'aws:elasticbeanstalk:managedactions', option: 'ManagedActionsEnabled', value: 'false'},
    ])
  })
})

describe('dataTierDrift', () => {
  it('names what the live database and cache have that hactl.yml does not say, and nothing when they agree', () => {
    const config = testConfig()
    expect(dataTierDrift(config, {cache: {nodeType: 'cache.t4g.small', nodes: 2}, db: {backupRetentionDays: 7, instanceClass: 'db.t4g.medium', multiAz: true}})).toEqual([])
    expect(dataTierDrift(config, {cache: {nodeType: 'cache.t4g.micro', nodes: 2}, db: {backupRetentionDays: 7, instanceClass: 'db.t4g.large', multiAz: true}})).toEqual([
      'database.instanceClass is db.t4g.large, hactl.yml says db.t4g.medium',
      'cache.nodeType is cache.t4g.micro, hactl.yml says cache.t4g.small',
    ])
  })
})
