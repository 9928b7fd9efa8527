/**
 * The sandbox's own table of Elastic Beanstalk option namespaces and the
 * option names each takes, from the EB Developer Guide pages "General options
 * for all environments" and "Platform specific options". It is deliberately
 * not hactl's list (src/env/eb-namespaces.ts, src/aws/eb-options.ts): the
 * simulator imports no product code, so a namespace or option name hactl
 * gets wrong fails here as it does on AWS, where CreateEnvironment and
 * UpdateEnvironment answer "Invalid option specification (Namespace: 'x',
 * OptionName: 'y'): Unknown configuration setting."
 *
 * Sources (read 2026-12):
 * - https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/command-options-general.html
 *   (the tables "Namespace: `…`", Name column; the current page via
 *   crowecawcaw/aws-docs-history docs/elasticbeanstalk/latest/dg/command-options-general.md,
 *   which adds DisableDefaultEC2SecurityGroup, LaunchTemplateTagPropagationEnabled
 *   and aws:elasticbeanstalk:application:environmentsecrets to the 2022 copy in
 *   awsdocs/aws-elastic-beanstalk-developer-guide doc_source/command-options-general.md)
 * - https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/command-options-specific.html
 *   (PHP: aws:elasticbeanstalk:container:php:phpini; proxy options)
 * Deprecated options the page still lists (aws:elb:healthcheck Target …) are
 * kept: EB still accepts them.
 */

/** A namespace whose option names are the user's own (environment properties, secrets, static paths). */
const ANY_NAME = 'any option name'

type OptionNames = readonly string[] | typeof ANY_NAME

const PROCESS = [
  'DeregistrationDelay',
  'HealthCheckInterval',
  'HealthCheckPath',
  'HealthCheckTimeout',
  'HealthyThresholdCount',
  'MatcherHTTPCode',
  'Port',
  'Protocol',
  'StickinessEnabled',
  'StickinessLBCookieDuration',
  'StickinessType',
  'UnhealthyThresholdCount',
]
const ELB_LISTENER = ['InstancePort', 'InstanceProtocol', 'ListenerEnabled', 'ListenerProtocol', 'PolicyNames', 'SSLCertificateId']
const ELBV2_LISTENER = ['DefaultProcess', 'ListenerEnabled', 'Protocol', 'Rules', 'SSLCertificateArns', 'SSLPolicy']
const ELB_POLICY = [
  'CookieName',
  'InstancePorts',
  'LoadBalancerPorts',
  'ProxyProtocol',
  'PublicKey',
  'PublicKeyPolicyNames',
  'SSLProtocols',
  'SSLReferencePolicy',
  'Stickiness Cookie Expiration',
  'Stickiness Policy',
]

