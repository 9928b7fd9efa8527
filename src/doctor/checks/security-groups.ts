/**
 * Security groups (invariant 6): every group of the site, and every group
 * attached to one of its resources, admits only what it must; each resource
 * carries its own hactl group.
 */
import type {IpPermission, SecurityGroup} from '@aws-sdk/client-ec2'

import {EB} from '../../aws/eb-options'
import {SECURITY_GROUP_ROLES, type SecurityGroupRole, type SiteNames} from '../../site/names'
import {cachePort, dbPort} from '../../env/spec'
import {type Attachment, type AttachmentKind, attachmentsOf, tagOf} from '../attachments'
import {defineCheck, ebSetting, fail, listOf, pass, plural, skip, type Verdict} from '../check'
import type {SiteFacts} from '../facts'

const WORLD = new Set(['0.0.0.0/0', '::/0'])
/** The load balancer's listener ports: the only thing the world may reach. */
const LISTENER_PORTS = new Set([80, 443])

interface RuleSource {
  readonly kind: 'cidr' | 'cidr6' | 'group' | 'prefix-list'
  readonly value: string
}

interface GroupFinding {
  /** The group is not one of the site's own (EB's instance group, a `default` group …). */
  readonly foreign: boolean
  readonly group: SecurityGroup
  readonly permission: IpPermission
  readonly source: RuleSource
  readonly why: string
}

/** A group's role, when it is one of the site's own groups (by tag, else by name). */
function roleOf(group: SecurityGroup, names: SiteNames, site: string): SecurityGroupRole | undefined {
  const tagged = tagOf(group.Tags, 'hactl:site') === site ? tagOf(group.Tags, 'hactl:role') : undefined
  const byTag = SECURITY_GROUP_ROLES.find((role) => role === tagged)
  return byTag ?? SECURITY_GROUP_ROLES.find((role) => names.securityGroup[role] === group.GroupName)
}

function protocolOf(permission: IpPermission): string {
  const protocol = (permission.IpProtocol ?? '-1').toLowerCase()
  return ({'-1': 'all', '17': 'udp', '6': 'tcp', all: 'all'} as Record<string, string>)[protocol] ?? protocol
}

/** `tcp/22`, `tcp/1024-2048`, `all traffic`. */
export function describePermission(permission: IpPermission): string {
  const protocol = protocolOf(permission)
  if (protocol === 'all') return 'all traffic'
  const {FromPort: from, ToPort: to} = permission
  if (from === undefined || from === -1) return `${protocol}/all ports`
  return `${protocol}/${from === to ? from : `${from}-${to}`}`
}

function coversPort(permission: IpPermission, port: number): boolean {
  const protocol = protocolOf(permission)
  if (protocol === 'all') return true
  if (protocol !== 'tcp') return false
  const from = permission.FromPort ?? -1
  const to = permission.ToPort ?? -1
  return from === -1 || (from <= port && port <= to)
}

function sourcesOf(permission: IpPermission): RuleSource[] {
  return [
    ...(permission.IpRanges ?? []).map((range) => ({kind: 'cidr' as const, value: range.CidrIp ?? ''})),
    ...(permission.Ipv6Ranges ?? []).map((range) => ({kind: 'cidr6' as const, value: range.CidrIpv6 ?? ''})),
    ...(permission.UserIdGroupPairs ?? []).map((pair) => ({kind: 'group' as const, value: pair.GroupId ?? ''})),
    ...(permission.PrefixListIds ?? []).map((list) => ({kind: 'prefix-list' as const, value: list.PrefixListId ?? ''})),
  ]
}

function isListener(permission: IpPermission): boolean {
  return protocolOf(permission) === 'tcp' && permission.FromPort === permission.ToPort && LISTENER_PORTS.has(permission.FromPort ?? -1)
}

/** Why one (rule, source) pair breaks the invariant, or undefined when it is allowed. */
function judgeRule(
  role: SecurityGroupRole | undefined,
  permission: IpPermission,
  source: RuleSource,
  context: {readonly clients: ReadonlySet<string>; readonly ports: Readonly<Partial<Record<SecurityGroupRole, number>>>},
): string | undefined {
  if (WORLD.has(source.value) && !(role === 'lb' && isListener(permission))) return 'only the load balancer\'s listener, tcp/80 and tcp/443, may be open to the world'
  if (coversPort(permission, 22)) return 'no SSH port: instances are reached through SSM'
  const port = role === undefined ? undefined : context.ports[role]
  if (port === undefined) return undefined
  const onPort = protocolOf(permission) === 'tcp' && permission.FromPort === port && permission.ToPort === port
  if (!onPort || source.kind !== 'group' || !context.clients.has(source.value)) return `only the web and seed groups, on tcp/${port}`
  return undefined
}

