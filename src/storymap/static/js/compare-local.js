/*
 * compare-local.js: the comparison computed in the page, for the static copy (no server).
 *
 * `storymap export` gives the copy's map pages the comparison data (#storymap-compare-data:
 * full-resolution district polygons, places, first lines of passages, facts, indicators, the
 * reference point; storymap/compare/offline.py) and two vendored libraries: geographiclib-geodesic
 * (Karney's geodesics, the algorithm of pyproj.Geod on the server) and polygon-clipping. This module
 * computes what /api/compare answers (storymap/compare/compute.py) and formats it as the server
 * does (storymap/compare/formats.py: the side-by-side table, the tidy CSV tables, GeoJSON):
 *   distances and bearings  Geodesic.Inverse on the WGS-84 ellipsoid;
 *   walking circle          128 vertices at the radius along every azimuth (Geodesic.Direct: the
 *                           server's local azimuthal equidistant circle, vertex for vertex);
 *   areas                   ellipsoidal polygon areas (Geodesic.Polygon), holes subtracted;
 *   district shares         circle ∩ full-resolution district (polygon-clipping), then its area.
 *
 * Exports:
 *   readLocalData(doc = document)  the parsed comparison data block, or null on a page with a server
 *   class LocalComparison(data)
 *     .compare({items, r, crs})    the result /api/compare gives (without its table); items as the
 *                                  server takes them (ids, names, aliases, pinyin; data.names);
 *                                  throws LocalInputError (message as the server's 400) for a bad request
 *   table(result, labels, lang)    the side-by-side view (labels: compare_strings.table_labels)
 *   toCsv(result, labels, lang, tableName)  "items" | "pairs" | "shares", one tidy table, as the server's
 *   toGeojson(result)              items, circles, uncertainty and distance lines
 */

const LETTERS = "ABCDEF";
const CIRCLE_VERTICES = 128;
const UNCERTAINTY_VERTICES = 64;
const LINE_POINTS = 16;
const COORD_DIGITS = 6;
const CRS_NAMES = ["wgs84", "gcj02"];
const CRS_LABELS = { wgs84: "WGS-84", gcj02: "GCJ-02" };
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const POINT_FORM = "pt:LON:LAT in decimal degrees, e.g. pt:121.4868:31.2406 (pt:LON:LAT:gcj02 for one point in GCJ-02)";
const ITEM_FORMS = `place:ID, district:ADCODE, a place's or district's name (Chinese, English, alias or pinyin) or ${POINT_FORM}`;

export function readLocalData(doc = document) {
  const block = doc.getElementById("storymap-compare-data");
  return block ? JSON.parse(block.textContent) : null;
}

export class LocalInputError extends Error {}

const round = (value, digits) => { const f = 10 ** digits; return Math.round(value * f) / f; };
const rounded = (points) => points.map(([lon, lat]) => [round(lon, COORD_DIGITS), round(lat, COORD_DIGITS)]);

/* ---------- geodesy (geographiclib-geodesic) ---------- */

const geod = () => globalThis.geodesic.Geodesic.WGS84;

function distanceBearing(lon1, lat1, lon2, lat2) {
  const r = geod().Inverse(lat1, lon1, lat2, lon2);
  return [r.s12, ((r.azi1 % 360) + 360) % 360];
}

function circle(lon, lat, radius, vertices = CIRCLE_VERTICES) {
  const ring = [];
  for (let i = 0; i < vertices; i++) {
    const d = geod().Direct(lat, lon, (360 * i) / vertices, radius);
    ring.push([d.lon2, d.lat2]);
  }
  ring.push(ring[0]);
  return ring;
}

function ringArea(ring) {
  const polygon = geod().Polygon(false);
  const last = ring.length - 1;
  const closed = ring[0][0] === ring[last][0] && ring[0][1] === ring[last][1];
  for (const [lon, lat] of closed ? ring.slice(0, last) : ring) polygon.AddPoint(lat, lon);
  return Math.abs(polygon.Compute(false, true).area);
}

/** Area in m² of MultiPolygon coordinates (holes subtracted). */
function area(multipolygon) {
  let total = 0;
  for (const polygon of multipolygon) polygon.forEach((ring, i) => { total += i === 0 ? ringArea(ring) : -ringArea(ring); });
  return total;
}

