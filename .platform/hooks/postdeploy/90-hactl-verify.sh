#!/bin/bash
# Last check of a deployment, in the directory the app now runs from: the
# uploads are still on EFS (invariant 2), and public/ still reaches the baked
# code after EB moved the staging directory into place.
set -euo pipefail

# Test seams; unset on an instance.
GET_CONFIG="${HACTL_GET_CONFIG:-/opt/elasticbeanstalk/bin/get-config}"
SYSROOT="${HACTL_SYSROOT:-}"

readonly WEBROOT="$SYSROOT/opt/hactl/webroot"

log() { printf 'hactl: %s\n' "$*"; }
die() {
  printf 'hactl: ERROR: %s\n' "$*" >&2
  exit 1
}
prop() { "$GET_CONFIG" environment -k "$1" 2>/dev/null || true; }

uploads_path=$(prop HACTL_UPLOADS_PATH)
uploads_path=${uploads_path%/}
if [[ $uploads_path == /* ]]; then
  mount_point="$SYSROOT$uploads_path"
else
  mount_point="$SYSROOT/mnt/hactl-uploads"
fi
mountpoint -q "$mount_point" ||
  die "$mount_point is not mounted: uploads would land on local disk"
log "uploads are on EFS at $mount_point"

if [[ -d $WEBROOT ]]; then
  if [[ $(readlink -f -- public) == "$(readlink -f -- "$WEBROOT")" ]]; then
    log "public reaches the baked code at $(readlink -f -- "$WEBROOT")"
  else
    log "WARNING: $PWD/public is not a link to $WEBROOT; the site may not serve the baked code"
  fi
else
  log "serving the holding page until the first rollout"
fi
