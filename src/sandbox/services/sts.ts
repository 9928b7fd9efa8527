import {STSServiceException, type GetCallerIdentityCommandOutput} from '@aws-sdk/client-sts'

import {exceptionOptions} from '../errors'
import {defineService, type OperationContext, type Result, THROTTLING} from '../types'

/** STS keeps no state: the caller is always the sandbox account's `hactl-sandbox` IAM user. */
type StsState = undefined

/** The caller's fixed IAM user id (AIDA… is AWS's prefix for IAM users). */
const USER_ID = 'AIDASANDBOXHACTL00001'

function getCallerIdentity(_state: StsState, _input: object, context: OperationContext): Result<GetCallerIdentityCommandOutput> {
  return {UserId: USER_ID, Account: context.account, Arn: `arn:aws:iam::${context.account}:user/hactl-sandbox`}
}

export const sts = defineService<StsState>({
  name: 'sts',
  specFile: 'src/sandbox/services/sts.md',
  // STS speaks the query protocol: its throttling code is `Throttling`, HTTP 400.
  throttleError: THROTTLING.query,
  internalError: {code: 'InternalFailure', message: 'An internal error occurred.', status: 500},
  slice: () => undefined,
  operations: {GetCallerIdentity: getCallerIdentity},
  toException: (error, metadata) => new STSServiceException(exceptionOptions(error, metadata)),
})