function geodesicLine(lon1, lat1, lon2, lat2) {
  const line = geod().InverseLine(lat1, lon1, lat2, lon2);
  const points = [[lon1, lat1]];
  for (let i = 1; i < LINE_POINTS - 1; i++) {
    const p = line.Position((line.s13 * i) / (LINE_POINTS - 1));
    points.push([p.lon2, p.lat2]);
  }
  points.push([lon2, lat2]);
  return points;
}

/* ---------- GCJ-02 (storymap/coords.py, the public algorithm) ---------- */

const KRASOVSKY_A = 6378245.0;
const KRASOVSKY_EE = 0.00669342162296594323;

function gcjOffset(lon, lat) {
  if (!(lon > 72.004 && lon < 137.8347 && lat > 0.8293 && lat < 55.8271)) return [0, 0];
  const x = lon - 105.0, y = lat - 35.0, pi = Math.PI, sin = Math.sin;
  let dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x))
    + (20.0 * sin(6.0 * x * pi) + 20.0 * sin(2.0 * x * pi)) * 2.0 / 3.0
    + (20.0 * sin(y * pi) + 40.0 * sin(y / 3.0 * pi)) * 2.0 / 3.0
    + (160.0 * sin(y / 12.0 * pi) + 320.0 * sin(y * pi / 30.0)) * 2.0 / 3.0;
  let dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x))
    + (20.0 * sin(6.0 * x * pi) + 20.0 * sin(2.0 * x * pi)) * 2.0 / 3.0
    + (20.0 * sin(x * pi) + 40.0 * sin(x / 3.0 * pi)) * 2.0 / 3.0
    + (150.0 * sin(x / 12.0 * pi) + 300.0 * sin(x / 30.0 * pi)) * 2.0 / 3.0;
  const radLat = (lat / 180.0) * pi;
  const magic = 1 - KRASOVSKY_EE * sin(radLat) ** 2;
  const sqrtMagic = Math.sqrt(magic);
  dlat = (dlat * 180.0) / (((KRASOVSKY_A * (1 - KRASOVSKY_EE)) / (magic * sqrtMagic)) * pi);
  dlon = (dlon * 180.0) / ((KRASOVSKY_A / sqrtMagic) * Math.cos(radLat) * pi);
  return [dlon, dlat];
}

function toGcj02(lon, lat) {
  const [dlon, dlat] = gcjOffset(lon, lat);
  return [lon + dlon, lat + dlat];
}

/** GCJ-02 -> WGS-84 by the server's fixed-point iteration (six steps reach double precision). */
function fromGcj02(lon, lat) {
  let w = [lon, lat];
  for (let i = 0; i < 6; i++) {
    const f = toGcj02(w[0], w[1]);
    w = [w[0] - (f[0] - lon), w[1] - (f[1] - lat)];
  }
  return w;
}

/* ---------- polygons ---------- */

function inRing(lon, lat, ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i], [xj, yj] = ring[j];
    if ((yi > lat) !== (yj > lat) && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function inShape(lon, lat, multipolygon) {
  return multipolygon.some(([outer, ...holes]) => inRing(lon, lat, outer) && !holes.some((h) => inRing(lon, lat, h)));
}

function box(multipolygon) {
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const polygon of multipolygon) for (const [lon, lat] of polygon[0]) {
    w = Math.min(w, lon); e = Math.max(e, lon); s = Math.min(s, lat); n = Math.max(n, lat);
  }
  return [w, s, e, n];
}

const boxesMeet = (a, b) => a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];

/* ---------- the comparison ---------- */

export class LocalComparison {
  constructor(data) {
    this.data = data;
    this.places = new Map(data.places.map((p) => [p.id, p]));
    this.districts = new Map(data.districts.map((d) => [d.code, d]));
    this.boxes = new Map(data.districts.map((d) => [d.code, box(d.shape)]));
    this.story = data.story_places.map((id) => this.places.get(id));
    this.reference = data.reference_point;
  }

  get limits() { return this.data.limits; }

