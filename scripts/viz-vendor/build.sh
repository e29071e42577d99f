#!/bin/sh
# Rebuild the third-party bundle the `mobkg viz` page inlines, from pinned versions:
#   sh scripts/viz-vendor/build.sh
# package.json pins each library exactly and package-lock.json pins everything they pull
# in, so `npm ci` installs the same code every time. The build happens in a scratch folder
# outside the checkout; only the minified bundle and the libraries' licence texts are
# written into the package (src/mobkg/viz_assets/vendor/). Needs Node.js and npm.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
vendor="$here/../../src/mobkg/viz_assets/vendor"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/mobkg-viz-vendor.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

cp "$here/package.json" "$here/package-lock.json" "$here/entry.js" "$scratch/"
cd "$scratch"
npm ci --no-audit --no-fund --loglevel=error
./node_modules/.bin/esbuild entry.js --bundle --minify --format=iife --target=es2019 \
    --legal-comments=none --outfile=sigma-bundle.min.js --log-level=warning

mkdir -p "$vendor"
cp sigma-bundle.min.js "$vendor/sigma-bundle.min.js"
{
    echo "Licences of the third-party code in sigma-bundle.min.js, built by scripts/viz-vendor/build.sh."
    for package in sigma @sigma/export-image graphology graphology-utils graphology-layout-forceatlas2 events file-saver; do
        version=$(node -p "require('./node_modules/$package/package.json').version")
        licence=$(ls "node_modules/$package" | grep -i '^licen[cs]e' | head -n 1)
        printf '\n==== %s %s (%s) ====\n\n' "$package" "$version" "$licence"
        cat "node_modules/$package/$licence"
    done
} > "$vendor/LICENSES.txt"
echo "wrote $vendor/sigma-bundle.min.js ($(wc -c < sigma-bundle.min.js) bytes) and LICENSES.txt"
