/*
 * main.js: entry of the map page (/ and /embed), loaded as <script type="module">.
 *
 * Reads the layers folium made from window.StoryMapLayers ({map, districts, places,
 * gcj02Layers, gcj02Grid, bounds}, published by the page's inline script, which runs
 * before any module) and the page data from #storymap-data, then wires the panel,
 * tour, search and deep links. What the first view does not show loads on a reader's
 * first need: the reading content (data.js loadContent) and reading.js for a district,
 * place or the city; search.js and the content when the search box is first used;
 * compare.js via compare-entry.js.
 * Exports nothing; publishes window.StoryMap
 * ({app, gcj02Layers, gcj02Grid, gcjOffset}) for tests and the console.
 */
import { translator } from "./dom.js";
import { loadContent, loadData } from "./data.js";
import { districtBounds, highlightDistrict, shadeDistricts, wireDistricts } from "./districts.js";
import { MapLabels, alignGcj02Layer, creditLeaflet, gcjOffset, highlightPlace, sizeMarkers, wirePlaces } from "./map-layers.js";
import { Panel } from "./panel.js";
import { Router } from "./deeplinks.js";
import { Tour } from "./tour.js";
import { CompareEntry } from "./compare-entry.js";

class MapPage {
  constructor(layers, data) {
    this.map = layers.map;
    this.data = data;
    this.lang = data.lang;
    this.tr = translator(data.strings);
    this.panelElement = document.getElementById("sm-panel");
    this.sidebar = document.getElementById("sidebar");
    this.view = { type: "home" };
    this.regionBounds = L.latLngBounds(layers.bounds);
    // The first view shows where the story happens: every story point, not the whole region.
    const storyPoints = data.places.filter((p) => p.role === "story").map((p) => [p.lat, p.lon]);
    this.homeBounds = storyPoints.length ? L.latLngBounds(storyPoints) : this.regionBounds;
    this.map.options.zoomSnap = 0.25;  // fit the story points closely, not to the next whole zoom level
    for (const layer of layers.gcj02Layers) alignGcj02Layer(layer, this.map, layers.gcj02Grid);
    this.addControls();
    const legend = document.querySelector(".sm-legend");
    if (legend && window.matchMedia("(max-width: 767.98px)").matches) legend.open = false;

    this.router = new Router((view, options) => this.render(view, options));
    const go = (view) => this.router.go(view);
    this.panelOptions = { data, lang: this.lang, tr: this.tr, go };
    this.panel = new Panel(this.panelOptions);  // a ReadingPanel once a reader opens something to read
    this.districtLayers = wireDistricts(this.map, layers.districts, data, this.lang, (code) => go({ type: "district", id: code }));
    this.placeLayers = wirePlaces(layers.places, data, this.lang, {
      popup: (place) => this.panel.popup(place),
      onChoose: (id) => go({ type: "place", id }),
    });
    this.compare = new CompareEntry({ map: this.map, data, lang: this.lang, panel: this.panelElement, go, places: layers.places,
      padding: () => this.viewPadding(), tr: this.tr });
    sizeMarkers(this.map, this.placeLayers, data);
    this.map.on("zoomend resize", () => sizeMarkers(this.map, this.placeLayers, data));
    shadeDistricts(this.districtLayers, data, [...document.querySelectorAll(".sm-legend [data-min]")]
      .map((row) => Number(row.dataset.min)));
    this.labels = new MapLabels(this.map, data, this.lang, {
      placeLayers: this.placeLayers,
      districtLayers: this.districtLayers,
      obstacles: () => [this.sidebar.getBoundingClientRect()],
      storyPoints: true,
    });
    if (legend) legend.addEventListener("toggle", () => this.labels.update());
    this.tour = new Tour({
      stops: data.tour,
      currentIndex: () => (this.view.type === "place" ? data.tour.indexOf(this.view.id) : -1),
      show: (index, { replace }) => this.router.go({ type: "place", id: data.tour[index] }, { replace }),
      prev: document.getElementById("sm-tour-prev"),
      next: document.getElementById("sm-tour-next"),
      status: document.getElementById("sm-tour-status"),
      tr: this.tr,
    });
    this.tour.listen(document);
    const input = document.getElementById("sm-search-input");
    if (input) this.wireSearch(input, go);
    this.wireSheet();
    document.querySelectorAll("[data-nav=home]").forEach((link) =>
      link.addEventListener("click", (event) => { event.preventDefault(); go({ type: "home" }); }));
    this.router.start();
  }