  compare({ items, r, crs }) {
    crs = this.checkCrs(crs);
    const radius = this.checkRadius(r);
    const { min_items: min, max_items: max } = this.limits;
    if (items.length < min || items.length > max) {
      throw this.error(items.join(","), `${items.length} item${items.length === 1 ? "" : "s"} given`,
        `${min} to ${max} items, each ${ITEM_FORMS}`);
    }
    const parsed = items.map((token) => this.parseItem(token, crs));
    const seen = new Set();
    for (const item of parsed) {
      if (seen.has(item.token)) throw this.error(item.token, "given twice", "each item once");
      seen.add(item.token);
    }
    const circles = parsed.map((item) => circle(item.lon, item.lat, radius));
    const records = parsed.map((item, i) => this.describe(item, LETTERS[i], circles[i], radius));
    const { pairs, matrix, bearings } = this.pairs(parsed);
    this.addOverlaps(records, circles, parsed);
    const ref = this.reference;
    return {
      region: this.data.region, radius_m: radius, crs,
      reference_point: ref && Object.fromEntries(["name_zh", "name_en", "lon", "lat", "source"].filter((k) => k in ref).map((k) => [k, ref[k]])),
      indicator_columns: this.data.indicator_columns,
      items: records, pairs, matrix, bearing_matrix: bearings,
    };
  }

  error(value, problem, expected, name = "items") {
    return new LocalInputError(`${name} '${value}': ${problem}. Expected ${expected}.`);
  }

  checkCrs(crs) {
    const value = crs === undefined || crs === null || String(crs).trim() === "" ? "wgs84" : String(crs).trim().toLowerCase();
    if (!CRS_NAMES.includes(value)) {
      throw this.error(crs, "unknown CRS", "wgs84 (GPS, OpenStreetMap) or gcj02 (Amap, most Chinese web maps)", "crs");
    }
    return value;
  }

  checkRadius(r) {
    const { min_radius: min, max_radius: max, default_radius: fallback } = this.limits;
    if (r === undefined || r === null || String(r).trim() === "") return fallback;
    const expected = `a number of metres from ${min} to ${max}`;
    if (!NUMBER.test(String(r).trim())) throw this.error(r, "is not a number", expected, "r");
    const value = Number(r);
    if (value < min || value > max) throw this.error(r, "is out of range", expected, "r");
    return value;
  }

  parseItem(token, crs) {
    token = token.trim();
    const colon = token.indexOf(":");
    const [kind, rest] = colon < 0 ? [token, ""] : [token.slice(0, colon), token.slice(colon + 1)];
    if (kind === "place") return this.place(rest, token);
    if (kind === "district") return this.district(rest, token);
    if (kind === "pt") return this.point(rest, token, crs);
    if (this.places.has(token)) return this.place(token, token);
    if (this.districts.has(token)) return this.district(token, token);
    const found = this.lookup(token);
    if (found.length === 1) return found[0].startsWith("place:") ? this.place(found[0].slice(6), token) : this.district(found[0].slice(9), token);
    if (found.length) throw this.error(token, `names ${found.length} items: ${found.join(" and ")}`, "one of them, written as its id");
    throw this.error(token, "is not a place id, district or point", ITEM_FORMS);
  }

