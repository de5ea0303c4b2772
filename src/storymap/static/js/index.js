/*
 * index.js: the series index. A link from the one-region site (/#district=310106,
 * /#place=id) goes on to the map of the region that has that district or place.
 */
import { parseHash } from "./deeplinks.js";

const data = JSON.parse(document.getElementById("storymap-index").textContent);
const view = parseHash(location.hash);
if (view.type !== "home") {
  const has = (region) =>
    view.type === "district" ? region.districts.includes(view.id)
      : view.type === "place" ? region.places.includes(view.id) : false;
  const region = data.regions.find(has) || data.regions.find((r) => r.name === data.default_region);
  if (region) location.replace(region.url + location.search + location.hash);
}
