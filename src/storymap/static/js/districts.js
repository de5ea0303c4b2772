/*
 * districts.js: district polygons as keyboard-reachable buttons, and their highlight.
 *
 * Exports:
 *   wireDistricts(map, layerGroup, data, lang, onChoose)  Map code -> Leaflet layer. Each path
 *       gets classes, role=button, a bilingual aria-label, Enter/Space and click calling
 *       onChoose(code); a focused district shows a ring sized to be seen even when the
 *       district is a few pixels wide, and the map pans it into view.
 *   highlightDistrict(layers, code)   mark one district selected (null: none)
 *   shadeDistricts(layers, data, thresholds)  class sm-shade-N on each district: N is the
 *       last class whose threshold (ascending, from the legend) its passage count reaches
 *   districtBounds(layers, code)      its L.LatLngBounds
 *   districtOfPlace(data, placeId)    the district record a place lies in
 */
import { districtName, districtOtherName } from "./data.js";

export function wireDistricts(map, layerGroup, data, lang, onChoose) {
  const layers = new Map();
  layerGroup.eachLayer((layer) => {
    const district = data.by.district.get(layer.feature.properties.code);
    if (!district) return;
    layers.set(district.code, layer);
    const path = layer.getElement();
    path.classList.add("district", `district-${district.code}`);
    path.setAttribute("tabindex", "0");
    path.setAttribute("role", "button");
    path.setAttribute("aria-label", `${districtName(district, lang)} (${districtOtherName(district, lang)})`);
    path.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        onChoose(district.code);
      }
    });
    // Keyboard focus only: a click focuses the path too, and moving the map under the pointer would lose the click.
    path.addEventListener("focus", () => { if (path.matches(":focus-visible")) showFocusRing(map, layer); });
    path.addEventListener("blur", () => hideFocusRing(map));
    layer.on("click", () => onChoose(district.code));
  });
  return layers;
}

export function highlightDistrict(layers, code) {
  for (const layer of layers.values()) layer.getElement().classList.remove("is-selected");
  if (!code || !layers.has(code)) return;
  const layer = layers.get(code);
  layer.getElement().classList.add("is-selected");
  layer.bringToFront();  // its whole outline above the neighbours'
}

/* Shading counts the passages set in a district, as the legend says: a district
   whose panel has no passage of its own is never shaded as if it had one. */
export function shadeDistricts(layers, data, thresholds) {
  for (const [code, layer] of layers) {
    const count = data.by.district.get(code).excerpt_count;
    const shade = thresholds.reduce((found, min, index) => (count >= min ? index : found), 0);
    layer.getElement().classList.add(`sm-shade-${shade}`);
  }
}

export function districtBounds(layers, code) {
  return layers.get(code).getBounds();
}

export function districtOfPlace(data, placeId) {
  const place = data.by.place.get(placeId);
  return place ? data.by.district.get(place.district_code) : undefined;
}

/* A browser draws no focus outline on an SVG path, and a 3 px stroke vanishes on a
   district 20 px wide: the focused district gets a ring around its box instead, at
   least 28 px across, and is panned into view when it lies outside. */
const focusRings = new WeakMap();  // map -> its ring, while a district has keyboard focus

function showFocusRing(map, layer) {
  hideFocusRing(map);
  const bounds = layer.getBounds();
  if (!map.getBounds().contains(bounds)) map.panTo(bounds.getCenter(), { animate: false });
  const draw = () => {
    const nw = map.latLngToLayerPoint(bounds.getNorthWest());
    const se = map.latLngToLayerPoint(bounds.getSouthEast());
    const radius = Math.max(14, Math.hypot(se.x - nw.x, se.y - nw.y) / 2 + 4);
    focusRing.setRadius(radius);
    focusRing.setLatLng(bounds.getCenter());
  };
  const focusRing = L.circleMarker(bounds.getCenter(), {
    radius: 14, className: "sm-focus-ring", interactive: false, fill: false, weight: 3, dashArray: "6 4",
  }).addTo(map);
  focusRings.set(map, { ring: focusRing, draw });
  map.on("zoomend", draw);
  draw();
}

function hideFocusRing(map) {
  const focused = focusRings.get(map);
  if (!focused) return;
  map.off("zoomend", focused.draw);
  focused.ring.remove();
  focusRings.delete(map);
}
