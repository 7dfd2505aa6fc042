#!/bin/sh
# Copy the front-end assets pinned in package.json / package-lock.json into committed folders, so
# running the product (and its tests) needs no npm and no CDN. Run by `make vendor`; re-run it
# after changing a pinned version and commit what it copies.
# - echarts: served by product pages (the report charts), from static/vendor/echarts/. The minified
#   build bundles zrender (BSD-3-Clause); its licence text ships with it.
# - axe-core: a test asset only; the browser tests inject it into the pages they check, no product
#   page loads it.
set -eu
cd "$(dirname "$0")/.."
npm ci --ignore-scripts --no-audit --no-fund

target=static/vendor/echarts
rm -rf "$target"
mkdir -p "$target"
cp node_modules/echarts/dist/echarts.min.js node_modules/echarts/LICENSE \
    node_modules/echarts/NOTICE node_modules/echarts/package.json "$target/"
cp node_modules/zrender/LICENSE "$target/LICENSE-zrender"
echo "echarts $(node -p "require('./$target/package.json').version") copied to $target"

target=tests/browser/vendor/axe-core
mkdir -p "$target"
cp node_modules/axe-core/axe.min.js node_modules/axe-core/LICENSE node_modules/axe-core/package.json "$target/"
echo "axe-core $(node -p "require('./$target/package.json').version") copied to $target"

rm -rf node_modules