function revokeCommand(finding: GroupFinding): string {
  const {permission, source} = finding
  const parts = [`IpProtocol=${permission.IpProtocol ?? '-1'}`]
  if (permission.FromPort !== undefined) parts.push(`FromPort=${permission.FromPort}`)
  if (permission.ToPort !== undefined) parts.push(`ToPort=${permission.ToPort}`)
  const peer = {
    cidr: `IpRanges=[{CidrIp=${source.value}}]`,
    cidr6: `Ipv6Ranges=[{CidrIpv6=${source.value}}]`,
    group: `UserIdGroupPairs=[{GroupId=${source.value}}]`,
    'prefix-list': `PrefixListIds=[{PrefixListId=${source.value}}]`,
  }[source.kind]
  parts.push(peer)
  return `aws ec2 revoke-security-group-ingress --group-id ${finding.group.GroupId} --ip-permissions '${parts.join(',')}'`
}

/** The id of the site's own group of each role. */
function siteGroupIds(facts: SiteFacts, names: SiteNames): Partial<Record<SecurityGroupRole, string>> {
  const ids: Partial<Record<SecurityGroupRole, string>> = {}
  for (const group of facts.securityGroups) {
    const role = roleOf(group, names, facts.config.site)
    if (role && group.GroupId && !ids[role]) ids[role] = group.GroupId
  }

  return ids
}

/**
 * The roles a group's rules are judged as: its own, for one of the site's
 * groups; else the roles of the resources that carry it, so a group someone
 * added to the database is held to the database's rules.
 */
function judgedRoles(group: SecurityGroup, own: SecurityGroupRole | undefined, attachments: readonly Attachment[]): Array<SecurityGroupRole | undefined> {
  if (own) return [own]
  const carried = new Set(attachments.filter((a) => a.groupIds.includes(group.GroupId ?? '')).map((a) => a.role))
  return carried.size > 0 ? [...carried] : [undefined]
}

function securityGroupFindings(facts: SiteFacts, names: SiteNames, attachments: readonly Attachment[]): GroupFinding[] {
  const ids = siteGroupIds(facts, names)
  const clients = new Set([ids.web, ids.seed].filter((id): id is string => Boolean(id)))
  const ports = {cache: cachePort(facts.config), db: dbPort(facts.config), efs: 2049}
  const findings: GroupFinding[] = []
  const seen = new Set<string>()
  for (const group of facts.securityGroups) {
    const own = roleOf(group, names, facts.config.site)
    for (const role of judgedRoles(group, own, attachments)) {
      for (const permission of group.IpPermissions ?? []) {
        for (const source of sourcesOf(permission)) {
          const why = judgeRule(role, permission, source, {clients, ports})
          const key = `${group.GroupId}|${describePermission(permission)}|${source.value}`
          if (!why || seen.has(key)) continue
          seen.add(key)
          findings.push({foreign: own === undefined, group, permission, source, why})
        }
      }
    }
  }

  return findings
}

/** A resource without its role's group (it may carry others instead, or besides). */
interface MissingGroup {
  readonly attachment: Attachment
  readonly role: SecurityGroupRole
  /** The site's group of that role; undefined when it does not exist. */
  readonly groupId?: string
}

function missingGroups(facts: SiteFacts, names: SiteNames, attachments: readonly Attachment[]): MissingGroup[] {
  const ids = siteGroupIds(facts, names)
  const missing: MissingGroup[] = []
  for (const attachment of attachments) {
    const {role} = attachment
    if (!role) continue
    const groupId = ids[role]
    if (!groupId || !attachment.groupIds.includes(groupId)) missing.push({attachment, groupId, role})
  }

  return missing
}

const RESOURCE_LABELS: Readonly<Record<AttachmentKind, string>> = {
  'cache-cluster': 'cache cluster',
  'db-cluster': 'Aurora cluster',
  'db-instance': 'RDS instance',
  instance: 'instance',
  'mount-target': 'mount target',
}

function groupLabel(facts: SiteFacts, id: string): string {
  const name = facts.securityGroups.find((group) => group.GroupId === id)?.GroupName
  return name ? `${id} (${name})` : id
}

function describeMissing(facts: SiteFacts, names: SiteNames, missing: MissingGroup): string {
  const {attachment, groupId, role} = missing
  const wanted = `${names.securityGroup[role]}${groupId ? '' : ', which does not exist'}`
  return `${RESOURCE_LABELS[attachment.kind]} ${attachment.id} does not carry ${wanted} (it has ${listOf(attachment.groupIds.map((id) => groupLabel(facts, id)), 2)})`
}

