/**
 * The seed serves the site itself, for admins and the staging tests, with
 * its own nginx and PHP-FPM: complete configuration files under /etc/hactl/
 * and their own units, gated on the role like cron. Nothing in the places EB
 * owns on a web node (AWS-NOTES-2 B.1): no server block in
 * /etc/nginx/conf.d/*.conf (a second default server would break EB's nginx),
 * nothing under /var/app, no /var/www/html. On a web node baked from the
 * seed the units are there but their ExecCondition says no at every start.
 *
 *   hactl-seed-nginx.service ─► /etc/hactl/nginx.conf ─(fastcgi)─► /run/hactl-seed-php-fpm.sock
 *   hactl-seed-php-fpm.service ─► /etc/hactl/php-fpm.conf (pool as the PHP user)
 *   both: ExecCondition=role-is-seed, After=hactl-config.service
 */
import {SEED_LIBEXEC, type SeedFile} from './cron'

export const SEED_NGINX_SERVICE = 'hactl-seed-nginx.service'
export const SEED_PHP_FPM_SERVICE = 'hactl-seed-php-fpm.service'
export const SEED_NGINX_CONF = '/etc/hactl/nginx.conf'
export const SEED_PHP_FPM_CONF = '/etc/hactl/php-fpm.conf'

/**
 * The bundle's PHP settings (.ebextensions/10-hactl-php.config: the
 * zz-hactl.ini drop-in, and memory_limit as an EB option). A test keeps them
 * in step with the bundle.
 */
export const HACTL_PHP_SETTINGS: Readonly<Record<string, string>> = {
  expose_php: 'Off',
  max_input_vars: '5000',
  memory_limit: '512M',
  post_max_size: '130M',
  upload_max_filesize: '128M',
}

/** The front controller per app: what nginx serves when no file matches. */
export const FRONT_CONTROLLER: Readonly<Record<'moodle' | 'wordpress', string>> = {
  // Moodle 5.1's router (r.php); older Moodle has none, and r.php then answers 404 as it should.
  moodle: '/r.php',
  wordpress: '/index.php?$args',
}

export interface SeedWebOptions {
  /** The document root. @default '/opt/hactl/webroot' */
  readonly root?: string
  /** `try_files $uri $uri/ <this>`. */
  readonly frontController: string
  /** The PHP user and group (the pool runs as it; nginx workers too). Omitted: no `user` lines (a test as non-root). @default 'webapp' */
  readonly user?: string | null
  /** What nginx listens on. @default '80' */
  readonly listen?: string
  /** PHP-FPM's socket. @default '/run/hactl-seed-php-fpm.sock' */
  readonly socket?: string
  /** Pid files, temp paths and logs go under these (test seams). */
  readonly runDir?: string
  readonly stateDir?: string
  readonly logDir?: string
}

function withDefaults(options: SeedWebOptions) {
  return {
    listen: options.listen ?? '80',
    logDir: options.logDir ?? '/var/log/hactl',
    root: options.root ?? '/opt/hactl/webroot',
    runDir: options.runDir ?? '/run',
    socket: options.socket ?? '/run/hactl-seed-php-fpm.sock',
    stateDir: options.stateDir ?? '/var/lib/hactl/seed-nginx',
    user: options.user === undefined ? 'webapp' : options.user,
  }
}

/** A whole nginx.conf for the seed's own nginx: EB's include directory is never touched. */
export function seedNginxConf(options: SeedWebOptions): string {
  const o = withDefaults(options)
  const temp = (name: string): string => `${o.stateDir}/${name}`
  return `# hactl: the seed's own nginx (${SEED_NGINX_SERVICE}); EB's nginx and /etc/nginx/conf.d are not used.
${o.user ? `user ${o.user};\n` : ''}worker_processes auto;
pid ${o.runDir}/hactl-seed-nginx.pid;
error_log ${o.logDir}/seed-nginx-error.log warn;

events {
  worker_connections 1024;
}

http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log ${o.logDir}/seed-nginx-access.log;
  server_tokens off;
  sendfile on;
  # As .platform/nginx/conf.d/hactl.conf: uploads up to PHP's post_max_size.
  client_max_body_size 130m;
  client_body_temp_path ${temp('client_body')};
  fastcgi_temp_path ${temp('fastcgi')};
  proxy_temp_path ${temp('proxy')};
  uwsgi_temp_path ${temp('uwsgi')};
  scgi_temp_path ${temp('scgi')};

  server {
    listen ${o.listen} default_server;
    root ${o.root};
    index index.php index.html;

    # The front controller, as on the web nodes.
    location / {
      try_files $uri $uri/ ${options.frontController};
    }

    # As EB's PHP platform: PHP files with PATH_INFO.
    location ~ \\.(php|phar)(/.*)?$ {
      fastcgi_split_path_info ^(.+\\.(?:php|phar))(/.*)$;
      try_files $fastcgi_script_name =404;
      fastcgi_intercept_errors on;
      fastcgi_index index.php;
      include /etc/nginx/fastcgi_params;
      fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
      fastcgi_param PATH_INFO $fastcgi_path_info;
      fastcgi_pass unix:${o.socket};
    }
  }
}
`
}