  /** The tokens a name stands for, as the server's resolver (storymap/compare/items.py: Names, normal). */
  lookup(name, kind = "") {
    const key = name.normalize("NFKC").toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "").normalize("NFC")
      .replace(/[\s\-_'’‘"“”·•.,，。「」『』]+/g, "");
    return (this.data.names[key] || []).filter((token) => token.startsWith(kind));
  }

  place(key, token) {
    let place = this.places.get(key);
    const named = place ? [] : this.lookup(key, "place:");
    if (named.length === 1) place = this.places.get((key = named[0].slice(6)));
    if (named.length > 1) throw this.error(token, `names ${named.length} places: ${named.join(" and ")}`, "one of them, written as place:ID");
    if (!place) throw this.error(token, "no such place", "place:ID with one of the story's place ids (or a place's name, alias or pinyin)");
    return { token: `place:${key}`, kind: "place", key, lon: place.lon, lat: place.lat, district: place.district_code };
  }

  district(key, token) {
    const named = this.districts.has(key) ? [] : this.lookup(key, "district:");
    if (named.length === 1) key = named[0].slice(9);
    const district = this.districts.get(key);
    if (!district) throw this.error(token, "no such district", "district:ADCODE with one of the region's adcodes (or a district's name)");
    const [lon, lat] = district.label;
    return { token: `district:${key}`, kind: "district", key, lon, lat, district: key };
  }

  point(rest, token, crs) {
    const parts = rest.split(/[:,]/).map((p) => p.trim());
    let suffix = "";
    if (parts.length === 3 && CRS_NAMES.includes(parts[2].toLowerCase())) {
      crs = parts.pop().toLowerCase();
      suffix = `:${crs}`;
    }
    if (parts.length !== 2) throw this.error(token, `has ${parts.length} number${parts.length === 1 ? "" : "s"}`, POINT_FORM);
    const numbers = parts.map((raw, i) => {
      if (!NUMBER.test(raw)) throw this.error(token, `${i ? "latitude" : "longitude"} '${raw}' is not a decimal number`, POINT_FORM);
      return Number(raw);
    });
    const [lon, lat] = numbers;
    const [west, south, east, north] = this.data.bounds;
    const within = (x, y) => west <= x && x <= east && south <= y && y <= north;
    const region = `${this.data.region.name_zh} (${this.data.region.name_en})`;
    if (within(lat, lon) && !within(lon, lat)) {
      throw this.error(token, "longitude and latitude look swapped", `pt:LON:LAT with the longitude first, e.g. pt:${parts[1]}:${parts[0]}`);
    }
    if (!(Math.abs(lon) <= 180 && Math.abs(lat) <= 90)) {
      throw this.error(token, "is not a coordinate on Earth", "longitude between -180 and 180 and latitude between -90 and 90");
    }
    const [wLon, wLat] = crs === "gcj02" ? fromGcj02(lon, lat) : [lon, lat];
    const found = this.data.districts.find((d) => inShape(wLon, wLat, d.shape));
    if (!found) throw this.error(token, `${CRS_LABELS[crs]} point lies outside every district of ${region}`, `a point inside ${region}`);
    const decimals = Math.min(...parts.map((p) => (p.includes(".") ? p.split(".")[1].length : 0)));
    return {
      token: `pt:${parts[0]}:${parts[1]}${suffix}`, kind: "point", key: `${parts[0]}:${parts[1]}`, lon: wLon, lat: wLat,
      district: found.code, typed: [lon, lat], decimals, crs,
    };
  }

  describe(item, letter, ring, radius) {
    const district = this.districts.get(item.district);
    const [gLon, gLat] = toGcj02(item.lon, item.lat);
    const { places, excerpts, facts } = this.storyContent(item, radius);
    const [precision, precisionM] = this.precision(item, district);
    return {
      id: item.token, letter, kind: item.kind, key: item.key, ...this.names(item, district),
      lon: round(item.lon, 7), lat: round(item.lat, 7), gcj02: { lon: round(gLon, 7), lat: round(gLat, 7) },
      typed: item.typed ? { lon: item.typed[0], lat: item.typed[1], crs: item.crs } : null,
      precision, precision_m: round(precisionM, 1),
      uncertainty: { type: "Polygon", coordinates: [rounded(circle(item.lon, item.lat, precisionM, UNCERTAINTY_VERTICES))] },
      district: {
        code: district.code, name_zh: district.name_zh, name_en: district.name_en, area_km2: district.area_km2,
        indicators: district.indicators,
      },
      places, excerpts, facts,
      reference: this.measureTo(item),
      nearest_place: this.nearestPlace(item),
      circle: this.circleRecord(ring, radius),
    };
  }

  names(item, district) {
    if (item.kind === "place") {
      const place = this.places.get(item.key);
      return { name_zh: place.name, name_en: place.name_en || place.name };
    }
    if (item.kind === "district") return { name_zh: district.name_zh, name_en: district.name_en };
    const [lon, lat] = item.key.split(":");  // as typed: every decimal the user gave
    return { name_zh: `点 ${lon}, ${lat}`, name_en: `Point ${lon}, ${lat}` };
  }

  precision(item, district) {
    if (item.kind === "point") {
      return ["typed", Math.max(0.5 * 10 ** -item.decimals * this.data.metres_per_degree_lat, 1.0)];
    }
    const precision = item.kind === "place" ? this.places.get(item.key).precision : "district";
    if (precision in this.data.precision_m) return [precision, this.data.precision_m[precision]];
    return [precision, Math.sqrt((district.area_km2 * 1e6) / Math.PI)];
  }

  storyContent(item, radius) {
    let places, excerpts, facts;
    if (item.kind === "district") {
      places = this.data.places.filter((p) => p.district_code === item.key);
      excerpts = this.data.excerpts.filter((e) => e.district_code === item.key);
      facts = this.data.facts.filter((f) => f.district_code === item.key);
    } else {
      places = item.kind === "place" ? [this.places.get(item.key)]
        : this.data.places.filter((p) => distanceBearing(item.lon, item.lat, p.lon, p.lat)[0] <= radius);
      const ids = new Set(places.map((p) => p.id));
      excerpts = this.data.excerpts.filter((e) => ids.has(e.place));
      facts = this.data.facts.filter((f) => ids.has(f.place));
    }
    return {
      places: places.map((p) => ({ id: p.id, name: p.name, name_en: p.name_en, role: p.role, district_code: p.district_code })),
      excerpts: excerpts.map((e) => ({ id: e.id, place: e.place, text: e.text, text_en: e.text_en })),
      facts: facts.map(({ district_code: _code, ...fact }) => fact),
    };
  }

  measureTo(item) {
    if (!this.reference) return null;
    const [distance, bearing] = distanceBearing(this.reference.lon, this.reference.lat, item.lon, item.lat);
    return { distance_m: round(distance, 1), bearing_deg: round(bearing, 1) };
  }

  nearestPlace(item) {
    let best = null;
    for (const place of this.story) {
      if (item.kind === "place" && place.id === item.key) continue;
      const [distance, bearing] = distanceBearing(item.lon, item.lat, place.lon, place.lat);
      if (!best || distance < best.distance) best = { place, distance, bearing };
    }
    if (!best) return null;
    const { place, distance, bearing } = best;
    return { id: place.id, name: place.name, name_en: place.name_en, distance_m: round(distance, 1), bearing_deg: round(bearing, 1) };
  }

  circleRecord(ring, radius) {
    const whole = area([[ring]]);
    const ringBox = box([[ring]]);
    const shares = [];
    for (const district of this.data.districts) {
      if (!boxesMeet(ringBox, this.boxes.get(district.code))) continue;
      const part = area(globalThis.polygonClipping.intersection([[ring]], district.shape));
      if (part <= 0) continue;
      shares.push({ code: district.code, name_zh: district.name_zh, name_en: district.name_en,
        area_m2: round(part, 1), share: round(part / whole, 5) });
    }
    shares.sort((a, b) => b.area_m2 - a.area_m2);
    const inside = shares.reduce((sum, s) => sum + s.area_m2, 0);
    return {
      radius_m: radius, area_m2: round(whole, 1), districts: shares,
      outside_share: round(Math.max(0, 1 - inside / whole), 5), overlaps: [],
      geometry: { type: "Polygon", coordinates: [rounded(ring)] },
    };
  }

  pairs(items) {
    const n = items.length;
    const matrix = items.map(() => items.map(() => 0));
    const bearings = items.map(() => items.map(() => null));
    const pairs = [];
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const a = items[i], b = items[j];
        const [distance, bearing] = distanceBearing(a.lon, a.lat, b.lon, b.lat);
        const [, back] = distanceBearing(b.lon, b.lat, a.lon, a.lat);
        matrix[i][j] = matrix[j][i] = round(distance, 1);
        bearings[i][j] = round(bearing, 1);
        bearings[j][i] = round(back, 1);
        pairs.push({
          a: a.token, b: b.token, letters: LETTERS[i] + LETTERS[j], distance_m: round(distance, 1),
          bearing_deg: round(bearing, 1), back_bearing_deg: round(back, 1),
          line: { type: "LineString", coordinates: rounded(geodesicLine(a.lon, a.lat, b.lon, b.lat)) },
        });
      }
    }
    return { pairs, matrix, bearings };
  }

  addOverlaps(records, circles, items) {
    for (let i = 0; i < circles.length; i++) {
      for (let j = i + 1; j < circles.length; j++) {
        const reach = records[i].circle.radius_m * 2;
        if (distanceBearing(items[i].lon, items[i].lat, items[j].lon, items[j].lat)[0] >= reach) continue;
        const overlap = area(globalThis.polygonClipping.intersection([[circles[i]]], [[circles[j]]]));
        if (overlap <= 0) continue;
        for (const [own, other] of [[i, j], [j, i]]) {
          records[own].circle.overlaps.push({
            item: records[other].id, letter: records[other].letter, area_m2: round(overlap, 1),
            share: round(overlap / records[own].circle.area_m2, 5),
          });
        }
      }
    }
  }
}

