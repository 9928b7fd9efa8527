/** The SSM Parameter Store calls hactl makes (pointers under /hactl/<site>/ and the site lock). */
import {
  DeleteParameterCommand,
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  type GetCommandInvocationCommandOutput,
  GetParameterCommand,
  type InstanceInformation,
  SendCommandCommand,
  PutParameterCommand,
  paginateGetParametersByPath,
  type SSMClient,
} from '@aws-sdk/client-ssm'

import type {ApiContext} from './types'
import {awsCall, hasAwsCode} from './errors'

export interface Parameter {
  readonly name: string
  readonly value: string
  readonly version: number
  readonly lastModified?: Date
}

export interface PutParameterInput {
  readonly name: string
  readonly value: string
  /** false: fail with ParameterAlreadyExists if it exists (atomic create). */
  readonly overwrite: boolean
  /** SecureString for anything secret. @default 'String' */
  readonly type?: 'SecureString' | 'String'
  readonly description?: string
}

/** A shell command for one instance through Run Command (AWS-RunShellScript). */
export interface SendShellCommandInput {
  readonly instanceId: string
  readonly commands: readonly string[]
  /** Shown in the console and ListCommands (SSM allows 100 characters). */
  readonly comment?: string
  /** How long the script may run on the instance (AWS-RunShellScript executionTimeout). @default 3600 */
  readonly executionTimeoutSeconds?: number
  /** How long SSM tries to deliver it before giving up (SendCommand TimeoutSeconds, 30 or more). @default 600 */
  readonly deliveryTimeoutSeconds?: number
}

export type CommandInvocation = Pick<
  GetCommandInvocationCommandOutput,
  'ResponseCode' | 'StandardErrorContent' | 'StandardOutputContent' | 'Status' | 'StatusDetails'
>

export interface SsmApi {
  /** Runs a shell script on exactly this instance (by id, never by tag); returns the command id. */
  sendShellCommand(input: SendShellCommandInput): Promise<string>
  /** One command's result on one instance; undefined while SSM does not know it yet (InvocationDoesNotExist). */
  getCommandInvocation(commandId: string, instanceId: string): Promise<CommandInvocation | undefined>
  /** The SSM agent's registration for this instance (PingStatus Online…), or undefined if it never registered. */
  describeInstanceInformation(instanceId: string): Promise<InstanceInformation | undefined>
  /** The parameter, or undefined when it does not exist. */
  getParameter(name: string, options?: {decrypt?: boolean}): Promise<Parameter | undefined>
  /**
   * Writes a parameter. Returns false (instead of throwing) when `overwrite` is
   * false and the parameter exists, which is how the lock tells "taken".
   */
  putParameter(input: PutParameterInput): Promise<{created: boolean; version?: number}>
  /** Deletes a parameter; true if it existed. */
  deleteParameter(name: string): Promise<boolean>
  /** Every parameter under a path, all pages. */
  getParametersByPath(path: string, options?: {decrypt?: boolean; recursive?: boolean}): Promise<Parameter[]>
}

function toParameter(p: {LastModifiedDate?: Date; Name?: string; Value?: string; Version?: number}): Parameter {
  return {lastModified: p.LastModifiedDate, name: p.Name ?? '', value: p.Value ?? '', version: p.Version ?? 0}
}

export function createSsmApi(client: SSMClient, _context: ApiContext): SsmApi {
  return {
    async describeInstanceInformation(instanceId) {
      const out = await awsCall('ssm:DescribeInstanceInformation', () =>
        client.send(new DescribeInstanceInformationCommand({Filters: [{Key: 'InstanceIds', Values: [instanceId]}]})),
      )
      return out.InstanceInformationList?.find((info) => info.InstanceId === instanceId)
    },

    async getCommandInvocation(commandId, instanceId) {
      try {
        return await client.send(new GetCommandInvocationCommand({CommandId: commandId, InstanceId: instanceId}))
      } catch (error) {
        // Eventually consistent: right after SendCommand the invocation may not exist yet (AWS-NOTES §6.1).
        if (hasAwsCode(error, 'InvocationDoesNotExist')) return undefined
        return awsCall('ssm:GetCommandInvocation', () => Promise.reject(error))
      }
    },

    async sendShellCommand(input) {
      const out = await awsCall('ssm:SendCommand', () =>
        client.send(
          new SendCommandCommand({
            Comment: input.comment?.slice(0, 100),
            DocumentName: 'AWS-RunShellScript',
            InstanceIds: [input.instanceId],
            Parameters: {commands: [...input.commands], executionTimeout: [String(input.executionTimeoutSeconds ?? 3600)]},
            TimeoutSeconds: input.deliveryTimeoutSeconds ?? 600,
          }),
        ),
      )
      return out.Command?.CommandId ?? ''
    },

    async deleteParameter(name) {
      try {
        await client.send(new DeleteParameterCommand({Name: name}))
        return true
      } catch (error) {
        if (hasAwsCode(error, 'ParameterNotFound')) return false
        return awsCall('ssm:DeleteParameter', () => Promise.reject(error))
      }
    },

    async getParameter(name, options = {}) {
      try {
        const out = await client.send(new GetParameterCommand({Name: name, WithDecryption: options.decrypt ?? false}))
        return out.Parameter ? toParameter(out.Parameter) : undefined
      } catch (error) {
        if (hasAwsCode(error, 'ParameterNotFound')) return undefined
        return awsCall('ssm:GetParameter', () => Promise.reject(error))
      }
    },

    async getParametersByPath(path, options = {}) {
      return awsCall('ssm:GetParametersByPath', async () => {
        const found: Parameter[] = []
        const pages = paginateGetParametersByPath(
          {client},
          {Path: path, Recursive: options.recursive ?? true, WithDecryption: options.decrypt ?? false},
        )
        for await (const page of pages) found.push(...(page.Parameters ?? []).map(toParameter))
        return found
      })
    },

    async putParameter(input) {
      try {
        const out = await client.send(
          new PutParameterCommand({
            Description: input.description,
            Name: input.name,
            Overwrite: input.overwrite,
            Type: input.type ?? 'String',
            Value: input.value,
          }),
        )
        return {created: true, version: out.Version}
      } catch (error) {
        if (!input.overwrite && hasAwsCode(error, 'ParameterAlreadyExists')) return {created: false}
        return awsCall('ssm:PutParameter', () => Promise.reject(error))
      }
    },
  }
}
