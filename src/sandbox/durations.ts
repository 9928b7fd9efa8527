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
   * A lock file this old (real time) is taken to be a crashed hactl's and is broken.
   * A call holds the lock for milliseconds; the margin covers a holder that is
   * alive but stopped for a while (Ctrl-Z, a debugger, a slow disk).
   */
  staleLockRealMs: 30_000,
} as const
