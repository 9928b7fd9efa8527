import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {APP_PROFILES, parseConfig} from '../../../src/config'
import {ConfigError, HactlError} from '../../../src/core/errors'
import {ExitCode} from '../../../src/core/exit-codes'
import {problemsOf} from '../../_helpers/config'

const FIXTURES = join(__dirname, '../../_fixtures/config')
const BASE = 'site: demo\napp: wordpress\nregion: eu-west-1\n'

function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8')
}

describe('parseConfig: defaults', () => {
  it('fills in every WordPress default', () => {
    const config = parseConfig(BASE, 'hactl.yml')
    expect(config).toEqual({
      app: 'wordpress',
      cache: {engine: 'redis', nodeType: 'cache.t4g.small', replicas: 1},
      cron: {command: 'wp cron event run --due-now', enabled: true, intervalMinutes: 1},
      database: {
        backupRetentionDays: 7,
        engine: 'mysql',
        instanceClass: 'db.t4g.medium',
        multiAz: true,
        name: 'wordpress',
        storageGb: 20,
      },
      environment: {
        healthCheckPath: '/hactl-health.php',
        instanceType: 't3.small',
        maxSize: 4,
        minSize: 2,
        platform: 'PHP 8.3 running on 64bit Amazon Linux 2023',
        rollout: {alarms: [], batchSize: 1, policy: 'RollingByHealth', timeoutMinutes: 30},
        scaling: {evaluationPeriods: 1, lowerThreshold: 30, metric: 'CPUUtilization', periodMinutes: 5, upperThreshold: 70},
      },
      https: {alternativeNames: [], hstsMaxAge: 0},
      images: {keep: 5},
      network: {loadBalancerSubnets: [], subnets: [], vpcId: 'default'},
      notify: {},
      region: 'eu-west-1',
      seed: {instanceType: 't3.small'},
      site: 'demo',
      staging: {
        checkLimitSeconds: 60,
        checks: [...APP_PROFILES.wordpress.checks],
        custom: [],
        schedule: 'cron(0 3 * * ? *)',
        suiteLimitSeconds: 900,
        timezone: 'UTC',
      },
      tags: {},
      uploads: {path: 'wp-content/uploads', storage: 'efs', throughputMode: 'elastic'},
    })
  })

  it('uses the Moodle profile for app: moodle', () => {
    const config = parseConfig('site: lms\napp: moodle\nregion: eu-west-1\n', 'hactl.yml')
    expect(config.database.engine).toBe('postgres')
    expect(config.database.name).toBe('moodle')
    expect(config.environment.healthCheckPath).toBe('/hactl-health.php')
    expect(config.uploads.path).toBe('/mnt/moodledata')
    expect(config.cron.command).toBe('php admin/cli/cron.php')
    expect(config.staging.checks).toContain('moodle-no-pending-upgrade')
    expect(config.staging.checks).not.toContain('wp-core-checksums')
  })

  it('keeps user values and merges defaults under them, key by key', () => {
    const config = parseConfig(`${BASE}environment:\n  minSize: 3\n  scaling:\n    upperThreshold: 80\n`, 'hactl.yml')
    expect(config.environment.minSize).toBe(3)
    expect(config.environment.maxSize).toBe(4)
    expect(config.environment.scaling).toMatchObject({lowerThreshold: 30, metric: 'CPUUtilization', upperThreshold: 80})
  })

  it('replaces lists instead of extending them', () => {
    const config = parseConfig(`${BASE}staging:\n  checks: [http-home]\n`, 'hactl.yml')
    expect(config.staging.checks).toEqual(['http-home'])
  })

  it('gives Aurora readers and no storage size, RDS a storage size and no readers', () => {
    const aurora = parseConfig(`${BASE}database:\n  engine: aurora-mysql\n`, 'hactl.yml')
    expect(aurora.database.readers).toBe(1)
    expect(aurora.database).not.toHaveProperty('storageGb')
    const rds = parseConfig(`${BASE}database:\n  engine: mariadb\n`, 'hactl.yml')
    expect(rds.database.storageGb).toBe(20)
    expect(rds.database).not.toHaveProperty('readers')
  })

  it('gives Redis its replica by default', () => {
    expect(parseConfig(`${BASE}cache:\n  engine: redis\n`, 'hactl.yml').cache).toEqual({engine: 'redis', nodeType: 'cache.t4g.small', replicas: 1})
  })

  it('takes threshold defaults from the scaling metric', () => {
    const config = parseConfig(`${BASE}environment:\n  scaling:\n    metric: NetworkOut\n`, 'hactl.yml')
    expect(config.environment.scaling).toMatchObject({lowerThreshold: 2_000_000, upperThreshold: 6_000_000})
  })

  it('gives the seed the web instance type unless told otherwise', () => {
    expect(parseConfig(`${BASE}environment:\n  instanceType: t4g.large\n`, 'hactl.yml').seed.instanceType).toBe('t4g.large')
    const config = parseConfig(`${BASE}environment:\n  instanceType: t4g.large\nseed:\n  instanceType: t4g.small\n`, 'hactl.yml')
    expect(config.seed.instanceType).toBe('t4g.small')
  })

  it('accepts a fully customised Moodle file', () => {
    const config = parseConfig(fixture('moodle-custom.yml'), 'hactl.yml')
    expect(config).toMatchObject({
      database: {engine: 'aurora-postgresql', readers: 2, version: '16.4'},
      domain: 'learn.example.org',
      environment: {maxSize: 3, minSize: 3, rollout: {policy: 'Immutable'}},
      seed: {instanceType: 'm7g.large'},
      tags: {'cost-center': 'learning', 'team:owner': 'it@example.org'},
    })
  })

  it('reads YAML merge keys', () => {
    const text = `${BASE}seed: &instance\n  instanceType: t4g.small\nenvironment:\n  <<: *instance\n  minSize: 3\n`
    const config = parseConfig(text, 'hactl.yml')
    expect(config.environment).toMatchObject({instanceType: 't4g.small', minSize: 3})
    expect(config.seed.instanceType).toBe('t4g.small')
  })

  it('places a problem in a merged map where the value is written', () => {
    const text = [
      'site: demo', // 1
      'app: wordpress', // 2
      'region: eu-west-1', // 3
      'seed: &instance', // 4
      '  instanceType: T4G', // 5: bad for seed, and for environment through the merge
      'environment:', // 6
      '  <<: [{minSize: 2}, *instance]', // 7
      '  maxSize: 0', // 8: the map's own key
      '  instanceTyp: t3.small', // 9
      '',
    ].join('\n')
    // Two problems on line 5 (same column), in either order.
    const placed = problemsOf(text).map(({line, path}) => `${path}:${line}`)
    expect(placed.slice(0, 2).sort()).toEqual(['environment.instanceType:5', 'seed.instanceType:5'])
    expect(placed.slice(2)).toEqual(['environment.maxSize:8', 'environment.instanceTyp:9'])
  })

  it('lets --region replace the file\'s region, and stand in for a missing one', () => {
    expect(parseConfig(BASE, 'hactl.yml', {region: 'us-east-2'}).region).toBe('us-east-2')
    expect(parseConfig('site: demo\napp: wordpress\n', 'hactl.yml', {region: 'us-east-2'}).region).toBe('us-east-2')
  })
})

