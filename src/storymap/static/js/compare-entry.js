/*
 * compare-entry.js: the ways into the planner's comparison that the first view shows (the
 * 对比 button on the contents, 加入对比 on place and district panels and on popups). The
 * comparison itself (compare.js), its stylesheet and its strings load the first time a
 * reader uses one of them or opens a #compare= link; the first view fetches none of them.
 *
 * Exports:
 *   class CompareEntry({ map, data, lang, panel, go, places, padding, tr })
 *     the options of CompareMode (compare.js), plus places (the place markers' layer group,
 *     whose popups get a button) and tr (the page's translator, for the loading state)
 *     .show(view)                   load compare mode, then draw a {type: "compare", hash} view
 *     .hide()                       leave compare mode (nothing to do before it ever loaded)
 *     .decoratePanel(view, element) the 对比 button on the contents, a place or a district panel
 */
import { h, t } from "./dom.js";
import { loadContent } from "./data.js";

export class CompareEntry {
  constructor(options) {
    this.options = options;
    this.mode = null;     // the CompareMode, once loaded
    this.loading = null;  // its load in flight
    this.wanted = null;   // the compare view to draw once loaded (null: the reader went elsewhere)
    this.tr = (key, vars) => t(options.data.compare_strings, key, vars);
    options.places.on("popupopen", (event) => this.decoratePopup(event));
  }

  get items() { return this.mode ? this.mode.state.items : []; }

  /** compare.js, its stylesheet and strings, once (a failed load is tried again next time). */
  load() {
    if (!this.loading) {
      this.loading = Promise.all([import("./compare.js"), loadContent(this.options.data), enableStylesheet()])
        .then(([{ CompareMode }]) => (this.mode = this.mode || new CompareMode(this.options)));
      this.loading.catch(() => { this.loading = null; });
    }
    return this.loading;
  }

  show(view) {
    this.wanted = view;
    if (this.mode) return this.mode.show(view);
    const { panel, tr } = this.options;
    panel.replaceChildren(h("h2", { tabindex: "-1" }, this.tr("compare")),
      h("p", { class: "sm-loading", role: "status" }, tr("loading")));
    this.load().then((mode) => { if (this.wanted === view) mode.show(view); }, () => {
      if (this.wanted !== view) return;
      panel.replaceChildren(h("h2", { tabindex: "-1" }, this.tr("compare")),
        h("p", { class: "sm-load-error", role: "alert" }, `${tr("content_failed")} `,
          h("button", { type: "button", class: "sm-button", onclick: () => this.show(view) }, tr("retry"))));
    });
  }

  hide() {
    this.wanted = null;
    if (this.mode) this.mode.hide();
  }

  /** Run an action of compare mode once it is loaded (a click before that waits for it). */
  withMode(action) {
    // On failure the comparison's own view says so, with a retry.
    this.load().then(action, () => this.options.go({ type: "compare", hash: "#compare=" }));
  }

  decoratePanel(view, element) {
    const count = this.items.length;
    let button;
    if (view.type === "place" || view.type === "district") {
      const item = `${view.type}:${view.id}`;
      button = h("button", { type: "button", class: "sm-button cmp-add", onclick: () => this.withMode((mode) => mode.add(item)) },
        this.items.includes(item) ? this.tr("in_compare") : `＋ ${this.tr("add_to_compare")}`);
    } else if (view.type === "home") {
      button = h("button", { type: "button", class: "sm-button cmp-open", onclick: () => this.withMode((mode) => mode.open(mode.state)) },
        `${this.tr("compare")}${count ? ` (${count})` : ""}`);
    }
    const heading = element.querySelector("h2");
    if (button && heading && !element.querySelector(".cmp-add, .cmp-open")) heading.after(h("p", { class: "cmp-entry" }, button));
  }

  decoratePopup(event) {
    const feature = event.propagatedFrom && event.propagatedFrom.feature;
    const content = event.popup.getElement() && event.popup.getElement().querySelector(".leaflet-popup-content");
    if (!feature || !content || content.querySelector(".cmp-add")) return;
    const item = `place:${feature.properties.id}`;
    content.append(h("button", {
      type: "button", class: "sm-button cmp-add",
      onclick: () => { this.options.map.closePopup(); this.withMode((mode) => mode.add(item)); },
    }, this.items.includes(item) ? this.tr("in_compare") : `＋ ${this.tr("compare")}`));
    // No popup.update(): it would call the content function again and drop the button.
    // The popup is anchored at its tip, so it grows upwards as it is.
  }
}

/** The comparison's stylesheet: map.html links it disabled, so the first view does not fetch it. */
function enableStylesheet() {
  const link = document.getElementById("sm-compare-css");
  if (!link || !link.disabled) return Promise.resolve();
  return new Promise((resolve) => {
    link.addEventListener("load", resolve, { once: true });
    link.addEventListener("error", resolve, { once: true });  // unstyled beats unusable
    link.disabled = false;
  });
}
