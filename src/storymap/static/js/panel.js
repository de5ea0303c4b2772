/*
 * panel.js: the map page's side panel in its first view (the contents), and the marker popups.
 * The panels of a district, a place and the city are reading.js (ReadingPanel extends Panel),
 * loaded with the reading content when a reader first opens one.
 *
 * Exports:
 *   class Panel({ data, lang, tr, go })
 *       data: loadData() result; lang: "zh" | "en"; tr: translator(strings);
 *       go(view): navigate, e.g. go({ type: "place", id }).
 *     .nodesFor(view)        the panel's nodes for a view {type: home|missing}
 *     .needsReading(view)    true for a view only a ReadingPanel draws (city, district, place)
 *     .pending(view, error, retry)  the panel while that loads (error: it failed; retry())
 *     .popup(place)          the popup content of a place marker
 *     .factList(facts), .sourceLine(story), .reporters(story), .text(item, field)   building blocks other views reuse
 */
import { h, paragraphs } from "./dom.js";
import { districtName, loadContent, localised, placeName, regionName } from "./data.js";

export class Panel {
  constructor({ data, lang, tr, go }) {
    Object.assign(this, { data, lang, tr, go });
    this.strings = data.strings;
  }

  /* ---------- names ---------- */

  districtName(d) { return districtName(d, this.lang); }
  placeName(p) { return placeName(p, this.lang); }
  regionName() { return regionName(this.data.region, this.lang); }
  link(label, view, ...extra) {
    return h("button", { type: "button", class: "sm-link", onclick: () => this.go(view) }, label, ...extra);
  }

  nodesFor(view) {
    if (view.type === "missing") {
      return [h("h2", { tabindex: "-1" }, this.tr("no_results")), h("p", null, view.id), this.backLink()];
    }
    return this.contentsPanel();
  }

  needsReading(view) {
    return ["district", "place", "city"].includes(view.type);
  }

  pending(view, error, retry) {
    const name = view.type === "district" ? this.districtName(this.data.by.district.get(view.id))
      : view.type === "place" ? this.placeName(this.data.by.place.get(view.id)) : this.regionName();
    return [
      h("h2", { tabindex: "-1" }, name),
      error
        ? h("p", { class: "sm-load-error", role: "alert" }, `${this.tr("content_failed")} `,
          h("button", { type: "button", class: "sm-button", onclick: retry }, this.tr("retry")))
        : h("p", { class: "sm-loading", role: "status" }, this.tr("loading")),
      this.backLink(),
    ];
  }

  popup(place) {
    const excerpt = this.data.excerpts.find((e) => e.place === place.id);
    const district = this.data.by.district.get(place.district_code);
    const preview = excerpt ? h("p", { class: "sm-popup__text" }) : null;
    const fill = () => {
      const text = this.excerptText(excerpt) || "";
      preview.classList.remove("sm-loading");
      preview.textContent = text.length > 80 ? `${text.slice(0, 80)}…` : text;
    };
    if (preview && this.data.contentReady) fill();
    else if (preview) {
      preview.classList.add("sm-loading");
      preview.textContent = this.tr("loading");
      loadContent(this.data).then(fill, () => preview.remove());  // the panel reports a failure
    }
    return h("div", { class: "sm-popup" },
      h("strong", { class: "sm-popup__title" }, this.placeName(place)),
      h("div", { class: "sm-popup__meta" }, this.districtName(district)),
      preview,
      h("button", {
        type: "button", class: "sm-button sm-button--primary",
        onclick: () => this.go({ type: "place", id: place.id }),
      }, this.tr("read_more")),
      this.sameSpot(place));
  }

  /** Other places drawn at the same point (their markers lie under this one): each one reachable. */
  sameSpot(place) {
    const others = this.data.places.filter((p) => p.id !== place.id &&
      Math.abs(p.lat - place.lat) < 1e-6 && Math.abs(p.lon - place.lon) < 1e-6);
    if (!others.length) return null;
    return h("div", { class: "sm-popup__here" },
      h("p", null, this.tr("same_spot")),
      h("ul", null, others.map((p) => h("li", null, this.link(this.placeName(p), { type: "place", id: p.id })))));
  }

  backLink() {
    return h("p", { class: "sm-back" }, this.link(`← ${this.tr("back_to_contents")}`, { type: "home" }));
  }