/** The command that gives a resource its own group, and only that. */
function attachRemedy(missing: MissingGroup, names: SiteNames): string {
  const {attachment, groupId} = missing
  if (!groupId) return `Run \`hactl env create\`: it creates ${names.securityGroup[missing.role]}.`
  const {id, parent} = attachment
  switch (attachment.kind) {
    case 'cache-cluster': {
      return parent
        ? `aws elasticache modify-replication-group --replication-group-id ${parent} --security-group-ids ${groupId} --apply-immediately`
        : `aws elasticache modify-cache-cluster --cache-cluster-id ${id} --security-group-ids ${groupId} --apply-immediately`
    }

    case 'db-cluster': {
      return `aws rds modify-db-cluster --db-cluster-identifier ${id} --vpc-security-group-ids ${groupId} --apply-immediately`
    }

    case 'db-instance': {
      return `aws rds modify-db-instance --db-instance-identifier ${id} --vpc-security-group-ids ${groupId} --apply-immediately`
    }

    case 'instance': {
      return parent ? ebSetting(parent, EB.launch.namespace, EB.launch.SecurityGroups, groupId) : `aws ec2 modify-instance-attribute --instance-id ${id} --groups ${groupId}`
    }

    case 'mount-target': {
      return `aws efs modify-mount-target-security-groups --mount-target-id ${id} --security-groups ${groupId}`
    }
  }
}

/** Where a group hactl did not make is attached: `i-0aaa, hactl-demo-db`. */
function carriers(group: SecurityGroup, attachments: readonly Attachment[]): string[] {
  return attachments.filter((a) => a.groupIds.includes(group.GroupId ?? '')).map((a) => a.id)
}

/**
 * One phrase per group, its offending rules together: `sg-1 (web) admits
 * tcp/22 from 0.0.0.0/0, tcp/80 from ::/0`; the first rule's reason follows it.
 */
function describeFindings(findings: readonly GroupFinding[], attachments: readonly Attachment[]): string[] {
  const byGroup = new Map<string, GroupFinding[]>()
  for (const finding of findings) byGroup.set(finding.group.GroupId ?? '?', [...(byGroup.get(finding.group.GroupId ?? '?') ?? []), finding])
  return [...byGroup.values()].map((list, index) => {
    const [{foreign, group, why}] = list
    const on = foreign ? carriers(group, attachments) : []
    const label = `${group.GroupName ?? '?'}${on.length > 0 ? `, on ${listOf(on, 2)}` : ''}`
    const rules = list.map((f) => `${describePermission(f.permission)} from ${f.source.value}`)
    return `${group.GroupId} (${label}) admits ${listOf(rules, 3)}${index === 0 ? ` (${why})` : ''}`
  })
}

/**
 * EB's own instance group (`…-AWSEBSecurityGroup-…`, open to the world on 22
 * and 80) goes away with one setting rather than by revoking its rules, which
 * EB would put back.
 */
function ruleRemedies(findings: readonly GroupFinding[], attachments: readonly Attachment[]): string[] {
  const remedies: string[] = []
  const revokes: string[] = []
  for (const finding of findings) {
    const ebGroup = /AWSEBSecurityGroup/.test(finding.group.GroupName ?? '')
    const environment = attachments.find((a) => a.kind === 'instance' && a.parent && a.groupIds.includes(finding.group.GroupId ?? ''))?.parent
    if (ebGroup && environment) remedies.push(ebSetting(environment, EB.launch.namespace, EB.launch.DisableDefaultEC2SecurityGroup, 'true'))
    else revokes.push(revokeCommand(finding))
  }

  const shown = revokes.slice(0, 3)
  if (shown.length > 0) remedies.push(`Remove the rule${revokes.length > 1 ? 's' : ''}: ${shown.join('; ')}${revokes.length > 3 ? '; …' : ''}`)
  return [...new Set(remedies)]
}

/**
 * Every group of the site and every group attached to one of its resources
 * admits only what it must, and each resource carries its own hactl group.
 */
function checkSecurityGroups(facts: SiteFacts, names: SiteNames): Verdict {
  if (facts.securityGroups.length === 0) return skip(`no security groups tagged hactl:site=${facts.config.site} yet`)
  const attachments = attachmentsOf(facts)
  const missing = missingGroups(facts, names, attachments)
  const findings = securityGroupFindings(facts, names, attachments)
  if (missing.length === 0 && findings.length === 0) {
    const roled = attachments.filter((a) => a.role).length
    return pass(
      `${plural(facts.securityGroups.length, 'group')}: only the load balancer's listener is public; the data tier admits only web and seed; each of ${plural(roled, 'resource')} carries its own group`,
    )
  }

  const problems = [
    ...missing.map((m) => describeMissing(facts, names, m)),
    ...describeFindings(findings, attachments),
  ]
  const remedies = [...new Set(missing.map((m) => attachRemedy(m, names)))].slice(0, 2)
  return fail(listOf(problems, 2), [...remedies, ...ruleRemedies(findings, attachments)].join('; '))
}

export const securityGroups = defineCheck({id: 'security-groups', title: 'Security groups admit only what they must', needs: ['securityGroups'], judge: checkSecurityGroups})