/** Namespace → the option names EB knows in it. */
export const EB_OPTIONS: Readonly<Record<string, OptionNames>> = {
  'aws:autoscaling:asg': ['Availability Zones', 'Cooldown', 'Custom Availability Zones', 'EnableCapacityRebalancing', 'MaxSize', 'MinSize'],
  'aws:autoscaling:launchconfiguration': [
    'BlockDeviceMappings',
    'DisableDefaultEC2SecurityGroup',
    'DisableIMDSv1',
    'EC2KeyName',
    'IamInstanceProfile',
    'ImageId',
    'InstanceType',
    'LaunchTemplateTagPropagationEnabled',
    'MonitoringInterval',
    'RootVolumeIOPS',
    'RootVolumeSize',
    'RootVolumeThroughput',
    'RootVolumeType',
    'SecurityGroups',
    'SSHSourceRestriction',
  ],
  'aws:autoscaling:scheduledaction': ['DesiredCapacity', 'EndTime', 'MaxSize', 'MinSize', 'Recurrence', 'StartTime', 'Suspend'],
  'aws:autoscaling:trigger': [
    'BreachDuration',
    'EvaluationPeriods',
    'LowerBreachScaleIncrement',
    'LowerThreshold',
    'MeasureName',
    'Period',
    'Statistic',
    'Unit',
    'UpperBreachScaleIncrement',
    'UpperThreshold',
  ],
  'aws:autoscaling:updatepolicy:rollingupdate': ['MaxBatchSize', 'MinInstancesInService', 'PauseTime', 'RollingUpdateEnabled', 'RollingUpdateType', 'Timeout'],
  'aws:ec2:instances': ['EnableSpot', 'InstanceTypes', 'SpotFleetOnDemandAboveBasePercentage', 'SpotFleetOnDemandBase', 'SpotMaxPrice', 'SupportedArchitectures'],
  'aws:ec2:vpc': ['AssociatePublicIpAddress', 'DBSubnets', 'ELBScheme', 'ELBSubnets', 'Subnets', 'VPCId'],
  'aws:elasticbeanstalk:application': ['Application Healthcheck URL'],
  'aws:elasticbeanstalk:application:environment': ANY_NAME,
  'aws:elasticbeanstalk:application:environmentsecrets': ANY_NAME,
  'aws:elasticbeanstalk:cloudwatch:logs': ['DeleteOnTerminate', 'RetentionInDays', 'StreamLogs'],
  'aws:elasticbeanstalk:cloudwatch:logs:health': ['DeleteOnTerminate', 'HealthStreamingEnabled', 'RetentionInDays'],
  'aws:elasticbeanstalk:command': ['BatchSize', 'BatchSizeType', 'DeploymentPolicy', 'IgnoreHealthCheck', 'Timeout'],
  // Option names of a configuration file's own `option_settings` that no namespace defines.
  'aws:elasticbeanstalk:customoption': ANY_NAME,
  'aws:elasticbeanstalk:environment': ['EnvironmentType', 'LoadBalancerIsShared', 'LoadBalancerType', 'ServiceRole'],
  'aws:elasticbeanstalk:environment:process:default': PROCESS,
  'aws:elasticbeanstalk:environment:proxy': ['GzipCompression', 'ProxyServer'],
  // The option name is the URL path served (`/images`).
  'aws:elasticbeanstalk:environment:proxy:staticfiles': ANY_NAME,
  'aws:elasticbeanstalk:healthreporting:system': ['ConfigDocument', 'EnhancedHealthAuthEnabled', 'HealthCheckSuccessThreshold', 'SystemType'],
  'aws:elasticbeanstalk:hostmanager': ['LogPublicationControl'],
  'aws:elasticbeanstalk:managedactions': ['ManagedActionsEnabled', 'PreferredStartTime', 'ServiceRoleForManagedUpdates'],
  'aws:elasticbeanstalk:managedactions:platformupdate': ['InstanceRefreshEnabled', 'UpdateLevel'],
  'aws:elasticbeanstalk:monitoring': ['Automatically Terminate Unhealthy Instances'],
  'aws:elasticbeanstalk:sns:topics': ['Notification Endpoint', 'Notification Protocol', 'Notification Topic ARN', 'Notification Topic Name'],
  'aws:elasticbeanstalk:trafficsplitting': ['EvaluationTime', 'NewVersionPercent'],
  'aws:elasticbeanstalk:xray': ['XRayEnabled'],
  'aws:elasticbeanstalk:container:php:phpini': [
    'allow_url_fopen',
    'composer_options',
    'display_errors',
    'document_root',
    'max_execution_time',
    'memory_limit',
    'zlib.output_compression',
  ],
  'aws:elb:healthcheck': ['HealthyThreshold', 'Interval', 'Target', 'Timeout', 'UnhealthyThreshold'],
  'aws:elb:listener': ELB_LISTENER,
  'aws:elb:loadbalancer': [
    'CrossZone',
    'LoadBalancerHTTPPort',
    'LoadBalancerHTTPSPort',
    'LoadBalancerPortProtocol',
    'LoadBalancerSSLPortProtocol',
    'ManagedSecurityGroup',
    'SecurityGroups',
    'SSLCertificateId',
  ],
  'aws:elb:policies': [
    'ConnectionDrainingEnabled',
    'ConnectionDrainingTimeout',
    'ConnectionSettingIdleTimeout',
    'LoadBalancerPorts',
    'Stickiness Cookie Expiration',
    'Stickiness Policy',
  ],
  'aws:elbv2:listener:default': ELBV2_LISTENER,
  'aws:elbv2:loadbalancer': [
    'AccessLogsS3Bucket',
    'AccessLogsS3Enabled',
    'AccessLogsS3Prefix',
    'IdleTimeout',
    'ManagedSecurityGroup',
    'SecurityGroups',
    'SharedLoadBalancer',
  ],
  'aws:rds:dbinstance': [
    'DBAllocatedStorage',
    'DBDeletionPolicy',
    'DBEngine',
    'DBEngineVersion',
    'DBInstanceClass',
    'DBPassword',
    'DBSnapshotIdentifier',
    'DBUser',
    'HasCoupledDatabase',
    'MultiAZDatabase',
  ],
}

/**
 * Namespaces that end in a name of the user's (`aws:elbv2:listener:443`,
 * `…:process:admin`, `…:listenerrule:api`, `aws:elb:policies:mine`), with the
 * options the page lists for `…:listener_port`, `…:process_name` and so on.
 */
const NAMED_NAMESPACES: ReadonlyArray<readonly [RegExp, OptionNames]> = [
  [/^aws:elbv2:listener:[A-Za-z0-9_-]+$/, ELBV2_LISTENER],
  [/^aws:elbv2:listenerrule:[A-Za-z0-9_-]+$/, ['HostHeaders', 'PathPatterns', 'Priority', 'Process']],
  [/^aws:elasticbeanstalk:environment:process:[A-Za-z0-9_-]+$/, PROCESS],
  [/^aws:elb:listener:[A-Za-z0-9_-]+$/, ELB_LISTENER],
  [/^aws:elb:policies:[A-Za-z0-9_-]+$/, ELB_POLICY],
]

function optionsOf(namespace: string): OptionNames | undefined {
  if (Object.hasOwn(EB_OPTIONS, namespace)) return EB_OPTIONS[namespace]
  return NAMED_NAMESPACES.find(([pattern]) => pattern.test(namespace))?.[1]
}

/** True for a real EB option namespace. */
export function isEbNamespace(namespace: string): boolean {
  return optionsOf(namespace) !== undefined
}

/** True when EB knows the option `name` in `namespace` (any non-empty name where the name is the user's). */
export function isEbOption(namespace: string, name: string): boolean {
  const options = optionsOf(namespace)
  if (options === undefined || name === '') return false
  return options === ANY_NAME || options.includes(name)
}
