#!/usr/bin/env bash
# Finds the imageci command line on this agent and prints its path: an executable or a jar.
# The order (the README's "Using it in Jenkins" says the same):
#   1. IMAGECI_CLI: a path the administrator configured (a step's `cli` argument, else the
#      agent's environment); a file ending in .jar is run with `java -jar`.
#   2. The `imageci` command on PATH.
#   3. Built with Maven from an imageci checkout (IMAGECI_SOURCE, else the current directory)
#      and cached per commit as ${IMAGECI_HOME:-~/.imageci}/cli/COMMIT/imageci.jar, with the
#      checkout's launcher (scripts/imageci, which hands commands to a resident imageci process)
#      beside it as COMMIT/imageci; the launcher is what is printed, or the jar when the checkout
#      has none.
# Exits 3 with one line saying what was tried when none of them works.
set -euo pipefail

fail() {
  printf 'imageci: %s\n' "$*" >&2
  exit 3
}

if [ -n "${IMAGECI_CLI:-}" ]; then
  [ -f "$IMAGECI_CLI" ] ||
    fail "the configured CLI (IMAGECI_CLI or the cli argument) is not a file: $IMAGECI_CLI"
  case "$IMAGECI_CLI" in
    *.jar) ;;
    *) [ -x "$IMAGECI_CLI" ] || fail "the configured CLI is not executable: $IMAGECI_CLI" ;;
  esac
  printf '%s\n' "$IMAGECI_CLI"
  exit 0
fi

if found=$(command -v imageci); then
  printf '%s\n' "$found"
  exit 0
fi

source_dir=${IMAGECI_SOURCE:-$PWD}
if ! grep -qs '<artifactId>imageci</artifactId>' "$source_dir/pom.xml"; then
  fail "no imageci CLI on this agent: IMAGECI_CLI is not set, imageci is not on PATH, and" \
    "$source_dir holds no imageci checkout to build it from (set IMAGECI_CLI on the agent)"
fi
command -v mvn >/dev/null || fail "cannot build the CLI from $source_dir: mvn is not on PATH"

# Limitation: uncommitted changes are cached under their commit, because the key is the commit id.
if commit=$(git -C "$source_dir" rev-parse HEAD 2>/dev/null); then
  key=$commit
else
  # Not a git checkout: key the cache on the content of what Maven builds from.
  key=tree-$(cd "$source_dir" && find pom.xml src resources scripts -type f -print0 2>/dev/null |
    sort -z | xargs -0 sha256sum | sha256sum | cut -c1-40)
fi
cache=${IMAGECI_HOME:-$HOME/.imageci}/cli/$key

if [ ! -f "$cache/imageci.jar" ]; then
  printf 'imageci: building the CLI from %s (%s) with Maven\n' "$source_dir" "$key" >&2
  (cd "$source_dir" && mvn -B -q -DskipTests package) >&2 ||
    fail "Maven could not build the CLI in $source_dir; see its output above"
  mkdir -p "$cache"
  # Copy then rename, so a concurrent build on this agent never runs a half-written jar.
  # The launcher and its client go first: a jar in the cache says the launcher is there too.
  for script in imageci resident-client.pl; do
    if [ -f "$source_dir/scripts/$script" ]; then
      partial=$(mktemp "$cache/$script.XXXXXX")
      cp "$source_dir/scripts/$script" "$partial"
      chmod 755 "$partial"
      mv -f "$partial" "$cache/$script"
    fi
  done
  partial=$(mktemp "$cache/imageci.jar.XXXXXX")
  cp "$source_dir/target/imageci.jar" "$partial"
  mv -f "$partial" "$cache/imageci.jar"
fi
if [ -x "$cache/imageci" ] && [ -f "$cache/resident-client.pl" ]; then
  printf '%s\n' "$cache/imageci"
else
  printf '%s\n' "$cache/imageci.jar"
fi
