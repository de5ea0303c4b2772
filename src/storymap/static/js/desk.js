/*
 * desk.js: entry of the map desk's story page (/edit/<region>/<story-id>), loaded as <script type="module">.
 *
 * Reads #desk-data (the story's places with their state and evidence, the districts, the source
 * text cut into marked segments, validate's verdict, the API's URLs) and draws: the source text
 * with every place marked, the map (district polygons from the API, optional tiles; an Amap layer
 * is shifted by map-layers.js so a click is a WGS-84 point), the list of places with their actions,
 * the point form, validate's verdict and the reader's map preview. Every write is a JSON POST with
 * the page's CSRF token (<meta name="csrf-token">) in X-CSRF-Token; its answer carries the places
 * and the verdict again, and the preview is reloaded.
 * Exports nothing; publishes window.StoryMapDesk ({map, state}) for tests and the console.
 */
import { h, translator } from "./dom.js";
import { districtName, loadData, placeName, withLookups } from "./data.js";
import { alignGcj02Layer, creditLeaflet } from "./map-layers.js";

const data = loadData(document, "desk-data");
const lang = data.lang;
const tr = translator(data.strings);
const token = document.querySelector('meta[name="csrf-token"]').content;
const state = { selected: null, pending: null };

const el = (id) => document.getElementById(id);
const form = { lon: el("desk-lon"), lat: el("desk-lat"), crs: el("desk-crs"), precision: el("desk-precision"),
               source: el("desk-source-line"), district: el("desk-district"), save: el("desk-save"),
               selected: el("desk-selected") };

// ---------- map ----------
const map = L.map("desk-map", { zoomSnap: 0.25, attributionControl: data.tiles.length > 0 });
creditLeaflet(map);
const bases = {};
for (const [index, tile] of data.tiles.entries()) {
  const layer = L.tileLayer(tile.url, { attribution: tile.attribution, maxZoom: tile.max_zoom,
                                        subdomains: tile.subdomains });
  if (tile.gcj02) alignGcj02Layer(layer, map, data.gcj02_grid);
  bases[tile.name] = layer;
  if (index === 0) layer.addTo(map);
}
if (data.tiles.length) L.control.layers({ [tr("tiles_none")]: L.layerGroup(), ...bases }).addTo(map);
const districtLayers = new Map();
const markers = L.layerGroup().addTo(map);
let pendingMarker = null;

fetch(data.urls.districts).then((response) => {
  if (!response.ok) throw new Error(`${data.urls.districts}: HTTP ${response.status}`);
  return response.json();
}).then((geojson) => {
  const layer = L.geoJSON(geojson, {
    style: () => ({ className: "district" }),
    onEachFeature: (feature, polygon) => {
      districtLayers.set(feature.properties.code, polygon);
      const district = data.by.district.get(feature.properties.code);
      if (district) polygon.bindTooltip(h("span", null, districtName(district, lang)), { sticky: true });
    },
  });
  // The view first: before it, layers wait to be drawn and bringToBack would leave the districts over the markers.
  map.fitBounds(layer.getBounds(), { padding: [8, 8] });
  layer.addTo(map).bringToBack();
  document.body.dataset.mapReady = "true";
}).catch((error) => showDistrict(tr("request_failed", { error: error.message }), true));

map.on("click", (event) => {
  if (!state.selected) {
    showDistrict(tr("select_place"), true);
    return;
  }
  form.lon.value = event.latlng.lng.toFixed(6);
  form.lat.value = event.latlng.lat.toFixed(6);
  form.crs.value = "wgs84";
  checkPoint();
});

function drawMarkers() {
  markers.clearLayers();
  for (const place of data.places) {
    if (place.lon === null) continue;
    const marker = L.circleMarker([place.lat, place.lon], {
      radius: place.role === "story" ? 8 : 5,
      className: `desk-marker desk-marker--${place.status} place-${place.id}${place.id === state.selected ? " is-selected" : ""}`,
    });
    marker.bindTooltip(h("span", null, placeName(place, lang)));  // an element: Leaflet sets a string as HTML
    marker.on("click", (event) => { L.DomEvent.stopPropagation(event); select(place.id); });
    marker.addTo(markers);
  }
}

// ---------- the point form ----------
let locateRequest = 0;

