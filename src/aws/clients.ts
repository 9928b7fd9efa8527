/**
 * Every AWS client hactl uses is made here, from one set of options: region,
 * the standard credential chain (with --profile, SSO included), the SDK's
 * retry strategy, a `hactl/<version>` user agent, an endpoint override and the
 * sandbox switch. Library code never constructs a client: it is handed the
 * narrow per-service interfaces this factory returns.
 *
 * Each service's SDK package is loaded only when its interface is first asked
 * for, so `hactl status` never loads the EC2 client, and `--help` loads none.
 */
import {isUncounted} from './uncounted'
import type {RetryStrategyV2} from '@smithy/types'

import type {Clock} from '../core/clock'
import {systemClock} from '../core/clock'
import {createRetryStrategy} from './retry'
import type {ApiContext} from './types'
import type {Reporter} from '../core/progress'
import {silentReporter} from '../core/progress'
import type {SandboxHandle} from '../sandbox'
import type {AcmApi} from './acm'
import type {CloudWatchApi} from './cloudwatch'
import type {EbApi} from './eb'
import type {Ec2Api} from './ec2'
import type {EfsApi} from './efs'
import type {ElastiCacheApi} from './elasticache'
import type {IamApi} from './iam'
import type {LogsApi} from './logs'
import type {RdsApi} from './rds'
import type {Route53Api} from './route53'
import type {S3Api} from './s3'
import type {SchedulerApi} from './scheduler'
import type {SecretsApi} from './secrets'
import type {SnsApi} from './sns'
import type {SsmApi} from './ssm'
import type {StsApi} from './sts'
import type {SandboxServiceName} from '../sandbox/types'

export interface AwsClientsOptions {
  /** Region for every client. Unset: the SDK's chain (AWS_REGION, the profile's region). */
  readonly region?: string
  /** Named profile from the shared config files. Unset: AWS_PROFILE or the default chain. */
  readonly profile?: string
  /** Endpoint for every service (LocalStack, moto). AWS_ENDPOINT_URL is read by the SDK itself. */
  readonly endpointUrl?: string
  /** When set, every client answers from the embedded simulated region. */
  readonly sandbox?: SandboxHandle
  /** hactl's version, for the user agent. */
  readonly version: string
  /** Where retries and waits are reported. @default silentReporter */
  readonly reporter?: Reporter
  /** Attempts per call (first included). @default 8 */
  readonly maxAttempts?: number
  /** HTTP time limits for every call. @default HTTP_TIMEOUTS */
  readonly httpTimeouts?: HttpTimeouts
}

/** How long one HTTP exchange with an AWS endpoint may take, in real milliseconds. */
export interface HttpTimeouts {
  /** To open the TCP (and TLS) connection. */
  readonly connectMs: number
  /** Silence on an open socket: an endpoint (or proxy) that accepts and never answers. */
  readonly idleMs: number
  /** The whole request and response. */
  readonly requestMs: number
}

/**
 * Without limits the SDK waits forever on an endpoint that accepts the
 * connection and never answers, and the retry strategy never sees an error.
 * The slowest call hactl makes is an S3 upload of the application bundle (a few
 * hundred KB) or a control-plane call that EB or RDS takes tens of seconds to
 * answer; two minutes per request leaves room for both, and the retry
 * strategy (with its back-off) handles a timed-out attempt like any other
 * transient failure.
 */
export const HTTP_TIMEOUTS: HttpTimeouts = {connectMs: 10_000, idleMs: 60_000, requestMs: 120_000}

/** The shape all SDK v3 client configs share that hactl sets. */
export interface CommonClientConfig {
  region?: string
  profile?: string
  endpoint?: string
  customUserAgent: string
  retryStrategy: RetryStrategyV2
  credentials?: {accessKeyId: string; secretAccessKey: string}
  requestHandler?: {connectionTimeout: number; socketTimeout: number; requestTimeout: number; throwOnRequestTimeout: true}
}

interface PluggableClient {
  middlewareStack: {use(plugin: unknown): void}
}

/** One AWS call as the counter saw it: `elasticbeanstalk:DescribeEnvironments`. */
export type CallKey = `${string}:${string}`

/** Reads change nothing: everything else counts as a mutation (`hactl up` on a finished site must make none). */
export function isReadOnlyOperation(operation: string): boolean {
  return /^(Describe|Get|List|Head|Lookup|Search|Filter|Check|Validate|Simulate)/.test(operation)
}

export class AwsClients {
  private readonly cache = new Map<string, Promise<unknown>>()
  private readonly callCounts = new Map<CallKey, number>()

  public constructor(private readonly options: AwsClientsOptions) {}

  /** The clock AWS time runs on: the system clock, or the sandbox's accelerated one. */
  public get clock(): Clock {
    return this.options.sandbox?.clock ?? systemClock
  }

  public get reporter(): Reporter {
    return this.options.reporter ?? silentReporter
  }

  public get isSandbox(): boolean {
    return this.options.sandbox !== undefined
  }

  /** The region as configured, or undefined if the SDK will resolve it. */
  public get configuredRegion(): string | undefined {
    return this.options.sandbox?.region ?? this.options.region
  }

