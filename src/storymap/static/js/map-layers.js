/*
 * map-layers.js: what the map page adds to the Leaflet layers folium made.
 *
 * Exports:
 *   gcjOffset(grid, lon, lat)           GCJ-02 minus WGS-84 shift at a point (bilinear on the server's grid)
 *   alignGcj02Layer(layer, map, grid)   draw a GCJ-02 tile layer (Amap) in place under WGS-84 data
 *   wirePlaces(layerGroup, data, lang, { popup, onChoose })  Map id -> marker layer; tooltips,
 *       popups (popup(place) builds the content), keyboard access for story points
 *   highlightPlace(layers, id)          mark one place marker selected (null: none)
 *   sizeMarkers(map, layers, data)      marker radii for the zoom: as large as fits without touching
 *   creditLeaflet(map, title)           a plain "Leaflet" credit (no flag), titled in the page's language
 *   MapLabels                           district names and numbered story points, placed with collision checks (see the class)
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

/** Leaflet credited plainly, as publishers print it: its default prefix carries a flag. */
export function creditLeaflet(map, title) {
  if (!map.attributionControl) return;
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  const link = map.attributionControl.getContainer().querySelector("a[href*='leafletjs']");
  if (link && title) link.title = title;
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

/**
 * Marker sizes for the current zoom: story markers are drawn as large as they can
 * be (9 px radius) without touching one another, and never below 6 px; a crowded
 * view (a small embed, a phone) gets smaller markers rather than overlapping ones.
 * Places sharing one point are not counted as crowding (their popup lists them).
 */
export function sizeMarkers(map, layers, data) {
  const story = [...layers].filter(([id]) => data.by.place.get(id).role === "story")
    .map(([, layer]) => map.latLngToContainerPoint(layer.getLatLng()));
  let closest = Infinity;
  for (let i = 0; i < story.length; i++) {
    for (let j = i + 1; j < story.length; j++) {
      const d = story[i].distanceTo(story[j]);
      if (d >= 1) closest = Math.min(closest, d);
    }
  }
  const radius = Math.max(6, Math.min(9, Math.floor((closest - 4) / 2)));
  for (const [id, layer] of layers) {
    layer.setRadius(data.by.place.get(id).role === "story" ? radius : Math.min(5, radius - 2));
  }
}

export function highlightPlace(layers, id) {
  for (const layer of layers.values()) layer.getElement().classList.remove("is-selected");
  if (!id || !layers.has(id)) return;
  layers.get(id).getElement().classList.add("is-selected");
  layers.get(id).bringToFront();
}

/**
 * Map labels, placed by the front end with one set of collision rules: a label never
 * covers a marker, another label (nor comes within LABEL_GAP px of one, so two names
 * never read as one) or a map control, and never runs past the edge of the visible map.
 * Two kinds share them:
 *   - district names, on the district's label point; a district with passages (or the
 *     selected one) may have its name moved beside its anchor;
 *   - story points, numbered in tour order (the numbers of the tour and the presenter's
 *     list) beside their marker, with the place's name where it fits.
 * Labels are placed in order of importance and the first that cannot be placed is
 * dropped, never a more important one: the selected district and those with story
 * points, every story point's number, the districts with passages, the story points'
 * names (each only where it fits beside its number), then the other districts by area.
 *
 *   new MapLabels(map, data, lang, { placeLayers, districtLayers, obstacles, storyPoints })
 *     storyPoints: label the story points too (not on a quiz, where a name would give an answer away);
 *     placeLayers: Map id -> circle marker (from wirePlaces); districtLayers: Map code ->
 *     polygon (from wireDistricts), for a label on the visible part of a district whose
 *     own label point is off screen; obstacles(): extra DOMRects covering the map (the
 *     panel sheet on phones); the map's own controls and .sm-legend are always avoided;
 *     emphasised(): codes of districts named first with the selected one (the quiz's answer options).
 *   .select(code)   the selected district goes first
 *   .update()       place again (done on every move and resize)
 */
const LABEL_GAP = 4;     // px kept clear between two labels
const EDGE_MARGIN = 4;   // px kept clear of the map's edge

export class MapLabels {
  constructor(map, data, lang, { placeLayers, districtLayers, obstacles = () => [], storyPoints = false,
                                 emphasised = () => [] }) {
    Object.assign(this, { map, data, placeLayers, districtLayers, obstacles, emphasised });
    this.selected = null;
    // Below the markers' pane: even a label placed wrongly could not take their clicks.
    this.pane = map.getPane("storyLabels") || map.createPane("storyLabels");
    this.pane.style.zIndex = 440;
    this.pane.style.pointerEvents = "none";
    this.pane.classList.add("leaflet-zoom-hide");  // hidden while Leaflet animates a zoom, placed again after
    this.districtLabels = data.districts.map((district) => ({
      district,
      element: h("div", { class: "sm-label", "aria-hidden": "true", dataset: { code: district.code } },
        districtName(district, lang)),
    }));
    const tour = storyPoints ? data.tour : [];
    this.placeLabels = tour.map((id) => data.by.place.get(id)).filter((place) => place && placeLayers.has(place.id))
      .map((place) => {
        const number = String(tour.indexOf(place.id) + 1);
        // The marker (reached with Tab, in tour order) is named with its number too, as the label shows it.
        placeLayers.get(place.id).getElement().setAttribute("aria-label", `${number} ${placeName(place, lang)}`);
        return {
          place,
          element: h("div", { class: "sm-label sm-label--place", "aria-hidden": "true", dataset: { place: place.id } },
            h("span", { class: "sm-label__number" }, number),
            h("span", { class: "sm-label__name" }, placeName(place, lang))),
        };
      });
    this.sizes = new Map();  // element -> {full: [w, h], short: [w, h]}, measured again after a resize
    map.on("resize", () => this.sizes.clear());
    map.on("zoomend moveend resize", () => this.update());
    this.update();
  }

  select(code) {
    this.selected = code;
    this.update();
  }

  priority(district) {
    return [district.code === this.selected ? 0 : 1, this.emphasised().includes(district.code) ? 0 : 1,
            -district.excerpt_count, -district.story_point_count, -district.area_km2];
  }

  update() {
    const map = this.map;
    const box = map.getContainer().getBoundingClientRect();
    if (!box.width || !box.height) return;
    const local = (r, pad = 0) => ({ left: r.left - box.left - pad, top: r.top - box.top - pad,
                                     right: r.right - box.left + pad, bottom: r.bottom - box.top + pad });
    const blocked = [];
    for (const layer of this.placeLayers.values()) {
      if (!map.hasLayer(layer)) continue;  // a hidden marker (the quiz before an answer) blocks nothing
      const p = map.latLngToContainerPoint(layer.getLatLng());
      const r = layer.getRadius() + 3;
      blocked.push({ left: p.x - r, top: p.y - r, right: p.x + r, bottom: p.y + r });
    }
    const chrome = [...map.getContainer().querySelectorAll(".leaflet-control"),
                    ...document.querySelectorAll(".sm-legend")];
    for (const el of chrome) if (el.offsetParent !== null) blocked.push(local(el.getBoundingClientRect(), 4));
    for (const rect of this.obstacles()) blocked.push(local(rect, 2));
    const placed = new Map();  // label -> its rectangle
    const fits = (rect) =>
      rect.left >= EDGE_MARGIN && rect.top >= EDGE_MARGIN && rect.right <= box.width - EDGE_MARGIN &&
      rect.bottom <= box.height - EDGE_MARGIN && !blocked.some((o) => overlaps(rect, o)) &&
      ![...placed.values()].some((o) => overlaps(rect, o, LABEL_GAP));
    /* The first rectangle of `size` centred at anchor + offset that fits. */
    const spotFor = (anchor, [w, hgt], offsets) => {
      for (const [dx, dy] of offsets) {
        const rect = { left: anchor.x + dx - w / 2, top: anchor.y + dy - hgt / 2,
                       right: anchor.x + dx + w / 2, bottom: anchor.y + dy + hgt / 2 };
        if (fits(rect)) return rect;
      }
      return null;
    };
    const view = map.getBounds();
    const show = (label, rect) => {
      placed.set(label, rect);
      L.DomUtil.setPosition(label.element, map.containerPointToLayerPoint([rect.left, rect.top]));
    };

    const districts = [...this.districtLabels].sort((a, b) => {
      const pa = this.priority(a.district), pb = this.priority(b.district);
      for (let i = 0; i < pa.length; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
      return 0;
    });
    const placeDistrict = (label) => {
      const anchorLatLng = this.anchor(label.district, view);
      if (!anchorLatLng) return label.element.remove();
      const [w, hgt] = this.size(label.element).full;
      const movable = label.district.excerpt_count > 0 || label.district.code === this.selected ||
        this.emphasised().includes(label.district.code);
      const offsets = movable
        ? [[0, 0], [0, -(hgt + 6)], [0, hgt + 6], [w / 2 + 14, 0], [-(w / 2 + 14), 0],
           [w / 2 + 10, -(hgt + 2)], [-(w / 2 + 10), -(hgt + 2)], [w / 2 + 10, hgt + 2], [-(w / 2 + 10), hgt + 2],
           [0, -(2 * hgt + 8)], [0, 2 * hgt + 8]]
        : [[0, 0], [0, -hgt / 2], [0, hgt / 2]];
      const rect = spotFor(map.latLngToContainerPoint(anchorLatLng), [w, hgt], offsets);
      if (rect) show(label, rect);
      else label.element.remove();
    };
    /* A story point's label beside its marker: right, left, above, below, then the corners. */
    const placeOffsets = (label, [w, hgt]) => {
      const near = this.placeLayers.get(label.place.id).getRadius() + 3 + LABEL_GAP;
      // Beside the marker, then a little further out where the ring around it is full.
      return [near, near + hgt].flatMap((d) => {
        const c = d * 0.7;
        return [[d + w / 2, 0], [-(d + w / 2), 0], [0, -(d + hgt / 2)], [0, d + hgt / 2],
                [c + w / 2, -(c + hgt / 2)], [-(c + w / 2), -(c + hgt / 2)], [c + w / 2, c + hgt / 2], [-(c + w / 2), c + hgt / 2]];
      });
    };
    const placeAnchor = (label) => {
      const latLng = this.placeLayers.get(label.place.id).getLatLng();
      return view.contains(latLng) ? map.latLngToContainerPoint(latLng) : null;
    };

    // Every label in the pane first, so that sizes are measured in one layout.
    for (const label of [...this.districtLabels, ...this.placeLabels]) {
      if (!label.element.isConnected) this.pane.append(label.element);
    }
    // 0: the selected (and emphasised) districts; 1: with story points; 2: with passages; 3: the rest.
    const rank = (district) => (district.code === this.selected || this.emphasised().includes(district.code) ? 0
      : district.story_point_count > 0 ? 1 : district.excerpt_count > 0 ? 2 : 3);
    const districtsRanked = (...ranks) => districts.filter((label) => ranks.includes(rank(label.district)));
    districtsRanked(0, 1).forEach(placeDistrict);
    for (const label of this.placeLabels) {  // numbers
      const anchor = placeAnchor(label);
      label.element.classList.add("sm-label--short");
      const size = this.size(label.element).short;
      const rect = anchor && spotFor(anchor, size, placeOffsets(label, size));
      if (rect) show(label, rect);
    }
    districtsRanked(2).forEach(placeDistrict);
    for (const label of this.placeLabels) {  // names, where they fit beside the number
      if (!placed.has(label)) { label.element.remove(); continue; }
      const own = placed.get(label);
      placed.delete(label);
      const size = this.size(label.element).full;
      const rect = spotFor(placeAnchor(label), size, placeOffsets(label, size));
      if (rect) label.element.classList.remove("sm-label--short");
      show(label, rect || own);
    }
    districtsRanked(3).forEach(placeDistrict);
  }

  /** A label's size in both its forms (a district's are the same). */
  size(element) {
    if (!this.sizes.has(element)) {
      const short = element.classList.contains("sm-label--short");
      element.classList.remove("sm-label--short");
      const full = [element.offsetWidth, element.offsetHeight];
      element.classList.add("sm-label--short");
      const brief = [element.offsetWidth, element.offsetHeight];
      element.classList.toggle("sm-label--short", short);
      this.sizes.set(element, { full, short: brief });
    }
    return this.sizes.get(element);
  }

  /** Where a district's label goes: its label point, or the middle of its visible part. */
  anchor(district, view) {
    const own = L.latLng(district.label[1], district.label[0]);
    if (view.contains(own)) return own;
    // A large district cut by the window edge: the middle of its visible part, if that lies inside it.
    const layer = this.districtLayers && this.districtLayers.get(district.code);
    if (!layer) return null;
    const b = layer.getBounds();
    const inner = view.pad(-0.08);
    const south = Math.max(b.getSouth(), inner.getSouth()), north = Math.min(b.getNorth(), inner.getNorth());
    const west = Math.max(b.getWest(), inner.getWest()), east = Math.min(b.getEast(), inner.getEast());
    if (south >= north || west >= east) return null;
    const middle = L.latLng((south + north) / 2, (west + east) / 2);
    return polygonContains(layer.getLatLngs(), middle) ? middle : null;
  }
}

/** Even-odd test over every ring of a (multi)polygon's nested LatLng arrays. */
function polygonContains(rings, point) {
  if (!Array.isArray(rings[0])) {
    let inside = false;
    for (let i = 0, j = rings.length - 1; i < rings.length; j = i++) {
      const a = rings[i], b = rings[j];
      if ((a.lat > point.lat) !== (b.lat > point.lat) &&
          point.lng < ((b.lng - a.lng) * (point.lat - a.lat)) / (b.lat - a.lat) + a.lng) inside = !inside;
    }
    return inside;
  }
  return rings.reduce((inside, ring) => (polygonContains(ring, point) ? !inside : inside), false);
}

/** Whether two rectangles overlap, or come within `gap` px of each other. */
function overlaps(a, b, gap = 0) {
  return a.left < b.right + gap && b.left < a.right + gap && a.top < b.bottom + gap && b.top < a.bottom + gap;
}
