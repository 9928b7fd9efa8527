/**
 * How long simulated things take, in simulated milliseconds. One table so the
 * specs (services/*.md) and the code agree, and so a test can read the figure
 * instead of repeating it.
 */
export const DURATIONS = {
  /** RunInstances → `running`. Typical for a current-generation EBS-backed Linux instance: 30–40 s. */
  instancePending: 35_000,
  /** `running` → status checks `ok`. Typical: EC2 reports `initializing` for 2–4 minutes after boot. */
  instanceStatusInitializing: 3 * 60_000,
  /** TerminateInstances → `terminated`. Typical: `shutting-down` lasts 30–60 s. */
  instanceShuttingDown: 45_000,
  /** How long a terminated instance stays visible. AWS: "remains visible … for approximately one hour". */
  terminatedVisible: 60 * 60_000,
  /** ModifyInstanceMetadataOptions → State `applied`. Typical: a few seconds. */
  metadataOptionsApply: 5_000,
  /** CreateImage → `available` (or `failed`). Typical for an 8 GiB gp3 root volume: 3–5 minutes. */
  imagePending: 4 * 60_000,
  /**
   * CreateImage without NoReboot: EC2 shuts the instance down and boots it
   * again; its SSM agent is offline meanwhile. Typical for AL2023: under a
   * minute to boot, and the agent reconnects soon after. UNVERIFIED figure.
   */
  imageReboot: 60_000,
  /** CreateFileSystem → `available`. Typical: well under a minute. */
  efsCreating: 30_000,
  /** CreateMountTarget → `available`. Typical: 1–2 minutes. */
  efsMountTargetCreating: 90_000,
  /** DeleteMountTarget → gone. Typical: about a minute. */
  efsMountTargetDeleting: 60_000,
  /** DeleteFileSystem → gone. */
  efsDeleting: 30_000,
  /** CreateDBInstance (RDS, Multi-AZ) → `backing-up`. Typical: 10–15 minutes. */
  rdsInstanceCreating: 11 * 60_000,
  /** `backing-up` (first automated snapshot) → `available`. */
  rdsBackingUp: 2 * 60_000,
  /** CreateDBCluster (Aurora) → `available`. The cluster alone: about 5 minutes. */
  auroraClusterCreating: 5 * 60_000,
  /** CreateDBInstance in an Aurora cluster → `available` (created alongside the cluster). Typical: 8–12 minutes. */
  auroraInstanceCreating: 9 * 60_000,
  /** DeleteDBInstance / DeleteDBCluster → gone (a final snapshot included). Typical: 5–10 minutes. */
  rdsDeleting: 6 * 60_000,
  /** CreateReplicationGroup (Redis, Multi-AZ) → `available`. Typical: 8–12 minutes. */
  cacheReplicationGroupCreating: 10 * 60_000,
  /** CreateCacheCluster (Memcached) → `available`. Typical: 5–8 minutes. */
  cacheClusterCreating: 6 * 60_000,
  /** Delete replication group / cache cluster → gone. */
  cacheDeleting: 5 * 60_000,
  /** CreateEnvironment → `Ready` (load balancer, Auto Scaling group, instances, first deployment). Typical: 5–8 minutes. */
  ebEnvironmentLaunching: 6 * 60_000,
  /** UpdateEnvironment (configuration change without instance replacement) → `Ready`. */
  ebEnvironmentUpdating: 2 * 60_000,
  /** TerminateEnvironment → `Terminated`. Typical: 3–6 minutes. */
  ebEnvironmentTerminating: 4 * 60_000,
  /** How long a terminated environment stays visible to DescribeEnvironments. AWS: about an hour. */
  ebTerminatedVisible: 60 * 60_000,
  /**
   * `running` → the SSM agent registered (DescribeInstanceInformation: Online).
   * UNVERIFIED figure (AWS-NOTES-2 B.4: "typically 1–3 min" after launch): the
   * agent starts early in boot and registers within about a minute.
   */
  ssmRegistration: 60_000,
  /**
   * `running` → the seed's boot script reports (SSM `/hactl/<site>/seed/boot`):
   * dnf installs, building phpredis with pecl, fetching the code, mounting EFS,
   * rendering the configuration. Typical figure for a t3.small: about 5 minutes.
   */
  seedBoot: 5 * 60_000,
  /** The seed's cron timer period (`OnCalendar=*:*:00`, src/seed/cron.ts): every minute, on the minute. */
  seedCronPeriod: 60_000,
  /** How long one simulated cron run takes (the heartbeat's `seconds`). */
  seedCronRun: 2_000,
  /** SendCommand → the invocation is visible (GetCommandInvocation answers InvocationDoesNotExist before: eventual consistency). */
  ssmInvocationVisible: 1_000,
  /** SendCommand → the agent picks it up (`Pending` → `InProgress`). Typical: a second or two. */
  ssmCommandDelivery: 2_000,
  /** `InProgress` → done for a command that takes no time of its own (`sleep N` adds N s). */
  ssmCommandRun: 1_000,
  /**
   * How far back the advance phase catches up recurring work (advance.ts):
   * simulated time runs on between processes, and a schedule left alone for
   * a real day at 120x must not fire for all of those 120 simulated days.
   */
  advanceCatchUp: 24 * 60 * 60_000,
  /**
   * A rolling batch's new instances: launch → healthy. Pending (~35 s), the
   * application deployment, then "all instances must pass 12 health checks
   * over the course of two minutes" (EB, rolling updates by health).
   */
  ebBatchHealthy: 35_000 + 60_000 + 2 * 60_000,
  /** Between one rolling batch ending and the next starting (CloudFormation's bookkeeping). */
  ebBatchGap: 10_000,
  /**
   * The `alarm-fires` fault: DescribeAlarms → the alarms it named in ALARM.
   * About when a rollout's first new batch has taken traffic for a while
   * (launch + health checks ≈ 3¾ min), so the alarm fires mid-rollout.
   */
  alarmFires: 5 * 60_000,
  /** Default `Timeout` of a health-based rolling update (`PT30M`): a batch not healthy by then fails the update. */
  ebRollingTimeout: 30 * 60_000,
  /**
   * A lock file this old (real time) is taken to be a crashed hactl's and is broken.
   * A call holds the lock for milliseconds; the margin covers a holder that is
   * alive but stopped for a while (Ctrl-Z, a debugger, a slow disk).
   */
  staleLockRealMs: 30_000,
} as const
