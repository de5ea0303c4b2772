/*
 * search.js: the search box of the map page (a combobox over districts, places and passages).
 *
 * Exports:
 *   buildSearchIndex(data, lang, tr)  entries {view, label, detail, names[], text?}
 *   searchIndex(index, query, limit)  ranked hits: exact names, names starting with the
 *                                     query, other names, then passages
 *   class SearchBox({ input, results, index, tr, onChoose })  wires the box and its list
 */
import { h, normalise } from "./dom.js";
import { districtName, districtOtherName, placeName, regionName } from "./data.js";

export function buildSearchIndex(data, lang, tr) {
  const names = (...values) => values.filter(Boolean).map(normalise);
  return [
    ...data.districts.map((d) => {
      const all = names(d.name_zh, d.name_en, d.name_zh.replace(/(新区|区|县)$/, ""), d.name_en.replace(/ (District|New Area|County)$/, ""));
      return { view: { type: "district", id: d.code }, label: districtName(d, lang), detail: districtOtherName(d, lang),
               names: all, haystack: all.join("|") };
    }),
    ...data.places.map((p) => {
      const all = names(p.name, p.name_en);
      return { view: { type: "place", id: p.id }, label: placeName(p, lang),
               detail: districtName(data.by.district.get(p.district_code), lang), names: all, haystack: all.join("|") };
    }),
    ...data.excerpts.map((e) => ({
      view: e.place ? { type: "place", id: e.place } : { type: "city" },
      label: e.place ? placeName(data.by.place.get(e.place), lang) : `${tr("city_wide")} · ${regionName(data.region, lang)}`,
      text: [e.text, e.text_en || ""].join("\n"), names: [], haystack: normalise([e.text, e.text_en || ""].join(" ")),
    })),
  ];
}

export function searchIndex(index, query, limit = 8) {
  const needle = normalise(query);
  if (!needle) return [];
  const hits = [];
  const seen = new Set();
  for (const entry of index) {
    const at = entry.haystack.indexOf(needle);
    const key = `${entry.view.type}:${entry.view.id}:${entry.text ? "t" : "n"}`;
    if (at === -1 || seen.has(key)) continue;
    seen.add(key);
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
  return hits.slice(0, limit);
}

export class SearchBox {
  constructor({ input, results, index, tr, onChoose }) {
    Object.assign(this, { input, results, index, tr, onChoose });
    input.addEventListener("input", () => this.search(input.value));
    input.addEventListener("keydown", (event) => this.key(event));
    results.addEventListener("keydown", (event) => this.key(event));
    document.addEventListener("click", (event) => {
      if (!event.target.closest(".sm-search")) this.close();
    });
  }

  search(query) {
    if (!normalise(query)) return this.close();
    this.show(searchIndex(this.index, query));
  }

  show(hits) {
    this.results.replaceChildren(...(hits.length ? hits.map((hit, i) => h("li", {
      role: "option", id: `sm-result-${i}`, tabindex: "-1", class: "sm-search__result",
      onclick: () => this.choose(hit),
      onkeydown: (event) => { if (event.key === "Enter") this.choose(hit); },
    }, h("span", { class: "sm-search__label" }, hit.label), h("span", { class: "sm-search__detail" }, hit.detail)))
      : [h("li", { class: "sm-search__none", role: "option", "aria-disabled": "true" }, this.tr("no_results"))]));
    this.results.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  }

  key(event) {
    const items = [...this.results.querySelectorAll(".sm-search__result")];
    const current = items.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && items.length) {
      event.preventDefault();
      items[Math.min(current + 1, items.length - 1)].focus();
    } else if (event.key === "ArrowUp" && items.length) {
      event.preventDefault();
      if (current <= 0) this.input.focus(); else items[current - 1].focus();
    } else if (event.key === "Enter" && event.target === this.input && items.length) {
      event.preventDefault();
      items[0].click();
    } else if (event.key === "Escape") {
      this.close();
      this.input.focus();
    }
  }

  choose(hit) {
    this.close();
    this.onChoose(hit.view);
  }

  close() {
    this.results.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
  }
}
