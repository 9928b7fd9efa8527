/**
 * The kinds of resource a site is made of, as typed ids with the label people
 * read. Code keys on the id (a misspelt id does not compile); only renderers
 * and `--json` output show the label, which is what `hactl plan` has always
 * printed.
 */
export const RESOURCE_KIND_LABELS = {
  'security-group': 'security group',
  'iam-role': 'IAM role',
  'instance-profile': 'instance profile',
  'efs-file-system': 'EFS file system',
  'efs-mount-targets': 'EFS mount targets',
  'efs-access-point': 'EFS access point',
  'efs-file-system-policy': 'EFS file system policy',
  'db-parameter-group': 'DB parameter group',
  'db-cluster-parameter-group': 'DB cluster parameter group',
  'db-subnet-group': 'DB subnet group',
  'aurora-cluster': 'Aurora cluster',
  'aurora-instance': 'Aurora instance',
  'rds-instance': 'RDS instance',
  'cache-subnet-group': 'cache subnet group',
  secret: 'secret',
  'redis-replication-group': 'Redis replication group',
  'memcached-cluster': 'Memcached cluster',
  'bundle-object': 'S3 object',
  'eb-application': 'EB application',
  'eb-application-version': 'EB application version',
  'eb-environment': 'EB environment',
  // Filled by the features that make them (seed, bake, pointers under /hactl/<site>/).
  'seed-instance': 'seed instance',
  image: 'AMI',
  'ssm-pointer': 'SSM parameter',
} as const

export type ResourceKind = keyof typeof RESOURCE_KIND_LABELS

export const RESOURCE_KINDS = Object.keys(RESOURCE_KIND_LABELS) as ResourceKind[]

export function resourceKindLabel(kind: ResourceKind): string {
  return RESOURCE_KIND_LABELS[kind]
}
