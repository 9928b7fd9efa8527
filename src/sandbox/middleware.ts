import {HttpResponse} from '@smithy/core/transport'
import type {AbsoluteLocation, DeserializeHandlerOptions, DeserializeMiddleware, MetadataBearer, Pluggable} from '@smithy/types'

import type {SandboxServiceName} from './types'

/** What the middleware needs from the sandbox: answer one call, or throw the SDK exception AWS would cause. */
export interface SandboxCaller {
  call(service: SandboxServiceName, operation: string, input: object): Promise<{output: object; requestId: string}>
}

/**
 * Where the sandbox sits in the SDK's stack:
 *
 *   initialize → serialize → build → finalizeRequest (retry, signing) → deserialize (sandbox | deserializer → HTTP)
 *
 * At `deserialize`/`high` it runs after the retry middleware and signing and
 * before the deserializer and HTTP handler, so the SDK's retry strategy sees
 * (and retries) the errors it throws just as it would AWS's, waiters poll it,
 * and nothing ever goes on the wire.
 */
export const SANDBOX_MIDDLEWARE_OPTIONS: DeserializeHandlerOptions & AbsoluteLocation = {
  name: 'hactlSandbox',
  step: 'deserialize',
  priority: 'high',
  override: true,
  tags: ['HACTL_SANDBOX'],
}

function sandboxMiddleware<Input extends object, Output extends MetadataBearer>(
  service: SandboxServiceName,
  caller: SandboxCaller,
): DeserializeMiddleware<Input, Output> {
  return (_next, context) => async (args) => {
    // The command's class name is the only place the operation is named at this step.
    const operation = (context.commandName ?? '').replace(/Command$/, '')
    const {output, requestId} = await caller.call(service, operation, args.input)
    const metadata = {httpStatusCode: 200, requestId, attempts: 1, totalRetryDelay: 0}
    return {
      // The handler built this with the operation's own output type; the stack only knows the client's union.
      output: {...output, $metadata: metadata} as Output,
      response: new HttpResponse({statusCode: 200, headers: {'x-amzn-requestid': requestId}}),
    }
  }
}

/**
 * The plugin for one client: `client.middlewareStack.use(sandboxPlugin('ec2', caller))`.
 * Generic so that TypeScript takes the client's own input/output unions from
 * the `use()` call, which lets one plugin type serve every client without `any`.
 */
export function sandboxPlugin<Input extends object = object, Output extends MetadataBearer = MetadataBearer>(
  service: SandboxServiceName,
  caller: SandboxCaller,
): Pluggable<Input, Output> {
  return {
    applyToStack(stack) {
      stack.add(sandboxMiddleware<Input, Output>(service, caller), SANDBOX_MIDDLEWARE_OPTIONS)
    },
  }
}
