#!/bin/bash
# Decides this instance's role from its own hactl:role tag, read at every
# deployment through IMDSv2 (invariant 1: never from a file baked into the
# image). Only exactly "seed" is the seed; anything else - another value, a
# missing tag, instance metadata tags not enabled, IMDS unreachable - means
# "web", and a web node must never run the app's cron: the seed's timer and
# cron files came along in the baked AMI, so they are switched off here.
# This hook never enables cron: the seed sets up its own, outside EB.
set -euo pipefail

# Test seams; unset on an instance.
IMDS_URL="${HACTL_IMDS_URL:-http://169.254.169.254}"
SYSROOT="${HACTL_SYSROOT:-}"

readonly ROLE_TAG='hactl:role'
readonly CRON_TIMER='hactl-cron.timer'
readonly CRON_SERVICE='hactl-cron.service'

log() { printf 'hactl: %s\n' "$*"; }

# Prints the tag's value; fails when it cannot be read, for whatever reason.
read_role_tag() {
  local token
  token=$(curl -fsS --connect-timeout 1 --max-time 3 -X PUT \
    -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' "$IMDS_URL/latest/api/token") || return 1
  curl -fsS --connect-timeout 1 --max-time 3 \
    -H "X-aws-ec2-metadata-token: $token" "$IMDS_URL/latest/meta-data/tags/instance/$ROLE_TAG"
}

unit_exists() { systemctl cat "$1" >/dev/null 2>&1; }

role=''
if ! role=$(read_role_tag 2>/dev/null); then
  role=''
fi

if [[ $role == seed ]]; then
  log "role: seed ($ROLE_TAG=seed): leaving cron to the seed's own setup"
  exit 0
fi

if [[ -n $role ]]; then
  log "role: web ($ROLE_TAG is \"${role//[^A-Za-z0-9._:=+@-]/?}\", not \"seed\"): the app's cron must not run here"
else
  log "role: web ($ROLE_TAG unreadable: tag missing, instance metadata tags off, or IMDS unreachable): the app's cron must not run here"
fi

if unit_exists "$CRON_TIMER"; then
  systemctl disable --now "$CRON_TIMER"
  log "disabled and stopped $CRON_TIMER"
fi
if unit_exists "$CRON_SERVICE"; then
  systemctl stop "$CRON_SERVICE"
  log "stopped $CRON_SERVICE"
fi

shopt -s nullglob
for file in "$SYSROOT"/etc/cron.d/hactl*; do
  rm -f -- "$file"
  log "removed $file"
done
log "no app cron on this web node"
