#!/usr/bin/env bash
# `npm run test:real`: the tests that run real tools, with CI's strictness.
#
# `npm test` skips these locally when a tool is missing (with a loud notice);
# here a missing tool is installed with apt-get first, and CI=true makes any
# tool still missing a failure rather than a skip
# (test/_helpers/real-tools.ts). Extra arguments go to jest.
set -euo pipefail
cd "$(dirname "$0")/.."

# Tool → Debian package, for every tool in REAL_TOOLS (test/_helpers/real-tools.ts).
declare -A packages=([shellcheck]=shellcheck)

missing=()
for tool in "${!packages[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("${packages[$tool]}")
done

if ((${#missing[@]} > 0)); then
  echo "== installing ${missing[*]} (apt-get)"
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The tests that need real tools: everything under test/real/, plus the
# .platform hook tests (shellcheck, and bash running the hooks).
CI=true exec npx jest --passWithNoTests test/real/ test/src/env/platform-hooks.test.ts "$@"
