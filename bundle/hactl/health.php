<?php
// hactl's health endpoint, /hactl-health.php: what the load balancer checks.
//
// The predeploy hook copies this file into the baked code's web root. It
// loads the app's own config, opens the database and the cache, and answers
// 200 only when the app could serve a page: 503 when anything fails, when the
// app is in maintenance, or when an upgrade is pending (the new code must not
// take traffic before the seed has upgraded the database).
//
// An app page is no health check: the load balancer does not send the site's
// Host header, and Moodle answers a host mismatch with a 200 redirect page.
// Before the first bake the holding page answers this path instead (the hook
// copies index.html here), so a new environment goes Green.
//
// The answer names checks only, never hosts or errors (the path is public);
// the reason goes to PHP's error log.

// HACTL_SYSROOT is the hooks' test seam (unset on an instance): a prefix for system paths.
define('HACTL_CODE_DIR', (getenv('HACTL_SYSROOT') ?: '') . '/opt/hactl/app');

header('Cache-Control: no-store');
header('Content-Type: application/json');

/** Ends the request with the verdict. */
function hactl_answer(bool $ok, array $checks): never
{
    http_response_code($ok ? 200 : 503);
    echo json_encode(['status' => $ok ? 'ok' : 'unavailable', 'checks' => $checks]), "\n";
    exit;
}

/** Fails with one check's name; the reason is logged, not shown. */
function hactl_fail(array $checks, string $check, string $reason): never
{
    error_log("hactl-health: $check: $reason");
    $checks[$check] = 'fail';
    hactl_answer(false, $checks);
}

/** Which app the baked code is: the environment property, else the files. */
function hactl_app(): string
{
    $app = getenv('HACTL_APP');
    if ($app === 'wordpress' || $app === 'moodle') {
        return $app;
    }
    if (is_file(HACTL_CODE_DIR . '/wp-load.php')) {
        return 'wordpress';
    }
    if (is_file(HACTL_CODE_DIR . '/config.php')) {
        return 'moodle';
    }
    return 'unknown';
}

/** WordPress before loading: a .maintenance file means it shows its maintenance page. */
function hactl_wordpress_maintenance(): array
{
    if (is_file(HACTL_CODE_DIR . '/.maintenance')) {
        hactl_fail([], 'maintenance', 'WordPress has a .maintenance file');
    }
    return ['maintenance' => 'ok'];
}

/** WordPress after wp-load.php (SHORTINIT): $wpdb, the schema version, the object cache. */
function hactl_check_wordpress(array $checks): array
{
    global $wpdb, $wp_db_version;
    if (!isset($wpdb) || $wpdb->get_var('SELECT 1') !== '1') {
        hactl_fail($checks, 'database', 'SELECT 1 failed: ' . ($wpdb->last_error ?? 'no $wpdb'));
    }
    $checks['database'] = 'ok';
    $stored = (int) $wpdb->get_var("SELECT option_value FROM {$wpdb->options} WHERE option_name = 'db_version'");
    if ($stored !== (int) $wp_db_version) {
        hactl_fail($checks, 'upgrade', "database version $stored, code expects $wp_db_version");
    }
    $checks['upgrade'] = 'ok';
    $checks['cache'] = hactl_round_trip(
        function (string $key, string $value): bool {
            return wp_cache_set($key, $value, 'hactl', 60) && wp_cache_get($key, 'hactl', true) === $value;
        },
        wp_using_ext_object_cache(),
        $checks
    );
    return $checks;
}

/** Moodle after lib/setup.php: maintenance, the database, upgrade state, the application cache (MUC). */
function hactl_check_moodle(): array
{
    global $CFG, $DB;
    $checks = [];
    if (!empty($CFG->maintenance_enabled) || is_file($CFG->dataroot . '/climaintenance.html')) {
        hactl_fail($checks, 'maintenance', 'Moodle is in maintenance mode');
    }
    $checks['maintenance'] = 'ok';
    if ($DB->get_field('config', 'value', ['name' => 'version']) === false) {
        hactl_fail($checks, 'database', 'no version row in config');
    }
    $checks['database'] = 'ok';
    if (moodle_needs_upgrading()) {
        hactl_fail($checks, 'upgrade', 'moodle_needs_upgrading() is true');
    }
    $checks['upgrade'] = 'ok';
    $checks['cache'] = hactl_round_trip(
        function (string $key, string $value): bool {
            $cache = \cache::make_from_params(\cache_store::MODE_APPLICATION, 'hactl', 'health');
            return $cache->set($key, $value) && $cache->get($key) === $value;
        },
        true,
        $checks
    );
    return $checks;
}

