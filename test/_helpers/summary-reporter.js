'use strict'
/**
 * Prints one plain closing line, "jest: N passed, N failed, N skipped", after
 * jest's own summary, so a CI log reader that knows no jest can still tell
 * how many tests ran.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests
    process.stdout.write(`\njest: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`)
  }
}

module.exports = SummaryReporter