/* ---------- formats (storymap/compare/formats.py) ---------- */

const grouped = (value, digits) => value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
export const km = (m) => (m >= 1000 ? `${grouped(m / 1000, 2)} km` : `${grouped(m, 0)} m`);
const areaText = (m2) => `${grouped(m2 / 1e6, 3)} km²`;
const percent = (share) => `${(share * 100).toFixed(1)}%`;
const nameOf = (record, lang, zh = "name_zh", en = "name_en") => (lang === "en" ? record[en] || record[zh] : record[zh]);
const cellOf = (value, text, links) => ({
  value, text: text !== undefined && text !== null ? text : value === null || value === undefined ? "" : String(value),
  ...(links ? { links } : {}),
});

function numberText(value, labels) {
  if (value === null || value === undefined) return labels.none;
  return Number.isInteger(value) ? value.toLocaleString("en-US") : grouped(value, 2);
}

function excerptText(excerpt, lang) {
  return lang === "en" ? excerpt.text_en || excerpt.text : excerpt.text;
}

// The figure as the model prints it (storymap/figures.py, the one formatter), carried in the data.
function factText(fact, lang) {
  return lang === "en" ? `${fact.label_en || fact.label} ${fact.figure_en}` : `${fact.label} ${fact.figure}`;
}

export function table(result, labels, lang) {
  const items = result.items;
  const rows = [];
  const row = (key, label, cells) => rows.push({ key, label, cells });
  row("kind", labels.kind, items.map((i) => cellOf(i.kind, labels.kinds[i.kind])));
  row("wgs84", labels.wgs84, items.map((i) => cellOf(`${i.lon.toFixed(6)}, ${i.lat.toFixed(6)}`)));
  row("gcj02", labels.gcj02, items.map((i) => cellOf(`${i.gcj02.lon.toFixed(6)}, ${i.gcj02.lat.toFixed(6)}`)));
  row("precision_m", labels.precision, items.map((i) => cellOf(i.precision_m,
    `±${km(i.precision_m)} (${labels.precisions[i.precision] || i.precision})`)));
  row("district", labels.district, items.map((i) => cellOf(i.district.code, `${nameOf(i.district, lang)} (${i.district.code})`,
    [{ text: nameOf(i.district, lang), type: "district", id: i.district.code }])));
  row("district_area_km2", labels.district_area, items.map((i) => cellOf(i.district.area_km2, `${grouped(i.district.area_km2, 1)} km²`)));
  for (const column of result.indicator_columns) {
    const label = `${column[`label_${lang}`]} (${column[`unit_${lang}`]}, ${column.year})`;
    row(column.key, label, items.map((i) => {
      const value = i.district.indicators[column.key];
      return cellOf(value === undefined ? null : value, numberText(value, labels));
    }));
  }
  row("places", labels.places, items.map((i) => cellOf(i.places.length,
    i.places.map((p) => nameOf(p, lang, "name")).join("; ") || labels.none,
    i.places.map((p) => ({ text: nameOf(p, lang, "name"), type: "place", id: p.id })))));
  row("excerpts", labels.excerpts, items.map((i) => cellOf(i.excerpts.length,
    i.excerpts.map((e) => excerptText(e, lang)).join(" / ") || labels.none,
    i.excerpts.map((e) => ({ text: excerptText(e, lang), type: e.place ? "place" : null, id: e.place })))));
  row("facts", labels.facts, items.map((i) => cellOf(i.facts.length,
    i.facts.map((f) => factText(f, lang)).join("; ") || labels.none)));
  if (result.reference_point) {
    row("reference_m", labels.reference.replace("{name}", nameOf(result.reference_point, lang)), items.map((i) =>
      cellOf(i.reference.distance_m, `${km(i.reference.distance_m)}, ${labels.bearing_word} ${Math.round(i.reference.bearing_deg)}°`)));
  }
  row("nearest_place", labels.nearest, items.map((i) => {
    const near = i.nearest_place;
    return near
      ? cellOf(near.distance_m, `${nameOf(near, lang, "name")} · ${km(near.distance_m)}`,
        [{ text: nameOf(near, lang, "name"), type: "place", id: near.id }])
      : cellOf(null, labels.none, []);
  }));
  row("circle_area_m2", labels.circle_area.replace("{r}", km(result.radius_m)),
    items.map((i) => cellOf(i.circle.area_m2, areaText(i.circle.area_m2))));
  row("circle_districts", labels.circle_districts, items.map((i) => cellOf(
    i.circle.districts.map((d) => `${d.code} ${d.share.toFixed(4)}`).join("; "),
    [...i.circle.districts.map((d) => `${nameOf(d, lang)} ${percent(d.share)}`),
      ...(i.circle.outside_share >= 0.0005 ? [`${labels.outside} ${percent(i.circle.outside_share)}`] : [])].join("; "))));
  row("circle_overlaps", labels.circle_overlaps, items.map((i) => cellOf(
    i.circle.overlaps.map((o) => `${o.letter} ${o.area_m2.toFixed(0)}`).join("; "),
    i.circle.overlaps.map((o) => `${o.letter}: ${areaText(o.area_m2)} (${percent(o.share)} ${labels.of_circle})`).join("; ") || labels.none)));
  return {
    columns: items.map((i) => ({ id: i.id, letter: i.letter, name: nameOf(i, lang) })),
    rows,
    pairs: result.pairs.map((p) => ({
      letters: p.letters, a: p.a, b: p.b, distance_m: p.distance_m, distance_text: km(p.distance_m),
      bearing_deg: p.bearing_deg, back_bearing_deg: p.back_bearing_deg,
    })),
    matrix: result.matrix,
    matrix_text: result.matrix.map((r, i) => r.map((d, j) => (i !== j ? km(d) : ""))),
    bearing_matrix: result.bearing_matrix,
    labels: Object.fromEntries(["item", "distances", "pair", "distance", "bearing", "back_bearing"].map((k) => [k, labels[k]])),
  };
}