describe('parseConfig: problems with lines', () => {
  it('reports exactly the two problems of the fixture, with paths and lines', () => {
    const problems = problemsOf(fixture('two-problems.yml'))
    expect(problems).toEqual([
      {
        column: 11,
        line: 7,
        message: 'database.engine: must be one of mysql, mariadb, postgres, aurora-mysql, aurora-postgresql (got "oracle")',
        path: 'database.engine',
      },
      {column: 12, line: 11, message: 'environment.minSize: must be >= 1 (got -1)', path: 'environment.minSize'},
    ])
  })

  it('throws one ConfigError with a one-line summary, the config exit code and suggestions', () => {
    expect.assertions(6)
    try {
      parseConfig(fixture('two-problems.yml'), '/srv/site/hactl.yml')
    } catch (error) {
      expect(HactlError.isHactlError(error)).toBe(true)
      const e = error as ConfigError
      expect(e.message).toBe('hactl.yml has 2 problems')
      expect(e.exitCode).toBe(ExitCode.Config)
      expect(e.file).toBe('/srv/site/hactl.yml')
      expect(e.suggestions.join('\n')).toContain('hactl config schema')
      expect(e.data).toEqual({file: '/srv/site/hactl.yml', problems: e.problems})
    }
  })

  it('says "1 problem" for one', () => {
    expect(() => parseConfig(`${BASE}images:\n  keep: 1\n`, 'hactl.yml')).toThrow('hactl.yml has 1 problem')
  })

  it('points a missing required key at its parent map', () => {
    const problems = problemsOf('# comment\n\napp: wordpress\nregion: eu-west-1\n')
    expect(problems).toEqual([{column: 1, line: 3, message: 'site: is required', path: 'site'}])
  })

  it('points an unknown key at the key itself and suggests the likely one', () => {
    const problems = problemsOf(`${BASE}environment:\n  minSize: 2\n  instanceTyp: t3.large\n`)
    expect(problems).toEqual([
      {column: 3, line: 6, message: 'environment.instanceTyp: unknown key; did you mean instanceType?', path: 'environment.instanceTyp'},
    ])
  })

  it('rejects an unknown top-level key instead of ignoring it', () => {
    const problems = problemsOf(`${BASE}databse:\n  engine: mysql\n`)
    expect(problems).toEqual([{column: 1, line: 4, message: 'databse: unknown key; did you mean database?', path: 'databse'}])
  })

  it('lists the known keys when no key is close', () => {
    const [problem] = problemsOf(`${BASE}cache:\n  zzzzzzzz: 1\n`)
    expect(problem.message).toBe('cache.zzzzzzzz: unknown key; known keys here: engine, nodeType, replicas')
  })

  it('turns a YAML syntax error into a problem with its line', () => {
    const problems = problemsOf(`${BASE}environment:\n  minSize: 2\n   maxSize: [4\n`)
    expect(problems.length).toBeGreaterThan(0)
    expect(problems[0]).toMatchObject({line: expect.any(Number), message: expect.stringMatching(/^YAML syntax: /), path: ''})
    expect(problems[0].line).toBeGreaterThanOrEqual(5)
  })

  it('reports a duplicated key as a YAML problem on the second occurrence', () => {
    const problems = problemsOf(`${BASE}site: other\n`)
    expect(problems).toEqual([expect.objectContaining({line: 4, message: expect.stringContaining('unique')})])
  })

  it('reports an empty file', () => {
    const problems = problemsOf('# nothing here\n')
    expect(problems).toEqual([expect.objectContaining({line: 1, message: expect.stringContaining('is empty'), path: ''})])
  })

  it('reports a file that is not a map', () => {
    const problems = problemsOf('- site: demo\n')
    expect(problems[0].message).toContain('must be a map of keys')
  })

  it('explains a key with no value', () => {
    const problems = problemsOf(`${BASE}domain:\n`)
    expect(problems).toEqual([
      {column: 1, line: 4, message: 'domain: has no value; give it one, or remove the key to use the default', path: 'domain'},
    ])
  })

  it('tells the user to quote a version YAML reads as a number', () => {
    const [problem] = problemsOf(`${BASE}database:\n  version: 8.0\n`)
    expect(problem).toMatchObject({line: 5, message: 'database.version: must be text (got 8.0); write it in quotes: "8.0"'})
  })

  it('explains pattern failures in words', () => {
    const problems = problemsOf('site: My_Site\napp: wordpress\nregion: europe\n')
    expect(problems.map((p) => p.message)).toEqual([
      'site: must be 3 to 23 characters: a lowercase letter, then lowercase letters, digits or "-", not ending in "-" (got "My_Site")',
      'region: must be an AWS Region code such as eu-west-1 or us-east-1 (got "europe")',
    ])
  })

  it('places problems in list items', () => {
    const problems = problemsOf(`${BASE}network:\n  subnets:\n    - subnet-0aaaaaaaaaaaaaaaa\n    - sub-1\n`)
    expect(problems).toEqual([
      expect.objectContaining({line: 7, message: expect.stringContaining('must be a subnet id'), path: 'network.subnets[1]'}),
    ])
  })

  it('checks tag keys against the instance metadata rules', () => {
    const problems = problemsOf(`${BASE}tags:\n  ok-key: fine\n  "bad key": x\n  aws:thing: y\n  hactl:site: z\n  a/b: w\n`)
    expect(problems.map((p) => [p.path, p.line, p.message])).toEqual([
      ['tags["bad key"]', 6, 'tags["bad key"]: is not a valid tag key: space not allowed; instance metadata tags allow only a-z A-Z 0-9 + - = . , _ : @'],
      ['tags["aws:thing"]', 7, 'tags["aws:thing"]: is not a valid tag key: keys starting with "aws:" are reserved by AWS'],
      ['tags["hactl:site"]', 8, 'tags["hactl:site"]: is not a valid tag key: keys starting with "hactl:" are reserved for hactl\'s own tags'],
      ['tags["a/b"]', 9, 'tags["a/b"]: is not a valid tag key: "/" not allowed; instance metadata tags allow only a-z A-Z 0-9 + - = . , _ : @'],
    ])
  })

  it('validates the staging schedule expression', () => {
    for (const ok of ['rate(1 minute)', 'rate(12 hours)', 'cron(0 3 * * ? *)', 'at(2030-01-31T03:00:00)']) {
      expect(parseConfig(`${BASE}staging:\n  schedule: ${ok}\n`, 'hactl.yml').staging.schedule).toBe(ok)
    }

    for (const bad of ['0 3 * * *', 'cron(0 3 * * *)', 'rate(often)', 'at(tomorrow)']) {
      const [problem] = problemsOf(`${BASE}staging:\n  schedule: "${bad}"\n`)
      expect(problem).toMatchObject({line: 5, path: 'staging.schedule'})
    }
  })

  it('lists every problem at once, in file order', () => {
    const problems = problemsOf(
      'site: x\napp: drupal\nregion: eu-west-1\ncache:\n  engine: valkey\nimages:\n  keep: 1\ncron:\n  enabled: "yes"\n',
    )
    expect(problems.map((p) => [p.path, p.line])).toEqual([
      ['site', 1],
      ['app', 2],
      ['cache.engine', 5],
      ['images.keep', 7],
      ['cron.enabled', 9],
    ])
  })
})

