/**
 * The app's own database user, made by the seed with the RDS-managed master
 * secret (invariant 5): RDS rotates the master password every 7 days, so a
 * site that rendered it would break within a week. The app user's password
 * lives in its own secret (dbAppSecretArn), which RDS does not rotate; this
 * step makes the database agree with it, every boot (idempotent). The master
 * password is held in a variable and handed to the client in its
 * environment, never written to a file or a command line.
 *
 *   pointers ─► master secret ─┐
 *            └► app secret  ───┴─► mysql/psql over TLS: create or update the user, grant on the site's database only
 */
import {type SeedFile, SEED_LIBEXEC} from './cron'
import {pointerFunctions} from './render-config'

export function dbAppUserScript(): string {
  return `#!/bin/bash
# hactl: creates or updates the app's own DB user from the master secret, with
# rights on the site's database only, TLS required. Idempotent; run at every
# seed boot. No password is written to disk, logged or put on a command line.
set -euo pipefail
umask 077

readonly TAG=hactl-db-user
${pointerFunctions()}
# TLS required: the client refuses a server that does not offer it.
# (Certificate verification needs the RDS CA bundle: not done yet.)
MYSQL_TLS=(--ssl)

# SQL string literals. MySQL's default mode reads backslashes as escapes;
# Postgres (standard_conforming_strings) does not.
mysql_string() {
  local value=\${1//\\\\/\\\\\\\\}
  value=\${value//\\'/\\'\\'}
  printf "'%s'" "$value"
}
postgres_string() {
  local value=\${1//\\'/\\'\\'}
  printf "'%s'" "$value"
}

# Identifiers are checked, not quoted: a site's names are simple.
check_identifier() {
  [[ $1 =~ ^[A-Za-z_][A-Za-z0-9_]{0,62}$ ]] || die "$2 \\"$1\\" is not a plain SQL identifier"
}

# The statements go to the client on a pipe from printf (a builtin): no
# password on a command line, and none in a here-document's temporary file.
mysql_app_user() {
  local user=$1 password
  password=$(mysql_string "$2")
  printf '%s\\n' \\
    "CREATE DATABASE IF NOT EXISTS \\\`$db\\\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;" \\
    "CREATE USER IF NOT EXISTS '$user'@'%' IDENTIFIED BY $password REQUIRE SSL;" \\
    "ALTER USER '$user'@'%' IDENTIFIED BY $password REQUIRE SSL;" \\
    "GRANT ALL PRIVILEGES ON \\\`$db\\\`.* TO '$user'@'%';" |
    MYSQL_PWD="$master_password" mysql "\${MYSQL_TLS[@]}" --batch --connect-timeout=10 -h "$host" -P "$port" -u "$master_user"
}

postgres_app_user() {
  local user=$1 password
  password=$(postgres_string "$2")
  # The app user owns the site's database and its public schema, so Moodle can
  # create its tables (Postgres 15+ no longer lets PUBLIC create in public).
  printf '%s\\n' \\
    "SELECT 'CREATE ROLE \\"$user\\" LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$user')\\\\gexec" \\
    "ALTER ROLE \\"$user\\" WITH LOGIN PASSWORD $password;" \\
    "GRANT \\"$user\\" TO CURRENT_USER;" \\
    "SELECT 'CREATE DATABASE \\"$db\\" OWNER \\"$user\\"' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$db')\\\\gexec" \\
    "ALTER DATABASE \\"$db\\" OWNER TO \\"$user\\";" \\
    "\\\\connect \\"$db\\"" \\
    "ALTER SCHEMA public OWNER TO \\"$user\\";" |
    PGPASSWORD="$master_password" PGSSLMODE=require PGCONNECT_TIMEOUT=10 \\
      psql -v ON_ERROR_STOP=1 -q -h "$host" -p "$port" -U "$master_user" -d postgres
}

# Prints one field of a secret's JSON ($1: the JSON, $2: the field).
secret_field() { HACTL_JSON="$1" php -f "$LIBEXEC/site-json.php" field "$2"; }

site=$(site_name)
region=$(aws_region) || die "cannot tell the AWS region (AWS_REGION unset and instance metadata unreachable)"
export AWS_DEFAULT_REGION="$region" AWS_REGION="$region"
read_pointers "$site"

engine=$(pointer dbEngine)
host=$(pointer dbEndpoint)
port=$(pointer dbPort)
db=$(pointer dbName)
check_identifier "$db" "the database name"
master=$(secret "$(pointer dbSecretArn)")
app=$(secret "$(pointer dbAppSecretArn)")
master_user=$(secret_field "$master" username)
master_password=$(secret_field "$master" password)
app_user=$(secret_field "$app" username)
app_password=$(secret_field "$app" password)
[[ -n $master_user && -n $master_password ]] || die "the master secret has no username or password"
[[ -n $app_password ]] || die "the app secret has no password"
check_identifier "$app_user" "the app DB user"

case $engine in
  *postgres*) postgres_app_user "$app_user" "$app_password" ;;
  *) mysql_app_user "$app_user" "$app_password" ;;
esac
log "app DB user $app_user has its password from the app secret and rights on $db only ($engine at $host:$port, TLS required)"
`
}

/** The file the seed installs for it. */
export function dbUserFiles(): SeedFile[] {
  return [{content: dbAppUserScript(), mode: 0o755, path: `${SEED_LIBEXEC}/db-app-user`}]
}
