import {redactMessage, subjectOf} from '../../../src/ops/notify'

describe('notification text', () => {
  it('redacts what the secret scanner flags, line or word, and keeps the rest', () => {
    const {redacted, text} = redactMessage('deploys frozen\nreason: rotate AKIAIOSFODNN7EXAMPLE now\nDB_PASSWORD=hunter2hunter2')
    expect(text).not.toContain('AKIAIOSFODNN7EXAMPLE')
    expect(text).not.toContain('hunter2')
    expect(text.split('\n')[0]).toBe('deploys frozen')
    expect(redacted).toBe(2)
  })

  it('keeps subjects to SNS rules: printable ASCII, at most 100 characters', () => {
    expect(subjectOf('demo', 'exam week — no deploys')).toBe('hactl demo: exam week ? no deploys')
    expect(subjectOf('demo', 'x'.repeat(200))).toHaveLength(100)
  })
})
