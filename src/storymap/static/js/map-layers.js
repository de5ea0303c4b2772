/*
 * map-layers.js: what the map page adds to the Leaflet layers folium made.
 *
 * Exports:
 *   gcjOffset(grid, lon, lat)           GCJ-02 minus WGS-84 shift at a point (bilinear on the server's grid)
 *   alignGcj02Layer(layer, map, grid)   draw a GCJ-02 tile layer (Amap) in place under WGS-84 data
 *   wirePlaces(layerGroup, data, lang, { popup, onChoose })  Map id -> marker layer; tooltips,
 *       popups (popup(place) builds the content), keyboard access for story points
 *   highlightPlace(layers, id)          mark one place marker selected (null: none)
 *   DistrictLabels                      district name labels (see the class)
 */
import { h } from "./dom.js";
import { districtName, placeName } from "./data.js";

export function gcjOffset(grid, lon, lat) {
  const fx = Math.min(Math.max((lon - grid.west) / grid.step, 0), grid.cols - 1.001);
  const fy = Math.min(Math.max((lat - grid.south) / grid.step, 0), grid.rows - 1.001);
  const x0 = Math.floor(fx), y0 = Math.floor(fy), tx = fx - x0, ty = fy - y0;
  const at = (values, x, y) => values[y * grid.cols + x];
  const lerp = (values) =>
    (at(values, x0, y0) * (1 - tx) + at(values, x0 + 1, y0) * tx) * (1 - ty) +
    (at(values, x0, y0 + 1) * (1 - tx) + at(values, x0 + 1, y0 + 1) * tx) * ty;
  return [lerp(grid.dlon), lerp(grid.dlat)];
}

/**
 * Tiles show the place at WGS-84 point p where GCJ-02 puts it, so the layer is
 * moved back by the local shift (recomputed at the view centre after every move).
 */
export function alignGcj02Layer(layer, map, grid) {
  let shift = L.point(0, 0);
  const baseBounds = layer._getTiledPixelBounds;
  layer._getTiledPixelBounds = function (center) {
    const bounds = baseBounds.call(this, center);
    const pad = L.point(Math.abs(shift.x) + 1, Math.abs(shift.y) + 1);
    return L.bounds(bounds.min.subtract(pad), bounds.max.add(pad));
  };
  function update() {
    if (!map.hasLayer(layer) || !layer.getContainer()) return;
    const centre = map.getCenter();
    const [dlon, dlat] = gcjOffset(grid, centre.lng, centre.lat);
    const zoom = map.getZoom();
    shift = map.project(centre, zoom).subtract(map.project([centre.lat + dlat, centre.lng + dlon], zoom));
    layer.getContainer().style.transform = `translate(${shift.x}px, ${shift.y}px)`;
  }
  map.on("moveend zoomend", update);
  layer.on("add", update);
  update();
}

export function wirePlaces(layerGroup, data, lang, { popup, onChoose }) {
  const layers = new Map();
  layerGroup.eachLayer((layer) => {
    const place = data.by.place.get(layer.feature.properties.id);
    if (!place) return;
    layers.set(place.id, layer);
    layer.bindTooltip(h("span", null, placeName(place, lang)), { direction: "top", offset: [0, -8] });
    layer.bindPopup(() => popup(place), { maxWidth: 280, autoPanPadding: [40, 40] });
    const marker = layer.getElement();
    // Story points are in the tab order (in tour order); mentioned places are reached from the panels.
    marker.setAttribute("tabindex", place.role === "story" ? "0" : "-1");
    marker.setAttribute("role", "button");
    marker.setAttribute("aria-label", placeName(place, lang));
    marker.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        onChoose(place.id);
      }
    });
  });
  return layers;
}

export function highlightPlace(layers, id) {
  for (const layer of layers.values()) layer.getElement().classList.remove("is-selected");
  if (!id || !layers.has(id)) return;
  layers.get(id).getElement().classList.add("is-selected");
  layers.get(id).bringToFront();
}

/** District names; small central districts get theirs once zoomed in far enough to fit it. */
export class DistrictLabels {
  constructor(map, data, lang) {
    this.map = map;
    this.selected = null;
    this.layer = L.layerGroup().addTo(map);
    this.labels = data.districts.map((district) => ({
      district,
      tooltip: L.tooltip({ permanent: true, direction: "center", className: "sm-label", interactive: false })
        .setLatLng([district.label[1], district.label[0]])
        .setContent(h("span", null, districtName(district, lang))),
    }));
    map.on("zoomend", () => this.update());
    this.update();
  }

  select(code) {
    this.selected = code;
    this.update();
  }

  update() {
    const minArea = 300 / Math.pow(4, this.map.getZoom() - 9);
    for (const { district, tooltip } of this.labels) {
      const show = district.area_km2 >= minArea || district.code === this.selected;
      if (show && !this.layer.hasLayer(tooltip)) this.layer.addLayer(tooltip);
      if (!show && this.layer.hasLayer(tooltip)) this.layer.removeLayer(tooltip);
    }
  }
}