  public get endpointUrl(): string | undefined {
    if (this.options.sandbox) return undefined
    return this.options.endpointUrl ?? process.env.AWS_ENDPOINT_URL
  }

  public sts(): Promise<StsApi> {
    return this.memo('sts', async () => {
      const [{STSClient}, {createStsApi}] = await Promise.all([import('@aws-sdk/client-sts'), import('./sts')])
      return createStsApi(this.attach(new STSClient(this.clientConfig('sts')), 'sts'), this.context())
    })
  }

  public ec2(): Promise<Ec2Api> {
    return this.memo('ec2', async () => {
      const [{EC2Client}, {createEc2Api}] = await Promise.all([import('@aws-sdk/client-ec2'), import('./ec2')])
      return createEc2Api(this.attach(new EC2Client(this.clientConfig('ec2')), 'ec2'), this.context())
    })
  }

  public ssm(): Promise<SsmApi> {
    return this.memo('ssm', async () => {
      const [{SSMClient}, {createSsmApi}] = await Promise.all([import('@aws-sdk/client-ssm'), import('./ssm')])
      return createSsmApi(this.attach(new SSMClient(this.clientConfig('ssm')), 'ssm'), this.context())
    })
  }

  public scheduler(): Promise<SchedulerApi> {
    return this.memo('scheduler', async () => {
      const [{SchedulerClient}, {createSchedulerApi}] = await Promise.all([import('@aws-sdk/client-scheduler'), import('./scheduler')])
      return createSchedulerApi(this.attach(new SchedulerClient(this.clientConfig('scheduler')), 'scheduler'), this.context())
    })
  }

  public eb(): Promise<EbApi> {
    return this.memo('elasticbeanstalk', async () => {
      const [{ElasticBeanstalkClient}, {createEbApi}] = await Promise.all([import('@aws-sdk/client-elastic-beanstalk'), import('./eb')])
      return createEbApi(this.attach(new ElasticBeanstalkClient(this.clientConfig('elasticbeanstalk')), 'elasticbeanstalk'), this.context())
    })
  }

  public efs(): Promise<EfsApi> {
    return this.memo('efs', async () => {
      const [{EFSClient}, {createEfsApi}] = await Promise.all([import('@aws-sdk/client-efs'), import('./efs')])
      return createEfsApi(this.attach(new EFSClient(this.clientConfig('efs')), 'efs'), this.context())
    })
  }

  public rds(): Promise<RdsApi> {
    return this.memo('rds', async () => {
      const [{RDSClient}, {createRdsApi}] = await Promise.all([import('@aws-sdk/client-rds'), import('./rds')])
      return createRdsApi(this.attach(new RDSClient(this.clientConfig('rds')), 'rds'), this.context())
    })
  }

  public elasticache(): Promise<ElastiCacheApi> {
    return this.memo('elasticache', async () => {
      const [{ElastiCacheClient}, {createElastiCacheApi}] = await Promise.all([import('@aws-sdk/client-elasticache'), import('./elasticache')])
      return createElastiCacheApi(this.attach(new ElastiCacheClient(this.clientConfig('elasticache')), 'elasticache'), this.context())
    })
  }

  public s3(): Promise<S3Api> {
    return this.memo('s3', async () => {
      const [{S3Client}, {createS3Api}] = await Promise.all([import('@aws-sdk/client-s3'), import('./s3')])
      return createS3Api(this.attach(new S3Client(this.clientConfig('s3')), 's3'), this.context())
    })
  }

  public secrets(): Promise<SecretsApi> {
    return this.memo('secretsmanager', async () => {
      const [{SecretsManagerClient}, {createSecretsApi}] = await Promise.all([import('@aws-sdk/client-secrets-manager'), import('./secrets')])
      return createSecretsApi(this.attach(new SecretsManagerClient(this.clientConfig('secretsmanager')), 'secretsmanager'), this.context())
    })
  }

  public iam(): Promise<IamApi> {
    return this.memo('iam', async () => {
      const [{IAMClient}, {createIamApi}] = await Promise.all([import('@aws-sdk/client-iam'), import('./iam')])
      return createIamApi(this.attach(new IAMClient(this.clientConfig('iam')), 'iam'), this.context())
    })
  }

  public logs(): Promise<LogsApi> {
    return this.memo('logs', async () => {
      const [{CloudWatchLogsClient}, {createLogsApi}] = await Promise.all([import('@aws-sdk/client-cloudwatch-logs'), import('./logs')])
      return createLogsApi(this.attach(new CloudWatchLogsClient(this.clientConfig('logs')), 'logs'), this.context())
    })
  }

  public acm(): Promise<AcmApi> {
    return this.memo('acm', async () => {
      const [{ACMClient}, {createAcmApi}] = await Promise.all([import('@aws-sdk/client-acm'), import('./acm')])
      return createAcmApi(this.attach(new ACMClient(this.clientConfig('acm')), 'acm'), this.context())
    })
  }

