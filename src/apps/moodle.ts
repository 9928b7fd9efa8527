/**
 * Moodle: from 5.1 the web root is `public/` under the code root and paths
 * that are no file go to the router, `r.php`. Older versions serve the code
 * root and route through PATH_INFO (slash arguments), which EB's php.conf
 * already passes; they have no `r.php`, so the fallback leaves them alone.
 */
import {APP_PROFILES} from '../config'

import {type AppProfile, type AppStagingProfile, commonProfile} from './profile'

/**
 * Moodle's staging checks: its own CLI scripts, whose exit codes are their
 * contract (admin/cli/checks.php: NRPE 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN;
 * check_database_schema.php: 0 "Database structure is ok.", 2 not installed;
 * upgrade.php --is-pending: 2 when an upgrade is pending). All read-only.
 */
const stagingChecks: AppStagingProfile = {
  checks: [
    {
      id: 'moodle-checks',
      script: `out=$(app_php "$WEB_ROOT"/admin/cli/checks.php 2>&1); code=$?
head=$(printf '%s\\n' "$out" | head -n 1)
case $code in
  0) pass "$head" ;;
  1) pass "warnings only: $head" ;;
  *) fail "exit $code: $head" ;;
esac`,
      summary: 'admin/cli/checks.php reports no CRITICAL or UNKNOWN status check (warnings pass, named).',
    },
    {
      id: 'moodle-db-schema',
      script: `out=$(app_php "$WEB_ROOT"/admin/cli/check_database_schema.php 2>&1); code=$?
[ "$code" -eq 0 ] && pass "$(printf '%s\\n' "$out" | head -n 1)"
fail "exit $code: $(printf '%s\\n' "$out" | grep -v '^-*$' | head -n 3 | tr '\\n' ' ')"`,
      summary: 'admin/cli/check_database_schema.php finds the database structure matches install.xml.',
    },
    {
      id: 'moodle-no-pending-upgrade',
      script: `app_php "$WEB_ROOT"/admin/cli/upgrade.php --is-pending >/dev/null 2>&1; code=$?
case $code in
  0) pass "no upgrade pending" ;;
  2) fail "an upgrade is pending: run admin/cli/upgrade.php on the seed before baking" ;;
  *) fail "upgrade.php --is-pending exited $code" ;;
esac`,
      summary: 'admin/cli/upgrade.php --is-pending exits 0 (exit 2 means the code is newer than the database).',
    },
    {
      id: 'moodle-cron-age',
      script: `last=$(app_php "$WEB_ROOT"/admin/cli/cfg.php --component=tool_task --name=lastcronstart 2>/dev/null | tr -dc '0-9')
[ -n "$last" ] || fail "Moodle has no record of a cron run (tool_task lastcronstart)"
age=$(( $(date +%s) - last ))
[ "$age" -le 600 ] || fail "Moodle's cron last started $((age / 60)) min ago (limit 10 min)"
pass "Moodle's cron last started $age s ago"`,
      summary: 'Moodle\'s own record of its last cron start (tool_task lastcronstart) is under 10 minutes old.',
    },
  ],
  login: {marker: 'id="username"', path: '/login/index.php'},
  // $CFG->dataroot and localcachedir are outside the code; nothing else is written there.
  markerExcludes: [],
  // Every plugin (and core) has a version.php naming its component and version.
  pluginsCommand: `find . -name version.php -not -path './vendor/*' -not -path './node_modules/*' | LC_ALL=C sort | xargs grep -H -E '^[$](plugin->(component|version)|version|release)[[:space:]]*='`,
  staticAsset: '/pix/moodlelogo.svg',
  versionPhp: 'define("MOODLE_INTERNAL", 1); $plugin = new stdClass(); include (is_file("public/version.php") ? "public/version.php" : "version.php"); echo $release;',
  codeSchemaPhp: 'define("MOODLE_INTERNAL", 1); $plugin = new stdClass(); include (is_file("public/version.php") ? "public/version.php" : "version.php"); echo $version;',
  // $CFG->prefix in config.php (src/seed/app-config/moodle.ts); admin/cli/upgrade.php moves it.
  dbSchemaSql: "SELECT value FROM mdl_config WHERE name = 'version'",
}

export const moodle: AppProfile = {
  ...commonProfile('moodle', APP_PROFILES.moodle),
  frontController: {
    marker: 'r.php',
    target: '/r.php',
    why: 'Moodle >= 5.1: its router, r.php (older Moodle has none and keeps the 404)',
  },
  stagingChecks,
  webRoots: ['public', ''],
}
