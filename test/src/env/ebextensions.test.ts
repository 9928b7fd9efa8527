import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {parse} from 'yaml'

import {bundleRoot, EBEXTENSION_KEYS, ebextensionProblems} from '../../../src/env/bundle'
import {isEbNamespace} from '../../../src/env/eb-namespaces'

const dir = join(bundleRoot(), '.ebextensions')
const configs = readdirSync(dir)
  .filter((name) => name.endsWith('.config'))
  .sort()

/** Every namespace an option_settings value names, in either of EB's two forms. */
function namespacesOf(settings: unknown): string[] {
  if (Array.isArray(settings)) {
    return settings.map((entry: {namespace?: string}) => entry.namespace ?? 'aws:elasticbeanstalk:application:environment')
  }
  return Object.keys(settings as Record<string, unknown>)
}

describe('.ebextensions', () => {
  it('has config files, in the order their numeric prefixes say', () => {
    expect(configs.length).toBeGreaterThan(0)
    for (const name of configs) expect(name).toMatch(/^\d{2}-hactl-[a-z0-9-]+\.config$/)
    // EB processes them alphabetically: the packages come first.
    expect(configs[0]).toBe('01-hactl-packages.config')
  })

  describe.each(configs)('%s', (name) => {
    const source = readFileSync(join(dir, name), 'utf8')

    it('is strict YAML (a duplicate key is an error) with only EB top-level keys', () => {
      const config = parse(source, {uniqueKeys: true, strict: true}) as Record<string, unknown>
      expect(typeof config).toBe('object')
      for (const key of Object.keys(config)) expect(EBEXTENSION_KEYS.has(key)).toBe(true)
    })

    it('names only real option namespaces', () => {
      const config = parse(source) as {option_settings?: unknown}
      for (const namespace of namespacesOf(config.option_settings ?? {})) expect([namespace, isEbNamespace(namespace)]).toEqual([namespace, true])
    })

    it('has no problem the bundle builder would refuse', () => {
      expect(ebextensionProblems(source)).toEqual([])
    })

    it('uses spaces, never tabs (EB rejects tabs)', () => {
      expect(source).not.toMatch(/\t/)
    })
  })

  it('installs the EFS mount helper', () => {
    const config = parse(readFileSync(join(dir, '01-hactl-packages.config'), 'utf8')) as {packages: {yum: Record<string, unknown>}}
    expect(config.packages.yum['amazon-efs-utils']).toEqual([])
  })

  it('keeps PHP uploads within what nginx accepts', () => {
    const php = readFileSync(join(dir, '10-hactl-php.config'), 'utf8')
    const nginx = readFileSync(join(bundleRoot(), '.platform/nginx/conf.d/hactl.conf'), 'utf8')
    const megabytes = (re: RegExp, text: string) => Number(re.exec(text)![1])
    const upload = megabytes(/upload_max_filesize = (\d+)M/, php)
    const post = megabytes(/post_max_size = (\d+)M/, php)
    const body = megabytes(/client_max_body_size (\d+)m;/, nginx)
    expect(upload).toBeLessThanOrEqual(post)
    expect(post).toBeLessThanOrEqual(body)
    expect(php).toMatch(/expose_php = Off/)
  })
})

describe('the namespace check used above', () => {
  it('catches a made-up namespace in either form', () => {
    const shorthand = parse('option_settings:\n  aws:elasticbeanstalk:nope:\n    A: b\n') as {option_settings: unknown}
    const list = parse('option_settings:\n  - namespace: aws:ec2:instance\n    option_name: A\n    value: b\n') as {option_settings: unknown}
    expect(namespacesOf(shorthand.option_settings).map(isEbNamespace)).toEqual([false])
    expect(namespacesOf(list.option_settings).map(isEbNamespace)).toEqual([false])
  })
})

describe('ebextensionProblems', () => {
  it('catches a namespace that does not exist, in the shorthand form', () => {
    expect(ebextensionProblems('option_settings:\n  aws:elasticbeanstalk:made:up:\n    Foo: bar\n')).toEqual([
      'unknown option namespace "aws:elasticbeanstalk:made:up"',
    ])
  })

  it('catches a namespace that does not exist, in the list form', () => {
    const source = 'option_settings:\n  - namespace: aws:autoscaling:launchconfig\n    option_name: ImageId\n    value: ami-1\n'
    expect(ebextensionProblems(source)).toEqual(['unknown option namespace "aws:autoscaling:launchconfig"'])
  })

  it('takes a list entry without a namespace as an environment property', () => {
    expect(ebextensionProblems('option_settings:\n  - option_name: FOO\n    value: bar\n')).toEqual([])
  })

  it('accepts named namespaces such as a listener port', () => {
    expect(ebextensionProblems('option_settings:\n  aws:elbv2:listener:443:\n    Protocol: HTTPS\n')).toEqual([])
  })

  it('catches a duplicate top-level key (EB would drop one of them)', () => {
    const problems = ebextensionProblems('packages:\n  yum:\n    git: []\npackages:\n  yum:\n    jq: []\n')
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(/unique/i)
  })

  it('catches a top-level key EB does not know', () => {
    expect(ebextensionProblems('option_setting:\n  aws:ec2:vpc:\n    VPCId: vpc-1\n')).toEqual(['unknown top-level key "option_setting"'])
  })
})
