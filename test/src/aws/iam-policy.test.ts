import {bindsEveryone, conditionValues, coversAction, denialsForEveryone, type PolicyStatement, statementsOf} from '../../../src/aws/iam-policy'

describe('statementsOf', () => {
  it('reads a list of statements, or a single one', () => {
    const one = {Action: 's3:GetObject', Effect: 'Allow'}
    expect(statementsOf(JSON.stringify({Statement: [one, one]}))).toHaveLength(2)
    expect(statementsOf(JSON.stringify({Statement: one}))).toEqual([one])
  })

  it('is undefined for text that is not JSON, or JSON without a Statement', () => {
    expect(statementsOf('not json')).toBeUndefined()
    expect(statementsOf('{"Version": "2012-10-17"}')).toBeUndefined()
    expect(statementsOf('null')).toBeUndefined()
  })
})

describe('bindsEveryone', () => {
  it('is true for *, {AWS: *} and a list holding *', () => {
    expect(bindsEveryone('*')).toBe(true)
    expect(bindsEveryone({AWS: '*'})).toBe(true)
    expect(bindsEveryone({AWS: ['arn:aws:iam::123456789012:root', '*']})).toBe(true)
  })

  it('is false for a named principal, a service, or none', () => {
    expect(bindsEveryone({AWS: 'arn:aws:iam::123456789012:root'})).toBe(false)
    expect(bindsEveryone({Service: '*'})).toBe(false)
    expect(bindsEveryone(undefined)).toBe(false)
    expect(bindsEveryone(null)).toBe(false)
  })
})

describe('coversAction', () => {
  it('matches IAM wildcards case-insensitively', () => {
    expect(coversAction({Action: '*'}, 'elasticfilesystem:ClientMount')).toBe(true)
    expect(coversAction({Action: 'elasticfilesystem:Client*'}, 'elasticfilesystem:ClientMount')).toBe(true)
    expect(coversAction({Action: ['s3:*', 'ELASTICFILESYSTEM:clientmount']}, 'elasticfilesystem:ClientMount')).toBe(true)
    expect(coversAction({Action: 'elasticfilesystem:Client?ount'}, 'elasticfilesystem:ClientMount')).toBe(true)
  })

  it('does not match other actions, or a pattern whose dot is literal', () => {
    expect(coversAction({Action: 'elasticfilesystem:ClientWrite'}, 'elasticfilesystem:ClientMount')).toBe(false)
    expect(coversAction({Action: 'a.c'}, 'abc')).toBe(false)
    expect(coversAction({}, 'elasticfilesystem:ClientMount')).toBe(false)
  })
})

describe('conditionValues', () => {
  const statement: PolicyStatement = {
    Condition: {
      Bool: {'aws:SecureTransport': 'false'},
      StringNotEquals: {'ElasticFileSystem:AccessPointArn': ['arn:a', 'arn:b']},
    },
  }

  it('reads a key under the named operators, keys case-insensitively, lists flattened', () => {
    expect(conditionValues(statement, ['Bool'], 'aws:securetransport')).toEqual(['false'])
    expect(conditionValues(statement, ['StringNotEquals', 'ArnNotEquals'], 'elasticfilesystem:AccessPointArn')).toEqual(['arn:a', 'arn:b'])
  })

  it('ignores other operators and statements without conditions', () => {
    expect(conditionValues(statement, ['StringEquals'], 'elasticfilesystem:AccessPointArn')).toEqual([])
    expect(conditionValues({}, ['Bool'], 'aws:SecureTransport')).toEqual([])
  })
})

describe('denialsForEveryone', () => {
  it('keeps only Deny statements that bind every principal and cover the action', () => {
    const deny = {Action: '*', Effect: 'Deny', Principal: {AWS: '*'}}
    const statements: PolicyStatement[] = [
      deny,
      {...deny, Effect: 'Allow'},
      {...deny, Principal: {AWS: 'arn:aws:iam::123456789012:root'}},
      {...deny, Action: 'elasticfilesystem:ClientWrite'},
    ]
    expect(denialsForEveryone(statements, 'elasticfilesystem:ClientMount')).toEqual([deny])
  })
})
