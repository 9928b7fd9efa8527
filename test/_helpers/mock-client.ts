/**
 * aws-sdk-client-mock stubs made in test setup, never when a file is
 * imported, and restored after each test even when an assertion failed
 * (STYLE 19), without each test file repeating the before/after pair.
 */
import type {Client, MetadataBearer} from '@smithy/types'
import {mockClient, type AwsStub} from 'aws-sdk-client-mock'

/**
 * `mockClient(client)` made before each test and restored after it. The
 * answer stands for the current test's stub: use it inside a test.
 */
export function useMockClient<TInput extends object, TOutput extends MetadataBearer, TConfiguration>(client: {
  prototype: Client<TInput, TOutput, TConfiguration>
}): AwsStub<TInput, TOutput, TConfiguration> {
  let stub: AwsStub<TInput, TOutput, TConfiguration> | undefined
  beforeEach(() => {
    stub = mockClient(client)
  })
  afterEach(() => {
    stub?.restore()
    stub = undefined
  })
  return new Proxy({} as AwsStub<TInput, TOutput, TConfiguration>, {
    get(_target, key) {
      if (!stub) throw new Error('useMockClient: the stub exists only inside a test')
      const value: unknown = Reflect.get(stub, key)
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(stub) : value
    },
  })
}