export const CSV_TABLES = ["items", "pairs", "shares"];

function itemRows(result, labels, lang) {
  const keys = result.indicator_columns.map((c) => c.key);
  const ref = result.reference_point;
  const header = ["letter", "item", "kind", "name", "lon", "lat", "gcj02_lon", "gcj02_lat", "precision", "precision_m",
    "district_code", "district_name", "district_area_km2", ...keys, "places", "place_names", "excerpts", "facts",
    "reference_name", "reference_distance_m", "reference_bearing_deg", "nearest_place", "nearest_place_name",
    "nearest_place_distance_m", "nearest_place_bearing_deg", "circle_radius_m", "circle_area_m2", "circle_outside_share"];
  const rows = result.items.map((i) => {
    const near = i.nearest_place;
    return [i.letter, i.id, i.kind, nameOf(i, lang), i.lon, i.lat, i.gcj02.lon, i.gcj02.lat, i.precision, i.precision_m,
      i.district.code, nameOf(i.district, lang), i.district.area_km2, ...keys.map((k) => i.district.indicators[k]),
      i.places.map((p) => p.id).join("; "), i.places.map((p) => nameOf(p, lang, "name")).join("; "),
      i.excerpts.length, i.facts.length, ref ? nameOf(ref, lang) : null,
      i.reference ? i.reference.distance_m : null, i.reference ? i.reference.bearing_deg : null,
      near ? near.id : null, near ? nameOf(near, lang, "name") : null, near ? near.distance_m : null,
      near ? near.bearing_deg : null, i.circle.radius_m, i.circle.area_m2, i.circle.outside_share];
  });
  return [header, rows];
}

