/*
 * storymap front end: district and place panels, guided tour, search and deep
 * links on top of the Leaflet map that folium builds.
 *
 * Story text reaches the page as JSON data (#storymap-data) and is only ever
 * put into the DOM with textContent (see h() below), so markup inside a story
 * file shows as text and never runs.
 */
(function () {
  "use strict";

  /** Create an element; children are nodes or strings (inserted as text, never HTML). */
  function h(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (key === "class") node.className = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /** Lower case without spaces, apostrophes or dots, so "jingan" finds "Jing'an". */
  function normalise(text) {
    return String(text).toLowerCase().replace(/[\s'’\-·.]/g, "");
  }

  function paragraphs(text) {
    return String(text).split(/\n\s*\n/).map((para) => h("p", null, para.trim()));
  }

  /** Bilinear interpolation of the GCJ-02 shift grid computed by the server. */
  function gcjOffset(grid, lon, lat) {
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
   * Draw a GCJ-02 tile layer (Amap) under WGS-84 data: tiles show the place
   * at WGS-84 point p where GCJ-02 puts it, so the layer is moved back by the
   * local shift (recomputed at the view centre after every move).
   */
  function alignGcj02Layer(layer, map, grid) {
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

  class StoryMapApp {
    constructor(options, data) {
      this.map = options.map;
      this.data = data;
      this.lang = data.lang;
      this.strings = data.strings;
      this.panel = document.getElementById("sm-panel");
      this.sidebar = document.getElementById("sidebar");
      this.districts = new Map(data.districts.map((d) => [d.code, d]));
      this.places = new Map(data.places.map((p) => [p.id, p]));
      this.stories = new Map(data.stories.map((s) => [s.id, s]));
      this.excerpts = new Map(data.excerpts.map((e) => [e.id, e]));
      this.districtLayers = new Map();
      this.placeLayers = new Map();
      this.view = { type: "home" };
      this.homeBounds = L.latLngBounds(options.bounds);
      L.control.scale({ imperial: false }).addTo(this.map);
      const legend = document.querySelector(".sm-legend");
      if (legend && window.matchMedia("(max-width: 767.98px)").matches) legend.open = false;
      this.wireDistricts(options.districts);
      this.wirePlaces(options.places);
      this.addLabels();
      this.wireTour();
      this.wireSearch();
      this.wireSheet();
      document.querySelectorAll("[data-nav=home]").forEach((link) =>
        link.addEventListener("click", (event) => { event.preventDefault(); this.go({ type: "home" }); }));
      window.addEventListener("hashchange", () => this.render(this.parseHash(), { fly: true }));
      this.render(this.parseHash(), { fly: true, initial: true });
    }

    /* ---------- text ---------- */

    t(key, vars) {
      let text = this.strings[key] ?? key;
      for (const [name, value] of Object.entries(vars || {})) text = text.replace(`{${name}}`, value);
      return text;
    }
    districtName(d) { return this.lang === "en" ? d.name_en : d.name_zh; }
    districtOtherName(d) { return this.lang === "en" ? d.name_zh : d.name_en; }
    placeName(p) { return this.lang === "en" && p.name_en ? p.name_en : p.name; }
    sectionTitle(s) { return this.lang === "en" && s.title_en ? s.title_en : s.title; }
    section(storyId, sectionId) {
      return this.stories.get(storyId).sections.find((s) => s.id === sectionId);
    }

    /* ---------- map layers ---------- */

    wireDistricts(layerGroup) {
      layerGroup.eachLayer((layer) => {
        const district = this.districts.get(layer.feature.properties.code);
        this.districtLayers.set(district.code, layer);
        const path = layer.getElement();
        path.classList.add("district", `district-${district.code}`);
        path.setAttribute("tabindex", "0");
        path.setAttribute("role", "button");
        path.setAttribute("aria-label", `${this.districtName(district)} (${this.districtOtherName(district)})`);
        path.addEventListener("keydown", (event) => {
          if (event.key === "Enter" || event.key === " ") {
            event.preventDefault();
            this.go({ type: "district", id: district.code });
          }
        });
        layer.on("click", () => this.go({ type: "district", id: district.code }));
      });
    }

    wirePlaces(layerGroup) {
      layerGroup.eachLayer((layer) => {
        const place = this.places.get(layer.feature.properties.id);
        this.placeLayers.set(place.id, layer);
        layer.bindTooltip(h("span", null, this.placeName(place)), { direction: "top", offset: [0, -8] });
        layer.bindPopup(() => this.popup(place), { maxWidth: 280, autoPanPadding: [40, 40] });
        const marker = layer.getElement();
        // Story points are in the tab order (in tour order); mentioned places are reached from the panels.
        marker.setAttribute("tabindex", place.role === "story" ? "0" : "-1");
        marker.setAttribute("role", "button");
        marker.setAttribute("aria-label", this.placeName(place));
        marker.addEventListener("keydown", (event) => {
          if (event.key === "Enter" || event.key === " ") {
            event.preventDefault();
            this.go({ type: "place", id: place.id });
          }
        });
      });
    }

    popup(place) {
      const excerpt = this.data.excerpts.find((e) => e.place === place.id);
      const district = this.districts.get(place.district_code);
      const text = excerpt ? this.excerptText(excerpt) : "";
      return h("div", { class: "sm-popup" },
        h("strong", { class: "sm-popup__title" }, this.placeName(place)),
        h("div", { class: "sm-popup__meta" }, this.districtName(district)),
        text ? h("p", { class: "sm-popup__text" }, text.length > 80 ? `${text.slice(0, 80)}…` : text) : null,
        h("button", {
          type: "button", class: "sm-button sm-button--primary",
          onclick: () => { this.map.closePopup(); this.go({ type: "place", id: place.id }); },
        }, this.t("read_more")));
    }

    addLabels() {
      this.labels = L.layerGroup().addTo(this.map);
      this.labelTooltips = this.data.districts.map((d) => {
        const tooltip = L.tooltip({ permanent: true, direction: "center", className: "sm-label", interactive: false })
          .setLatLng([d.label[1], d.label[0]])
          .setContent(h("span", null, this.districtName(d)));
        return { district: d, tooltip };
      });
      const update = () => {
        // Small central districts get their label once zoomed in far enough to fit it.
        const minArea = 300 / Math.pow(4, this.map.getZoom() - 9);
        for (const { district, tooltip } of this.labelTooltips) {
          const show = district.area_km2 >= minArea || district.code === this.selectedDistrict;
          if (show && !this.labels.hasLayer(tooltip)) this.labels.addLayer(tooltip);
          if (!show && this.labels.hasLayer(tooltip)) this.labels.removeLayer(tooltip);
        }
      };
      this.map.on("zoomend", update);
      this.updateLabels = update;
      update();
    }

    /* ---------- routing ---------- */

    parseHash() {
      const params = new URLSearchParams(location.hash.slice(1));
      if (params.has("place")) return { type: "place", id: params.get("place") };
      if (params.has("district")) return { type: "district", id: params.get("district") };
      if (params.has("city")) return { type: "city" };
      return { type: "home" };
    }

    hashOf(view) {
      if (view.type === "home") return "";
      if (view.type === "city") return "#city";
      return `#${view.type}=${encodeURIComponent(view.id)}`;
    }

    /**
     * Show a view. A reader's choice adds one history entry (so Back returns
     * to the previous view); tour steps replace it, so stepping through the
     * tour does not flood the history.
     */
    go(view, { replace = false } = {}) {
      const hash = this.hashOf(view);
      if (hash === location.hash || (hash === "" && location.hash.length <= 1)) {
        this.render(view, { fly: true, focus: true });
      } else if (replace) {
        history.replaceState(null, "", hash || location.pathname + location.search);
        this.render(view, { fly: true, focus: true });
      } else {
        this.pendingFocus = true;
        if (hash) location.hash = hash;
        else history.pushState(null, "", location.pathname + location.search);
        if (!hash) this.render(view, { fly: true, focus: true });
      }
    }

    render(view, { fly = false, focus = false, initial = false } = {}) {
      if (view.type === "district" && !this.districts.has(view.id)) view = { type: "missing", id: view.id };
      if (view.type === "place" && !this.places.has(view.id)) view = { type: "missing", id: view.id };
      this.view = view;
      this.highlight(view);
      // Panel builders may return nested lists and nulls; only nodes go in.
      this.panel.replaceChildren(...this.panelFor(view).flat(Infinity).filter(Boolean));
      this.panel.scrollTop = 0;
      this.sidebar.scrollTop = 0;
      if (view.type !== "home") this.setSheetOpen(true);
      if (fly) this.flyTo(view, initial);
      this.updateTour();
      this.updateLangLink();
      this.updateLabels();
      if (focus || this.pendingFocus) {
        this.pendingFocus = false;
        const heading = this.panel.querySelector("h2");
        if (heading) heading.focus({ preventScroll: true });
      }
    }

    highlight(view) {
      document.querySelectorAll(".is-selected").forEach((el) => el.classList.remove("is-selected"));
      let code = view.type === "district" ? view.id : null;  // home and city: none
      if (view.type === "place") {
        code = this.places.get(view.id).district_code;
        this.placeLayers.get(view.id).getElement().classList.add("is-selected");
        this.placeLayers.get(view.id).bringToFront();
      }
      if (code) {
        const layer = this.districtLayers.get(code);
        layer.getElement().classList.add("is-selected");
        layer.bringToFront();  // its whole outline above the neighbours'
      }
      this.selectedDistrict = code;
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
        this.map.flyToBounds(this.districtLayers.get(view.id).getBounds(), { ...options, maxZoom: 13 });
      } else if (view.type === "place") {
        const place = this.places.get(view.id);
        // The place within its whole district: without a basemap the outline is what orients a reader.
        const zoom = { point: 14, street: 14, subdistrict: 13, district: 12 }[place.precision] || 13;
        const around = this.districtLayers.get(place.district_code).getBounds().extend([place.lat, place.lon]);
        this.map.flyToBounds(around, { ...options, maxZoom: zoom });
      } else {
        this.map.flyToBounds(this.homeBounds, options);
      }
    }

    updateLangLink() {
      const link = document.getElementById("sm-lang-switch");
      if (link) link.setAttribute("href", `?lang=${this.lang === "en" ? "zh" : "en"}${location.hash}`);
    }

    /* ---------- panels ---------- */

    panelFor(view) {
      if (view.type === "district") return this.districtPanel(this.districts.get(view.id));
      if (view.type === "place") return this.placePanel(this.places.get(view.id));
      if (view.type === "city") return this.cityPanel();
      if (view.type === "missing") {
        return [h("h2", { tabindex: "-1" }, this.t("no_results")), h("p", null, view.id), this.backLink()];
      }
      return this.contentsPanel();
    }

    backLink() {
      return h("p", { class: "sm-back" }, h("button", {
        type: "button", class: "sm-link", onclick: () => this.go({ type: "home" }),
      }, `← ${this.t("back_to_contents")}`));
    }

    contentsPanel() {
      const nodes = [];
      for (const story of this.data.stories) {
        nodes.push(h("p", { class: "sm-kicker" }, `${story.newspaper} · ${story.series}`));
        nodes.push(h("h2", { tabindex: "-1" }, this.lang === "en" && story.title_en ? story.title_en : story.title));
        if (story.subtitle) nodes.push(h("p", { class: "sm-subtitle" }, story.subtitle));
        nodes.push(this.sourceLine(story));
        if (story.lede) nodes.push(h("div", { class: "sm-lede" }, paragraphs(story.lede.split(/\n\s*\n/)[0])));
        if (story.editor_note) {
          nodes.push(h("details", { class: "sm-editor-note", lang: "zh-CN" },
            h("summary", null, this.t("editor_note")), paragraphs(story.editor_note)));
        }
        nodes.push(h("button", {
          type: "button", class: "sm-button sm-button--primary sm-tour-start",
          onclick: () => this.go({ type: "place", id: this.data.tour[0] }),
        }, `${this.t("tour_start")} →`));
        nodes.push(h("h3", null, this.t("contents")));
        nodes.push(h("ol", { class: "sm-toc" }, story.sections.map((section) => {
          const inSection = this.data.excerpts.filter((e) => e.story === story.id && e.section === section.id);
          const placeIds = [...new Set(inSection.filter((e) => e.place).map((e) => e.place))];
          return h("li", null,
            h("span", { class: `sm-toc__section sm-theme-${section.theme}` }, this.sectionTitle(section)),
            h("ul", null, placeIds.map((id) => {
              const place = this.places.get(id);
              return h("li", null, h("button", {
                type: "button", class: "sm-link", onclick: () => this.go({ type: "place", id }),
              }, this.placeName(place), h("span", { class: "sm-muted" },
                ` · ${this.districtName(this.districts.get(place.district_code))}`)));
            }), inSection.some((e) => !e.place) ? h("li", null, h("button", {
              type: "button", class: "sm-link", onclick: () => this.go({ type: "city" }),
            }, this.t("city_wide"), h("span", { class: "sm-muted" }, ` · ${this.regionName()}`))) : null));
        })));
        const cityFacts = this.data.facts.filter((f) => f.story === story.id && !f.district_code);
        if (cityFacts.length) {
          nodes.push(h("h3", null, this.t("city_facts")));
          nodes.push(this.factList(cityFacts));
        }
      }
      return nodes;
    }

    districtPanel(district) {
      const detail = this.data.district_sections[district.code] || [];
      const nodes = [
        h("p", { class: "sm-kicker" }, this.t("district")),
        h("h2", { tabindex: "-1" }, this.districtName(district),
          h("span", { class: "sm-h2-secondary", lang: this.lang === "en" ? "zh-CN" : "en" }, this.districtOtherName(district))),
        h("p", { class: "sm-muted" },
          `${this.t("area")} ${district.area_km2.toLocaleString(this.lang === "en" ? "en" : "zh-CN", { maximumFractionDigits: 1 })} ${this.t("km2")}`),
      ];
      if (!detail.length) {
        nodes.push(h("p", { class: "sm-empty" }, this.t("no_story", { name: this.districtName(district) })));
        nodes.push(this.mentionedHere(district));
        nodes.push(h("p", null, this.t("nearest")));
        nodes.push(h("ul", { class: "sm-nearest" }, district.nearest_with_stories.map((code) =>
          h("li", null, h("button", {
            type: "button", class: "sm-link", onclick: () => this.go({ type: "district", id: code }),
          }, this.districtName(this.districts.get(code)))))));
        nodes.push(this.backLink());
        return nodes;
      }
      for (const group of detail) {
        nodes.push(this.sectionHeading(this.section(group.story, group.section)));
        let lastPlace = null;
        for (const id of group.excerpts) {
          const excerpt = this.excerpts.get(id);
          nodes.push(this.excerptBlock(excerpt, excerpt.place !== lastPlace));  // one heading per run of a place
          lastPlace = excerpt.place;
        }
      }
      nodes.push(this.mentionedHere(district));
      const storyIds = new Set(detail.map((g) => g.story));
      for (const id of storyIds) nodes.push(this.sourceLine(this.stories.get(id)));
      nodes.push(this.backLink());
      return nodes;
    }

    placePanel(place) {
      const district = this.districts.get(place.district_code);
      const own = this.data.excerpts.filter((e) => e.place === place.id);
      const mentioning = this.data.excerpts.filter((e) => e.mentions.includes(place.id));
      const precision = this.strings.precision[place.precision];
      const nodes = [
        h("p", { class: "sm-kicker" }, place.role === "story" ? this.t("story_point") : this.t("mentioned_place")),
        h("h2", { tabindex: "-1" }, this.placeName(place)),
        h("p", { class: "sm-muted" },
          h("button", {
            type: "button", class: "sm-link", onclick: () => this.go({ type: "district", id: district.code }),
          }, this.districtName(district)),
          ` · ${precision}`),
      ];
      let lastSection = null;
      for (const excerpt of own) {
        if (excerpt.section !== lastSection) {
          nodes.push(this.sectionHeading(this.section(excerpt.story, excerpt.section)));
          lastSection = excerpt.section;
        }
        nodes.push(this.excerptBlock(excerpt, false));
      }
      if (mentioning.length) {
        nodes.push(h("h3", null, this.t("mentioned_place")));
        for (const excerpt of mentioning) nodes.push(this.excerptBlock(excerpt, true));
      }
      const loosePhotos = this.data.photos.filter((p) => p.place === place.id);
      if (loosePhotos.length && !own.length) nodes.push(this.photoList(loosePhotos));
      for (const id of place.stories) nodes.push(this.sourceLine(this.stories.get(id)));
      nodes.push(this.backLink());
      return nodes;
    }

    sectionHeading(section) {
      const note = this.lang === "en" && section.note_en ? section.note_en : section.note;
      return [
        h("h3", { class: `sm-section-title sm-theme-${section.theme}` }, this.sectionTitle(section)),
        note ? h("p", { class: "sm-section-note" }, note) : null,
      ];
    }

    regionName() {
      return this.lang === "en" ? this.data.region.name_en : this.data.region.name_zh;
    }

    cityPanel() {
      const nodes = [
        h("p", { class: "sm-kicker" }, this.t("city_wide")),
        h("h2", { tabindex: "-1" }, this.regionName()),
      ];
      for (const group of this.data.city_sections) {
        nodes.push(this.sectionHeading(this.section(group.story, group.section)));
        for (const id of group.excerpts) nodes.push(this.excerptBlock(this.excerpts.get(id), false));
      }
      const storyIds = new Set(this.data.city_sections.map((g) => g.story));
      for (const id of storyIds) nodes.push(this.sourceLine(this.stories.get(id)));
      nodes.push(this.backLink());
      return nodes;
    }

    /** Places in a district that the article names without a passage of their own, with their photos. */
    mentionedHere(district) {
      const places = this.data.places.filter((p) => p.district_code === district.code && !p.excerpt_count);
      if (!places.length) return [];
      const photos = this.data.photos.filter((photo) => places.some((p) => p.id === photo.place));
      return [
        h("h3", null, this.t("mentioned_here")),
        h("ul", { class: "sm-mentioned" }, places.map((place) => h("li", null, h("button", {
          type: "button", class: "sm-link", onclick: () => this.go({ type: "place", id: place.id }),
        }, this.placeName(place))))),
        photos.length ? this.photoList(photos) : null,
      ];
    }

    excerptText(excerpt) {
      return this.lang === "en" && excerpt.text_en ? excerpt.text_en : excerpt.text;
    }

    excerptBlock(excerpt, showPlace) {
      const place = excerpt.place ? this.places.get(excerpt.place) : null;
      const translated = this.lang === "en" && excerpt.text_en;
      const facts = this.data.facts.filter((f) => f.excerpt === excerpt.id);
      // A place's photos go with its first passage.
      const photos = place && this.data.excerpts.find((e) => e.place === place.id) === excerpt
        ? this.data.photos.filter((p) => p.place === place.id) : [];
      return h("article", { class: "sm-excerpt", id: `excerpt-${excerpt.id}` },
        showPlace && place ? h("h4", null, h("button", {
          type: "button", class: "sm-link", onclick: () => this.go({ type: "place", id: place.id }),
        }, this.placeName(place))) : null,
        h("div", { class: "sm-excerpt__text", lang: translated ? "en" : "zh-CN" }, paragraphs(this.excerptText(excerpt))),
        excerpt.truncated ? h("p", { class: "sm-truncated" }, `[${this.t("truncated")}]`) : null,
        translated ? h("details", { class: "sm-original" }, h("summary", null, this.t("original")),
          h("div", { lang: "zh-CN" }, paragraphs(excerpt.text))) : null,
        facts.length ? this.factList(facts) : null,
        photos.length ? this.photoList(photos) : null);
    }

    factList(facts) {
      const locale = this.lang === "en" ? "en" : "zh-CN";
      return h("dl", { class: "sm-facts", "aria-label": this.t("figures") }, facts.map((fact) => {
        const qualifier = this.strings.qualifier[fact.qualifier] || "";
        let value = `${qualifier}${qualifier && this.lang === "en" ? " " : ""}${fact.value.toLocaleString(locale)} ${fact.unit}`;
        if (fact.change) value += ` (${fact.change.value > 0 ? "+" : ""}${fact.change.value}${fact.change.unit}${fact.change.basis ? ` ${fact.change.basis}` : ""})`;
        return [
          h("dt", null, this.lang === "en" && fact.label_en ? fact.label_en : fact.label),
          h("dd", null, h("span", { class: "sm-fact__value" }, value),
            fact.period ? h("span", { class: "sm-muted" }, ` · ${fact.period}`) : null,
            h("q", { class: "sm-fact__quote", lang: "zh-CN" }, fact.quote)),
        ];
      }));
    }

    photoList(photos) {
      return h("ul", { class: "sm-photos", "aria-label": this.t("photos") }, photos.map((photo) =>
        h("li", { class: "sm-photo" },
          h("span", { class: "sm-photo__caption" }, photo.number ? `${this.lang === "en" ? "Photo" : "图"} ${photo.number}  ` : "", photo.caption),
          photo.credit ? h("span", { class: "sm-photo__credit" }, photo.credit) : null)));
    }

    sourceLine(story) {
      return h("p", { class: "sm-source" },
        `${this.t("source")}: ${story.newspaper} · ${story.series} · ${story.date} · ${this.t("reporters")} ${story.reporters.join(this.lang === "en" ? ", " : "、")}`);
    }

    /* ---------- tour ---------- */

    wireTour() {
      this.prevButton = document.getElementById("sm-tour-prev");
      this.nextButton = document.getElementById("sm-tour-next");
      this.tourStatus = document.getElementById("sm-tour-status");
      this.prevButton.addEventListener("click", () => this.step(-1));
      this.nextButton.addEventListener("click", () => this.step(1));
      document.addEventListener("keydown", (event) => {
        if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
        if (event.target.closest("input, textarea, select, [contenteditable]")) return;
        if (event.key === "ArrowRight") { event.preventDefault(); this.step(1); }
        if (event.key === "ArrowLeft") { event.preventDefault(); this.step(-1); }
      });
    }

    tourIndex() {
      return this.view.type === "place" ? this.data.tour.indexOf(this.view.id) : -1;
    }

    step(delta) {
      const tour = this.data.tour;
      const index = this.tourIndex();
      let next = index === -1 ? (delta > 0 ? 0 : -1) : index + delta;
      if (next < 0) return this.go({ type: "home" }, { replace: index !== -1 });
      if (next >= tour.length) return;
      this.go({ type: "place", id: tour[next] }, { replace: index !== -1 });
    }

    updateTour() {
      const index = this.tourIndex();
      const total = this.data.tour.length;
      this.tourStatus.textContent = index === -1 ? "" : this.t("tour_of", { n: index + 1, total });
      this.prevButton.disabled = this.view.type === "home";
      this.nextButton.disabled = index === total - 1;
      this.nextButton.lastChild.textContent = index === -1 ? `${this.t("tour_start")} →` : `${this.t("tour_next")} →`;
    }

    /* ---------- search ---------- */

    wireSearch() {
      this.searchInput = document.getElementById("sm-search-input");
      this.searchResults = document.getElementById("sm-search-results");
      if (!this.searchInput) return;
      const names = (...values) => values.filter(Boolean).map(normalise);
      this.searchIndex = [
        ...this.data.districts.map((d) => {
          const all = names(d.name_zh, d.name_en, d.name_zh.replace(/(新区|区|县)$/, ""), d.name_en.replace(/ (District|New Area|County)$/, ""));
          return { view: { type: "district", id: d.code }, label: this.districtName(d), detail: this.districtOtherName(d),
                   names: all, haystack: all.join("|") };
        }),
        ...this.data.places.map((p) => {
          const all = names(p.name, p.name_en);
          return { view: { type: "place", id: p.id }, label: this.placeName(p),
                   detail: this.districtName(this.districts.get(p.district_code)), names: all, haystack: all.join("|") };
        }),
        ...this.data.excerpts.map((e) => ({
          view: e.place ? { type: "place", id: e.place } : { type: "city" },
          label: e.place ? this.placeName(this.places.get(e.place)) : `${this.t("city_wide")} · ${this.regionName()}`,
          text: [e.text, e.text_en || ""].join("\n"), names: [], haystack: normalise([e.text, e.text_en || ""].join(" ")),
        })),
      ];
      this.searchInput.addEventListener("input", () => this.search(this.searchInput.value));
      this.searchInput.addEventListener("keydown", (event) => this.searchKey(event));
      this.searchResults.addEventListener("keydown", (event) => this.searchKey(event));
      document.addEventListener("click", (event) => {
        if (!event.target.closest(".sm-search")) this.closeSearch();
      });
    }

    search(query) {
      const needle = normalise(query);
      if (!needle) return this.closeSearch();
      const hits = [];
      const seen = new Set();
      for (const entry of this.searchIndex) {
        const at = entry.haystack.indexOf(needle);
        const key = `${entry.view.type}:${entry.view.id}:${entry.text ? "t" : "n"}`;
        if (at === -1 || seen.has(key)) continue;
        seen.add(key);
        // Exact names first, then names that start with the query, then other names, then passages.
        const rank = entry.text ? 3 : entry.names.includes(needle) ? 0 : entry.names.some((n) => n.startsWith(needle)) ? 1 : 2;
        let detail = entry.detail;
        if (entry.text) {
          const pos = Math.max(0, entry.text.toLowerCase().indexOf(query.trim().toLowerCase()));
          const start = Math.max(0, pos - 12);
          detail = `${start ? "…" : ""}${entry.text.slice(start, pos + query.length + 24).replace(/\s+/g, " ")}…`;
        }
        hits.push({ ...entry, detail, rank });
      }
      hits.sort((a, b) => a.rank - b.rank);
      this.showResults(hits.slice(0, 8));
    }

    showResults(hits) {
      const list = this.searchResults;
      list.replaceChildren(...(hits.length ? hits.map((hit, i) => h("li", {
        role: "option", id: `sm-result-${i}`, tabindex: "-1", class: "sm-search__result",
        onclick: () => this.choose(hit),
        onkeydown: (event) => { if (event.key === "Enter") this.choose(hit); },
      }, h("span", { class: "sm-search__label" }, hit.label), h("span", { class: "sm-search__detail" }, hit.detail)))
        : [h("li", { class: "sm-search__none", role: "option", "aria-disabled": "true" }, this.t("no_results"))]));
      list.hidden = false;
      this.searchInput.setAttribute("aria-expanded", "true");
    }

    searchKey(event) {
      const items = [...this.searchResults.querySelectorAll(".sm-search__result")];
      const current = items.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && items.length) {
        event.preventDefault();
        items[Math.min(current + 1, items.length - 1)].focus();
      } else if (event.key === "ArrowUp" && items.length) {
        event.preventDefault();
        if (current <= 0) this.searchInput.focus(); else items[current - 1].focus();
      } else if (event.key === "Enter" && event.target === this.searchInput && items.length) {
        event.preventDefault();
        items[0].click();
      } else if (event.key === "Escape") {
        this.closeSearch();
        this.searchInput.focus();
      }
    }

    choose(hit) {
      this.closeSearch();
      this.go(hit.view);
    }

    closeSearch() {
      if (!this.searchResults) return;
      this.searchResults.hidden = true;
      this.searchInput.setAttribute("aria-expanded", "false");
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

  window.StoryMap = {
    /** Called by the map page's script once folium has created the map and layers. */
    start(options) {
      const data = JSON.parse(document.getElementById("storymap-data").textContent);
      this.gcj02Layers = options.gcj02Layers;
      this.gcj02Grid = options.gcj02Grid;
      for (const layer of options.gcj02Layers) alignGcj02Layer(layer, options.map, options.gcj02Grid);
      this.app = new StoryMapApp(options, data);
      return this.app;
    },
    gcjOffset,
  };
})();