async function checkPoint() {
  const lon = form.lon.value.trim(), lat = form.lat.value.trim();
  const ticket = ++locateRequest;
  form.save.disabled = true;
  // Half-typed coordinates are not asked about (the server would answer why not, as a 400).
  if (!lon || !lat || !Number.isFinite(Number(lon)) || !Number.isFinite(Number(lat))) {
    clearPending();
    showDistrict("", false);
    return;
  }
  const query = new URLSearchParams({ lon, lat, crs: form.crs.value });
  const response = await fetch(`${data.urls.locate}?${query}`);
  const answer = await response.json();
  if (ticket !== locateRequest) return;  // a later point was asked for meanwhile
  clearPending();
  if (!response.ok) {
    showDistrict(answer.error.message, true);
    return;
  }
  state.pending = answer;
  const district = answer.district;
  showDistrict(tr("falls_in", { district: `${districtName(district, lang)} (${district.code})` }), false);
  districtLayers.get(district.code)?.getElement()?.classList.add("is-pending");
  const at = [answer.lat, answer.lon];
  if (pendingMarker) pendingMarker.setLatLng(at).addTo(map);
  else pendingMarker = L.circleMarker(at, { radius: 7, className: "desk-pending", interactive: false }).addTo(map);
  form.save.disabled = !state.selected;
}

/** No point waiting to be saved: its marker and its district's highlight go. */
function clearPending() {
  state.pending = null;
  if (pendingMarker) pendingMarker.remove();
  for (const polygon of districtLayers.values()) polygon.getElement()?.classList.remove("is-pending");
}

function showDistrict(text, isError) {
  form.district.textContent = text;
  form.district.classList.toggle("is-error", isError);
}

for (const input of [form.lon, form.lat, form.crs]) input.addEventListener("change", checkPoint);

el("desk-point").addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!state.selected) return;
  form.save.disabled = true;
  showDistrict(tr("saving"), false);
  const done = await post(`${placeUrl(state.selected)}/point`, {
    lon: form.lon.value.trim(), lat: form.lat.value.trim(), crs: form.crs.value,
    precision: form.precision.value, source: form.source.value,
  });
  if (done) {
    clearPending();
    const point = done.point;
    const moved = point.story_district ? tr("saved_moved", { code: point.story_district }) : "";
    showDistrict(tr("saved_point", { name: point.name, lon: point.lon, lat: point.lat,
      precision: tr(`precision_${point.precision}`), row: point.row, moved,
      district: `${districtName(point.district, lang)} (${point.district.code})` }), false);
  }
});

// ---------- a place the draft missed ----------
const addName = el("desk-add-name");
el("desk-source").addEventListener("mouseup", () => {
  const chosen = window.getSelection().toString().trim();
  if (chosen && chosen.length <= 30 && !/\s/.test(chosen)) addName.value = chosen;  // a name, not a passage
});
el("desk-add").addEventListener("submit", async (event) => {
  event.preventDefault();
  // The page is drawn again by the server: the source text's marks include the new place's name then.
  if (await post(data.urls.places, { name: addName.value, role: el("desk-add-role").value })) window.location.reload();
});

// ---------- writes ----------
function placeUrl(id) {
  return `${data.urls.places}/${encodeURIComponent(id)}`;
}

async function post(url, body) {
  let response, answer;
  try {
    response = await fetch(url, {
      method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
      body: JSON.stringify(body),
    });
    answer = await response.json();
  } catch (error) {  // no answer at all (the desk's server stopped, say): nothing was saved
    showDistrict(tr("request_failed", { error: error.message }), true);
    form.save.disabled = !state.pending;
    return null;
  }
  if (!response.ok) {
    showDistrict(answer.error.message, true);
    form.save.disabled = !state.pending;
    return null;
  }
  data.places = answer.places;
  withLookups(data);
  if (state.selected && !data.by.place.has(state.selected)) state.selected = null;
  showChecks(answer.checks);
  drawAll();
  return answer;
}

// ---------- places, source text, checks, preview ----------
function select(id) {
  const changed = id !== state.selected;
  state.selected = id;
  const place = data.by.place.get(id);
  form.selected.textContent = place ? `${tr("place_it")}${tr("colon")}${placeName(place, lang)}` : tr("select_place");
  if (place && changed) {
    // The form is this place's now: a point clicked or typed for the place before is never saved for this one.
    clearPending();
    form.lon.value = place.lon !== null ? place.lon.toFixed(6) : "";
    form.lat.value = place.lat !== null ? place.lat.toFixed(6) : "";
    form.crs.value = "wgs84";
    form.precision.value = place.precision || form.precision.options[0].value;
    form.source.value = place.source || "";
    checkPoint();
    const district = place.district && districtLayers.get(place.district.code);
    if (place.lon !== null) map.panTo([place.lat, place.lon]);
    else if (district) map.fitBounds(district.getBounds(), { padding: [24, 24] });  // where the text puts it
  }
  drawAll();
  const mark = document.querySelector(`.desk-mark[data-place="${CSS.escape(id)}"]`);
  if (mark) mark.scrollIntoView({ block: "nearest" });
}

function drawAll() {
  drawPlaces();
  drawSource();
  drawMarkers();
}