describe('parseConfig: cross-field checks', () => {
  it('wants maxSize >= minSize, pointing at the key the user wrote', () => {
    expect(problemsOf(`${BASE}environment:\n  minSize: 3\n  maxSize: 2\n`)).toEqual([
      {column: 12, line: 6, message: 'environment.maxSize: must be at least environment.minSize (3) (got 2)', path: 'environment.maxSize'},
    ])
    expect(problemsOf(`${BASE}environment:\n  minSize: 6\n`)).toEqual([
      {
        column: 12,
        line: 5,
        message: 'environment.minSize: must be at most environment.maxSize (4, the default) (got 6); raise maxSize too',
        path: 'environment.minSize',
      },
    ])
  })

  it('wants maxSize above minSize for RollingByHealth, suggesting Immutable', () => {
    const [problem] = problemsOf(`${BASE}environment:\n  minSize: 4\n  maxSize: 4\n`)
    expect(problem).toMatchObject({line: 6, path: 'environment.maxSize'})
    expect(problem.message).toContain('RollingByHealth')
    expect(problem.message).toContain('Immutable')
  })

  it('allows maxSize equal to minSize with Immutable', () => {
    const config = parseConfig(`${BASE}environment:\n  minSize: 4\n  maxSize: 4\n  rollout:\n    policy: Immutable\n`, 'hactl.yml')
    expect(config.environment.maxSize).toBe(4)
  })

  it('refuses PostgreSQL engines for WordPress', () => {
    for (const engine of ['postgres', 'aurora-postgresql']) {
      expect(problemsOf(`${BASE}database:\n  engine: ${engine}\n`)).toEqual([
        {
          column: 11,
          line: 5,
          message: `database.engine: WordPress does not support ${engine}; use one of mysql, mariadb, aurora-mysql (got "${engine}")`,
          path: 'database.engine',
        },
      ])
    }
  })

  it('allows PostgreSQL for Moodle', () => {
    expect(parseConfig('site: lms\napp: moodle\nregion: eu-west-1\ndatabase:\n  engine: aurora-postgresql\n', 'x').database.engine).toBe(
      'aurora-postgresql',
    )
  })

  it('allows readers only with Aurora', () => {
    expect(problemsOf(`${BASE}database:\n  engine: mysql\n  readers: 2\n`)).toEqual([
      expect.objectContaining({line: 6, message: expect.stringContaining('applies only to Aurora'), path: 'database.readers'}),
    ])
  })

  it('refuses storageGb with Aurora', () => {
    expect(problemsOf(`${BASE}database:\n  engine: aurora-mysql\n  storageGb: 100\n`)).toEqual([
      expect.objectContaining({line: 6, message: expect.stringContaining('does not apply to Aurora'), path: 'database.storageGb'}),
    ])
  })

  it('wants an Aurora reader for multiAz', () => {
    expect(problemsOf(`${BASE}database:\n  engine: aurora-mysql\n  readers: 0\n`)).toEqual([
      expect.objectContaining({line: 6, message: expect.stringContaining('multiAz: true needs readers: 1'), path: 'database.readers'}),
    ])
    const config = parseConfig(`${BASE}database:\n  engine: aurora-mysql\n  readers: 0\n  multiAz: false\n`, 'x')
    expect(config.database.readers).toBe(0)
  })

  it('refuses memcached, saying why, instead of falling back to plain text (issue 8, documentation 1)', () => {
    expect(problemsOf(`${BASE}cache:\n  engine: memcached\n`)).toEqual([
      expect.objectContaining({
        line: 5,
        message: expect.stringMatching(/memcached is not supported: .*needs a TLS-capable PHP client.*not fall back to plain text.*Use engine: redis/),
        path: 'cache.engine',
      }),
    ])
    expect(problemsOf(`${BASE}cache:\n  engine: memcached\n  replicas: 1\n`).map((p) => p.path)).toEqual(['cache.engine'])
  })

  it('wants lowerThreshold below upperThreshold', () => {
    expect(problemsOf(`${BASE}environment:\n  scaling:\n    upperThreshold: 40\n    lowerThreshold: 50\n`)).toEqual([
      {
        column: 21,
        line: 7,
        message: 'environment.scaling.lowerThreshold: lowerThreshold (50) must be below upperThreshold (40), or the environment would scale in and out at once',
        path: 'environment.scaling.lowerThreshold',
      },
    ])
  })

  it('wants thresholds for metrics without defaults, and CPU thresholds as percentages', () => {
    expect(problemsOf(`${BASE}environment:\n  scaling:\n    metric: RequestCount\n    upperThreshold: 5000\n`)).toEqual([
      expect.objectContaining({line: 5, message: expect.stringContaining('is required with metric RequestCount'), path: 'environment.scaling.lowerThreshold'}),
    ])
    expect(problemsOf(`${BASE}environment:\n  scaling:\n    upperThreshold: 150\n`)).toEqual([
      expect.objectContaining({line: 6, message: expect.stringContaining('must be <= 100'), path: 'environment.scaling.upperThreshold'}),
    ])
  })

  it('wants two subnets in each list for a VPC of your own', () => {
    const problems = problemsOf(`${BASE}network:\n  vpcId: vpc-0abc1234def567890\n  subnets: [subnet-0aaaaaaaaaaaaaaaa]\n`)
    // In file order: loadBalancerSubnets is not written, so it is placed at network (line 4).
    expect(problems.map((p) => [p.path, p.line])).toEqual([
      ['network.loadBalancerSubnets', 4],
      ['network.subnets', 6],
    ])
    expect(problems[1].message).toContain('at least two subnets')
  })

  it('wants two subnets or none in the default VPC', () => {
    expect(problemsOf(`${BASE}network:\n  loadBalancerSubnets: [subnet-0aaaaaaaaaaaaaaaa]\n`)).toEqual([
      expect.objectContaining({line: 5, path: 'network.loadBalancerSubnets'}),
    ])
  })

  it('allows only the app\'s own staging checks', () => {
    expect(problemsOf(`${BASE}staging:\n  checks:\n    - http-home\n    - moodle-checks\n`)).toEqual([
      expect.objectContaining({line: 7, message: expect.stringContaining('"moodle-checks" is not a WordPress check'), path: 'staging.checks[1]'}),
    ])
  })

  it('wants a time zone that exists, at its line', () => {
    expect(problemsOf(`${BASE}staging:\n  timezone: Mars/Base\n`)).toEqual([
      {column: 13, line: 5, message: 'staging.timezone: is not a known IANA time zone (got "Mars/Base"); use a name such as UTC or Europe/Paris', path: 'staging.timezone'},
    ])
    expect(problemsOf(`${BASE}staging:\n  timezone: Europe/Pariss\n`)).toEqual([
      expect.objectContaining({line: 5, message: expect.stringContaining('did you mean Europe/Paris?'), path: 'staging.timezone'}),
    ])
    expect(parseConfig(`${BASE}staging:\n  timezone: Europe/Paris\n`, 'hactl.yml').staging.timezone).toBe('Europe/Paris')
  })

  it('wants the seed on the same CPU architecture as the web instances', () => {
    expect(problemsOf(`${BASE}environment:\n  instanceType: t3.small\nseed:\n  instanceType: t4g.small\n`)).toEqual([
      expect.objectContaining({line: 7, message: expect.stringContaining('same architecture'), path: 'seed.instanceType'}),
    ])
  })

  it('stays quiet about a rule whose key already has a problem', () => {
    // minSize fails the schema; the min/max rule must not add a second problem for it.
    expect(problemsOf(`${BASE}environment:\n  minSize: many\n  maxSize: 1\n`)).toEqual([
      expect.objectContaining({path: 'environment.minSize'}),
    ])
  })

  it('treats a1 as Graviton, like t4g', () => {
    expect(parseConfig(`${BASE}environment:\n  instanceType: a1.large\nseed:\n  instanceType: t4g.small\n`, 'hactl.yml').seed.instanceType).toBe('t4g.small')
    expect(problemsOf(`${BASE}environment:\n  instanceType: a1.large\nseed:\n  instanceType: t3.small\n`)).toEqual([
      expect.objectContaining({message: expect.stringContaining('t3.small is x86_64 but environment.instanceType a1.large is arm64'), path: 'seed.instanceType'}),
    ])
  })

  it('still runs app-independent checks when app is invalid', () => {
    const problems = problemsOf('site: demo\napp: joomla\nregion: eu-west-1\nenvironment:\n  minSize: 5\n  maxSize: 3\n')
    expect(problems.map((p) => p.path)).toEqual(['app', 'environment.maxSize'])
  })

  it('rejects an invalid --region override without a line', () => {
    expect(() => parseConfig(BASE, 'hactl.yml', {region: 'mars-1'})).toThrow(ConfigError)
    try {
      parseConfig(BASE, 'hactl.yml', {region: 'mars-1'})
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        {message: 'region: --region must be an AWS Region code such as eu-west-1 or us-east-1 (got "mars-1")', path: 'region'},
      ])
    }
  })
})

