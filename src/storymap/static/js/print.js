/*
 * print.js: the map page prints the view it shows. Before printing, the map gets
 * the size it has on paper (print.css: 186 mm × 150 mm) and is fitted to what is
 * selected: the district, the place within its district, else all story points.
 * After printing, the screen view comes back. Loaded by map.html beside main.js.
 */
import { parseHash } from "./deeplinks.js";
import { loadData } from "./data.js";

const PAPER = { width: "186mm", height: "150mm" };

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
  const prepare = () => {
    if (screenView) return;
    screenView = { center: map.getCenter(), zoom: map.getZoom() };
    Object.assign(container.style, PAPER);  // measure at the paper size before the print layout exists
    map.invalidateSize({ animate: false });
    map.fitBounds(selectionBounds(layers, data), { padding: [16, 16], animate: false, maxZoom: 14 });
  };
  const restore = () => {
    if (!screenView) return;
    container.style.width = container.style.height = "";
    map.invalidateSize({ animate: false });
    map.setView(screenView.center, screenView.zoom, { animate: false });
    screenView = null;
  };
  window.addEventListener("beforeprint", prepare);
  window.addEventListener("afterprint", restore);
  window.matchMedia("print").addEventListener("change", (event) => (event.matches ? prepare() : restore()));
}

if (window.StoryMapLayers) wirePrint(window.StoryMapLayers, loadData());
