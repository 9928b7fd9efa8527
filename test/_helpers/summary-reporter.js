'use strict'
/**
 * Prints one plain closing line, "jest: N passed, N failed, N skipped", after
 * jest's own summary, so a CI log reader that knows no jest can still tell
 * how many tests ran.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests
    // A suite that fails to compile or run has no failed tests of its own; count it as one failure.
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites
    process.stdout.write(`\njest: ${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped\n`)
  }
}

module.exports = SummaryReporter