describe('parseConfig: https', () => {
  const WITH_DOMAIN = 'site: demo\napp: wordpress\nregion: eu-west-1\ndomain: www.example.org\n'

  it('takes a certificate ARN of the site\'s Region, extra names and an HSTS max-age', () => {
    const config = parseConfig(
      `${WITH_DOMAIN}https:\n  certificateArn: arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000001\n  alternativeNames: [example.org]\n  hstsMaxAge: 300\n`,
      'hactl.yml',
    )
    expect(config.https).toEqual({alternativeNames: ['example.org'], certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000001', hstsMaxAge: 300})
  })

  it.each([
    ['a certificate of another Region', `${WITH_DOMAIN}https:\n  certificateArn: arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000001\n`, /https\.certificateArn.*us-east-1 but the site runs in eu-west-1/s],
    ['a certificate without a domain', 'site: demo\napp: wordpress\nregion: eu-west-1\nhttps:\n  certificateArn: arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000001\n', /https\.certificateArn.*needs `domain`/s],
    ['the domain among the alternative names', `${WITH_DOMAIN}https:\n  alternativeNames: [www.example.org]\n`, /https\.alternativeNames.*lists the domain/s],
    ['an HSTS max-age over two years', `${WITH_DOMAIN}https:\n  hstsMaxAge: 99999999\n`, /https\.hstsMaxAge/],
  ])('refuses %s', (_name, text, message) => {
    const problems = problemsOf(text).map((problem) => `${problem.path} ${problem.message}`)
    expect(problems).toEqual([expect.stringMatching(message)])
  })
})
