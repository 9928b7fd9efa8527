#!/usr/bin/env bash
# `npm run test:real`: the tests that run real tools, with CI's strictness.
#
# `npm test` skips these locally when a tool is missing (with a loud notice);
# here a missing tool is installed with apt-get first, and CI=true makes any
# tool still missing a failure rather than a skip
# (test/_helpers/real-tools.ts). Extra arguments go to jest.
set -euo pipefail
cd "$(dirname "$0")/.."

# Every Debian package a real-parts test needs, one per line (comments allowed).
mapfile -t wanted < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' scripts/real-packages.txt)

missing=()
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done

if ((${#missing[@]} > 0)); then
  echo "== installing ${missing[*]} (apt-get)"
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  # Servers must not start as system services: the tests run their own on loopback.
  # (policy-rc.d answering 101 tells Debian's maintainer scripts not to start them.)
  own_policy=''
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod 755 /usr/sbin/policy-rc.d
    own_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [ -n "$own_policy" ]; then $sudo rm -f /usr/sbin/policy-rc.d; fi
fi

# The tests that need real tools: everything under test/real/, plus the tests
# of generated shell, nginx, php and the .platform hooks (which npm test skips
# locally when a tool is missing).
CI=true HACTL_TEST_REAL=1 exec npx jest test/real/ test/src/env/platform-hooks.test.ts test/src/env/health.test.ts test/src/apps/ test/src/seed/ "$@"
