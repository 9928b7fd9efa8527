'use strict'
/**
 * Prints one plain closing line, "jest: N passed, N failed, N skipped", after
 * jest's own summary, so a CI log reader that knows no jest can still tell
 * how many tests ran.
 *
 * Before it, one loud notice per missing real tool: tests that need one are
 * skipped locally with their title ending "(needs <tool>)" (see
 * test/_helpers/real-tools.ts), and a skip nobody notices is a test nobody runs.
 */
const NEEDS = /\(needs ([\w-]+)\)$/

/** Skipped test counts per missing tool, from the titles real-tools.ts tags. */
function skippedForTools(results) {
  const byTool = new Map()
  for (const file of results.testResults) {
    for (const test of file.testResults) {
      const match = test.status === 'pending' ? NEEDS.exec(test.title) : null
      if (match) byTool.set(match[1], (byTool.get(match[1]) ?? 0) + 1)
    }
  }
  return byTool
}

class SummaryReporter {
  onRunComplete(_contexts, results) {
    for (const [tool, count] of skippedForTools(results)) {
      const rule = '!'.repeat(78)
      process.stdout.write(
        `\n${rule}\n!! SKIPPED ${count} test${count === 1 ? '' : 's'}: ${tool} is not installed on this machine.\n` +
          `!! Install it (e.g. \`apt-get install ${tool}\`) or run \`npm run test:real\`; with CI set they fail instead.\n${rule}\n`,
      )
    }

    const skipped = results.numPendingTests + results.numTodoTests
    // A suite that fails to compile or run has no failed tests of its own; count it as one failure.
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites
    process.stdout.write(`\njest: ${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped\n`)
  }
}

module.exports = SummaryReporter
