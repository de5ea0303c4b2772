/*
 * reading.js: the panels a reader opens to read: a district, a place, the city-wide passages,
 * with their excerpts, figures and photos. Loaded with the reading content (data.js
 * loadContent), the first time a reader opens one; the first view needs neither.
 *
 * Exports:
 *   class ReadingPanel extends Panel (panel.js), same options; data must hold the reading content
 *     .nodesFor(view)        also {type: city|district|place}
 *     .excerptBlock(excerpt, showPlace), .photoList(photos), .sectionHeading(section)
 *                            building blocks other views may reuse
 */
import { h, paragraphs } from "./dom.js";
import { districtOtherName, localised, sectionOf } from "./data.js";
import { Panel } from "./panel.js";

export class ReadingPanel extends Panel {
  nodesFor(view) {
    if (view.type === "district") return this.districtPanel(this.data.by.district.get(view.id));
    if (view.type === "place") return this.placePanel(this.data.by.place.get(view.id));
    if (view.type === "city") return this.cityPanel();
    return super.nodesFor(view);
  }

  needsReading() {
    return false;
  }

  districtPanel(district) {
    const detail = this.data.district_sections[district.code] || [];
    const nodes = [
      h("p", { class: "sm-kicker" }, this.tr("district")),
      h("h2", { tabindex: "-1" }, this.districtName(district),
        h("span", { class: "sm-h2-secondary", lang: this.lang === "en" ? "zh-CN" : "en" }, districtOtherName(district, this.lang))),
      h("p", { class: "sm-muted" },
        `${this.tr("area")} ${localised(district, "area_figure", this.lang)}`),
    ];
    if (!detail.length) {
      nodes.push(h("p", { class: "sm-empty" }, this.tr("no_story", { name: this.districtName(district) })));
      nodes.push(this.mentionedHere(district));
      nodes.push(h("p", null, this.tr("nearest")));
      nodes.push(h("ul", { class: "sm-nearest" }, district.nearest_with_stories.map((code) =>
        h("li", null, this.link(this.districtName(this.data.by.district.get(code)), { type: "district", id: code })))));
      nodes.push(this.backLink());
      return nodes;
    }
    for (const group of detail) {
      nodes.push(this.sectionHeading(sectionOf(this.data, group.story, group.section)));
      let lastPlace = null;
      for (const id of group.excerpts) {
        const excerpt = this.data.by.excerpt.get(id);
        nodes.push(this.excerptBlock(excerpt, excerpt.place !== lastPlace));  // one heading per run of a place
        lastPlace = excerpt.place;
      }
    }
    nodes.push(this.mentionedHere(district));
    for (const id of new Set(detail.map((g) => g.story))) nodes.push(this.sourceLine(this.data.by.story.get(id)));
    nodes.push(this.backLink());
    return nodes;
  }

  placePanel(place) {
    const district = this.data.by.district.get(place.district_code);
    const own = this.data.excerpts.filter((e) => e.place === place.id);
    const mentioning = this.data.excerpts.filter((e) => e.mentions.includes(place.id));
    const nodes = [
      h("p", { class: "sm-kicker" }, place.role === "story" ? this.tr("story_point") : this.tr("mentioned_place")),
      h("h2", { tabindex: "-1" }, this.placeName(place)),
      h("p", { class: "sm-muted" },
        this.link(this.districtName(district), { type: "district", id: district.code }),
        ` · ${this.strings.precision[place.precision]}`),
    ];
    let lastSection = null;
    for (const excerpt of own) {
      if (excerpt.section !== lastSection) {
        nodes.push(this.sectionHeading(sectionOf(this.data, excerpt.story, excerpt.section)));
        lastSection = excerpt.section;
      }
      nodes.push(this.excerptBlock(excerpt, false));
    }
    if (mentioning.length) {
      nodes.push(h("h3", null, this.tr("mentioned_in")));
      for (const excerpt of mentioning) nodes.push(this.excerptBlock(excerpt, true));
    }
    const loosePhotos = this.data.photos.filter((p) => p.place === place.id);
    if (loosePhotos.length && !own.length) nodes.push(this.photoList(loosePhotos));
    for (const id of place.stories) nodes.push(this.sourceLine(this.data.by.story.get(id)));
    nodes.push(this.backLink());
    return nodes;
  }

  sectionHeading(section) {
    const note = localised(section, "note", this.lang);
    return [
      h("h3", { class: `sm-section-title sm-theme-${section.theme}` }, localised(section, "title", this.lang)),
      note ? h("p", { class: "sm-section-note" }, note) : null,
    ];
  }

  cityPanel() {
    const nodes = [
      h("p", { class: "sm-kicker" }, this.tr("city_wide")),
      h("h2", { tabindex: "-1" }, this.regionName()),
    ];
    for (const group of this.data.city_sections) {
      nodes.push(this.sectionHeading(sectionOf(this.data, group.story, group.section)));
      for (const id of group.excerpts) nodes.push(this.excerptBlock(this.data.by.excerpt.get(id), false));
    }
    for (const id of new Set(this.data.city_sections.map((g) => g.story))) nodes.push(this.sourceLine(this.data.by.story.get(id)));
    nodes.push(this.backLink());
    return nodes;
  }

  /** Places in a district that the article names without a passage of their own, with their photos. */
  mentionedHere(district) {
    const places = this.data.places.filter((p) => p.district_code === district.code && !p.excerpt_count);
    if (!places.length) return [];
    const photos = this.data.photos.filter((photo) => places.some((p) => p.id === photo.place));
    return [
      h("h3", null, this.tr("mentioned_here")),
      h("ul", { class: "sm-mentioned" }, places.map((place) =>
        h("li", null, this.link(this.placeName(place), { type: "place", id: place.id })))),
      photos.length ? this.photoList(photos) : null,
    ];
  }

  excerptBlock(excerpt, showPlace) {
    const place = excerpt.place ? this.data.by.place.get(excerpt.place) : null;
    const translated = this.lang === "en" && excerpt.text_en;
    const facts = this.data.facts.filter((f) => f.excerpt === excerpt.id);
    // A place's photos go with its first passage.
    const photos = place && this.data.excerpts.find((e) => e.place === place.id) === excerpt
      ? this.data.photos.filter((p) => p.place === place.id) : [];
    return h("article", { class: "sm-excerpt", id: `excerpt-${excerpt.id}` },
      showPlace && place ? h("h4", null, this.link(this.placeName(place), { type: "place", id: place.id })) : null,
      h("div", { class: "sm-excerpt__text", lang: translated ? "en" : "zh-CN" }, paragraphs(this.excerptText(excerpt))),
      excerpt.truncated ? h("p", { class: "sm-truncated" }, `[${this.tr("truncated")}]`) : null,
      translated ? h("details", { class: "sm-original" }, h("summary", null, this.tr("original")),
        h("div", { lang: "zh-CN" }, paragraphs(excerpt.text))) : null,
      facts.length ? this.factList(facts) : null,
      photos.length ? this.photoList(photos) : null);
  }

  photoList(photos) {
    return h("ul", { class: "sm-photos", "aria-label": this.tr("photos") }, photos.map((photo) =>
      h("li", { class: "sm-photo" },
        h("span", { class: "sm-photo__caption" }, photo.number ? `${this.tr("photo")} ${photo.number}  ` : "", this.text(photo, "caption")),
        localised(photo, "credit", this.lang) ? h("span", { class: "sm-photo__credit" }, this.text(photo, "credit")) : null)));
  }

}
