/**
 * The PHP helper behind the staging runner (`staging-probe.php`): what sh
 * cannot do well — read the rendered site.php, speak to the database and the
 * cache over TLS with the app's own credentials, read JSON, write the report
 * with correct escaping. PHP is on every node; no extension beyond the
 * platform's (mysqli / pgsql, openssl streams) is needed. No subcommand ever
 * prints a secret.
 *
 *   value KEY            one value of site.php by dotted key (db.host); secrets refused
 *   db                   the writer (and the reader, if any) answer over TLS
 *   schema SQL           the database's schema version (the app's SELECT), on the writer over TLS
 *   cache                the cache answers over TLS (Redis AUTH + PING, Memcached version)
 *   secrets FILE         writes site.php's secrets to FILE, one a line (for grep -F -f)
 *   heartbeat FILE MAX   the cron heartbeat is younger than MAX seconds and exited 0
 *   report               the report JSON from the runner's environment and results file
 *   summary              the report on stdin, cut to fit an SSM parameter
 */
import {REPORT_VERSION, SUMMARY_MAX_CHARS} from './record'

export function stagingProbePhp(): string {
  return `<?php
// hactl: staging runner helper (see src/staging/probe.ts). Never prints a secret.
function out(string $line, int $code): void { echo $line, "\\n"; exit($code); }

function site(): array {
    $file = getenv('SITE_PHP') ?: '/run/hactl/site.php';
    if (!is_readable($file)) out("cannot read $file (is the runner's user in the PHP group?)", 1);
    $site = include $file;
    if (!is_array($site)) out("$file does not return an array", 1);
    return $site;
}

function tls_context(): array {
    // Verified against the system's CAs (ElastiCache uses public ones); HACTL_STAGING_CAFILE is a test seam.
    $ssl = ['verify_peer' => true, 'verify_peer_name' => true];
    $ca = getenv('HACTL_STAGING_CAFILE');
    if ($ca) $ssl['cafile'] = $ca;
    return ['ssl' => $ssl];
}

// Connects as the app does (its own user, TLS); [connection, description] or out() with why not.
function db_connect(array $db, string $host, string $what): array {
    $engine = $db['engine'];
    if (str_contains($engine, 'postgres')) {
        if (!function_exists('pg_connect')) out("$what: PHP has no pgsql extension", 1);
        $dsn = sprintf("host='%s' port=%d dbname='%s' user='%s' password='%s' sslmode=require connect_timeout=5",
            addslashes($host), $db['port'], addslashes($db['name']), addslashes($db['user']), addslashes($db['password']));
        $c = @pg_connect($dsn);
        if (!$c) out("$what $host: cannot connect as {$db['user']} over TLS", 1);
        $r = pg_fetch_row(pg_query($c, 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()'));
        if (($r[0] ?? 'f') !== 't') out("$what $host: connected, but not over TLS", 1);
        return [$c, "$what $host as {$db['user']} over TLS"];
    }
    mysqli_report(MYSQLI_REPORT_OFF);
    $m = mysqli_init();
    $m->options(MYSQLI_OPT_CONNECT_TIMEOUT, 5);
    // The same flag as the app's wp-config.php / Moodle dboptions: TLS, as RDS's CA is not in the system store.
    if (!@$m->real_connect($host, $db['user'], $db['password'], $db['name'], (int) $db['port'], null, MYSQLI_CLIENT_SSL)) {
        out("$what $host:{$db['port']}: cannot connect as {$db['user']} over TLS (" . mysqli_connect_errno() . ')', 1);
    }
    $r = $m->query("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
    $cipher = $r ? ($r->fetch_row()[1] ?? '') : '';
    if ($cipher === '') out("$what $host: connected, but not over TLS", 1);
    return [$m, "$what $host as {$db['user']} over TLS ($cipher)"];
}

// The first column of the first row, or null when there is none (false: the query failed).
function db_value($c, string $sql): string|null|false {
    if ($c instanceof mysqli) {
        $r = $c->query($sql);
        if (!$r) return false;
        $row = $r->fetch_row();
        return $row === null ? null : (string) $row[0];
    }
    $r = @pg_query($c, $sql);
    if (!$r) return false;
    $row = pg_fetch_row($r);
    return $row === false ? null : (string) $row[0];
}

function db_probe(array $db, string $host, string $what): string {
    [$c, $said] = db_connect($db, $host, $what);
    if (db_value($c, 'SELECT 1') !== '1') out("$what $host: SELECT 1 failed", 1);
    return $said;
}

// The database's schema version, read on the writer with the app's credentials (the SELECT comes from the app's profile).
function schema_probe(array $db, string $sql): string {
    if (!preg_match('/^SELECT [^;]+$/i', $sql)) out('schema: give one SELECT', 2);
    [$c] = db_connect($db, $db['host'], 'writer');
    $v = db_value($c, $sql);
    if ($v === false) out("writer {$db['host']}: the schema version query failed (is the app installed?)", 1);
    if ($v === null || !preg_match('/^[0-9]+(\\.[0-9]+)?$/', trim($v))) out("writer {$db['host']}: no schema version in the database (is the app installed?)", 1);
    return trim($v);
}

function cache_probe(array $cache): string {
    if ($cache['host'] === '') out('no cache endpoint in site.php', 1);
    if (!$cache['tls']) out('the pointers turn the cache\\'s in-transit encryption off (cacheTls false)', 1);
    $where = "{$cache['host']}:{$cache['port']}";
    $s = @stream_socket_client("tls://$where", $errno, $error, 5, STREAM_CLIENT_CONNECT, stream_context_create(tls_context()));
    if (!$s) out("$where: no TLS connection ($error)", 1);
    stream_set_timeout($s, 5);
    $send = function (array $words) use ($s): string {
        $cmd = '*' . count($words) . "\\r\\n";
        foreach ($words as $w) $cmd .= '$' . strlen($w) . "\\r\\n$w\\r\\n";
        fwrite($s, $cmd);
        return trim((string) fgets($s));
    };
    if ($cache['engine'] === 'memcached') {
        fwrite($s, "version\\r\\n");
        $line = trim((string) fgets($s));
        if (!str_starts_with($line, 'VERSION')) out("$where: memcached did not answer version", 1);
        return "memcached $where over TLS: $line";
    }
    if ($cache['password'] !== '') {
        $auth = $send($cache['user'] !== '' ? ['AUTH', $cache['user'], $cache['password']] : ['AUTH', $cache['password']]);
        if ($auth !== '+OK') out("$where: AUTH refused", 1);
    }
    $pong = $send(['PING']);
    if ($pong !== '+PONG') out("$where: PING answered " . substr($pong, 0, 60), 1);
    return "redis $where over TLS" . ($cache['password'] !== '' ? ' with AUTH' : '') . ': PONG';
}

function results(string $file): array {
    $checks = [];
    foreach (file($file, FILE_IGNORE_NEW_LINES) ?: [] as $line) {
        [$id, $status, $ms, $message] = array_pad(explode("\\t", $line, 4), 4, '');
        $checks[] = ['id' => $id, 'status' => $status, 'ms' => (int) $ms, 'message' => $message];
    }
    return $checks;
}

// At most $bytes bytes, never half a UTF-8 character.
function cut(string $text, int $bytes): string {
    return strlen($text) <= $bytes ? $text : (string) iconv('UTF-8', 'UTF-8//IGNORE', substr($text, 0, $bytes));
}

function env(string $name): string { return (string) getenv($name); }

function report(): void {
    $checks = results(env('HACTL_R_RESULTS'));
    $failed = array_filter($checks, fn ($c) => $c['status'] === 'fail');
    $marker = json_decode(env('HACTL_R_MARKER'), true) ?: new stdClass();
    // A scheduled run that did not run: frozen, or backoff.
    $skipped = env('HACTL_R_SKIPPED');
    echo json_encode([
        'version' => ${REPORT_VERSION},
        'runId' => env('HACTL_R_RUN_ID'),
        'site' => env('HACTL_R_SITE'),
        'app' => env('HACTL_R_APP'),
        'instance' => env('HACTL_R_INSTANCE'),
        'trigger' => env('HACTL_R_TRIGGER'),
        'started' => env('HACTL_R_STARTED'),
        'finished' => env('HACTL_R_FINISHED'),
        'marker' => $marker,
        'selection' => env('HACTL_R_SELECTION'),
        'checks' => $checks,
        'result' => $skipped ? 'skip' : ($failed || !$checks ? 'fail' : 'pass'),
    ] + ($skipped ? ['skipped' => $skipped] : []), JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE), "\\n";
}

// The summary: messages of failures first go, then get shorter, until it fits.
function summary(): void {
    $report = json_decode(stream_get_contents(STDIN), true);
    if (!is_array($report)) out('no report on stdin', 1);
    foreach ([300, 120, 40, 0] as $keep) {
        $s = $report;
        $s['checks'] = array_map(function ($c) use ($keep) {
            $short = ['id' => $c['id'], 'status' => $c['status'], 'ms' => $c['ms']];
            if ($c['status'] === 'fail' && $keep > 0) $short['message'] = cut($c['message'], $keep);
            return $short;
        }, $report['checks']);
        $json = json_encode($s, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE);
        // Bytes, not characters: never more characters than bytes, and no mbstring needed.
        if (strlen($json) <= ${SUMMARY_MAX_CHARS}) out($json, 0);
    }
    out('the summary does not fit an SSM parameter', 1);
}

$cmd = $argv[1] ?? '';
switch ($cmd) {
    case 'value':
        $key = $argv[2] ?? '';
        if (str_contains($key, 'password') || str_starts_with($key, 'keys')) out('refusing to print a secret', 2);
        $v = site();
        foreach (explode('.', $key) as $k) $v = is_array($v) ? ($v[$k] ?? '') : '';
        out(is_bool($v) ? ($v ? 'true' : 'false') : (string) $v, 0);
    case 'db':
        $site = site();
        $lines = [db_probe($site['db'], $site['db']['host'], 'writer')];
        if (($site['db']['reader'] ?? '') !== '') $lines[] = db_probe($site['db'], $site['db']['reader'], 'reader');
        out(implode('; ', $lines), 0);
    case 'schema':
        out(schema_probe(site()['db'], $argv[2] ?? ''), 0);
    case 'cache':
        out(cache_probe(site()['cache']), 0);
    case 'secrets':
        $site = site();
        $all = array_merge([$site['db']['password'] ?? '', $site['cache']['password'] ?? ''], array_values(is_array($site['keys'] ?? null) ? $site['keys'] : []));
        // Short values would match everywhere; no hactl secret is that short.
        $all = array_values(array_unique(array_filter(array_map('strval', $all), fn ($x) => strlen($x) >= 8 && !str_contains($x, "\\n"))));
        file_put_contents($argv[2], $all ? implode("\\n", $all) . "\\n" : '');
        out((string) count($all), 0);
    case 'heartbeat':
        $file = $argv[2] ?? '';
        $max = (int) ($argv[3] ?? 0);
        $beat = is_readable($file) ? json_decode((string) file_get_contents($file), true) : null;
        if (!is_array($beat) || !isset($beat['at'])) out("no cron heartbeat at $file: has cron run on this seed?", 1);
        $age = time() - strtotime($beat['at']);
        if ($age > $max) out(sprintf('the last cron run ended %d min ago (limit %d min)', intdiv($age, 60), intdiv($max, 60)), 1);
        if (($beat['exit'] ?? 1) !== 0) out(sprintf('the last cron run exited %d (%d s ago)', $beat['exit'], $age), 1);
        out("the last cron run ended $age s ago and exited 0", 0);
    case 'report':
        report();
        exit(0);
    case 'summary':
        summary();
    default:
        out('usage: staging-probe.php value KEY | db | schema SQL | cache | secrets FILE | heartbeat FILE MAX | report | summary', 2);
}
`
}
