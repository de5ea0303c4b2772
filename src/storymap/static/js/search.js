/*
 * search.js: the search box of the map page (a combobox over districts, places and passages).
 *
 * Exports:
 *   buildSearchIndex(data, lang, tr)  entries {view, label, detail, names[], passage?}; passages
 *                                     only when the reading content is in
 *   searchIndex(index, query, limit)  ranked hits: exact names, names starting with the
 *                                     query, other names, then passages (with .snippet:
 *                                     [before, match, after], centred on the match)
 *   searchable(text), matchAt(prepared, needle), snippet(prepared, at, length)
 *       the matching rules: Latin queries match at word starts only, CJK anywhere
 *   class SearchBox({ input, results, index, tr, onChoose })  wires the box and its list
 */
import { h, normalise } from "./dom.js";
import { districtName, districtOtherName, localised, placeName, regionName } from "./data.js";

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
const LATIN = /[\p{L}\p{N}]/u;
const DROPPED = /[\s'’\-·.]/;
const WORD_BREAK = /[\s\-·.]/;  // an apostrophe joins ("Jing'an" is one word)

/**
 * Text prepared for matching: its normalise()d form, where each normalised
 * character came from in the original (for snippets), and which positions start
 * a word (a Latin query only matches there: "ai" finds "AI" but not "Shanghai").
 */
export function searchable(text) {
  text = String(text);
  let norm = "";
  const from = [];
  const starts = new Set();
  let breakBefore = true;
  let previousLatin = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (DROPPED.test(ch)) {
      if (WORD_BREAK.test(ch)) breakBefore = true;
      continue;
    }
    const latin = LATIN.test(ch) && !CJK.test(ch);
    if (!latin || breakBefore || !previousLatin) starts.add(norm.length);
    const lower = ch.toLowerCase();
    for (let k = 0; k < lower.length; k++) from.push(i);
    norm += lower;
    breakBefore = false;
    previousLatin = latin;
  }
  return { text, norm, from, starts };
}

/** Where needle (normalised) matches prepared text, or -1. CJK may match anywhere, Latin only at a word start. */
export function matchAt(prepared, needle) {
  const anywhere = CJK.test(needle[0]);
  for (let at = prepared.norm.indexOf(needle); at !== -1; at = prepared.norm.indexOf(needle, at + 1)) {
    if (anywhere || prepared.starts.has(at)) return at;
  }
  return -1;
}

export function buildSearchIndex(data, lang, tr) {
  const prepare = (...values) => values.filter(Boolean).map(searchable);
  return [
    ...data.districts.map((d) => ({
      view: { type: "district", id: d.code }, label: districtName(d, lang), detail: districtOtherName(d, lang),
      // the adcode finds its district, and so do names without 区/District
      names: prepare(d.name_zh, d.name_en, d.name_zh.replace(/(新区|区|县)$/, ""),
                     d.name_en.replace(/ (District|New Area|County)$/, ""), d.code),
    })),
    ...data.places.map((p) => ({
      view: { type: "place", id: p.id }, label: placeName(p, lang),
      detail: districtName(data.by.district.get(p.district_code), lang),
      // ids are slugs, usually the pinyin of the name (modu-space, miao-town)
      names: prepare(p.name, p.name_en, p.id.replace(/-/g, " ")),
    })),
    // passages once the reading content is in (data.js loadContent)
    ...data.excerpts.filter((e) => typeof e.text === "string").map((e) => ({
      view: e.place ? { type: "place", id: e.place } : { type: "city" },
      label: e.place ? placeName(data.by.place.get(e.place), lang) : `${tr("city_wide")} · ${regionName(data.region, lang)}`,
      // passages are searched in the page's language (the original where there is no translation)
      passage: searchable(localised(e, "text", lang)), names: [],
    })),
  ];
}

/** A stretch of the passage centred on the match: [before, match, after]. */
export function snippet(prepared, at, length, width = CJK.test(prepared.text) ? 36 : 72) {
  const first = prepared.from[at];
  const last = prepared.from[at + length - 1] + 1;
  const text = prepared.text;
  let start = Math.max(0, Math.round((first + last) / 2 - width / 2));
  const end = Math.min(text.length, start + width);
  start = Math.max(0, end - width);
  const clean = (part) => part.replace(/\s+/g, " ");
  return [`${start ? "…" : ""}${clean(text.slice(start, first))}`, clean(text.slice(first, last)),
          `${clean(text.slice(last, end))}${end < text.length ? "…" : ""}`];
}

export function searchIndex(index, query, limit = 8) {
  const needle = normalise(query);
  if (!needle) return [];
  const hits = [];
  const seen = new Set();
  for (const entry of index) {
    const key = `${entry.view.type}:${entry.view.id}:${entry.passage ? "t" : "n"}`;
    if (seen.has(key)) continue;
    if (entry.passage) {
      const at = matchAt(entry.passage, needle);
      if (at === -1) continue;
      seen.add(key);
      hits.push({ ...entry, rank: 3, snippet: snippet(entry.passage, at, needle.length) });
      continue;
    }
    const found = entry.names.map((name) => matchAt(name, needle));
    if (found.every((at) => at === -1)) continue;
    seen.add(key);
    // Exact names first, then names that start with the query, then other names.
    const rank = entry.names.some((name) => name.norm === needle) ? 0 : found.includes(0) ? 1 : 2;
    hits.push({ ...entry, rank });
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
    }, h("span", { class: "sm-search__label" }, hit.label),
      h("span", { class: "sm-search__detail" }, hit.snippet
        ? [hit.snippet[0], h("mark", null, hit.snippet[1]), hit.snippet[2]] : hit.detail)))
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
