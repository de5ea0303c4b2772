/*
 * main.js: entry of the map page (/ and /embed), loaded as <script type="module">.
 *
 * Reads the layers folium made from window.StoryMapLayers ({map, districts, places,
 * gcj02Layers, gcj02Grid, bounds}, published by the page's inline script, which runs
 * before any module) and the page data from #storymap-data, then wires the panel,
 * tour, search and deep links. Exports nothing; publishes window.StoryMap
 * ({app, gcj02Layers, gcj02Grid, gcjOffset}) for tests and the console.
 */
import { translator } from "./dom.js";
import { loadData } from "./data.js";
import { districtBounds, highlightDistrict, wireDistricts } from "./districts.js";
import { DistrictLabels, alignGcj02Layer, gcjOffset, highlightPlace, wirePlaces } from "./map-layers.js";
import { Panel } from "./panel.js";
import { SearchBox, buildSearchIndex } from "./search.js";
import { Router } from "./deeplinks.js";
import { Tour } from "./tour.js";

class MapPage {
  constructor(layers, data) {
    this.map = layers.map;
    this.data = data;
    this.lang = data.lang;
    this.tr = translator(data.strings);
    this.panelElement = document.getElementById("sm-panel");
    this.sidebar = document.getElementById("sidebar");
    this.view = { type: "home" };
    this.homeBounds = L.latLngBounds(layers.bounds);
    for (const layer of layers.gcj02Layers) alignGcj02Layer(layer, this.map, layers.gcj02Grid);
    L.control.scale({ imperial: false }).addTo(this.map);
    const legend = document.querySelector(".sm-legend");
    if (legend && window.matchMedia("(max-width: 767.98px)").matches) legend.open = false;

    this.router = new Router((view, options) => this.render(view, options));
    const go = (view) => this.router.go(view);
    this.panel = new Panel({ data, lang: this.lang, tr: this.tr, go });
    this.districtLayers = wireDistricts(this.map, layers.districts, data, this.lang, (code) => go({ type: "district", id: code }));
    this.placeLayers = wirePlaces(layers.places, data, this.lang, {
      popup: (place) => this.panel.popup(place),
      onChoose: (id) => go({ type: "place", id }),
    });
    this.labels = new DistrictLabels(this.map, data, this.lang);
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
    if (input) {
      this.search = new SearchBox({
        input, results: document.getElementById("sm-search-results"),
        index: buildSearchIndex(data, this.lang, this.tr), tr: this.tr, onChoose: go,
      });
    }
    this.wireSheet();
    document.querySelectorAll("[data-nav=home]").forEach((link) =>
      link.addEventListener("click", (event) => { event.preventDefault(); go({ type: "home" }); }));
    this.router.start();
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
    // Panel builders may return nested lists and nulls; only nodes go in.
    this.panelElement.replaceChildren(...this.panel.nodesFor(view).flat(Infinity).filter(Boolean));
    this.panelElement.scrollTop = 0;
    this.sidebar.scrollTop = 0;
    if (view.type !== "home") this.setSheetOpen(true);
    if (fly) this.flyTo(view, initial);
    this.tour.update();
    this.updateLangLink();
    this.labels.select(districtCode);
    if (focus) {
      const heading = this.panelElement.querySelector("h2");
      if (heading) heading.focus({ preventScroll: true });
    }
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
      this.map.flyToBounds(this.homeBounds, options);
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