  contentsPanel() {
    const nodes = [];
    for (const story of this.data.stories) {
      nodes.push(h("p", { class: "sm-kicker" }, this.text(story, "newspaper"), " · ", this.text(story, "series")));
      nodes.push(h("h2", { tabindex: "-1" }, this.text(story, "title")));
      if (localised(story, "subtitle", this.lang)) nodes.push(h("p", { class: "sm-subtitle" }, this.text(story, "subtitle")));
      nodes.push(this.sourceLine(story));
      if (localised(story, "lede", this.lang)) {
        const lede = this.text(story, "lede");
        lede.textContent = lede.textContent.split(/\n\s*\n/)[0];
        nodes.push(h("div", { class: "sm-lede" }, lede));
      }
      if (story.has_editor_note || localised(story, "editor_note", this.lang)) nodes.push(this.editorNote(story));
      // The tour starts from the button in the tour bar: one 开始导览 on the page.
      nodes.push(h("h3", null, this.tr("contents")));
      nodes.push(h("ol", { class: "sm-toc" }, story.sections.map((section) => {
        const inSection = this.data.excerpts.filter((e) => e.story === story.id && e.section === section.id);
        const placeIds = [...new Set(inSection.filter((e) => e.place).map((e) => e.place))];
        return h("li", null,
          h("span", { class: `sm-toc__section sm-theme-${section.theme}` }, localised(section, "title", this.lang)),
          h("ul", null, placeIds.map((id) => {
            const place = this.data.by.place.get(id);
            return h("li", null, this.link(this.placeName(place), { type: "place", id },
              h("span", { class: "sm-muted" }, ` · ${this.districtName(this.data.by.district.get(place.district_code))}`)));
          }), inSection.some((e) => !e.place) ? h("li", null, this.link(this.tr("city_wide"), { type: "city" },
            h("span", { class: "sm-muted" }, ` · ${this.regionName()}`))) : null));
      })));
      const cityFacts = this.data.facts.filter((f) => f.story === story.id && !f.district_code);
      if (cityFacts.length) {
        nodes.push(h("h3", null, this.tr("city_facts")));
        nodes.push(this.factList(cityFacts));
      }
    }
    return nodes;
  }

  /** The editor's note, folded; its text comes with the reading content, fetched when it is opened. */
  editorNote(story) {
    const note = h("details", { class: "sm-editor-note" }, h("summary", null, this.tr("editor_note")));
    const fill = () => note.append(...paragraphs(this.text(story, "editor_note").textContent));
    if (this.data.contentReady) {
      fill();
      return note;
    }
    const status = h("p", { role: "status" });
    let asked = false;  // one fetch at a time; after a failure, opening it again retries
    note.addEventListener("toggle", () => {
      if (!note.open || asked) return;
      asked = true;
      status.className = "sm-loading";
      status.textContent = this.tr("loading");
      note.append(status);
      loadContent(this.data).then(() => { status.remove(); fill(); }, () => {
        status.className = "sm-load-error";
        status.textContent = this.tr("content_failed");
        asked = false;
      });
    });
    return note;
  }

  /**
   * A field in the page's language as a <span>: in English mode a field with no
   * translation is shown in Chinese, marked lang=zh-CN and titled "not translated".
   */
  text(item, field) {
    const value = item[field];
    const english = this.lang === "en" ? item[`${field}_en`] : undefined;
    if (this.lang !== "en" || english !== undefined && english !== null) {
      return h("span", null, this.lang === "en" ? english : value);
    }
    return h("span", { lang: "zh-CN", class: "sm-untranslated", title: this.tr("untranslated") }, value);
  }

  excerptText(excerpt) {
    return localised(excerpt, "text", this.lang);
  }

  factList(facts) {
    return h("dl", { class: "sm-facts", "aria-label": this.tr("figures") }, facts.map((fact) => {
      // The figure comes printed from the model (storymap.figures): 964万户, 9.64 million households.
      let value = localised(fact, "figure", this.lang);
      const change = fact.change;
      if (change) {
        const basis = localised(change, "basis", this.lang);
        value += ` (${localised(change, "figure", this.lang)}${basis ? ` ${basis}` : ""})`;
      }
      return [
        h("dt", null, localised(fact, "label", this.lang)),
        h("dd", null, h("span", { class: "sm-fact__value" }, value),
          localised(fact, "period", this.lang) ? h("span", { class: "sm-muted" }, " · ", this.text(fact, "period")) : null,
          // The quote is the source's own words: in English it waits behind "Original Chinese".
          this.lang === "en"
            ? h("details", { class: "sm-fact__source" }, h("summary", null, this.tr("original")),
              h("q", { class: "sm-fact__quote", lang: "zh-CN" }, fact.quote))
            : h("q", { class: "sm-fact__quote", lang: "zh-CN" }, fact.quote)),
      ];
    }));
  }

  sourceLine(story) {
    return h("p", { class: "sm-source" },
      `${this.tr("source")}: `, this.text(story, "newspaper"), " · ", this.text(story, "series"),
      ` · ${story.date} · ${this.tr("reporters")} ${this.reporters(story)}`);
  }

  /** The byline's names: in English their pinyin (reporters_en) where the story file gives it. */
  reporters(story) {
    const names = this.lang === "en" && story.reporters_en && story.reporters_en.length ? story.reporters_en : story.reporters;
    return names.join(this.lang === "en" ? ", " : "、");
  }
}
