#!/usr/bin/env bash
# `make bundle`: one archive that installs Gongjiang on a Linux x86-64 / Python 3.11 machine with
# no package registry (docs/operations.md, "Offline install"). Built from the committed tree (HEAD).
#   wheels/            every locked runtime requirement as a wheel (sdists built here)
#   wheels-test/       pytest, pytest-django and hypothesis: to run the smoke tests on the target
#   node_modules/...   the front-end assets the pages load
#   gongjiang/locale/  compiled messages (.mo)
#   debian-packages.txt, deploy/install.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
version=$(git describe --always --dirty=-modified 2>/dev/null || echo unknown)
name="gongjiang-${version}-linux-x86_64-py311"
out="var/bundle"
stage="$out/$name"
rm -rf "$stage" "$out/$name.tar.gz"
mkdir -p "$stage"

# The application: the committed tree, with compiled messages.
git archive --format=tar HEAD | tar -x -C "$stage"
"$PY" manage.py compilemessages -v0 --ignore=.venv --ignore=node_modules
(find gongjiang/locale -name '*.mo' -print0 | tar --null -cf - -T -) | tar -x -C "$stage"

# Front-end assets, at the paths settings.STATICFILES_DIRS reads.
for dir in bootstrap/dist bootstrap-icons/font htmx.org/dist; do
  mkdir -p "$stage/node_modules/$dir"
  cp -a "node_modules/$dir/." "$stage/node_modules/$dir/"
done
mkdir -p "$stage/node_modules/echarts/dist"
cp -a node_modules/echarts/dist/echarts.min.js "$stage/node_modules/echarts/dist/"

# Wheels for the locked requirements; this machine is the target's platform (Linux x86-64, 3.11).
"$PY" -c 'import sys, platform; assert sys.version_info[:2] == (3, 11) and platform.machine() == "x86_64", "build the bundle on Linux x86-64 with Python 3.11"'
"$PY" -m pip wheel -q --require-hashes -r requirements.txt -w "$stage/wheels"
# The same pins without hashes (a wheel built from an sdist has its own hash; SHA256SUMS covers all).
pins() { sed -n 's/^\([A-Za-z0-9][A-Za-z0-9_.-]*\(\[[a-z,]*\]\)\{0,1\}==[^ ]*\).*/\1/p' "$1"; }
pins requirements.txt > "$stage/requirements-bundle.txt"
pins requirements-dev.txt > "$out/dev-pins.txt"
[ "$(wc -l < "$stage/requirements-bundle.txt")" -eq "$(grep -c '==' requirements.txt)" ] || { echo "pins: not every locked requirement read" >&2; exit 1; }
"$PY" -m pip wheel -q -c "$out/dev-pins.txt" -w "$stage/wheels-test" pytest pytest-django hypothesis
(cd "$stage" && sha256sum wheels/* wheels-test/* > SHA256SUMS)

cp deploy/debian-packages.txt "$stage/debian-packages.txt"
tar -C "$out" -czf "$out/$name.tar.gz" "$name"
rm -rf "$stage"
echo "$out/$name.tar.gz ($(du -h "$out/$name.tar.gz" | cut -f1))"
