/**
 * The scripts `hactl bake` runs on the seed through SSM Run Command around
 * CreateImage. Each starts with a header line the sandbox knows it by
 * (src/sandbox/services/ssm-cron.ts; a test checks the two agree). POSIX sh:
 * AWS-RunShellScript runs the lines as one script with sh.
 *
 *   stop-cron  ─► clean (+ the marker again) ─► CreateImage ─► start-cron   (start-cron whatever happened)
 */
import {CRON_SERVICE, CRON_TIMER} from '../seed/cron'
import {STAGING_RUNNER} from '../staging/runner'

export const BAKE_SCRIPT_HEADERS = {
  stopCron: '# hactl bake: stop-cron',
  clean: '# hactl bake: clean',
  startCron: '# hactl bake: start-cron',
} as const

/** Exit code of stop-cron when a cron run outlasts the wait (EX_TEMPFAIL: try again later). */
export const CRON_BUSY_EXIT = 75

/**
 * Stops the timer, so no new run starts, then waits up to `waitSeconds` for a
 * run in progress to end. A oneshot service is `activating` while it runs
 * (`systemctl is-active` says no then), so the loop reads ActiveState.
 */
export function stopCronScript(waitSeconds: number): string {
  return `${BAKE_SCRIPT_HEADERS.stopCron}
# No new cron run may start while the image is taken, and none may be half done in it.
systemctl stop ${CRON_TIMER} || exit 1
waited=0
while :; do
  state=$(systemctl show --property=ActiveState --value ${CRON_SERVICE})
  case $state in
    activating|active|deactivating|reloading) ;;
    *) break ;;
  esac
  if [ "$waited" -ge ${waitSeconds} ]; then
    echo "${CRON_SERVICE} is still running after ${waitSeconds} s" >&2
    exit ${CRON_BUSY_EXIT}
  fi
  sleep 2
  waited=$((waited + 2))
done
echo "${CRON_TIMER} stopped; waited $waited s for ${CRON_SERVICE}"
`
}

/** Starts the timer again; on a seed it is enabled, so a reboot would start it too. */
export function startCronScript(): string {
  return `${BAKE_SCRIPT_HEADERS.startCron}
systemctl start ${CRON_TIMER} || exit 1
systemctl is-active ${CRON_TIMER}
`
}

/**
 * What the image must not carry, removed from the seed just before the
 * image is taken (the image is a copy of this disk, so whatever is removed
 * goes from the seed too — hence only what nobody needs):
 *
 * - shell, MariaDB/MySQL client and less histories of root and every user
 *   under /home: an admin's `mysql -p…` or an exported key typed in a
 *   Session Manager shell would be on disk in clear, and the staging
 *   secrets check scans the app, /etc, /var/log and /tmp, not home
 *   directories;
 * - then `sync`, so a --no-reboot image has it all on disk.
 *
 * Kept, and why: anything under /run (tmpfs: the rendered secrets and the
 * staging work directories are gone at the next boot); cloud-init's state
 * (kept per instance id: an instance launched from the image is a new
 * instance and runs its per-instance steps anyway, while `cloud-init clean`
 * would make the seed itself run its boot again on the CreateImage reboot);
 * the SSM agent's registration (an EC2 instance registers by its own
 * identity); logs and the staging reports (no secrets — the staging secrets
 * check covers /var/log — and they are the seed's own history).
 */
export function cleanScript(): string {
  return `${BAKE_SCRIPT_HEADERS.clean}
for home in /root /home/*; do
  [ -d "$home" ] || continue
  rm -f -- "$home/.bash_history" "$home/.sh_history" "$home/.mysql_history" "$home/.mariadb_history" "$home/.lesshst" "$home/.python_history"
done
sync
echo "hactl bake: cleaned"
# The marker once cron is stopped: the bake images only the code the gate judged.
${STAGING_RUNNER} --marker
`
}