function drawSource() {
  const status = new Map(data.places.map((p) => [p.id, p.status]));
  el("desk-source").replaceChildren(...data.segments.map(([text, id]) => {
    if (!id || !status.has(id)) return text;
    return h("mark", {
      class: `desk-mark${status.get(id) === "todo" ? " desk-mark--todo" : ""}${id === state.selected ? " is-selected" : ""}`,
      dataset: { place: id }, onclick: () => select(id),
    }, text);
  }));
}

function drawPlaces() {
  el("desk-places").replaceChildren(...data.places.map((place) => {
    const district = place.district;
    const joined = place.joined_district;
    const others = data.places.filter((p) => p.id !== place.id);
    const rename = h("input", { "aria-label": tr("name"), value: place.name, name: "name" });
    const nameEn = h("input", { "aria-label": tr("name_en"), value: place.name_en || "", name: "name_en",
                                placeholder: tr("name_en"), lang: "en" });
    const role = h("select", { "aria-label": tr("role"), name: "role" },
      ["story", "mentioned"].map((r) => h("option", { value: r, selected: r === place.role }, tr(`role_${r}`))));
    const into = h("select", { "aria-label": tr("merge_into"), name: "into" },
      others.map((p) => h("option", { value: p.id }, placeName(p, lang))));
    return h("li", { class: `desk-place${place.id === state.selected ? " is-selected" : ""}`, dataset: { place: place.id } },
      h("button", { type: "button", class: "desk-place__name", onclick: () => select(place.id) }, placeName(place, lang)),
      h("span", { class: `desk-status desk-status--${place.status}` }, tr(`status_${place.status}`)),
      place.accepted ? h("span", { class: "desk-status desk-status--accepted" }, tr("accepted")) : null,
      h("p", { class: "desk-place__meta" },
        `${tr(`role_${place.role}`)} · ${tr("district")}${tr("colon")}`,
        district ? `${district.name_zh ? districtName(district, lang) : ""} (${district.code})` : tr("no_district"),
        joined && district && joined.code !== district.code ? ` → ${districtName(joined, lang)} (${joined.code})` : "",
        place.precision ? ` · ${tr("precision")}${tr("colon")}${tr(`precision_${place.precision}`)}` : ""),
      place.evidence.length ? h("details", null, h("summary", null, `${tr("evidence")} (${place.evidence.length})`),
        h("ul", null, place.evidence.map((sentence) => h("li", null, sentence)))) : null,
      h("div", { class: "desk-place__actions" },
        h("button", { type: "button", class: "desk-button", dataset: { action: "place" },
          onclick: () => select(place.id) }, tr("place_it")),
        place.accepted ? null : h("button", { type: "button", class: "desk-button", dataset: { action: "accept" },
          onclick: () => post(`${placeUrl(place.id)}/accept`, {}) }, tr("accept")),
        h("button", { type: "button", class: "desk-button", dataset: { action: "reject" }, onclick: () => {
          if (window.confirm(tr("confirm_reject", { name: placeName(place, lang) }))) post(`${placeUrl(place.id)}/reject`, {});
        } }, tr("reject"))),
      h("details", { class: "desk-place__edit" }, h("summary", null, tr("edit")),
        h("div", { class: "desk-place__actions" },
          rename, nameEn, h("button", { type: "button", class: "desk-button", dataset: { action: "rename" },
            onclick: () => post(placeUrl(place.id), { name: rename.value, name_en: nameEn.value }) }, tr("rename"))),
        h("div", { class: "desk-place__actions" },
          role, h("button", { type: "button", class: "desk-button", dataset: { action: "role" },
            onclick: () => post(placeUrl(place.id), { role: role.value }) }, tr("set_role"))),
        h("div", { class: "desk-place__actions" },
          into, h("button", { type: "button", class: "desk-button", dataset: { action: "merge" },
            disabled: !others.length, onclick: () => post(`${placeUrl(place.id)}/merge`, { into: into.value }) },
            tr("merge")))));
  }));
}

function showChecks(checks) {
  const box = el("desk-checks");
  box.classList.toggle("desk-checks--ok", checks.ok);
  const warnings = checks.warnings.length ? h("p", null, tr("warnings", { n: checks.warnings.length })) : null;
  if (checks.ok) box.replaceChildren(h("p", null, tr("checks_ok")), warnings);
  else {
    box.replaceChildren(h("p", { class: "desk-error" }, tr("checks_bad", { n: checks.problems.length })),
      h("ul", null, checks.problems.map((problem) => h("li", null, problem))), warnings);
  }
  showPreview(checks.ok);
}

function showPreview(ok) {
  const frame = el("desk-preview");
  el("desk-preview-note").hidden = ok;
  frame.hidden = !ok;
  // A new query each time: the preview is made again from the saved files.
  if (ok) frame.src = `${data.urls.preview}?${lang === "en" ? "lang=en&" : ""}saved=${Date.now()}`;
}

drawAll();
showChecks(data.checks);
window.StoryMapDesk = { map, state };
