import {CHECKS} from '../../../../src/doctor/checks'
import {FACT_KEYS} from '../../../../src/doctor/facts'
import {DOCTOR_CHECKS} from '../../../../src/doctor/run'

describe('the check registry', () => {
  it('holds each id once, and DOCTOR_CHECKS lists them in registry order', () => {
    const ids = CHECKS.map((check) => check.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(Object.keys(DOCTOR_CHECKS)).toEqual(ids)
    expect(Object.values(DOCTOR_CHECKS)).toEqual(CHECKS.map((check) => check.title))
  })

  it('every check declares the facts it needs, from the known ones', () => {
    for (const check of CHECKS) {
      expect([check.id, check.needs.length > 0]).toEqual([check.id, true])
      for (const need of check.needs) expect(FACT_KEYS).toContain(need)
    }
  })
})
