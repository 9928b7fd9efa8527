/**
 * Moodle's config.php as hactl bakes it into the code: no secret in it, only
 * a `require` of the file render-config writes under /run. dataroot (and so
 * tempdir, cachedir, backuptempdir) on EFS, localcachedir on local disk,
 * sessions in Redis, database locks, and no plugin installs from the web
 * except on the seed (AWS-NOTES §5.1).
 */
import {RUN_DIR} from '../pointers'
import {hstsPhp, loadRenderedSitePhp, type AppConfigOptions} from './wordpress'

/** Moodle's per-node cache: local disk, never EFS ("intended for local node caching", config-dist.php). */
export const MOODLE_LOCAL_CACHE = '/var/cache/hactl/moodle'

export function renderMoodleConfig(options: AppConfigOptions = {}): string {
  const runDir = options.runDir ?? RUN_DIR
  return `<?php
/**
 * Written by hactl. Holds no secret: the database and cache credentials come
 * from ${runDir}/site.php, which hactl-config.service renders at boot into
 * tmpfs from Secrets Manager (and refreshes every few minutes).
 */
unset($CFG);
global $CFG;
$CFG = new stdClass();

${loadRenderedSitePhp(runDir)}

$hactl_engine = $hactl['db']['engine'];
$hactl_postgres = str_contains($hactl_engine, 'postgres');
$CFG->dbtype = $hactl_postgres ? 'pgsql' : ($hactl_engine === 'mariadb' ? 'mariadb' : ($hactl_engine === 'aurora-mysql' ? 'auroramysql' : 'mysqli'));
$CFG->dblibrary = 'native';
$CFG->dbhost = $hactl['db']['host'];
$CFG->dbname = $hactl['db']['name'];
$CFG->dbuser = $hactl['db']['user'];
$CFG->dbpass = $hactl['db']['password'];
$CFG->prefix = 'mdl_';
$CFG->dboptions = [
    'dbpersist' => false,
    'dbport' => $hactl['db']['port'],
    'dbsocket' => '',
    // The app's DB user is created REQUIRE SSL (MySQL) / the server forces TLS (Postgres).
    'ssl' => 'require',
];
if ($hactl['db']['reader'] !== '') {
    $CFG->dboptions['readonly'] = ['instance' => [$hactl['db']['reader']]];
}

$CFG->wwwroot = $hactl['url'];
// TLS ends at the load balancer: with an https wwwroot Moodle must not
// redirect the plain-HTTP requests the load balancer forwards to it.
$CFG->sslproxy = str_starts_with($hactl['url'], 'https://');
${hstsPhp("$CFG->sslproxy && !$hactl_seed")}
$CFG->dataroot = $hactl['uploads'];
$CFG->localcachedir = '${MOODLE_LOCAL_CACHE}';
$CFG->admin = 'admin';
$CFG->directorypermissions = 02770;

if ($hactl['cache']['engine'] === 'redis') {
    $CFG->session_handler_class = '\\core\\session\\redis';
    $CFG->session_redis_host = $hactl['cache']['host'];
    $CFG->session_redis_port = $hactl['cache']['port'];
    $CFG->session_redis_encrypt = $hactl['cache']['tls'];
    $CFG->session_redis_auth = $hactl['cache']['password'];
    $CFG->session_redis_prefix = $hactl['site'] . '_sess_';
    $CFG->session_redis_acquire_lock_timeout = 120;
    $CFG->session_redis_lock_expire = 7200;
}
// Locks every node sees: file locks on EFS are not to be trusted.
if (!$hactl_postgres) {
    $CFG->lock_factory = '\\core\\lock\\db_record_lock_factory';
}

// Code changes only on the seed, whose code is baked into every web node.
$CFG->disableupdateautodeploy = !$hactl_seed;
$CFG->preventexecpath = true;

require_once(__DIR__ . '/lib/setup.php');
`
}
