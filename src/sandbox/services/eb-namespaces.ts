/**
 * The sandbox's own list of Elastic Beanstalk option namespaces, from the EB
 * Developer Guide pages "General options for all environments"
 * (command-options-general) and "Platform specific options"
 * (command-options-specific). It is deliberately not hactl's list
 * (src/env/eb-namespaces.ts): the simulator imports no product code, so a
 * namespace hactl gets wrong fails here as it would on AWS.
 *
 * Checked (2026-12) against the topic list of "General options for all
 * environments", https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/command-options-general.html
 * (mirror read: docs.amazonaws.cn/elasticbeanstalk/latest/dg/command-options-general.md):
 * its namespaces from aws:autoscaling:asg to aws:elasticbeanstalk:environment:process:default
 * are the first entries below. Option *names* are not checked yet (a misspelt
 * RollingUpdateType passes): a namespace → option-name table is the next step.
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
