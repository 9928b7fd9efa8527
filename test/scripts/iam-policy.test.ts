/**
 * docs/iam-policy.json is read from the source (scripts/iam-policy.js): every
 * SDK command, paginator and waiter src/ imports, as an IAM action. A new AWS
 * call without its permission in the file fails here, not on a user's account.
 */
import {readFileSync} from 'node:fs'

// eslint-disable-next-line @typescript-eslint/no-require-imports
const iam = require('../../scripts/iam-policy.js') as {
  POLICY_PATH: string
  policyDocument: (actions?: string[]) => {Statement: Array<{Action: string[]; Sid: string; Condition?: unknown}>}
  policyText: () => string
  requiredActions: (srcDir?: string) => string[]
}

describe('docs/iam-policy.json', () => {
  it('is up to date with the source (run `npm run docs` to regenerate)', () => {
    expect(readFileSync(iam.POLICY_PATH, 'utf8')).toBe(iam.policyText())
  })

  it('has the calls the pipeline makes, with S3, waiter and tagging actions named as IAM names them', () => {
    const actions = iam.requiredActions()
    // Calls, paginators and waiters of the pipeline.
    expect(actions).toEqual(expect.arrayContaining(['ec2:CreateImage', 'ec2:DescribeImages', 'elasticbeanstalk:UpdateEnvironment', 'elasticbeanstalk:AbortEnvironmentUpdate', 'ssm:SendCommand', 'scheduler:CreateSchedule', 'cloudwatch:DescribeAlarms', 'rds:DescribeDBInstances']))
    // HeadObject is authorized as s3:GetObject; tags on create as the service's tagging action.
    expect(actions).toEqual(expect.arrayContaining(['s3:GetObject', 'ec2:CreateTags', 'iam:TagRole', 'sns:TagResource']))
    expect(actions).not.toContain('s3:HeadObject')
    // GetCallerIdentity needs no permission.
    expect(actions.some((action) => action.startsWith('sts:'))).toBe(false)
    // The sandbox's own SDK use is not hactl's.
    expect(actions.every((action) => /^[a-z0-9]+:[A-Z][A-Za-z0-9]+$/.test(action))).toBe(true)
  })

  it('limits iam:PassRole to the services hactl hands roles to', () => {
    const passRole = iam.policyDocument(['ec2:RunInstances']).Statement.find((statement) => statement.Action.includes('iam:PassRole'))
    expect(passRole?.Condition).toEqual({StringEquals: {'iam:PassedToService': ['ec2.amazonaws.com', 'elasticbeanstalk.amazonaws.com', 'scheduler.amazonaws.com']}})
  })
})
