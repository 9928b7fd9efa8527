import type {RegionState, SandboxServiceName, SimulatedService} from './types'

/*
 * The one table of simulated services: what the sandbox needs to know about
 * each without loading its module (service modules load on first use, so a
 * process that only calls STS never loads the EC2 simulation).
 */

export interface ServiceEntry {
  /** Loads the service's module (`await import`) and returns its simulation. */
  readonly load: () => Promise<SimulatedService>
  /**
   * Its part of a region in the state file, when it registers an advance phase:
   * while that part exists, the module is loaded before any call so its
   * deferred work materialises whichever service is called.
   */
  readonly advancesSlice?: keyof RegionState
}

export const SERVICES: Readonly<Record<SandboxServiceName, ServiceEntry>> = {
  sts: {load: async () => (await import('./services/sts')).sts},
  ec2: {load: async () => (await import('./services/ec2')).ec2},
  ssm: {load: async () => (await import('./services/ssm')).ssm},
  elasticbeanstalk: {load: async () => (await import('./services/eb')).eb, advancesSlice: 'eb'},
  efs: {load: async () => (await import('./services/efs')).efs},
  rds: {load: async () => (await import('./services/rds')).rds},
  elasticache: {load: async () => (await import('./services/elasticache')).elasticache},
  s3: {load: async () => (await import('./services/s3')).s3},
  secretsmanager: {load: async () => (await import('./services/secretsmanager')).secretsmanager},
  iam: {load: async () => (await import('./services/iam')).iam},
}

/** The services with an advance phase that have a part in this region. */
export function advancingServices(region: RegionState | undefined): SandboxServiceName[] {
  if (region === undefined) return []
  return (Object.keys(SERVICES) as SandboxServiceName[]).filter((name) => {
    const slice = SERVICES[name].advancesSlice
    return slice !== undefined && region[slice] !== undefined
  })
}