/** A whole PHP-FPM configuration with one pool, with the bundle's PHP settings. */
export function seedPhpFpmConf(options: SeedWebOptions): string {
  const o = withDefaults(options)
  const settings = Object.entries(HACTL_PHP_SETTINGS)
    .filter(([name]) => name !== 'expose_php')
    .map(([name, value]) => `php_admin_value[${name}] = ${value}`)
  return `; hactl: the seed's own PHP-FPM (${SEED_PHP_FPM_SERVICE}); EB's php-fpm pool is not used.
[global]
pid = ${o.runDir}/hactl-seed-php-fpm.pid
error_log = ${o.logDir}/seed-php-fpm.log
daemonize = no

[hactl-seed]
${o.user ? `user = ${o.user}\ngroup = ${o.user}\nlisten.owner = ${o.user}\nlisten.group = ${o.user}\n` : ''}listen = ${o.socket}
listen.mode = 0660
pm = dynamic
pm.max_children = 8
pm.start_servers = 2
pm.min_spare_servers = 1
pm.max_spare_servers = 3
; The bundle's PHP settings (.ebextensions/10-hactl-php.config); expose_php is php.ini-only (zz-hactl.ini).
${settings.join('\n')}
`
}

/** The bundle's zz-hactl.ini, for the seed (EB writes the same file on web nodes). */
export function hactlPhpIni(): string {
  const lines = Object.entries(HACTL_PHP_SETTINGS).filter(([name]) => name !== 'memory_limit')
  return `; Written by hactl's seed boot, the same as .ebextensions/10-hactl-php.config writes on web nodes.
${lines.map(([name, value]) => `${name} = ${value}`).join('\n')}
`
}

function seedUnit(description: string, execStart: string[], after: string): string {
  return `# hactl: ${description}. Runs only where hactl:role is "seed" (checked at every start).
[Unit]
Description=hactl: ${description} (seed only)
After=network-online.target hactl-config.service ${after}
Wants=hactl-config.service

[Service]
ExecCondition=${SEED_LIBEXEC}/role-is-seed
LogsDirectory=hactl
${execStart.join('\n')}
Restart=on-failure
RestartSec=5

[Install]
WantedBy=multi-user.target
`
}

export function seedPhpFpmUnit(): string {
  return seedUnit('the seed\'s own PHP-FPM', [`ExecStart=/usr/sbin/php-fpm --nodaemonize --fpm-config ${SEED_PHP_FPM_CONF}`], '')
}

export function seedNginxUnit(): string {
  return seedUnit(
    'the seed\'s own nginx',
    [
      'StateDirectory=hactl/seed-nginx hactl/seed-nginx/client_body hactl/seed-nginx/fastcgi hactl/seed-nginx/proxy hactl/seed-nginx/uwsgi hactl/seed-nginx/scgi',
      `ExecStartPre=/usr/sbin/nginx -t -q -c ${SEED_NGINX_CONF}`,
      `ExecStart=/usr/sbin/nginx -c ${SEED_NGINX_CONF} -g 'daemon off;'`,
      'ExecReload=/bin/kill -HUP $MAINPID',
    ],
    SEED_PHP_FPM_SERVICE,
  )
}

/** Every file of the seed's web server, in install order. */
export function seedWebFiles(options: SeedWebOptions): SeedFile[] {
  return [
    {content: hactlPhpIni(), mode: 0o644, path: '/etc/php.d/zz-hactl.ini'},
    {content: seedPhpFpmConf(options), mode: 0o644, path: SEED_PHP_FPM_CONF},
    {content: seedNginxConf(options), mode: 0o644, path: SEED_NGINX_CONF},
    {content: seedPhpFpmUnit(), mode: 0o644, path: `/etc/systemd/system/${SEED_PHP_FPM_SERVICE}`},
    {content: seedNginxUnit(), mode: 0o644, path: `/etc/systemd/system/${SEED_NGINX_SERVICE}`},
  ]
}
