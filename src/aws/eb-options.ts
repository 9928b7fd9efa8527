/**
 * Elastic Beanstalk option names, in one place: the spec that sets them, the
 * plan that compares them and doctor that judges them all spell a namespace
 * the same way, so a typo is a type error instead of a setting EB silently
 * ignores (EB accepts an unknown option name in a known namespace).
 *
 *   option(EB.asg.namespace, EB.asg.MinSize, 2)
 *
 * Only the options hactl reads or writes are listed; the full list of
 * namespaces EB accepts is in src/env/eb-namespaces.ts.
 */

/** One namespace and the option names hactl uses in it: `{namespace, MinSize: 'MinSize', …}`. */
export type EbNamespace<Namespace extends string, Option extends string> = {readonly namespace: Namespace} & {readonly [Name in Option]: Name}

function namespace<const Namespace extends string, const Option extends string>(name: Namespace, options: readonly Option[]): EbNamespace<Namespace, Option> {
  return Object.freeze({namespace: name, ...Object.fromEntries(options.map((option) => [option, option]))}) as EbNamespace<Namespace, Option>
}

export const EB = {
  /** Environment properties (what the instances see as environment variables). */
  properties: namespace('aws:elasticbeanstalk:application:environment', []),
  asg: namespace('aws:autoscaling:asg', ['MinSize', 'MaxSize']),
  /** Instance log streaming to CloudWatch Logs (`hactl logs` reads it). */
  cloudwatchLogs: namespace('aws:elasticbeanstalk:cloudwatch:logs', ['StreamLogs', 'DeleteOnTerminate', 'RetentionInDays']),
  command: namespace('aws:elasticbeanstalk:command', ['DeploymentPolicy', 'BatchSizeType', 'BatchSize']),
  environment: namespace('aws:elasticbeanstalk:environment', ['EnvironmentType', 'LoadBalancerType', 'ServiceRole']),
  healthReporting: namespace('aws:elasticbeanstalk:healthreporting:system', ['SystemType']),
  instances: namespace('aws:ec2:instances', ['InstanceTypes']),
  launch: namespace('aws:autoscaling:launchconfiguration', [
    'IamInstanceProfile',
    'SecurityGroups',
    'DisableDefaultEC2SecurityGroup',
    'DisableIMDSv1',
    'RootVolumeType',
    'ImageId',
  ]),
  loadBalancer: namespace('aws:elbv2:loadbalancer', ['SecurityGroups', 'ManagedSecurityGroup']),
  managedActions: namespace('aws:elasticbeanstalk:managedactions', ['ManagedActionsEnabled']),
  phpIni: namespace('aws:elasticbeanstalk:container:php:phpini', ['document_root']),
  process: namespace('aws:elasticbeanstalk:environment:process:default', ['HealthCheckPath', 'MatcherHTTPCode', 'Port', 'Protocol']),
  rolling: namespace('aws:autoscaling:updatepolicy:rollingupdate', [
    'RollingUpdateEnabled',
    'RollingUpdateType',
    'MaxBatchSize',
    'MinInstancesInService',
    'Timeout',
  ]),
  trigger: namespace('aws:autoscaling:trigger', [
    'MeasureName',
    'Statistic',
    'Unit',
    'Period',
    'EvaluationPeriods',
    'BreachDuration',
    'UpperThreshold',
    'LowerThreshold',
    'UpperBreachScaleIncrement',
    'LowerBreachScaleIncrement',
  ]),
  vpc: namespace('aws:ec2:vpc', ['VPCId', 'Subnets', 'ELBSubnets', 'ELBScheme', 'AssociatePublicIpAddress']),
} as const

/** The shape of one option setting, as EB's Describe/Update calls carry it. */
export interface EbOptionSetting {
  readonly Namespace?: string
  readonly OptionName?: string
  readonly ResourceName?: string
  readonly Value?: string
}

/** One option's value from an environment's settings (the environment's own, not a resource's). */
export function settingOf(settings: readonly EbOptionSetting[], namespace: string, name: string): string | undefined {
  return settings.find((s) => s.Namespace === namespace && s.OptionName === name && s.ResourceName === undefined)?.Value
}
