/*
 * deeplinks.js: views as URL fragments (#district=310106, #place=id, #city), with history.
 *
 * Exports:
 *   parseHash(hash)   the view a fragment names: {type: "home"|"city"|"district"|"place", id?}
 *   hashOf(view)      the fragment of a view ("" for the start page)
 *   class Router(render)   render(view, { fly, focus, initial }) draws a view
 *     .go(view, { replace })  show a view: a reader's choice adds one history entry (Back
 *                             returns to the previous view); replace: true (tour steps) does not
 *     .start()                draw the view of the current URL and follow its changes
 */

export function parseHash(hash) {
  const params = new URLSearchParams(String(hash).replace(/^#/, ""));
  if (params.has("place")) return { type: "place", id: params.get("place") };
  if (params.has("district")) return { type: "district", id: params.get("district") };
  if (params.has("city")) return { type: "city" };
  return { type: "home" };
}

export function hashOf(view) {
  if (view.type === "home") return "";
  if (view.type === "city") return "#city";
  return `#${view.type}=${encodeURIComponent(view.id)}`;
}

export class Router {
  constructor(render) {
    this.render = render;
    this.pendingFocus = false;
  }

  start() {
    window.addEventListener("hashchange", () => this.show(parseHash(location.hash), { fly: true }));
    this.show(parseHash(location.hash), { fly: true, initial: true });
  }

  show(view, options) {
    const focus = options.focus || this.pendingFocus;
    this.pendingFocus = false;
    this.render(view, { ...options, focus });
  }

  go(view, { replace = false } = {}) {
    const hash = hashOf(view);
    const here = location.pathname + location.search;
    if (hash === location.hash || (hash === "" && location.hash.length <= 1)) {
      this.show(view, { fly: true, focus: true });
    } else if (replace) {
      history.replaceState(null, "", hash || here);
      this.show(view, { fly: true, focus: true });
    } else if (hash) {
      this.pendingFocus = true;
      location.hash = hash;  // the hashchange listener draws it
    } else {
      history.pushState(null, "", here);
      this.show(view, { fly: true, focus: true });
    }
  }
}
