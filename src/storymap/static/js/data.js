/*
 * data.js: the page data every view reads.
 *
 * Exports:
 *   loadData(doc = document)  the parsed <script type="application/json" id="storymap-data">
 *                             block, with lookups added under data.by:
 *                             by.district (code), by.place, by.story, by.excerpt (id)
 *   withLookups(data)         the same lookups for data obtained elsewhere (e.g. /api)
 *   localised(item, field, lang)  item[field + "_en"] in English when present, else item[field]
 *   districtName(d, lang), districtOtherName(d, lang), placeName(p, lang),
 *   regionName(region, lang), sectionOf(data, storyId, sectionId)
 */

export function loadData(doc = document, id = "storymap-data") {
  const block = doc.getElementById(id);
  if (!block) throw new Error(`page data block #${id} is missing`);
  return withLookups(JSON.parse(block.textContent));
}

export function withLookups(data) {
  const byKey = (items, key) => new Map((items || []).map((item) => [item[key], item]));
  data.by = {
    district: byKey(data.districts, "code"),
    place: byKey(data.places, "id"),
    story: byKey(data.stories, "id"),
    excerpt: byKey(data.excerpts, "id"),
  };
  return data;
}

export function localised(item, field, lang) {
  if (!item) return "";
  const english = item[`${field}_en`];
  // "" is a translation too (e.g. the unit of a plain count); only a missing one falls back.
  return lang === "en" && english !== undefined && english !== null ? english : item[field];
}

export function districtName(district, lang) {
  return lang === "en" ? district.name_en : district.name_zh;
}

export function districtOtherName(district, lang) {
  return lang === "en" ? district.name_zh : district.name_en;
}

export function placeName(place, lang) {
  return localised(place, "name", lang);
}

export function regionName(region, lang) {
  return lang === "en" ? region.name_en : region.name_zh;
}

export function sectionOf(data, storyId, sectionId) {
  return data.by.story.get(storyId).sections.find((s) => s.id === sectionId);
}