  /** Zoom buttons titled in the page's language, a metric scale, the 全市 button, keyboard panning. */
  addControls() {
    const map = this.map;
    if (map.zoomControl) map.zoomControl.remove();
    map.zoomControl = L.control.zoom({
      zoomInTitle: this.tr("zoom_in"), zoomOutTitle: this.tr("zoom_out"),
    }).addTo(map);
    L.control.scale({ imperial: false }).addTo(map);
    const WholeCity = L.Control.extend({
      options: { position: "topleft" },
      onAdd: () => {
        const bar = L.DomUtil.create("div", "leaflet-bar sm-whole-city");
        const button = L.DomUtil.create("a", "", bar);
        button.href = "#";
        button.setAttribute("role", "button");
        button.title = this.tr("whole_city_title");
        button.setAttribute("aria-label", this.tr("whole_city_title"));
        button.textContent = this.tr("whole_city");
        L.DomEvent.disableClickPropagation(bar);
        L.DomEvent.on(button, "click", (event) => {
          L.DomEvent.preventDefault(event);
          map.flyToBounds(this.regionBounds, { ...this.viewPadding(), duration: 0.8 });
        });
        return bar;
      },
    });
    new WholeCity().addTo(map);
    // Tab to the map, then arrows pan and +/- zoom (the tour keys skip the focused map).
    map.keyboard.enable();
    creditLeaflet(map, this.tr("leaflet_title"));
    // The popups' close button in the page's language.
    map.on("popupopen", (event) => {
      const close = event.popup.getElement()?.querySelector(".leaflet-popup-close-button");
      if (close) close.setAttribute("aria-label", this.tr("close"));
    });
    const layersToggle = map.getContainer().querySelector(".leaflet-control-layers-toggle");
    if (layersToggle) {
      layersToggle.title = this.tr("layers");
      layersToggle.setAttribute("aria-label", this.tr("layers"));
    }
  }

  render(view, { fly = false, focus = false, initial = false } = {}) {
    if (view.type === "district" && !this.data.by.district.has(view.id)) view = { type: "missing", id: view.id };
    if (view.type === "place" && !this.data.by.place.has(view.id)) view = { type: "missing", id: view.id };
    this.view = view;
    this.map.closePopup();
    const place = view.type === "place" ? this.data.by.place.get(view.id) : null;
    const districtCode = view.type === "district" ? view.id : place ? place.district_code : null;
    highlightDistrict(this.districtLayers, districtCode);
    highlightPlace(this.placeLayers, place ? place.id : null);
    if (view.type === "compare") return this.compare.show(view);  // compare.js fills the panel and draws on the map
    this.compare.hide();
    this.showPanel(view, focus);
    if (view.type !== "home") this.setSheetOpen(true);
    if (fly) this.flyTo(view, initial);
    this.tour.update();
    this.updateLangLink();
    this.labels.select(districtCode);
  }

  /** The panel of a view; one to read shows a loading state until its content and reading.js are in. */
  showPanel(view, focus, failed = false) {
    const waiting = this.panel.needsReading(view);
    const nodes = waiting ? this.panel.pending(view, failed, () => this.showPanel(view, true)) : this.panel.nodesFor(view);
    // Panel builders may return nested lists and nulls; only nodes go in.
    this.panelElement.replaceChildren(...nodes.flat(Infinity).filter(Boolean));
    this.panelElement.dataset.view = view.type;  // print.css: the first view's title is the printed head
    this.compare.decoratePanel(view, this.panelElement);
    this.panelElement.scrollTop = 0;
    this.sidebar.scrollTop = 0;
    const handleLabel = this.sidebar.querySelector(".sm-sheet-handle__label");
    const heading = this.panelElement.querySelector("h2");
    if (handleLabel && heading) handleLabel.textContent = `${heading.textContent} ▴`;
    if (focus && heading) heading.focus({ preventScroll: true });
    if (!waiting || failed) return;
    this.loadReading().then(() => this.view === view && this.showPanel(view, focus && this.panelHasFocus()),
      () => this.view === view && this.showPanel(view, focus && this.panelHasFocus(), true));
  }

