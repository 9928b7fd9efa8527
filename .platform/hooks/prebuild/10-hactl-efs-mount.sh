#!/bin/bash
# Mounts the site's uploads EFS file system (invariant 2: uploads live only on
# EFS) with amazon-efs-utils: TLS, IAM authentication with the instance role,
# through the site's access point. The mount goes in /etc/fstab with _netdev
# so it comes back after a reboot. Any failure stops the deployment: an app
# writing uploads to local disk loses them when the instance goes.
set -euo pipefail

# Test seams; unset on an instance.
GET_CONFIG="${HACTL_GET_CONFIG:-/opt/elasticbeanstalk/bin/get-config}"
SYSROOT="${HACTL_SYSROOT:-}"
RETRY_SECONDS="${HACTL_MOUNT_RETRY_SECONDS:-10}"

# Where a relative uploads path (under the app root) is mounted; the predeploy
# hook links <app>/<path> to it.
readonly RELATIVE_MOUNT='/mnt/hactl-uploads'
readonly ATTEMPTS=3

log() { printf 'hactl: %s\n' "$*"; }
die() {
  printf 'hactl: ERROR: %s\n' "$*" >&2
  printf 'hactl: uploads must never land on local disk, so this deployment stops here.\n' >&2
  exit 1
}
prop() { "$GET_CONFIG" environment -k "$1" 2>/dev/null || true; }

# The absolute mount point for HACTL_UPLOADS_PATH.
mount_point_for() {
  local path=${1%/}
  if [[ -z $path ]]; then
    die "HACTL_UPLOADS_PATH is not set (hactl sets it, e.g. /mnt/moodledata or wp-content/uploads)"
  fi
  if [[ ! $path =~ ^/?[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$ || /$path/ == */../* || /$path/ == */./* ]]; then
    die "HACTL_UPLOADS_PATH \"$1\" must be a path of letters, digits, '.', '_', '-' and '/', without '.' or '..' segments"
  fi
  if [[ $path != /* ]]; then
    printf '%s\n' "$RELATIVE_MOUNT"
    return
  fi
  case $path in
    /bin | /boot | /dev | /etc | /home | /lib | /lib64 | /mnt | /opt | /proc | /root | /run | /sbin | /srv | /sys | /tmp | /usr | /var | /var/app | /var/app/* | /opt/hactl | /opt/hactl/*)
      die "HACTL_UPLOADS_PATH \"$path\" is a system or application directory; use a directory of its own such as /mnt/moodledata"
      ;;
  esac
  printf '%s\n' "$path"
}

ensure_efs_utils() {
  if rpm -q amazon-efs-utils >/dev/null 2>&1; then
    return
  fi
  log "installing amazon-efs-utils"
  dnf install -y amazon-efs-utils || die "could not install amazon-efs-utils with dnf"
}

# Adds the fstab line once. An older line for the same mount point (another
# file system or access point) is replaced; other lines are kept as they are.
ensure_fstab_line() {
  local fstab="$SYSROOT/etc/fstab" line="$1" mount_point="$2" tmp
  if [[ -f $fstab ]] && grep -qxF -- "$line" "$fstab"; then
    log "$fstab already mounts $mount_point from EFS"
    return
  fi
  tmp=$(mktemp "$fstab.hactl.XXXXXX")
  if [[ -f $fstab ]]; then
    awk -v dir="$mount_point" '/^[[:space:]]*#/ || $2 != dir' "$fstab" >"$tmp"
  fi
  printf '%s\n' "$line" >>"$tmp"
  chmod 0644 "$tmp"
  mv -f -- "$tmp" "$fstab"
  log "wrote the EFS line for $mount_point to $fstab"
  systemctl daemon-reload || true
}

mount_efs() {
  local mount_point="$1" attempt
  mkdir -p -- "$mount_point"
  if [[ -n $(ls -A -- "$mount_point") ]]; then
    die "$mount_point is not mounted but holds files: they are on local disk. Move them to the EFS file system, empty the directory, then redeploy"
  fi
  for ((attempt = 1; attempt <= ATTEMPTS; attempt++)); do
    if mount "$mount_point"; then
      return
    fi
    log "mount of $mount_point failed (attempt $attempt of $ATTEMPTS)"
    if ((attempt < ATTEMPTS)); then
      sleep "$RETRY_SECONDS"
    fi
  done
  return 1
}

efs_id=$(prop HACTL_EFS_ID)
access_point=$(prop HACTL_EFS_ACCESS_POINT)
uploads_path=$(prop HACTL_UPLOADS_PATH)

[[ $efs_id =~ ^fs-[0-9a-f]{8,40}$ ]] ||
  die "HACTL_EFS_ID must be an EFS file system id (fs-...), got \"$efs_id\" (hactl env create sets it)"
[[ $access_point =~ ^fsap-[0-9a-f]{8,40}$ ]] ||
  die "HACTL_EFS_ACCESS_POINT must be an EFS access point id (fsap-...), got \"$access_point\" (hactl env create sets it)"
mount_point=$(mount_point_for "$uploads_path")
target="$SYSROOT$mount_point"

ensure_efs_utils
ensure_fstab_line "$efs_id:/ $target efs _netdev,tls,iam,accesspoint=$access_point 0 0" "$target"

if mountpoint -q "$target"; then
  log "$target is already mounted"
elif ! mount_efs "$target" || ! mountpoint -q "$target"; then
  die "could not mount EFS $efs_id (access point $access_point) at $target. Check that the mount targets' security group allows NFS (TCP 2049) from this instance, that every subnet of the environment has a mount target, and that the instance role may elasticfilesystem:ClientMount and ClientWrite. Details: /var/log/amazon/efs/mount.log"
fi

fstype=$(findmnt -n -o FSTYPE --mountpoint "$target" || true)
if [[ $fstype != nfs4 ]]; then
  die "$target is mounted, but as \"$fstype\", not the EFS (nfs4) file system $efs_id"
fi
log "uploads: EFS $efs_id via $access_point is mounted at $target"
