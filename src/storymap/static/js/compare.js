/*
 * compare.js: the planner's comparison on the map page (对比 / Compare).
 *
 * 2-6 items (story places, districts, points clicked or typed in WGS-84 or
 * GCJ-02) side by side. The server computes everything (/api/compare: geodesic
 * distances, walking circles and their geometry, district shares, indicators);
 * this module keeps the selection in the URL hash, draws what the server
 * returns and renders its table. The static copy has no server: its page carries the
 * comparison data (#storymap-compare-data, put there by `storymap export`), and the same
 * result is computed in the page (compare-local.js), its CSV and GeoJSON built as files in
 * the page; what needs the server (the print view) is not offered. Which of the two is
 * decided once, from the page. UI strings come with the page data
 * (data.compare_strings, complete once the reading content is in). compare-entry.js
 * loads this module, with its stylesheet, when a reader first opens the comparison.
 *
 * Exports:
 *   compareHash(state)            "#compare=place:a,pt:121.4868:31.2406&r=1000[&crs=gcj02]"
 *   parseCompareHash(hash)        {items, r, crs} of such a fragment
 *   class CompareMode({ map, data, lang, panel, go, padding })
 *     map: the Leaflet map; data: loadData() with its reading content; panel: the #sm-panel element;
 *     go(view): the router's navigation;
 *     padding(): fitBounds padding that keeps clear of what covers the map (the bottom sheet).
 *     .show(view)                   draw the comparison a {type: "compare", hash} view names
 *     .hide()                       leave compare mode (its layers off, the panel narrow again)
 *     .state                        the selection {items, r, crs}; .open(state), .add(item)
 *
 * History: entering compare mode adds one entry (Back returns to the map);
 * edits inside it (add, remove, radius) replace the entry, so they never flood history.
 */
import { h, t } from "./dom.js";
import { districtName, placeName } from "./data.js";
import { districtOfPlace } from "./districts.js";
import { CSV_TABLES, LocalComparison, readLocalData, table as localTable, toCsv, toGeojson } from "./compare-local.js";

const DEFAULTS = { r: 1000, crs: "wgs84" };
const API = new URL("api/", document.baseURI);

export function compareHash({ items, r, crs }) {
  const list = items.map((item) => encodeURIComponent(item).replace(/%3A/gi, ":")).join(",");
  return `#compare=${list}&r=${r}${crs && crs !== DEFAULTS.crs ? `&crs=${crs}` : ""}`;
}