  /** The reading content and reading.js, once for every view that reads (a failure is tried again next time). */
  loadReading() {
    if (!this.reading) {
      this.reading = Promise.all([import("./reading.js"), loadContent(this.data)]).then(([{ ReadingPanel }]) => {
        this.panel = new ReadingPanel(this.panelOptions);
      });
      this.reading.catch(() => { this.reading = null; });
    }
    return this.reading;
  }

  panelHasFocus() {
    return document.activeElement === document.body || this.panelElement.contains(document.activeElement);
  }

  /** search.js and the passages to search load when the search box is first used (names work before the passages come). */
  wireSearch(input, go) {
    const results = document.getElementById("sm-search-results");
    let search = null;      // search.js, once imported
    let importing = null;
    let asking = false;     // the reading content is on its way
    const refresh = () => {
      if (!search) return;
      const index = search.buildSearchIndex(this.data, this.lang, this.tr);
      if (this.search) this.search.index = index;
      else this.search = new search.SearchBox({ input, results, index, tr: this.tr, onChoose: go });
      if (document.activeElement === input && input.value) this.search.search(input.value);  // what was typed meanwhile
    };
    const start = () => {
      if (!this.data.contentReady && !asking) {
        asking = true;
        loadContent(this.data).then(refresh, () => {}).finally(() => { asking = false; });  // failed: names only, until next time
      }
      importing = importing || import("./search.js").then((module) => { search = module; refresh(); },
        () => { importing = null; });  // offline before search.js came: the next focus tries again
    };
    input.addEventListener("focus", start);
    input.addEventListener("input", start);
  }

  /** Padding that keeps a view clear of whatever covers the map (the bottom sheet on phones). */
  viewPadding() {
    const map = this.map.getContainer().getBoundingClientRect();
    const sheet = this.sidebar.getBoundingClientRect();
    const covered = sheet.left < map.right - 1 && sheet.top > map.top ? Math.max(0, map.bottom - sheet.top) : 0;
    return { paddingTopLeft: [24, 24], paddingBottomRight: [24, 24 + covered] };
  }

  flyTo(view, instant) {
    const options = { ...this.viewPadding(), animate: !instant, duration: 0.8 };
    if (instant) this.map.stop();
    if (view.type === "district") {
      this.map.flyToBounds(districtBounds(this.districtLayers, view.id), { ...options, maxZoom: 13 });
    } else if (view.type === "place") {
      const place = this.data.by.place.get(view.id);
      // The place within its whole district: without a basemap the outline is what orients a reader.
      const zoom = { point: 14, street: 14, subdistrict: 13, district: 12 }[place.precision] || 13;
      const around = districtBounds(this.districtLayers, place.district_code).extend([place.lat, place.lon]);
      this.map.flyToBounds(around, { ...options, maxZoom: zoom });
    } else {
      this.map.flyToBounds(this.homeBounds, { ...options, maxZoom: 12 });
    }
  }

  updateLangLink() {
    const link = document.getElementById("sm-lang-switch");
    // Keep the page the server (or the static copy) linked to; carry the view over in the hash.
    if (link) link.setAttribute("href", `${link.href.split("#")[0]}${location.hash}`);
  }

  /* ---------- bottom sheet (narrow screens) ---------- */

  wireSheet() {
    this.sheetHandle = this.sidebar.querySelector(".sm-sheet-handle");
    this.sheetHandle.addEventListener("click", () =>
      this.setSheetOpen(!this.sidebar.classList.contains("sm-sidebar--open")));
  }

  setSheetOpen(open) {
    this.sidebar.classList.toggle("sm-sidebar--open", open);
    this.sheetHandle.setAttribute("aria-expanded", String(open));
    if (this.labels) this.labels.update();
  }
}

const layers = window.StoryMapLayers;
if (!layers) throw new Error("window.StoryMapLayers is missing: the map page's inline script did not run");
window.StoryMap = {
  app: new MapPage(layers, loadData()),
  gcj02Layers: layers.gcj02Layers,
  gcj02Grid: layers.gcj02Grid,
  gcjOffset,
};
