/*
 * present.js: entry of the presenter view (/present), loaded as <script type="module">.
 *
 * Slides from the page data: a title slide, one per tour stop (the map flies to
 * the stop's district, outlined, with the point marked) and a closing slide (all
 * stops, the city-wide figures). Keys: → PageDown Space next, ← PageUp
 * Shift+Space back (the tour's keys: clickers send PageUp/PageDown), Home/End,
 * F full screen, B blank screen, Esc leave. The slide number is in the hash:
 * #slide=1 is the title slide.
 */
import { h, paragraphs, translator } from "./dom.js";
import { districtName, loadData, localised, placeName } from "./data.js";
import { districtBounds, highlightDistrict, shadeDistricts, wireDistricts } from "./districts.js";
import { MapLabels, creditLeaflet, highlightPlace, sizeMarkers, wirePlaces } from "./map-layers.js";
import { ReadingPanel } from "./reading.js";
import { tourKeyDelta } from "./tour.js";

const CLOSING_FACTS = 2;
const EXCERPT_LENGTH = { zh: 190, en: 480 };  // characters of a passage on a slide, at most
const MIN_EXCERPT = 40;

/** The first sentences of a passage, up to `limit` characters. */
function shorten(text, limit) {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit);
  const end = Math.max(...[..."。！？.!?"].map((mark) => cut.lastIndexOf(mark)));
  return (end > limit / 3 ? cut.slice(0, end + 1) : cut.trimEnd()) + "…";
}

class Presenter {
  constructor(layers, data) {
    this.map = layers.map;
    this.data = data;
    this.lang = data.lang;
    this.tr = translator(data.strings);
    this.homeBounds = L.latLngBounds(layers.bounds);
    this.slideElement = document.getElementById("pr-slide");
    this.status = document.getElementById("pr-status");
    this.blank = document.getElementById("pr-blank");
    this.leaveLink = document.getElementById("pr-leave");
    this.panel = new ReadingPanel({ data, lang: this.lang, tr: this.tr, go: () => {} });
    this.stops = data.tour.map((id) => data.by.place.get(id));
    this.total = this.stops.length + 2;
    this.districtLayers = wireDistricts(this.map, layers.districts, data, this.lang, (code) => {
      const stop = this.stops.findIndex((place) => place.district_code === code);
      if (stop !== -1) this.go(stop + 2);
    });
    this.placeLayers = wirePlaces(layers.places, data, this.lang, {
      popup: (place) => h("strong", null, placeName(place, this.lang)),
      onChoose: (id) => { const stop = data.tour.indexOf(id); if (stop !== -1) this.go(stop + 2); },
    });
    // Shaded as on the map page (the legend's thresholds).
    shadeDistricts(this.districtLayers, data, data.shade_thresholds);
    sizeMarkers(this.map, this.placeLayers, data);
    this.map.on("zoomend resize", () => sizeMarkers(this.map, this.placeLayers, data));
    creditLeaflet(this.map);
    this.labels = new MapLabels(this.map, data, this.lang,
      { placeLayers: this.placeLayers, districtLayers: this.districtLayers, storyPoints: true });
    document.getElementById("pr-prev").addEventListener("click", () => this.go(this.number - 1));
    document.getElementById("pr-next").addEventListener("click", () => this.go(this.number + 1));
    document.addEventListener("keydown", (event) => this.onKey(event));
    window.addEventListener("hashchange", () => this.show(this.fromHash(), { instant: false }));
    this.number = 0;
    this.show(this.fromHash(), { instant: true });
  }

  fromHash() {
    const value = Number.parseInt(new URLSearchParams(location.hash.slice(1)).get("slide"), 10);
    return Number.isFinite(value) ? Math.min(Math.max(value, 1), this.total) : 1;
  }

  go(number) {
    const next = Math.min(Math.max(number, 1), this.total);
    if (next === this.number) return;
    history.replaceState(null, "", `#slide=${next}`);
    this.show(next, { instant: false });
  }

  onKey(event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const delta = tourKeyDelta(event);
    if (delta) {
      event.preventDefault();
      this.go(this.number + delta);
      return;
    }
    const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    const actions = {
      Home: () => this.go(1),
      End: () => this.go(this.total),
      f: () => this.toggleFullscreen(),
      b: () => { this.blank.hidden = !this.blank.hidden; },
      Escape: () => (this.blank.hidden ? this.leave() : (this.blank.hidden = true)),
    };
    if (actions[key]) {
      event.preventDefault();
      actions[key]();
    }
  }

