/** hactl.yml `staging.*`: limits, custom checks, validated with line numbers like the rest of the file. */
import {parseConfig} from '../../../src/config'
import {problemsOf} from '../../_helpers/config'

const BASE = 'site: demo\napp: wordpress\nregion: eu-west-1\n'

describe('staging config', () => {
  it('defaults to no custom checks, 60 s a check and 900 s a suite', () => {
    expect(parseConfig(BASE, 'hactl.yml').staging).toMatchObject({checkLimitSeconds: 60, custom: [], suiteLimitSeconds: 900})
  })

  it('takes HTTP and shell checks as written', () => {
    const config = parseConfig(
      `${BASE}staging:\n  custom:\n    - id: shop\n      http:\n        path: /shop/?p=1\n        status: 200\n        contains: Add to cart\n        maxMs: 800\n    - id: disk\n      shell:\n        command: test $(df --output=pcent / | tail -1 | tr -dc 0-9) -lt 90\n        timeoutSeconds: 5\n`,
      'hactl.yml',
    )
    expect(config.staging.custom).toEqual([
      {http: {contains: 'Add to cart', maxMs: 800, path: '/shop/?p=1', status: 200}, id: 'shop'},
      {id: 'disk', shell: {command: 'test $(df --output=pcent / | tail -1 | tr -dc 0-9) -lt 90', timeoutSeconds: 5}},
    ])
  })

  it('wants exactly one of http or shell, at the check\'s line', () => {
    expect(problemsOf(`${BASE}staging:\n  custom:\n    - id: both\n      http: {path: /}\n      shell: {command: "true"}\n`)).toEqual([
      expect.objectContaining({line: 6, message: expect.stringContaining('needs exactly one of http or shell (got both)'), path: 'staging.custom[0]'}),
    ])
  })

  it('refuses a built-in check\'s name and a repeated id', () => {
    expect(problemsOf(`${BASE}staging:\n  custom:\n    - id: http-home\n      http: {path: /}\n`)).toEqual([
      expect.objectContaining({line: 6, message: expect.stringContaining('"http-home" is a built-in check\'s name'), path: 'staging.custom[0].id'}),
    ])
    expect(problemsOf(`${BASE}staging:\n  custom:\n    - id: a1\n      http: {path: /}\n    - id: a1\n      http: {path: /x}\n`)).toEqual([
      expect.objectContaining({line: 8, message: expect.stringContaining('"a1" is used by an earlier custom check'), path: 'staging.custom[1].id'}),
    ])
  })

  it('refuses a bad path, status, regular expression and an unknown key, each at its line', () => {
    const problems = problemsOf(`${BASE}staging:\n  custom:\n    - id: page\n      http:\n        path: no-slash\n        status: 99\n    - id: re\n      http: {path: /, matches: "a(b"}\n    - id: sh\n      shell: {command: "true", timeout: 3}\n`)
    expect(problems.map((p) => [p.path, p.line])).toEqual([
      ['staging.custom[0].http.path', 8],
      ['staging.custom[0].http.status', 9],
      ['staging.custom[2].shell.timeout', 13],
    ])
  })

  it('refuses a regular expression that does not compile once the rest is valid', () => {
    expect(problemsOf(`${BASE}staging:\n  custom:\n    - id: re\n      http: {path: /, matches: "a(b"}\n`)).toEqual([
      expect.objectContaining({line: 7, message: expect.stringContaining('is not a valid regular expression'), path: 'staging.custom[0].http.matches'}),
    ])
  })

  it('bounds the limits', () => {
    expect(problemsOf(`${BASE}staging:\n  checkLimitSeconds: 0\n`)).toEqual([expect.objectContaining({line: 5, path: 'staging.checkLimitSeconds'})])
  })
})
