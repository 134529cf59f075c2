#!/usr/bin/env bash
# The system (Debian) packages the project needs, in one list, for `make` and for .ci/run.
#
#   scripts/system_packages.sh --check [run|test]    say what is missing and how to install it;
#                                                     exit 1 when something is (make does this)
#   scripts/system_packages.sh --install [run|test]  install what is missing with apt-get (as root,
#                                                     or through sudo); .ci/run does this
#   scripts/system_packages.sh --list [run|test]     the package names
#
# `run` is what `make run` needs (and every other target: `make setup` checks it), `test` adds
# what only `make test` needs. Python 3.10 and uv are not Debian packages: see README, "Quick start".
set -euo pipefail

# package | needed for | why | how to tell it is installed
PACKAGES=(
  "curl|run|the scripts wait for the servers with it|command -v curl"
  "nodejs|run|the widget's browser dependencies and unit tests|command -v node"
  "npm|run|installs the widget's browser dependencies (make setup)|command -v npm"
  "libvoikko1|run|Finnish morphology (Voikko) for the language pipeline|has_libvoikko"
  "voikko-fi|run|the Finnish dictionary of Voikko|has_voikko_fi"
  "chromium|test|browser tests of the widget and the staff console|command -v chromium"
  "postgresql|test|the tests run the stores on a throwaway PostgreSQL server too|any_exists /usr/lib/postgresql/*/bin/initdb"
  "nginx|test|the cluster test (and make run-cluster) puts nginx in front of the replicas|any_exists /usr/sbin/nginx"
  "redis-server|test|the cluster test (and make run-cluster): Rasa's lock store, the gateways' rooms|command -v redis-server"
)

# (a glob that matches nothing stays as written, so -e fails for it)
any_exists() {
  local path
  for path in "$@"; do [ -e "$path" ] && return 0; done
  return 1
}

has_libvoikko() {
  any_exists /usr/lib/*/libvoikko.so.1 /usr/lib/libvoikko.so.1 /usr/local/lib/libvoikko.so.1
}

has_voikko_fi() {
  any_exists /usr/lib/voikko/*/mor-* /usr/share/voikko/*/mor-* /usr/local/lib/voikko/*/mor-*
}

usage() {
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

mode=${1:-}
target=${2:-test}
case "$target" in run | test) ;; *) usage ;; esac

# The packages of a target: run's for run, all for test.
wanted() {
  local entry name need
  for entry in "${PACKAGES[@]}"; do
    IFS='|' read -r name need _why _test <<<"$entry"
    if [ "$target" = test ] || [ "$need" = run ]; then echo "$entry"; fi
  done
}

missing=()
reasons=()
while IFS='|' read -r name _need why test; do
  if ! eval "$test" >/dev/null 2>&1; then
    missing+=("$name")
    reasons+=("  $name: $why")
  fi
done < <(wanted)

case "$mode" in
  --list)
    wanted | cut -d'|' -f1 | tr '\n' ' ' | sed 's/ $/\n/'
    ;;
  --check)
    if [ ${#missing[@]} -eq 0 ]; then
      exit 0
    fi
    {
      echo "make $target needs these system packages, which are missing:"
      printf '%s\n' "${reasons[@]}"
      echo "Install them (Debian/Ubuntu) with:"
      echo "  sudo scripts/system_packages.sh --install $target"
      echo "or: sudo apt-get install ${missing[*]}"
    } >&2
    exit 1
    ;;
  --install)
    if [ ${#missing[@]} -eq 0 ]; then
      echo "system packages for make $target: all installed"
      exit 0
    fi
    echo "installing system packages for make $target: ${missing[*]}"
    sudo=()
    if [ "$(id -u)" != 0 ]; then
      command -v sudo >/dev/null 2>&1 || { echo "run this as root (or install sudo)" >&2; exit 1; }
      sudo=(sudo)
    fi
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
    ;;
  *)
    usage
    ;;
esac
