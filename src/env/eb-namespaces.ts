/**
 * The Elastic Beanstalk option namespaces that exist, from the "General
 * options for all environments" and "Platform specific options" pages of the
 * EB Developer Guide (command-options-general, command-options-specific).
 * hactl's option settings, its `.ebextensions` and the sandbox's validation
 * of CreateEnvironment all check against this one list.
 */
export const EB_NAMESPACES: ReadonlySet<string> = new Set([
  'aws:autoscaling:asg',
  'aws:autoscaling:launchconfiguration',
  'aws:autoscaling:scheduledaction',
  'aws:autoscaling:trigger',
  'aws:autoscaling:updatepolicy:rollingupdate',
  'aws:ec2:instances',
  'aws:ec2:vpc',
  'aws:elasticbeanstalk:application',
  'aws:elasticbeanstalk:application:environment',
  'aws:elasticbeanstalk:application:environmentsecrets',
  'aws:elasticbeanstalk:cloudwatch:logs',
  'aws:elasticbeanstalk:cloudwatch:logs:health',
  'aws:elasticbeanstalk:command',
  'aws:elasticbeanstalk:customoption',
  'aws:elasticbeanstalk:environment',
  'aws:elasticbeanstalk:environment:process:default',
  'aws:elasticbeanstalk:environment:proxy',
  'aws:elasticbeanstalk:environment:proxy:staticfiles',
  'aws:elasticbeanstalk:healthreporting:system',
  'aws:elasticbeanstalk:hostmanager',
  'aws:elasticbeanstalk:managedactions',
  'aws:elasticbeanstalk:managedactions:platformupdate',
  'aws:elasticbeanstalk:monitoring',
  'aws:elasticbeanstalk:sns:topics',
  'aws:elasticbeanstalk:trafficsplitting',
  'aws:elasticbeanstalk:xray',
  'aws:elasticbeanstalk:container:php:phpini',
  'aws:elb:healthcheck',
  'aws:elb:listener',
  'aws:elb:loadbalancer',
  'aws:elb:policies',
  'aws:elbv2:listener:default',
  'aws:elbv2:loadbalancer',
  'aws:rds:dbinstance',
])

/** Namespaces that take a resource name after a colon (`aws:elbv2:listener:443`, `…:process:admin`, `…:listenerrule:api`). */
const NAMED_NAMESPACE = /^(aws:elbv2:listener|aws:elbv2:listenerrule|aws:elasticbeanstalk:environment:process|aws:elb:listener):[A-Za-z0-9_-]+$/

/** True for a real EB option namespace. */
export function isEbNamespace(namespace: string): boolean {
  return EB_NAMESPACES.has(namespace) || NAMED_NAMESPACE.test(namespace)
}