  public route53(): Promise<Route53Api> {
    return this.memo('route53', async () => {
      const [{Route53Client}, {createRoute53Api}] = await Promise.all([import('@aws-sdk/client-route-53'), import('./route53')])
      return createRoute53Api(this.attach(new Route53Client(this.clientConfig('route53')), 'route53'), this.context())
    })
  }

  public cloudwatch(): Promise<CloudWatchApi> {
    return this.memo('cloudwatch', async () => {
      const [{CloudWatchClient}, {createCloudWatchApi}] = await Promise.all([import('@aws-sdk/client-cloudwatch'), import('./cloudwatch')])
      return createCloudWatchApi(this.attach(new CloudWatchClient(this.clientConfig('cloudwatch')), 'cloudwatch'), this.context())
    })
  }

  /** Every AWS call made through these clients so far, by service and operation (attempts after a retry not counted). */
  public calls(): ReadonlyMap<CallKey, number> {
    return new Map(this.callCounts)
  }

  public sns(): Promise<SnsApi> {
    return this.memo('sns', async () => {
      const [{SNSClient}, {createSnsApi}] = await Promise.all([import('@aws-sdk/client-sns'), import('./sns')])
      return createSnsApi(this.attach(new SNSClient(this.clientConfig('sns')), 'sns'), this.context())
    })
  }

  /** The config every client is built from. Exposed for tests of the factory itself. */
  public clientConfig(service: string): CommonClientConfig {
    const {sandbox} = this.options
    const config: CommonClientConfig = {
      customUserAgent: `hactl/${this.options.version}`,
      retryStrategy: createRetryStrategy({
        clock: this.clock,
        maxAttempts: this.options.maxAttempts,
        reporter: this.reporter,
        service,
      }),
    }
    if (sandbox) {
      // The sandbox answers before any HTTP is sent; static credentials keep
      // the SDK's signer from walking the real credential chain.
      config.region = sandbox.region
      config.credentials = {accessKeyId: 'ASIASANDBOXSANDBOX00', secretAccessKey: 'sandbox'}
      return config
    }

    const limits = this.options.httpTimeouts ?? HTTP_TIMEOUTS
    config.requestHandler = {
      connectionTimeout: limits.connectMs,
      requestTimeout: limits.requestMs,
      socketTimeout: limits.idleMs,
      throwOnRequestTimeout: true,
    }
    if (this.options.region) config.region = this.options.region
    if (this.options.profile) config.profile = this.options.profile
    if (this.options.endpointUrl) config.endpoint = this.options.endpointUrl
    return config
  }

  private attach<C extends PluggableClient>(client: C, service: SandboxServiceName): C {
    client.middlewareStack.use(countCalls(service, this.callCounts))
    if (this.options.sandbox) client.middlewareStack.use(this.options.sandbox.plugin(service))
    else client.middlewareStack.use(nameEndpointOnNetworkError)
    return client
  }

  private context(): ApiContext {
    return {clock: this.clock, reporter: this.reporter}
  }

  private memo<T>(key: string, make: () => Promise<T>): Promise<T> {
    let value = this.cache.get(key) as Promise<T> | undefined
    if (!value) {
      value = make()
      this.cache.set(key, value)
    }

    return value
  }
}

/** Counts each command once, before the retry strategy repeats it. */
function countCalls(service: string, counts: Map<CallKey, number>) {
  return {
    applyToStack(stack: {add(middleware: unknown, options: unknown): void}): void {
      stack.add(
        (next: (args: unknown) => Promise<unknown>, context: {commandName?: string}) => async (args: unknown) => {
          const key: CallKey = `${service}:${(context.commandName ?? 'Unknown').replace(/Command$/, '')}`
          if (!isUncounted()) counts.set(key, (counts.get(key) ?? 0) + 1)
          return next(args)
        },
        {name: 'hactlCountCalls', priority: 'high', step: 'initialize'},
      )
    },
  }
}

/** Node's and the SDK's names for "the endpoint could not be reached or never answered". */
const UNREACHABLE = /^(TimeoutError|RequestTimeout|ECONNREFUSED|ECONNRESET|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EPIPE)$/

/**
 * A network error says which endpoint it could not reach, so a wrong
 * --endpoint-url, a proxy or a firewall is named in the message rather than
 * left for the operator to guess. Runs per attempt, inside the retry strategy.
 */
const nameEndpointOnNetworkError = {
  applyToStack(stack: {add(middleware: unknown, options: unknown): void}): void {
    stack.add(
      (next: (args: {request: unknown}) => Promise<unknown>) => async (args: {request: unknown}) => {
        try {
          return await next(args)
        } catch (error) {
          const request = args.request as {hostname?: string; port?: number; protocol?: string}
          const code = (error as {code?: unknown}).code ?? (error as {name?: unknown}).name
          if (error instanceof Error && typeof code === 'string' && UNREACHABLE.test(code) && request.hostname && !error.message.includes(' (endpoint ')) {
            const port = request.port ? `:${request.port}` : ''
            error.message = `${error.message || code} (endpoint ${request.protocol ?? 'https:'}//${request.hostname}${port})`
          }

          throw error
        }
      },
      {name: 'hactlNameEndpoint', priority: 'low', step: 'finalizeRequest'},
    )
  },
}
