import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {parse} from 'yaml'

import {parseConfig, renderConfigYaml} from '../../../src/config'

const FIXTURES = join(__dirname, '../../_fixtures/config')

describe('renderConfigYaml', () => {
  it.each([
    ['wordpress defaults', 'site: demo\napp: wordpress\nregion: eu-west-1\n'],
    ['moodle defaults', 'site: lms\napp: moodle\nregion: us-east-1\n'],
    ['a customised Moodle site', readFileSync(join(FIXTURES, 'moodle-custom.yml'), 'utf8')],
    [
      'aurora, tags and a version that looks like a number',
      'site: demo\napp: wordpress\nregion: eu-west-1\ndatabase:\n  engine: aurora-mysql\n  version: "8.0"\ntags:\n  a.b: "1"\n',
    ],
  ])('round-trips %s through parseConfig', (_name, text) => {
    const config = parseConfig(text, 'hactl.yml')
    const rendered = renderConfigYaml(config)
    expect(parseConfig(rendered, 'hactl.yml')).toEqual(config)
  })

  it('documents every key with a comment taken from the schema', () => {
    const text = renderConfigYaml(parseConfig('site: demo\napp: wordpress\nregion: eu-west-1\n', 'hactl.yml'))
    expect(text).toMatch(/# Short name of the site[^\n]*\n(#[^\n]*\n)*site: demo\n/)
    expect(text).toMatch(/ {2}# Fewest web instances in service[^\n]*\n( {2}#[^\n]*\n)* {2}minSize: 2\n/)
    expect(text).toMatch(/ {4}# RollingByHealth replaces instances[^\n]*\n( {4}#[^\n]*\n)* {4}policy: RollingByHealth\n/)
  })

  it('shows unset optional keys commented out, so they are easy to find', () => {
    const text = renderConfigYaml(parseConfig('site: demo\napp: wordpress\nregion: eu-west-1\n', 'hactl.yml'))
    expect(text).toContain('# domain: www.example.org\n')
    expect(text).toContain('  # version: "8.0"\n')
    expect(parse(text)).not.toHaveProperty('domain')
  })

  it('starts with a header that says how to get the JSON Schema for editors, without activating it', () => {
    const text = renderConfigYaml(parseConfig('site: demo\napp: moodle\nregion: eu-west-1\n', 'hactl.yml'))
    const header = text.slice(0, text.indexOf('\nsite:'))
    expect(header.split('\n')[0]).toBe('# hactl.yml: Moodle site "demo" in eu-west-1.')
    expect(header).toContain('hactl config schema --output hactl.schema.json')
    expect(header).toContain('#   # yaml-language-server: $schema=./hactl.schema.json')
    // yaml-language-server reads a line that starts with "# yaml-language-server:"; the hint must not be one.
    expect(text).not.toMatch(/^#\s*yaml-language-server\s*:/m)
  })

  it('writes plain YAML without comments when asked', () => {
    const text = renderConfigYaml(parseConfig('site: demo\napp: wordpress\nregion: eu-west-1\n', 'hactl.yml'), {comments: false})
    expect(text).not.toContain('#')
    expect(text.startsWith('site: demo\napp: wordpress\nregion: eu-west-1\n')).toBe(true)
  })

  it('takes a custom header', () => {
    const text = renderConfigYaml(parseConfig('site: demo\napp: wordpress\nregion: eu-west-1\n', 'hactl.yml'), {header: ['one', '', 'two']})
    expect(text.startsWith('# one\n#\n# two\n\n# Short name of the site')).toBe(true)
  })
})
