/*
 * print.js: the map page prints the view it shows. Before printing, the map gets
 * the size it has on paper (print.css: 186 mm × 150 mm) and is fitted to what is
 * selected: the district, the place within its district, else all story points;
 * folded text (the legend on a phone, the panel's 编者按 and other <details>) is
 * unfolded. After printing, the screen view comes back, folded as it was.
 * Ctrl/⌘+P first waits (a few seconds at most) for unfolded text still on its way
 * (the 编者按 of a first view loads when opened); the browser's menu prints at once.
 * Loaded by map.html beside main.js.
 */
import { parseHash } from "./deeplinks.js";
import { loadData } from "./data.js";

const PAPER = { width: "186mm", height: "150mm" };
const FOLDED = ".sm-legend:not([open]), #sm-panel details:not([open])";
const LOADING = "#sm-panel .sm-loading";
const LOADING_WAIT_MS = 4000;

function selectionBounds(layers, data) {
  const view = parseHash(location.hash);
  const districtLayer = (code) => {
    let found = null;
    layers.districts.eachLayer((layer) => { if (layer.feature.properties.code === code) found = layer; });
    return found;
  };
  const place = view.type === "place" ? data.by.place.get(view.id) : null;
  const code = view.type === "district" ? view.id : place ? place.district_code : null;
  const district = code ? districtLayer(code) : null;
  if (district) return place ? district.getBounds().extend([place.lat, place.lon]) : district.getBounds();
  const stops = data.tour.map((id) => data.by.place.get(id)).filter(Boolean);
  return stops.length ? L.latLngBounds(stops.map((p) => [p.lat, p.lon])) : L.latLngBounds(layers.bounds);
}

function wirePrint(layers, data) {
  const map = layers.map;
  const container = map.getContainer().closest(".sm-map") || map.getContainer();
  let screenView = null;
  let unfolded = [];
  const prepare = () => {
    if (screenView) return;
    screenView = { center: map.getCenter(), zoom: map.getZoom() };
    unfolded = [...document.querySelectorAll(FOLDED)];
    for (const details of unfolded) details.open = true;
    Object.assign(container.style, PAPER);  // measure at the paper size before the print layout exists
    map.invalidateSize({ animate: false });
    map.fitBounds(selectionBounds(layers, data), { padding: [16, 16], animate: false, maxZoom: 14 });
  };
  const restore = () => {
    if (!screenView) return;
    container.style.width = container.style.height = "";
    map.invalidateSize({ animate: false });
    map.setView(screenView.center, screenView.zoom, { animate: false });
    for (const details of unfolded) details.open = false;
    unfolded = [];
    screenView = null;
  };
  window.addEventListener("beforeprint", prepare);
  window.addEventListener("afterprint", restore);
  window.matchMedia("print").addEventListener("change", (event) => (event.matches ? prepare() : restore()));
  document.addEventListener("keydown", (event) => {
    if (event.key.toLowerCase() !== "p" || !(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
    event.preventDefault();
    prepare();
    const started = Date.now();
    const printWhenLoaded = () => {
      if (document.querySelector(LOADING) && Date.now() - started < LOADING_WAIT_MS) setTimeout(printWhenLoaded, 50);
      else window.print();
    };
    setTimeout(printWhenLoaded, 50);  // after the unfolded <details>' toggle events, which start the fetches
  });
}

if (window.StoryMapLayers) wirePrint(window.StoryMapLayers, loadData());
