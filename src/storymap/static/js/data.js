/*
 * data.js: the page data every view reads, and the one loader of the map page's reading content.
 *
 * The map page embeds its first view only (#storymap-data: names, places, counts, which
 * passages belong where); the reading content (excerpt texts, facts, photos, notes, the
 * comparison's strings) is a second document, fetched once from data.content_url the first
 * time a view needs it, or read from an inline #storymap-content block (the file:// copy).
 * Pages without content_url (the classroom's) embed everything.
 *
 * Exports:
 *   loadData(doc = document)  the parsed <script type="application/json" id="storymap-data">
 *                             block, with lookups added under data.by:
 *                             by.district (code), by.place, by.story, by.excerpt (id);
 *                             data.contentReady tells whether the reading content is in
 *   loadContent(data, doc = document)  a promise of data once the reading content is merged
 *                             in (one fetch, shared by every caller; after a failure the next
 *                             call tries again)
 *   withLookups(data)         the same lookups for data obtained elsewhere (e.g. /api)
 *   localised(item, field, lang)  item[field + "_en"] in English when present, else item[field]
 *   districtName(d, lang), districtOtherName(d, lang), placeName(p, lang),
 *   regionName(region, lang), sectionOf(data, storyId, sectionId)
 */

export function loadData(doc = document, id = "storymap-data") {
  const block = doc.getElementById(id);
  if (!block) throw new Error(`page data block #${id} is missing`);
  const data = withLookups(JSON.parse(block.textContent));
  data.contentReady = !data.content_url;
  const inline = doc.getElementById("storymap-content");
  if (inline && !data.contentReady) addContent(data, JSON.parse(inline.textContent));
  return data;
}

const pending = new WeakMap();  // data -> its content fetch in flight

export function loadContent(data, doc = document) {
  if (data.contentReady) return Promise.resolve(data);
  if (!pending.has(data)) {
    const url = new URL(data.content_url, doc.baseURI);
    const fetched = fetch(url).then((response) => {
      if (!response.ok) throw new Error(`${url.pathname}: HTTP ${response.status}`);
      return response.json();
    }).then((content) => addContent(data, content));
    pending.set(data, fetched);
    fetched.catch(() => pending.delete(data));  // the next view asks again
  }
  return pending.get(data);
}

/** Merge the reading content into the first view's records (same objects, so every lookup sees it). */
function addContent(data, content) {
  if (content.lang !== data.lang) throw new Error(`reading content in ${content.lang}; expected ${data.lang}`);
  for (const excerpt of data.excerpts) Object.assign(excerpt, content.excerpts[excerpt.id]);
  for (const story of data.stories) {
    const { sections, ...fields } = content.stories[story.id] || {};
    Object.assign(story, fields);
    for (const section of story.sections) Object.assign(section, (sections || {})[section.id]);
  }
  data.facts = content.facts;
  data.photos = content.photos;
  data.compare_strings = content.compare_strings;
  data.contentReady = true;
  return data;
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
