/**
 * What an app (WordPress, Moodle) changes in how hactl runs it, as behaviour
 * rather than data: where its code and uploads live on an instance, the cron
 * command line, the health endpoint, the nginx front-controller fallback.
 * The hactl.yml defaults stay in `src/config/app-defaults.ts` (config sits
 * below apps); a profile reads them from there, so each value has one home.
 */
import {type AppName, type AppProfileDefaults, HEALTH_ENDPOINT} from '../config'

/**
 * Where the baked code lives on the seed and on every web node: outside
 * `/var/app`, which EB redeploys on every new instance (`.platform/README.md`).
 */
export const CODE_DIR = '/opt/hactl/app'

/**
 * Where a relative uploads path is mounted; the app's directory is a link to
 * it (`.platform/hooks/predeploy/10-hactl-webroot.sh`).
 */
export const RELATIVE_UPLOADS_MOUNT = '/mnt/hactl-uploads'

/**
 * How nginx finds the app's router for a path that is no file: when `marker`
 * exists in the web root, the request goes to `target` (the original URI and
 * query string stay in REQUEST_URI and QUERY_STRING, which both apps route on).
 */
export interface FrontController {
  /** A file only this app has at its web root, e.g. `wp-load.php`. */
  readonly marker: string
  /** The script that routes, e.g. `/index.php`. */
  readonly target: string
  /** Why, one line, written into the nginx file. */
  readonly why: string
}

/** Where uploads are on an instance, for a configured `uploads.path`. */
export interface UploadsLocation {
  /** Where the EFS access point is mounted. */
  readonly mount: string
  /** The link inside the code that points at the mount; absent when the app is told the mount's path itself. */
  readonly link?: string
}

/**
 * One staging check the app owns, run on the seed by the staging runner
 * (src/staging/runner.ts): a POSIX sh function body, run as the runner's
 * least-privileged user in the code directory, under one time limit. It ends
 * with `pass MESSAGE`, `fail MESSAGE` or `skip MESSAGE` (the runner's
 * helpers, which print the message and exit). Also available: `$APP_DIR`,
 * `$WEB_ROOT` (`$APP_DIR/public` when it exists, Moodle >= 5.1), `$MANIFEST`,
 * `verdict OUTPUT` (passes output that starts with "ok: ", fails anything else),
 * `$SITE_PHP` (the rendered config), `site_value KEY` (one of its values,
 * e.g. `db.host`), `app_php FILE ARGS...` (PHP CLI in the code directory).
 * Checks must be safe on production data: read-only, or write-then-delete
 * under a unique name.
 */
export interface AppStagingCheck {
  /** Stable id, one of `STAGING_CHECKS` (src/config/constants.ts): reports, `--only`, history use it. */
  readonly id: string
  /** One line: what a pass means. */
  readonly summary: string
  /** The sh function body. */
  readonly script: string
}

/** What the staging runner needs to know about an app, besides its own checks. */
export interface AppStagingProfile {
  /** The login page and a marker only the real login form has. */
  readonly login: {readonly path: string; readonly marker: string}
  /** A static file of the release, served by nginx without PHP. */
  readonly staticAsset: string
  /** A PHP snippet, run in the code directory, that prints the app's version. */
  readonly versionPhp: string
  /**
   * A PHP snippet, run in the code directory, that prints the code's database
   * schema version: what the code expects the database to be at (WordPress
   * `$wp_db_version`, Moodle `$version`). An image whose code is older than the
   * live database's schema must not go live again (src/bake/schema-guard.ts).
   */
  readonly codeSchemaPhp: string
  /**
   * The SELECT (one row, one column) that reads the database's schema version,
   * with the table prefix site.php's config file uses (src/seed/app-config).
   */
  readonly dbSchemaSql: string
  /** A sh command, run in the code directory, that prints the installed plugins and themes with their versions, one a line. */
  readonly pluginsCommand: string
  /** Paths (relative to the code) left out of the change marker: uploads, caches, anything the app writes at run time. */
  readonly markerExcludes: readonly string[]
  /**
   * When set, `staging-manifest record` writes the md5 of every code file but
   * these (relative paths) right after install, and a check verifies it.
   */
  readonly coreManifestExcludes?: readonly string[]
  /** The app's own checks (the common ones are in src/staging/checks.ts). */
  readonly checks: readonly AppStagingCheck[]
}

export interface AppProfile {
  readonly app: AppName
  /** Display name, e.g. "WordPress". */
  readonly label: string
  /** The hactl.yml defaults for this app. */
  readonly defaults: AppProfileDefaults
  /** The baked code's root on an instance (WordPress ABSPATH, Moodle's config.php). */
  readonly codeDir: string
  /** Web roots the app may have under `codeDir`, most specific first ('' is `codeDir` itself). */
  readonly webRoots: readonly string[]
  /** The path the load balancer checks: hactl's own health script, the same for every app. */
  readonly healthEndpoint: string
  readonly frontController: FrontController
  /** The mount and link for a configured uploads path. */
  uploadsLocation(configured: string): UploadsLocation
  /** The shell command line that runs the app's cron once, from the code root. */
  cronCommandLine(command?: string): string
  /** The staging runner's app part: login page, static asset, version, plugins, own checks. */
  readonly stagingChecks: AppStagingProfile
}

/**
 * The profile fields every app computes the same way, from its defaults.
 * An app module spreads this and adds what is its own.
 */
export function commonProfile(app: AppName, defaults: AppProfileDefaults): Omit<AppProfile, 'frontController' | 'stagingChecks' | 'webRoots'> {
  return {
    app,
    codeDir: CODE_DIR,
    cronCommandLine: (command = defaults.cronCommand) => `cd ${CODE_DIR} && ${command}`,
    defaults,
    healthEndpoint: HEALTH_ENDPOINT,
    label: defaults.label,
    uploadsLocation: (configured) => uploadsLocation(configured),
  }
}

/** Same rule as the predeploy hook: an absolute path is the mount itself, a relative one is linked under the code. */
function uploadsLocation(configured: string): UploadsLocation {
  const path = configured.replace(/\/+$/, '')
  if (path.startsWith('/')) return {mount: path}
  return {link: `${CODE_DIR}/${path}`, mount: RELATIVE_UPLOADS_MOUNT}
}
