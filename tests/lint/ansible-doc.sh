#!/usr/bin/env bash
# Every plugin and role of the collection must have documentation that parses:
# ansible-doc is what users read, and ansible-lint only warns when it breaks.
# Lists the plugins from the tree (not from `ansible-doc --list`, which leaves
# out the ones it cannot parse), runs ansible-doc on each, and fails naming
# every one whose documentation ansible-doc cannot show.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
ns=jupyterfleet.hub
failed=()
check() { # type name
  local out
  if ! out=$(ansible-doc -t "$1" "$ns.$2" 2>&1 >/dev/null) || [ -n "$out" ]; then
    failed+=("$1 $ns.$2: ${out:-no output}")
  fi
}
for f in plugins/filter/*.py; do check filter "$(basename "$f" .py)"; done
for f in plugins/modules/*.py; do check module "$(basename "$f" .py)"; done
for f in plugins/lookup/*.py; do check lookup "$(basename "$f" .py)"; done
for d in roles/*/; do check role "$(basename "$d")"; done
if [ ${#failed[@]} -gt 0 ]; then
  printf 'ansible-doc cannot show:\n' >&2
  printf -- '- %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "ansible-doc: every filter, module and role documented"
