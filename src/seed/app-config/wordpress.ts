/**
 * WordPress's wp-config.php as hactl bakes it into the code: no secret in it,
 * only a `require` of the file render-config writes under /run, so the file
 * can sit in every AMI. The role (seed | web), rendered beside the secrets,
 * decides whether the admin pages may change code: an admin who installs a
 * plugin on a web node loses it at the next scale-in, so only the seed may.
 */
import {RUN_DIR} from '../pointers'

export interface AppConfigOptions {
  /** Where render-config writes site.php; a test seam. @default '/run/hactl' */
  readonly runDir?: string
}

/** The salts WordPress wants; every node must use the same ones, or logins drop between nodes. */
export const WORDPRESS_KEYS = ['AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT'] as const

/**
 * PHP that sends Strict-Transport-Security on HTTPS responses when the
 * rendered site asks for it (hactl.yml https.hstsMaxAge, 0 = off: the
 * default for the first rollout, since a browser that saw the header refuses
 * plain HTTP for max-age seconds, even if the certificate breaks).
 */
export function hstsPhp(httpsCondition: string): string {
  return `$hactl_hsts = (int) ($hactl['hstsMaxAge'] ?? 0);
if ($hactl_hsts > 0 && PHP_SAPI !== 'cli' && ${httpsCondition}) {
    header('Strict-Transport-Security: max-age=' . $hactl_hsts);
}`
}

/** PHP that loads the rendered site, or answers 503 (a load balancer then keeps this node out). */
export function loadRenderedSitePhp(runDir: string): string {
  return `$hactl_file = '${runDir}/site.php';
if (!is_readable($hactl_file)) {
    // Not rendered yet (boot), or rendering failed: refuse rather than guess.
    if (PHP_SAPI !== 'cli') {
        http_response_code(503);
        header('Retry-After: 30');
    }
    fwrite(defined('STDERR') ? STDERR : fopen('php://stderr', 'w'), "hactl: $hactl_file is missing: is hactl-config.service running?\\n");
    exit(1);
}
$hactl = require $hactl_file;
$hactl_seed = ($hactl['role'] ?? 'web') === 'seed';`
}

export function renderWpConfig(options: AppConfigOptions = {}): string {
  const runDir = options.runDir ?? RUN_DIR
  const keys = WORDPRESS_KEYS.map((name) => `'${name}'`).join(', ')
  return `<?php
/**
 * Written by hactl. Holds no secret: the database and cache credentials come
 * from ${runDir}/site.php, which hactl-config.service renders at boot into
 * tmpfs from Secrets Manager (and refreshes every few minutes).
 */
${loadRenderedSitePhp(runDir)}

define('DB_NAME', $hactl['db']['name']);
define('DB_USER', $hactl['db']['user']);
define('DB_PASSWORD', $hactl['db']['password']);
define('DB_HOST', $hactl['db']['host'] . ':' . $hactl['db']['port']);
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
// The app's DB user is created REQUIRE SSL: connect over TLS.
define('MYSQL_CLIENT_FLAGS', MYSQLI_CLIENT_SSL);
$table_prefix = 'wp_';

// Salts from the app secret; if it has none, derived from the app's DB
// password, which every node shares and no disk holds.
foreach ([${keys}] as $hactl_key) {
    define($hactl_key, $hactl['keys'][$hactl_key] ?? hash_hmac('sha256', $hactl_key, $hactl['db']['password']));
}

// Cron runs only on the seed (hactl-cron.timer: php wp-cron.php), never on page views.
define('DISABLE_WP_CRON', true);
// Code changes only on the seed, whose code is baked into every web node.
define('DISALLOW_FILE_MODS', !$hactl_seed);
define('AUTOMATIC_UPDATER_DISABLED', !$hactl_seed);

if ($hactl['cache']['engine'] === 'redis') {
    // For the Redis Object Cache plugin (its object-cache.php drop-in is code, baked).
    define('WP_REDIS_CLIENT', 'phpredis');
    define('WP_REDIS_SCHEME', $hactl['cache']['tls'] ? 'tls' : 'tcp');
    define('WP_REDIS_HOST', $hactl['cache']['host']);
    define('WP_REDIS_PORT', $hactl['cache']['port']);
    if ($hactl['cache']['password'] !== '') {
        define('WP_REDIS_PASSWORD', $hactl['cache']['user'] !== '' ? [$hactl['cache']['user'], $hactl['cache']['password']] : $hactl['cache']['password']);
    }
    define('WP_REDIS_PREFIX', $hactl['site'] . ':');
    define('WP_REDIS_DATABASE', 0);
    define('WP_REDIS_TIMEOUT', 1);
    define('WP_REDIS_READ_TIMEOUT', 1);
} elseif ($hactl['cache']['engine'] === 'memcached') {
    $memcached_servers = ['default' => [$hactl['cache']['host'] . ':' . $hactl['cache']['port']]];
}

if ($hactl['url'] !== '') {
    define('WP_HOME', $hactl['url']);
    define('WP_SITEURL', $hactl['url']);
}
// TLS ends at the load balancer. Trust X-Forwarded-Proto only on a web node:
// its security group admits only the load balancer, which sets the header;
// on the seed (reached through an SSM tunnel) anyone could send it.
if (!$hactl_seed && ($_SERVER['HTTP_X_FORWARDED_PROTO'] ?? '') === 'https') {
    $_SERVER['HTTPS'] = 'on';
}
${hstsPhp("!empty($_SERVER['HTTPS']) && $_SERVER['HTTPS'] !== 'off'")}
// Uploads: wp-content/uploads is a link to the EFS mount (the seed's boot and
// EB's predeploy hook make it), so WordPress's default path is right.

if (!defined('ABSPATH')) {
    define('ABSPATH', __DIR__ . '/');
}
require_once ABSPATH . 'wp-settings.php';
`
}