function pairRows(result, labels, lang) {
  const header = ["pair", "a", "b", "a_name", "b_name", "distance_m", "bearing_deg", "back_bearing_deg",
    "circle_overlap_m2", "circle_overlap_share_a", "circle_overlap_share_b"];
  const byId = new Map(result.items.map((i) => [i.id, i]));
  const rows = result.pairs.map((p) => {
    const a = byId.get(p.a), b = byId.get(p.b);
    const overlap = a.circle.overlaps.find((o) => o.item === b.id);
    const back = b.circle.overlaps.find((o) => o.item === a.id);
    return [p.letters, p.a, p.b, nameOf(a, lang), nameOf(b, lang), p.distance_m, p.bearing_deg, p.back_bearing_deg,
      overlap ? overlap.area_m2 : 0, overlap ? overlap.share : 0, back ? back.share : 0];
  });
  return [header, rows];
}

function shareRows(result, labels, lang) {
  const header = ["letter", "item", "name", "district_code", "district_name", "area_m2", "share"];
  const rows = [];
  for (const i of result.items) {
    for (const d of i.circle.districts) rows.push([i.letter, i.id, nameOf(i, lang), d.code, nameOf(d, lang), d.area_m2, d.share]);
    if (i.circle.outside_share > 0) {
      rows.push([i.letter, i.id, nameOf(i, lang), null, labels.outside,
        round(i.circle.outside_share * i.circle.area_m2, 1), i.circle.outside_share]);
    }
  }
  return [header, rows];
}

