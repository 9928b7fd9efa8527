/** WordPress: one web root (the code root), every pretty URL through index.php. */
import {APP_PROFILES} from '../config'

import {type AppProfile, type AppStagingProfile, commonProfile} from './profile'

/**
 * WordPress's staging checks. Those that need WordPress itself load it
 * (`wp-load.php`) as the runner's user, so they use the app's own database
 * connection, credentials and TLS flags, and change nothing. They print
 * "ok: …" and `verdict` passes only that: WordPress answers a dead database
 * with an error page and exit status 0.
 */
const stagingChecks: AppStagingProfile = {
  checks: [
    {
      id: 'wp-core-checksums',
      // Offline: the manifest is recorded by `staging-manifest record` right after
      // the boot script unpacks the release (src/staging/manifest.ts says why).
      script: `[ -r "$MANIFEST" ] || fail "no core checksum manifest at $MANIFEST (recorded at install by staging-manifest record)"
changed=$(md5sum --quiet -c "$MANIFEST" 2>/dev/null | sed -n 's/: FAILED.*$//p' | head -n 5 | tr '\\n' ' ')
[ -z "$changed" ] || fail "core files differ from the release: $changed"
extra=$(find wp-admin wp-includes -type f -name '*.php' 2>/dev/null | LC_ALL=C sort | awk 'NR==FNR { sub(/^[0-9a-f]+  \\.\\//, ""); known[$0] = 1; next } { sub(/^\\.\\//, "") } !($0 in known)' "$MANIFEST" - | head -n 5 | tr '\\n' ' ')
[ -z "$extra" ] || fail "PHP files in wp-admin/wp-includes that the release does not have: $extra"
pass "$(wc -l <"$MANIFEST" | tr -d ' ') core files match the release"`,
      summary: 'Core files (everything but wp-content and wp-config.php) match the release as installed; no extra PHP in wp-admin or wp-includes.',
    },
    {
      id: 'wp-db-tables',
      script: `out=$(app_php -r 'require "wp-load.php"; global $wpdb;
$want = array_values($wpdb->tables("all"));
$have = $wpdb->get_col("SHOW TABLES");
$missing = array_diff($want, $have);
if ($missing) { echo "missing tables: ", implode(" ", $missing); exit(1); }
$bad = [];
foreach ($want as $t) { foreach ($wpdb->get_results("CHECK TABLE \`$t\` QUICK") as $r) { if ($r->Msg_type === "error" || ($r->Msg_type === "status" && $r->Msg_text !== "OK")) $bad[] = "$t: $r->Msg_text"; } }
if ($bad) { echo implode("; ", $bad); exit(1); }
if (!get_option("siteurl")) { echo "no siteurl option"; exit(1); }
echo "ok: ", count($want), " core tables present and OK";' 2>&1)
verdict "$out"`,
      summary: 'WordPress connects with its own credentials; every core table exists and CHECK TABLE QUICK says OK.',
    },
    {
      id: 'wp-cron-due',
      script: `out=$(app_php -r 'require "wp-load.php";
$late = 0; $oldest = 0; $now = time();
foreach ((array) _get_cron_array() as $at => $hooks) { if ($at < $now - 900) { $late += count($hooks); $oldest = max($oldest, $now - $at); } }
if ($late > 0) { printf("%d cron events are more than 15 min overdue (oldest by %d min): is the cron timer running?", $late, intdiv($oldest, 60)); exit(1); }
echo "ok: no cron event more than 15 min overdue";' 2>&1)
verdict "$out"`,
      summary: 'No scheduled WordPress cron event is more than 15 minutes overdue (the seed\'s cron keeps up).',
    },
    {
      id: 'wp-cron-disabled',
      script: `out=$(app_php -r 'require "wp-load.php";
echo defined("DISABLE_WP_CRON") && DISABLE_WP_CRON ? "ok: page-view cron is off (the seed\\x27s timer runs it)" : "DISABLE_WP_CRON is not set: page views would run cron on every web node";' 2>&1)
verdict "$out"`,
      summary: 'Page-view cron is off (DISABLE_WP_CRON): only the seed\'s timer runs cron.',
    },
  ],
  // Core is everything but wp-content (plugins, themes, uploads change legitimately) and the config hactl writes.
  coreManifestExcludes: ['wp-content', 'wp-config.php'],
  login: {marker: 'id="user_login"', path: '/wp-login.php'},
  // Uploads, caches and upgrade scratch are written at run time.
  markerExcludes: ['wp-content/uploads', 'wp-content/cache', 'wp-content/upgrade', 'wp-content/upgrade-temp-backup'],
  // One line per plugin, must-use plugin and theme, with its Version header.
  pluginsCommand: `for f in wp-content/plugins/*/*.php wp-content/plugins/*.php wp-content/mu-plugins/*.php wp-content/themes/*/style.css; do [ -f "$f" ] && printf '%s %s\\n' "$f" "$(grep -m 1 -i -E '^[[:space:]*]*Version:' "$f" | tr -d '\\r')"; done | grep -v ' $'; true`,
  staticAsset: '/wp-includes/css/dashicons.min.css',
  versionPhp: 'include "wp-includes/version.php"; echo $wp_version;',
  codeSchemaPhp: 'include "wp-includes/version.php"; echo $wp_db_version;',
  // $table_prefix in wp-config.php (src/seed/app-config/wordpress.ts); WordPress writes db_version when update-db has run.
  dbSchemaSql: "SELECT option_value FROM wp_options WHERE option_name = 'db_version'",
}

export const wordpress: AppProfile = {
  ...commonProfile('wordpress', APP_PROFILES.wordpress),
  frontController: {
    marker: 'wp-load.php',
    target: '/index.php',
    why: 'WordPress: pretty permalinks and /wp-json/ are routed by index.php',
  },
  stagingChecks,
  webRoots: [''],
}