  toggleFullscreen() {
    if (document.fullscreenElement) document.exitFullscreen();
    else if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen().catch(() => {});
  }

  /** Back to the map, at the stop on screen. */
  leave() {
    const stop = this.stops[this.number - 2];
    location.href = this.leaveLink.href.split("#")[0] + (stop ? `#place=${encodeURIComponent(stop.id)}` : "");
  }

  show(number, { instant }) {
    this.number = number;
    const stop = this.stops[number - 2];
    const nodes = number === 1 ? this.titleSlide() : stop ? this.stopSlide(stop, number - 1) : this.closingSlide();
    this.slideElement.replaceChildren(...nodes.flat(Infinity).filter(Boolean));
    this.fitExcerpt();
    this.slideElement.setAttribute("aria-label", this.tr("slide_of", { n: number, total: this.total }));
    this.status.textContent = this.tr("slide_of", { n: number, total: this.total });
    document.getElementById("pr-prev").disabled = number === 1;
    document.getElementById("pr-next").disabled = number === this.total;
    const code = stop ? stop.district_code : null;
    highlightDistrict(this.districtLayers, code);
    highlightPlace(this.placeLayers, stop ? stop.id : null);
    this.labels.select(code);
    const options = { padding: [40, 40], animate: !instant, duration: 1.0 };
    if (instant) this.map.stop();
    if (stop) this.map.flyToBounds(districtBounds(this.districtLayers, code).extend([stop.lat, stop.lon]), { ...options, maxZoom: 13 });
    else this.map.flyToBounds(this.homeBounds, options);
  }

  /** A passage too long for the screen is cut at an earlier sentence, never shown smaller. */
  fitExcerpt() {
    const box = this.slideElement.querySelector(".pr-excerpt");
    if (!box) return;
    const text = box.dataset.text;
    let limit = Math.min(text.length, EXCERPT_LENGTH[box.lang === "en" ? "en" : "zh"]);
    while (this.slideElement.scrollHeight > this.slideElement.clientHeight && limit > MIN_EXCERPT) {
      limit = Math.floor(limit * 0.85);
      box.replaceChildren(...paragraphs(shorten(text, limit)));
    }
  }

  titleSlide() {
    const en = this.lang === "en";
    return this.data.stories.map((story) => [
      h("p", { class: "pr-kicker" }, this.panel.text(story, "newspaper"), " · ", this.panel.text(story, "series")),
      h("h1", null, localised(story, "title", this.lang)),
      story.subtitle ? h("p", { class: "pr-meta", lang: en && story.subtitle_en ? "en" : "zh-CN" },
        localised(story, "subtitle", this.lang)) : null,
      h("p", { class: "pr-meta" }, this.panel.text(story, "newspaper"), ` · ${story.date}`),
      h("p", { class: "pr-meta" }, `${this.tr("reporters")} ${this.panel.reporters(story)}`),
    ]).concat([h("p", { class: "pr-help" }, this.tr("keys_help"))]);
  }

  stopSlide(place, index) {
    const excerpt = this.data.excerpts.find((e) => e.place === place.id);
    const text = excerpt ? localised(excerpt, "text", this.lang) : "";
    const photos = this.data.photos.filter((photo) => photo.place === place.id);
    const district = this.data.by.district.get(place.district_code);
    const translated = this.lang === "en" && excerpt && excerpt.text_en;
    return [
      h("p", { class: "pr-kicker" }, this.tr("tour_of", { n: index, total: this.stops.length })),
      h("h2", null, placeName(place, this.lang)),
      h("p", { class: "pr-meta" }, districtName(district, this.lang)),
      text ? h("div", { class: "pr-excerpt", lang: translated ? "en" : "zh-CN", dataset: { text } },
        paragraphs(shorten(text, EXCERPT_LENGTH[translated ? "en" : "zh"]))) : null,
      photos.length ? this.panel.photoList(photos) : null,
    ];
  }

  closingSlide() {
    const cityFacts = this.data.facts.filter((fact) => !fact.district_code);
    return [
      h("h2", null, this.tr("closing")),
      h("ol", { class: "pr-stops" }, this.stops.map((place) => h("li", null, placeName(place, this.lang)))),
      cityFacts.length ? [h("h2", null, this.tr("city_figures")), this.panel.factList(cityFacts.slice(0, CLOSING_FACTS))] : null,
    ];
  }
}

const layers = window.StoryMapLayers;
if (!layers) throw new Error("window.StoryMapLayers is missing: the page's inline script did not run");
window.StoryMapPresent = new Presenter(layers, loadData());
