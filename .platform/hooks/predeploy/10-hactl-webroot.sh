#!/bin/bash
# Chooses what this instance serves. hactl sets document_root=/public, and the
# bundle's own public/ is a holding page. Code baked into the AMI lives outside
# /var/app (EB redeploys this bundle over /var/app on every new instance):
#
#   /var/app/staging/public -> /opt/hactl/webroot -> /opt/hactl/app[/public]
#
# Baked: public/ becomes a link to /opt/hactl/webroot, a relative uploads
# path under the app is linked to the EFS mount made in prebuild, and hactl's
# health endpoint (the bundle's hactl/health.php) is copied into the web root
# as /hactl-health.php, where the load balancer's check finds it.
# Not baked yet (before the first rollout): the holding page stays, and is
# also put at the app's health check path so the load balancer's checks pass
# and the environment goes Green.
# Runs in the staging directory, on every deployment; safe to run again.
set -euo pipefail

# Test seams; unset on an instance.
GET_CONFIG="${HACTL_GET_CONFIG:-/opt/elasticbeanstalk/bin/get-config}"
SYSROOT="${HACTL_SYSROOT:-}"

readonly HACTL_DIR="$SYSROOT/opt/hactl"
readonly WEBROOT="$HACTL_DIR/webroot"
readonly APP_DIR="$HACTL_DIR/app"
readonly RELATIVE_MOUNT="$SYSROOT/mnt/hactl-uploads"
# In the bundle (staging directory), outside public/: served only through the copy.
readonly HEALTH_SCRIPT=hactl/health.php
readonly HEALTH_ENDPOINT=hactl-health.php

log() { printf 'hactl: %s\n' "$*"; }
die() {
  printf 'hactl: ERROR: %s\n' "$*" >&2
  exit 1
}
prop() { "$GET_CONFIG" environment -k "$1" 2>/dev/null || true; }

# Links <app>/<relative uploads path> to the EFS mount, unless it already is.
link_uploads() {
  local relative=${1%/} link target
  if [[ -z $relative || $relative == /* ]]; then
    return
  fi
  if [[ ! $relative =~ ^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$ || /$relative/ == */../* || /$relative/ == */./* ]]; then
    die "HACTL_UPLOADS_PATH \"$1\" must be a path of letters, digits, '.', '_', '-' and '/', without '.' or '..' segments"
  fi
  mountpoint -q "$RELATIVE_MOUNT" ||
    die "$RELATIVE_MOUNT is not mounted, so $APP_DIR/$relative cannot point at EFS (see the prebuild hook's log)"
  link="$APP_DIR/$relative"
  if [[ -L $link ]]; then
    target=$(readlink -- "$link")
    if [[ $target == "$RELATIVE_MOUNT" ]]; then
      log "$link already points at the EFS mount"
      return
    fi
  elif [[ -d $link ]]; then
    if [[ -n $(ls -A -- "$link") ]]; then
      die "$link is a directory with files in the baked code, not a link to EFS: uploads would land on local disk. Move them to EFS on the seed, link the directory to the mount there, test, bake and roll out again"
    fi
    rmdir -- "$link"
  elif [[ -e $link ]]; then
    die "$link exists and is neither a directory nor a link"
  fi
  mkdir -p -- "$(dirname -- "$link")"
  ln -sfn -- "$RELATIVE_MOUNT" "$link"
  log "linked $link -> $RELATIVE_MOUNT (EFS)"
}

# A copy, not a link: the baked code must not depend on /var/app/current,
# which EB replaces while it deploys. Copied on every deployment, so the
# bundle's version always wins over one left in the image.
install_health_endpoint() {
  [[ -f $HEALTH_SCRIPT ]] ||
    die "no $PWD/$HEALTH_SCRIPT in the bundle: the load balancer's health check would get a 404 from the baked code"
  install -m 0644 -- "$HEALTH_SCRIPT" "$WEBROOT/$HEALTH_ENDPOINT"
  log "health endpoint: $WEBROOT/$HEALTH_ENDPOINT (checks the app's database and cache)"
}

serve_baked_code() {
  install_health_endpoint
  rm -rf -- public
  ln -s -- "$WEBROOT" public
  log "serving the baked code: public -> $WEBROOT -> $(readlink -f -- "$WEBROOT")"
  link_uploads "$(prop HACTL_UPLOADS_PATH)"
}

# Copies the holding page to the health check path (/hactl-health.php, or one
# the user chose; PHP prints a file without PHP tags as it is).
serve_holding_page() {
  local health_path file
  [[ -f public/index.html && ! -L public ]] ||
    die "no holding page at $PWD/public/index.html and no baked code at $WEBROOT"
  health_path=$(prop HACTL_HEALTH_PATH)
  log "no baked code yet ($WEBROOT is missing): serving the holding page"
  if [[ -z $health_path || $health_path == / ]]; then
    return
  fi
  if [[ ! $health_path =~ ^(/[A-Za-z0-9._~:@+,=-]+)+/?$ || $health_path/ == */../* || $health_path/ == */./* ]]; then
    die "HACTL_HEALTH_PATH \"$health_path\" must be a URL path such as /wp-login.php: letters, digits and ._~:@+,=- between slashes, without '.' or '..' segments"
  fi
  file="public$health_path"
  if [[ $file == */ ]]; then
    file="${file}index.html"
  fi
  if [[ $file == public/index.html ]]; then
    return
  fi
  mkdir -p -- "$(dirname -- "$file")"
  cp -f -- public/index.html "$file"
  chmod 0644 -- "$file"
  log "holding page also answers the health check at $health_path"
}

if [[ -L $WEBROOT && ! -e $WEBROOT ]]; then
  die "$WEBROOT points at $(readlink -- "$WEBROOT"), which does not exist: the baked image is broken; roll back (hactl rollback)"
elif [[ -e $WEBROOT && ! -d $WEBROOT ]]; then
  die "$WEBROOT is not a directory: the baked image is broken; roll back (hactl rollback)"
elif [[ -d $WEBROOT ]]; then
  serve_baked_code
else
  serve_holding_page
fi
