#!/usr/bin/env bash
# Re-vendor the front-end assets the app serves itself (no CDN at run time).
# Fetches exact versions from the npm registry with `npm pack`, copies the
# files the page uses plus each licence, and records checksums in VENDOR.json.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=src/storymap/static/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# folium's own list also has jQuery, Bootstrap and awesome-markers: the page
# uses no folium popup, icon or Bootstrap widget, so it loads Leaflet alone.
# topojson-client decodes the district polygons, sent as TopoJSON (shared
# borders once, quantised and delta-encoded: half the bytes of GeoJSON).
# geographiclib-geodesic (Karney's geodesics, as pyproj.Geod on the server) and polygon-clipping
# let the static copy compute a comparison in the page (compare-local.js); the app's pages
# never load them.
declare -A packages=([leaflet]=1.9.4 [topojson-client]=3.1.0 [geographiclib-geodesic]=2.2.0 [polygon-clipping]=0.15.7)
declare -A files=(
  [leaflet]="dist/leaflet.js dist/leaflet.css dist/images/layers.png dist/images/layers-2x.png dist/images/marker-icon.png dist/images/marker-icon-2x.png dist/images/marker-shadow.png LICENSE"
  [topojson-client]="dist/topojson-client.min.js LICENSE"
  [geographiclib-geodesic]="geographiclib-geodesic.min.js LICENSE.txt"
  [polygon-clipping]="dist/polygon-clipping.umd.min.js LICENSE.md"
)
for name in "${!packages[@]}"; do
  version=${packages[$name]}
  (cd "$work" && npm pack --silent "$name@$version" >/dev/null && mkdir "$name" && tar -xzf "$name-$version.tgz" -C "$name")
  rm -rf "${dest:?}/$name"
  for file in ${files[$name]}; do
    target="$dest/$name/${file#dist/}"
    mkdir -p "$(dirname "$target")"
    cp "$work/$name/package/$file" "$target"
  done
done

python3 - "$dest" "leaflet=${packages[leaflet]}" "topojson-client=${packages[topojson-client]}" \
  "geographiclib-geodesic=${packages[geographiclib-geodesic]}" "polygon-clipping=${packages[polygon-clipping]}" <<'PY'
import hashlib, json, pathlib, sys
dest = pathlib.Path(sys.argv[1])
versions = dict(arg.split("=") for arg in sys.argv[2:])
manifest = {
    name: {
        "version": version,
        "source": f"npm registry: {name}@{version}",
        "files": {
            str(p.relative_to(dest / name)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((dest / name).rglob("*")) if p.is_file()
        },
    }
    for name, version in versions.items()
}
(dest / "VENDOR.json").write_text(json.dumps(manifest, indent=2) + "\n")
PY
echo "vendored into $dest"
