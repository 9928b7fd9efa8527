import {createRequire} from 'node:module'

import {neededToolTag, strictAboutTools} from './real-tools'

// The summary reporter is plain CommonJS that jest loads itself (no types); load it the same way.
const loadCommonJs = createRequire(__filename)
const SummaryReporter = loadCommonJs('./summary-reporter.js') as new () => {onRunComplete(contexts: unknown, results: unknown): void}

describe('real tools in tests', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['0', false],
    ['false', false],
    ['FALSE', false],
    ['true', true],
    ['1', true],
  ])('CI=%p makes a missing tool a failure: %p', (ci, strict) => {
    expect(strictAboutTools(ci === undefined ? {} : {CI: ci})).toBe(strict)
  })

  it('the summary reporter says once, loudly, how many tests a missing tool skipped', () => {
    const written: string[] = []
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => written.push(String(chunk)) > 0)
    try {
      const test = (title: string, status: string) => ({status, title})
      new SummaryReporter().onRunComplete(new Set(), {
        numFailedTests: 0,
        numPassedTests: 1,
        numPendingTests: 3,
        numRuntimeErrorTestSuites: 0,
        numTodoTests: 0,
        testResults: [
          {testResults: [test(`lints a.sh ${neededToolTag('shellcheck')}`, 'pending'), test('runs', 'passed')]},
          {testResults: [test(`lints b.sh ${neededToolTag('shellcheck')}`, 'pending'), test('other skip', 'pending')]},
        ],
      })
    } finally {
      write.mockRestore()
    }

    const text = written.join('')
    expect(text.match(/SKIPPED/g)).toHaveLength(1)
    expect(text).toContain('SKIPPED 2 tests: shellcheck is not installed')
    expect(text).toContain('npm run test:real')
    expect(text).toContain('jest: 1 passed, 0 failed, 3 skipped')
  })
})