const csvField = (value) => {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** One tidy table as CSV text (CRLF lines, as the server's; the caller adds the BOM for Excel). */
export function toCsv(result, labels, lang, tableName = "items") {
  const make = { items: itemRows, pairs: pairRows, shares: shareRows }[tableName];
  if (!make) throw new Error(`CSV table '${tableName}'; expected one of ${CSV_TABLES.join(", ")}`);
  const [header, rows] = make(result, labels, lang);
  return [header, ...rows].map((r) => r.map(csvField).join(",")).join("\r\n") + "\r\n";
}

const feature = (geometry, properties) => ({ type: "Feature", geometry, properties });
const pick = (record, keys) => Object.fromEntries(keys.map((k) => [k, record[k]]));

export function toGeojson(result) {
  const features = [];
  for (const item of result.items) {
    const base = { item: item.id, letter: item.letter, name_zh: item.name_zh, name_en: item.name_en };
    const indicators = Object.fromEntries(Object.entries(item.district.indicators).map(([k, v]) => [`indicator_${k}`, v]));
    features.push(feature({ type: "Point", coordinates: [item.lon, item.lat] }, {
      ...base, role: "item", kind: item.kind, gcj02_lon: item.gcj02.lon, gcj02_lat: item.gcj02.lat,
      precision: item.precision, precision_m: item.precision_m, district_code: item.district.code,
      district_name_zh: item.district.name_zh, district_name_en: item.district.name_en,
      district_area_km2: item.district.area_km2, ...indicators,
      reference_distance_m: item.reference ? item.reference.distance_m : null,
      nearest_place: item.nearest_place ? item.nearest_place.id : null,
      nearest_place_distance_m: item.nearest_place ? item.nearest_place.distance_m : null,
      places: item.places.map((p) => p.id),
    }));
    const c = item.circle;
    features.push(feature(c.geometry, {
      ...base, role: "circle", radius_m: c.radius_m, area_m2: c.area_m2,
      districts: c.districts.map((d) => pick(d, ["code", "name_zh", "area_m2", "share"])),
      outside_share: c.outside_share, overlaps: c.overlaps.map((o) => pick(o, ["item", "area_m2", "share"])),
    }));
    features.push(feature(item.uncertainty, { ...base, role: "uncertainty", precision: item.precision, radius_m: item.precision_m }));
  }
  for (const p of result.pairs) {
    features.push(feature(p.line, {
      role: "distance", a: p.a, b: p.b, letters: p.letters, distance_m: p.distance_m, bearing_deg: p.bearing_deg,
      back_bearing_deg: p.back_bearing_deg,
    }));
  }
  return {
    type: "FeatureCollection",
    properties: { radius_m: result.radius_m, input_crs: result.crs, crs: "EPSG:4326", region: result.region,
      reference_point: result.reference_point },
    features,
  };
}
