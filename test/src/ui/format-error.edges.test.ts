/** Issue 8, found by trying 11 and 9: no raw escape sequences, and DEBUG=hactl* prints what it promises. */
import {EC2ServiceException} from '@aws-sdk/client-ec2'

import {loadConfig} from '../../../src/config'
import {AwsError, ConfigError, HactlError} from '../../../src/core/errors'
import {debugEnabled, escapeControlCharacters, formatError} from '../../../src/ui/format-error'

const ESC = '\u001B'

describe('escaping user input in error messages', () => {
  it('makes control characters visible and keeps newlines', () => {
    expect(escapeControlCharacters(`a${ESC}]0;owned\u0007b\rc\nd\u009Be`)).toBe('a\\x1B]0;owned\\x07b\\x0Dc\nd\\x9Be')
  })

  it('escapes a terminal title sequence in a --config path wherever the message echoes it', async () => {
    const loading = loadConfig(`/nonexistent/x${ESC}]0;pwned${ESC}\\.yml`)
    await expect(loading).rejects.toThrow(ConfigError)
    const text = formatError((await loading.catch((error: unknown) => error)) as ConfigError, {color: false, debug: false})
    expect(text).toContain('\\x1B]0;pwned')
    expect(text).not.toContain(ESC)
  })

  it('escapes the message, the code and the suggestions, but not its own colours', () => {
    const error = new HactlError(`x${ESC}c`, `clear ${ESC}[2J`, {suggestions: [`also ${ESC}[2J`]})
    const text = formatError(error, {color: true, debug: false})
    expect(text.replaceAll(`${ESC}[31m`, '').replaceAll(`${ESC}[33m`, '').replaceAll(`${ESC}[0m`, '')).not.toContain(ESC)
    expect(text).toContain('clear \\x1B[2J')
  })
})

describe('DEBUG=hactl*', () => {
  it('is recognised in the debug package\'s syntax', () => {
    expect(debugEnabled('hactl*')).toBe(true)
    expect(debugEnabled('*')).toBe(true)
    expect(debugEnabled('express,hactl')).toBe(true)
    expect(debugEnabled('*,-hactl*')).toBe(false)
    expect(debugEnabled('oclif*')).toBe(false)
    expect(debugEnabled(undefined)).toBe(false)
  })

  it('prints the stack of the error and its causes, with the AWS request metadata', () => {
    const sdk = new EC2ServiceException({$fault: 'server', $metadata: {attempts: 3, httpStatusCode: 500, requestId: 'req-42'}, message: 'boom', name: 'InternalError'})
    const error = new AwsError('InternalError', 'ec2:DescribeVpcs: InternalError: boom', {cause: sdk})
    const text = formatError(error, {color: false, debug: true})
    expect(text).toContain('Debug (DEBUG=hactl*):')
    expect(text).toMatch(/AwsError: ec2:DescribeVpcs: InternalError: boom\n\s+at /)
    expect(text).toContain('Caused by:')
    expect(text).toContain('AWS request metadata: {"attempts":3,"httpStatusCode":500,"requestId":"req-42"}')
    expect(formatError(error, {color: false, debug: false})).not.toContain('Debug')
  })
})