export function parseCompareHash(hash) {
  const params = new URLSearchParams(String(hash).replace(/^#/, ""));
  const items = (params.get("compare") || "").split(",").map((s) => s.trim()).filter(Boolean);
  const r = Number(params.get("r"));
  return { items, r: Number.isFinite(r) && r > 0 ? r : DEFAULTS.r, crs: params.get("crs") || DEFAULTS.crs };
}

function query(state, lang) {
  const params = new URLSearchParams({ items: state.items.join(","), r: String(state.r), crs: state.crs });
  if (lang) params.set("lang", lang);
  return params.toString();
}

const latLngs = (ring) => ring.map(([lon, lat]) => [lat, lon]);

export class CompareMode {
  constructor({ map, data, lang, panel, go, padding }) {
    Object.assign(this, { map, data, lang, panel, go, padding });
    this.state = { items: [], ...DEFAULTS };
    this.active = false;
    this.layer = L.featureGroup();
    this.request = 0;
    this.drawnItems = "";
    this.strings = data.compare_strings;
    const local = readLocalData();  // present in the static copy only
    this.local = local && new LocalComparison(local);
    this.fileUrls = [];  // the downloads made in the page, released when replaced
    this.tr = (key, vars) => t(this.strings, key, vars);
    map.on("baselayerchange layeradd layerremove", () => { if (this.active) this.updateTilesNote(); });
    document.addEventListener("keydown", (event) => { if (event.key === "Escape") this.stopPicking(); });
  }

  get limits() { return this.strings.limits; }

  /* ---------- entering, editing, leaving ---------- */

  async show(view) {
    this.state = parseCompareHash(view.hash);
    if (!this.active) {
      this.active = true;
      document.body.classList.add("sm--compare");
      this.layer.addTo(this.map);
      this.map.invalidateSize();
    }
    this.render();
  }

  hide() {
    if (!this.active) return;
    this.active = false;
    this.stopPicking();
    this.layer.remove();
    this.drawnItems = "";
    document.body.classList.remove("sm--compare");
    this.map.invalidateSize();
  }

  /** Open compare mode with these items (one history entry), or edit it in place. */
  open(state) {
    if (this.active) this.edit(state);
    else this.go({ type: "compare", hash: compareHash(state) });
  }

  edit(state) {
    this.state = state;
    history.replaceState(null, "", compareHash(state));
    this.render();
  }

  add(item) {
    const { items } = this.state;
    if (items.includes(item)) return this.open(this.state);
    if (items.length >= this.limits.max_items) {
      return this.showMessage(this.tr("too_many", { max: this.limits.max_items }));
    }
    this.open({ ...this.state, items: [...items, item] });
  }

  remove(item) {
    this.edit({ ...this.state, items: this.state.items.filter((i) => i !== item) });
  }

  /* ---------- the panel ---------- */

  render() {
    this.resultBox = h("div", { class: "cmp-result" });
    this.message = h("p", { class: "cmp-message", role: "alert" });
    this.panel.replaceChildren(
      h("p", { class: "sm-kicker" }, this.tr("compare")),
      h("h2", { tabindex: "-1" }, this.tr("compare_title")),
      h("p", { class: "sm-muted cmp-hint" }, this.tr("hint")),
      this.chips(),
      this.controls(),
      this.message,
      this.tilesNote = h("div", { class: "cmp-tiles" }),
      this.resultBox,
      h("p", { class: "cmp-actions" },
        h("button", { type: "button", class: "sm-button", onclick: () => this.edit({ ...this.state, items: [] }) }, this.tr("clear")),
        h("button", { type: "button", class: "sm-button", onclick: () => this.go({ type: "home" }) }, this.tr("close"))),
    );
    this.updateTilesNote();
    this.refresh();
  }

  chips() {
    const names = this.names || new Map();
    return h("ol", { class: "cmp-chips", "aria-label": this.tr("compare_title") }, this.state.items.map((item, index) =>
      h("li", { class: "cmp-chip" },
        h("span", { class: "cmp-letter" }, "ABCDEF"[index]),
        h("span", { class: "cmp-chip__name" }, names.get(item) || this.localName(item)),
        h("button", {
          type: "button", class: "cmp-chip__remove", "aria-label": `${this.tr("remove")} ${"ABCDEF"[index]}`,
          title: this.tr("remove"), onclick: () => this.remove(item),
        }, "×"))));
  }

  /** A name from the page data before the server has answered. */
  localName(item) {
    const [kind, id] = item.split(/:(.*)/s);
    if (kind === "place" && this.data.by.place.has(id)) {
      const place = this.data.by.place.get(id);
      const district = districtOfPlace(this.data, id);
      return `${placeName(place, this.lang)}${district ? ` · ${districtName(district, this.lang)}` : ""}`;
    }
    if (kind === "district" && this.data.by.district.has(id)) return districtName(this.data.by.district.get(id), this.lang);
    return item;
  }

  controls() {
    const limits = this.limits;
    const coordsInput = h("input", {
      id: "cmp-coords", type: "text", inputmode: "decimal", autocomplete: "off", spellcheck: "false",
      placeholder: this.tr("coords_placeholder"),
    });
    const crsSelect = h("select", { id: "cmp-crs", "aria-label": this.tr("crs_label") },
      h("option", { value: "wgs84" }, this.tr("crs_wgs84")),
      h("option", { value: "gcj02" }, this.tr("crs_gcj02")));
    const addTyped = (event) => {
      event.preventDefault();
      const numbers = coordsInput.value.trim().split(/[\s,，;:]+/).filter(Boolean);
      if (numbers.length !== 2) return this.showMessage(`${this.tr("coords_label")}: ${this.tr("coords_placeholder")}`);
      const suffix = crsSelect.value === this.state.crs ? "" : `:${crsSelect.value}`;
      this.add(`pt:${numbers[0]}:${numbers[1]}${suffix}`);
    };
    const radius = h("input", {
      id: "cmp-radius", type: "number", min: limits.min_radius, max: limits.max_radius, step: 100, value: this.state.r,
    });
    radius.addEventListener("change", () => {
      const value = Number(radius.value);
      if (value >= limits.min_radius && value <= limits.max_radius) this.edit({ ...this.state, r: value });
      else this.showMessage(`${this.tr("radius_label")}: ${limits.min_radius}–${limits.max_radius} ${this.tr("metres")}`);
    });
    this.pickButton = h("button", { type: "button", class: "sm-button", "aria-pressed": "false",
      onclick: () => (this.picking ? this.stopPicking() : this.startPicking()) }, this.tr("pick_on_map"));
    return h("div", { class: "cmp-controls" },
      h("form", { class: "cmp-row", onsubmit: addTyped },
        h("label", { for: "cmp-coords" }, this.tr("coords_label")), coordsInput, crsSelect,
        h("button", { type: "submit", class: "sm-button" }, this.tr("add"))),
      h("div", { class: "cmp-row" },
        this.pickButton,
        h("label", { for: "cmp-radius" }, this.tr("radius_label")), radius, h("span", null, this.tr("metres"))));
  }

  showMessage(text) {
    if (this.message) this.message.textContent = text;
  }

  /* ---------- basemap ---------- */

  updateTilesNote() {
    if (!this.tilesNote) return;
    let tilesOn = false;
    this.map.eachLayer((layer) => { if (layer instanceof L.TileLayer) tilesOn = true; });
    if (tilesOn) return this.tilesNote.replaceChildren();
    // The configured basemaps are the radio buttons of Leaflet's layer control: one click turns the first on.
    const choice = this.map.getContainer().querySelector(".leaflet-control-layers-base label");
    const input = choice && choice.querySelector("input");
    const hint = input
      ? h("button", { type: "button", class: "sm-button", id: "cmp-tiles-on", onclick: () => input.click() },
        this.tr("tiles_on", { name: choice.textContent.trim() }))
      : h("p", { class: "sm-muted" }, this.tr("tiles_none"));
    // "No basemap on this server" means nothing in the static copy, which has no server.
    this.tilesNote.replaceChildren(h("p", { class: "cmp-tiles__off" }, this.tr("tiles_off")), ...(input || !this.local ? [hint] : []));
  }

  /* ---------- picking a point on the map ---------- */

  startPicking() {
    this.picking = (event) => {
      const digits = this.map.getZoom() >= 15 ? 5 : 4;  // about 1 m or 10 m: no more than a click means
      const { lat, lng } = event.latlng;
      this.stopPicking();
      this.add(`pt:${lng.toFixed(digits)}:${lat.toFixed(digits)}${this.state.crs === "wgs84" ? "" : ":wgs84"}`);
    };
    this.map.getContainer().classList.add("cmp-picking");
    this.map.once("click", this.picking);
    this.pickButton.setAttribute("aria-pressed", "true");
    this.showMessage(this.tr("picking"));
  }

  stopPicking() {
    if (!this.picking) return;
    this.map.off("click", this.picking);
    this.picking = null;
    this.map.getContainer().classList.remove("cmp-picking");
    if (this.pickButton) this.pickButton.setAttribute("aria-pressed", "false");
    this.showMessage("");
  }

  /* ---------- the comparison ---------- */

  async refresh() {
    const state = this.state;
    const request = ++this.request;
    if (state.items.length < this.limits.min_items) {
      this.layer.clearLayers();
      this.drawnItems = "";
      this.resultBox.replaceChildren(h("p", { class: "cmp-need" },
        this.tr("need_more", { n: this.limits.min_items - state.items.length })));
      return;
    }
    this.resultBox.replaceChildren(h("p", { class: "sm-muted" }, this.tr("loading")));
    const body = await (this.local ? this.computeHere(state) : this.fetchResult(state));
    if (request !== this.request) return;  // a newer edit is on its way
    if (body.error) {
      this.layer.clearLayers();
      this.drawnItems = "";
      this.resultBox.replaceChildren(h("p", { class: "cmp-error", role: "alert" },
        this.tr("error", { message: body.error.message })));
      return;
    }
    this.names = new Map(body.items.map((item) => [item.id, this.lang === "en" ? item.name_en : item.name_zh]));
    this.panel.querySelector(".cmp-chips").replaceWith(this.chips());
    this.draw(body);
    this.resultBox.replaceChildren(this.table(body.table), this.matrix(body.table),
      this.local ? this.localDownloads(body) : this.downloads(state));
  }

  async fetchResult(state) {
    try {
      const response = await fetch(new URL(`compare?${query(state, this.lang)}`, API));
      return await response.json();
    } catch (error) {
      return { error: { message: String(error) } };
    }
  }

  /** The static copy's answer: what /api/compare would give, computed in the page. */
  async computeHere(state) {
    await new Promise((resolve) => setTimeout(resolve));  // let "computing…" show first
    try {
      const result = this.local.compare(state);
      return { ...result, table: localTable(result, this.strings.table_labels, this.lang) };
    } catch (error) {
      return { error: { message: error.message } };
    }
  }

  table(view) {
    return h("div", { class: "cmp-table-wrap", tabindex: "0", role: "region", "aria-label": this.tr("compare_title") },
      h("table", { class: "cmp-table" },
        h("thead", null, h("tr", null, h("th", { scope: "col" }, view.labels.item),
          view.columns.map((c) => h("th", { scope: "col" }, h("span", { class: "cmp-letter" }, c.letter), " ", c.name)))),
        h("tbody", null, view.rows.map((row) => h("tr", { dataset: { key: row.key } },
          h("th", { scope: "row" }, row.label),
          row.cells.map((cell) => h("td", null, this.cell(cell))))))));
  }

  cell(cell) {
    if (!cell.links || !cell.links.length) return cell.text;
    return h("ul", { class: "cmp-links" }, cell.links.map((link) => h("li", null, link.type
      ? h("a", { href: `#${link.type}=${encodeURIComponent(link.id)}` }, link.text)
      : link.text)));
  }

  matrix(view) {
    const letters = view.columns.map((c) => c.letter);
    return h("section", { class: "cmp-matrix-box" },
      h("h3", null, view.labels.distances),
      h("table", { class: "cmp-matrix" },
        h("thead", null, h("tr", null, h("th", null, ""), letters.map((l) => h("th", { scope: "col" }, l)))),
        h("tbody", null, view.matrix_text.map((row, i) => h("tr", null, h("th", { scope: "row" }, letters[i]),
          row.map((text, j) => h("td", i === j ? null : {
            dataset: { distanceM: view.matrix[i][j], pair: `${letters[i]}${letters[j]}` },
            title: `${letters[i]} → ${letters[j]}: ${view.labels.bearing} ${Math.round(view.bearing_matrix[i][j])}°`,
          }, text, i === j ? null : h("small", null, ` ${Math.round(view.bearing_matrix[i][j])}°`))))))),
      h("p", { class: "sm-muted" }, this.tr("matrix_note"), " ", this.tr("uncertainty_note")));
  }

  csvLabel(name) {
    return this.tr("download_csv", { table: this.strings.csv_tables[name] });
  }

  downloads(state) {
    const q = query(state, this.lang);
    return h("p", { class: "cmp-downloads" },
      CSV_TABLES.map((name) => h("a", {
        class: "sm-button", id: `cmp-csv-${name}`, href: new URL(`compare.csv?${q}&table=${name}`, API).href,
        download: `storymap-compare-${name}.csv`,
      }, this.csvLabel(name))),
      h("a", { class: "sm-button", id: "cmp-geojson", href: new URL(`compare.geojson?${q}`, API).href,
        download: "storymap-compare.geojson" }, this.tr("download_geojson")),
      h("a", { class: "sm-button", id: "cmp-print", href: new URL(`compare/print?${q}`, document.baseURI).href,
        target: "_blank", rel: "noopener" }, this.tr("print_view")));
  }

  /** The same files as the server's, made in the page (no print view: it needs the server). */
  localDownloads(result) {
    for (const url of this.fileUrls) URL.revokeObjectURL(url);
    const file = (text, type) => {
      const url = URL.createObjectURL(new Blob([text], { type }));
      this.fileUrls.push(url);
      return url;
    };
    this.fileUrls = [];
    const labels = this.strings.table_labels;
    return h("p", { class: "cmp-downloads" },
      CSV_TABLES.map((name) => h("a", {
        class: "sm-button", id: `cmp-csv-${name}`, download: `storymap-compare-${name}.csv`,
        href: file(`\ufeff${toCsv(result, labels, this.lang, name)}`, "text/csv"),  // BOM: Excel then reads UTF-8
      }, this.csvLabel(name))),
      h("a", {
        class: "sm-button", id: "cmp-geojson", download: "storymap-compare.geojson",
        href: file(JSON.stringify(toGeojson(result)), "application/geo+json"),
      }, this.tr("download_geojson")));
  }

  /** Circles, uncertainty, items and labelled distance lines, all from the server's geometry. */
  draw(result) {
    this.layer.clearLayers();
    for (const item of result.items) {
      L.polygon(latLngs(item.circle.geometry.coordinates[0]), {
        className: "cmp-circle", interactive: false, weight: 2, fillOpacity: 0.08,
      }).addTo(this.layer);
      L.polygon(latLngs(item.uncertainty.coordinates[0]), {
        className: "cmp-uncertainty", interactive: false, weight: 1.5, dashArray: "6 5", fill: false,
      }).addTo(this.layer);
    }
    result.pairs.forEach((pair, index) => {
      const line = latLngs(pair.line.coordinates);
      L.polyline(line, { className: "cmp-line", interactive: false, weight: 2 }).addTo(this.layer);
      L.marker(line[Math.floor(line.length / 2)], {
        interactive: false, keyboard: false,
        icon: L.divIcon({ className: "cmp-line-label", iconSize: null,
          html: h("span", null, `${pair.letters} ${result.table.pairs[index].distance_text}`) }),
      }).addTo(this.layer);
    });
    for (const item of result.items) {
      L.marker([item.lat, item.lon], {
        keyboard: false, title: `${item.letter} ${this.lang === "en" ? item.name_en : item.name_zh}`,
        icon: L.divIcon({ className: "cmp-marker", iconSize: [24, 24], html: h("span", null, item.letter) }),
      }).addTo(this.layer);
    }
    const key = result.items.map((i) => i.id).join(",") + result.radius_m;
    if (key !== this.drawnItems) {
      this.drawnItems = key;
      this.map.flyToBounds(this.layer.getBounds(), { ...this.padding(), maxZoom: 15, duration: 0.6 });
    }
  }
}