/**
 * The load balancer sends its own Host; make the request look like one to
 * wwwroot so Moodle's setup does not answer with its host-mismatch redirect.
 */
function hactl_pose_as_wwwroot(string $wwwroot, bool $sslproxy): void
{
    $url = parse_url($wwwroot);
    if (!is_array($url) || empty($url['host'])) {
        hactl_fail([], 'config', '$CFG->wwwroot is not a URL');
    }
    $https = ($url['scheme'] ?? 'http') === 'https';
    $_SERVER['HTTP_HOST'] = $url['host'] . (isset($url['port']) ? ':' . $url['port'] : '');
    $_SERVER['SERVER_NAME'] = $url['host'];
    $_SERVER['SERVER_PORT'] = (string) ($url['port'] ?? ($https && !$sslproxy ? 443 : 80));
    if ($https && !$sslproxy) {
        $_SERVER['HTTPS'] = 'on';
    }
}

/**
 * Writes and reads back one key. With no cache configured in the app there
 * is nothing of the app's to open: the site's cache endpoint is then only
 * checked for a TCP connection, so an unreachable cache still fails.
 */
function hactl_round_trip(callable $roundTrip, bool $appCache, array $checks): string
{
    $key = 'hactl-health-' . gethostname();
    $value = (string) time();
    if ($appCache) {
        if (!$roundTrip($key, $value)) {
            hactl_fail($checks, 'cache', 'the app cache did not return what was written');
        }
        return 'ok';
    }
    $host = getenv('HACTL_CACHE_ENDPOINT');
    $port = (int) getenv('HACTL_CACHE_PORT');
    if ($host === false || $host === '' || $port <= 0) {
        return 'not configured';
    }
    $socket = @fsockopen($host, $port, $errno, $error, 2.0);
    if ($socket === false) {
        hactl_fail($checks, 'cache', "no connection to the cache endpoint: $error ($errno)");
    }
    fclose($socket);
    return 'reachable';
}

// The apps are loaded at file scope, as their own entry points do: WordPress's
// wp-config.php and Moodle's config.php set variables that must be globals.
try {
    $hactl_app = hactl_app();
    if ($hactl_app === 'wordpress') {
        $hactl_checks = hactl_wordpress_maintenance();
        // SHORTINIT stops wp-settings.php after the database and the object cache.
        define('SHORTINIT', true);
        require HACTL_CODE_DIR . '/wp-load.php';
        hactl_answer(true, hactl_check_wordpress($hactl_checks));
    }
    if ($hactl_app === 'moodle') {
        define('NO_MOODLE_COOKIES', true);
        // A pending upgrade is our 503, instead of setup redirecting to admin/.
        define('NO_UPGRADE_CHECK', true);
        // Stop after config, so the Host can be set before setup compares it with
        // wwwroot (theme/styles.php does the same with ABORT_AFTER_CONFIG_CANCEL).
        define('ABORT_AFTER_CONFIG', true);
        require HACTL_CODE_DIR . '/config.php';
        hactl_pose_as_wwwroot((string) $CFG->wwwroot, !empty($CFG->sslproxy));
        define('ABORT_AFTER_CONFIG_CANCEL', true);
        require $CFG->dirroot . '/lib/setup.php';
        hactl_answer(true, hactl_check_moodle());
    }
    hactl_fail([], 'app', 'no WordPress or Moodle under ' . HACTL_CODE_DIR);
} catch (\Throwable $e) {
    hactl_fail([], 'exception', get_class($e) . ': ' . $e->getMessage());
}
