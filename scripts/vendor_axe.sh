#!/bin/sh
# Copy axe-core (pinned in package.json / package-lock.json) into tests/browser/vendor/axe-core/.
# A test asset only: the browser tests inject it into the pages they check; no product page loads it.
# Run by `make vendor`; re-run it after changing the pinned version and commit what it copies.
set -eu
cd "$(dirname "$0")/.."
npm ci --ignore-scripts --no-audit --no-fund
target=tests/browser/vendor/axe-core
mkdir -p "$target"
cp node_modules/axe-core/axe.min.js node_modules/axe-core/LICENSE node_modules/axe-core/package.json "$target/"
rm -rf node_modules
echo "axe-core $(node -p "require('./$target/package.json').version") copied to $target"
