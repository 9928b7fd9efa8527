/**
 * The SSM calls hactl makes: Parameter Store (pointers under /hactl/<site>/
 * and the site lock), and Run Command on the seed (managed-instance state,
 * send, poll, list).
 */
import {
  DeleteParameterCommand,
  GetCommandInvocationCommand,
  GetParameterCommand,
  PutParameterCommand,
  SendCommandCommand,
  paginateDescribeInstanceInformation,
  paginateGetParameterHistory,
  paginateGetParametersByPath,
  paginateListCommandInvocations,
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

/** A managed instance as the SSM agent last reported it. */
export interface ManagedInstance {
  readonly instanceId: string
  /** `Online`, `ConnectionLost` (`Inactive` is deprecated). */
  readonly pingStatus: string
  readonly lastPing?: Date
  readonly agentVersion?: string
  readonly platformName?: string
}

export interface RunShellInput {
  /** One instance: hactl targets the seed by id, never by tag (AWS-NOTES §6.1). */
  readonly instanceId: string
  /** Several instances in one command (one invocation each; SendCommand takes up to 50): when given, these instead of `instanceId`. */
  readonly instanceIds?: readonly string[]
  /** AWS-RunShellScript's `commands`: the lines of one script. */
  readonly commands: readonly string[]
  /** At most 100 characters. */
  readonly comment?: string
  /** The run limit (AWS-RunShellScript `executionTimeout`, 1–172800 s). @default 3600 */
  readonly executionTimeoutSeconds?: number
  /** The delivery limit (SendCommand `TimeoutSeconds`, 30–2592000 s). @default 3600 */
  readonly deliveryTimeoutSeconds?: number
  readonly workingDirectory?: string
}

/** One command on one instance. Output is SSM's: the first 24,000 characters of stdout, 8,000 of stderr. */
export interface CommandInvocation {
  readonly commandId: string
  readonly instanceId: string
  /** `Pending`, `InProgress`, `Delayed`, `Success`, `Cancelled`, `TimedOut`, `Failed`, `Cancelling`. */
  readonly status: string
  readonly statusDetails: string
  /** The script's exit code; -1 while not started or when it has none. */
  readonly responseCode: number
  readonly stdout: string
  readonly stderr: string
  /** True once the status is final. */
  readonly done: boolean
}

/** A command in a listing (ListCommandInvocations with details). */
export interface CommandSummary {
  readonly commandId: string
  readonly instanceId: string
  readonly status: string
  readonly requestedAt?: Date
  readonly comment: string
  readonly responseCode: number
}

export interface SsmApi {
  /** The parameter, or undefined when it does not exist. */
  getParameter(name: string, options?: {decrypt?: boolean}): Promise<Parameter | undefined>
  /**
   * Writes a parameter. Returns false (instead of throwing) when `overwrite` is
   * false and the parameter exists, which is how the lock tells "taken".
   */
  putParameter(input: PutParameterInput): Promise<{created: boolean; version?: number}>
  /** Deletes a parameter; true if it existed. */
  deleteParameter(name: string): Promise<boolean>
  /** Every version Parameter Store still keeps of a parameter (the newest 100), oldest first, all pages; [] when it does not exist. */
  getParameterHistory(name: string): Promise<Parameter[]>
  /** Every parameter under a path, all pages. */
  getParametersByPath(path: string, options?: {decrypt?: boolean; recursive?: boolean}): Promise<Parameter[]>
  /** The managed instances among these ids (all pages); an instance that never registered is absent. */
  describeInstanceInformation(instanceIds: readonly string[]): Promise<ManagedInstance[]>
  /** Sends an AWS-RunShellScript command; returns its id. InvalidInstanceId (agent not Online) surfaces as an AwsError. */
  sendCommand(input: RunShellInput): Promise<string>
  /**
   * The invocation's state, or undefined while SSM does not know it yet
   * (InvocationDoesNotExist right after SendCommand: poll again).
   */
  getCommandInvocation(commandId: string, instanceId: string): Promise<CommandInvocation | undefined>
  /** The commands sent to an instance, newest first as SSM lists them, all pages. */
  listCommandInvocations(filter: {commandId?: string; instanceId?: string}): Promise<CommandSummary[]>
}

const FINAL_STATUSES = new Set(['Success', 'Cancelled', 'TimedOut', 'Failed'])

function toParameter(p: {LastModifiedDate?: Date; Name?: string; Value?: string; Version?: number}): Parameter {
  return {lastModified: p.LastModifiedDate, name: p.Name ?? '', value: p.Value ?? '', version: p.Version ?? 0}
}

export function createSsmApi(client: SSMClient, _context: ApiContext): SsmApi {
  return {
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

    async describeInstanceInformation(instanceIds) {
      if (instanceIds.length === 0) return []
      return awsCall('ssm:DescribeInstanceInformation', async () => {
        const found: ManagedInstance[] = []
        const pages = paginateDescribeInstanceInformation({client}, {Filters: [{Key: 'InstanceIds', Values: [...instanceIds]}]})
        for await (const page of pages) {
          for (const info of page.InstanceInformationList ?? []) {
            found.push({
              agentVersion: info.AgentVersion,
              instanceId: info.InstanceId ?? '',
              lastPing: info.LastPingDateTime,
              pingStatus: info.PingStatus ?? '',
              platformName: info.PlatformName,
            })
          }
        }

        return found
      })
    },

    async getCommandInvocation(commandId, instanceId) {
      try {
        const out = await client.send(new GetCommandInvocationCommand({CommandId: commandId, InstanceId: instanceId}))
        const status = out.Status ?? 'Pending'
        return {
          commandId,
          done: FINAL_STATUSES.has(status),
          instanceId,
          responseCode: out.ResponseCode ?? -1,
          status,
          statusDetails: out.StatusDetails ?? '',
          stderr: out.StandardErrorContent ?? '',
          stdout: out.StandardOutputContent ?? '',
        }
      } catch (error) {
        // Eventually consistent: right after SendCommand the invocation may not exist yet.
        if (hasAwsCode(error, 'InvocationDoesNotExist')) return undefined
        return awsCall('ssm:GetCommandInvocation', () => Promise.reject(error))
      }
    },

    async getParameterHistory(name) {
      try {
        const found: Parameter[] = []
        for await (const page of paginateGetParameterHistory({client}, {Name: name})) found.push(...(page.Parameters ?? []).map(toParameter))
        return found
      } catch (error) {
        if (hasAwsCode(error, 'ParameterNotFound')) return []
        return awsCall('ssm:GetParameterHistory', () => Promise.reject(error))
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

    async listCommandInvocations(filter) {
      return awsCall('ssm:ListCommandInvocations', async () => {
        const found: CommandSummary[] = []
        const pages = paginateListCommandInvocations({client}, {CommandId: filter.commandId, Details: true, InstanceId: filter.instanceId})
        for await (const page of pages) {
          for (const entry of page.CommandInvocations ?? []) {
            found.push({
              commandId: entry.CommandId ?? '',
              comment: entry.Comment ?? '',
              instanceId: entry.InstanceId ?? '',
              requestedAt: entry.RequestedDateTime,
              responseCode: entry.CommandPlugins?.[0]?.ResponseCode ?? -1,
              status: entry.Status ?? '',
            })
          }
        }

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

    async sendCommand(input) {
      const parameters: Record<string, string[]> = {commands: [...input.commands]}
      if (input.executionTimeoutSeconds !== undefined) parameters.executionTimeout = [String(input.executionTimeoutSeconds)]
      if (input.workingDirectory !== undefined) parameters.workingDirectory = [input.workingDirectory]
      const out = await awsCall('ssm:SendCommand', () =>
        client.send(
          new SendCommandCommand({
            Comment: input.comment,
            DocumentName: 'AWS-RunShellScript',
            InstanceIds: input.instanceIds ? [...input.instanceIds] : [input.instanceId],
            Parameters: parameters,
            TimeoutSeconds: input.deliveryTimeoutSeconds,
          }),
        ),
      )
      return out.Command?.CommandId ?? ''
    },
  }
}
