/*
 * tour.js: a guided tour through a list of stops, with buttons and keys.
 *
 * Exports:
 *   tourKeyDelta(event)  +1 for →, PageDown and Space; -1 for ←, PageUp and Shift+Space;
 *                        0 for any other key, a modified key, or a key meant for the
 *                        element it was pressed on (text fields, buttons, the map itself)
 *   class Tour({ stops, currentIndex, show, prev, next, status, tr })
 *       stops: ids in tour order; currentIndex(): the stop shown now, or -1;
 *       show(index, { replace }): show stop `index` (-1: the start page);
 *       prev/next/status: the buttons and the live status element; tr: translator(strings).
 *     .step(delta)       move by one stop (no wrap; before the first stop: nothing)
 *     .update()          refresh buttons and status after any view change
 *     .listen(target)    step on tourKeyDelta() keys pressed anywhere in target (document)
 */

export function tourKeyDelta(event) {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return 0;
  const target = event.target instanceof Element ? event.target : null;
  if (target && target.closest("input, textarea, select, [contenteditable], [role=listbox]")) return 0;
  const onControl = target && target.closest("button, a, summary, [role=button], [role=option]");
  // The focused map pans with the arrow keys (Leaflet's keyboard handler).
  const onMap = target && target.classList.contains("leaflet-container");
  switch (event.key) {
    case "PageDown": return event.shiftKey ? 0 : 1;
    case "PageUp": return event.shiftKey ? 0 : -1;
    case "ArrowRight": return event.shiftKey || onMap ? 0 : 1;
    case "ArrowLeft": return event.shiftKey || onMap ? 0 : -1;
    case " ": return onControl ? 0 : event.shiftKey ? -1 : 1;
    default: return 0;
  }
}

export class Tour {
  constructor({ stops, currentIndex, show, prev, next, status, tr }) {
    Object.assign(this, { stops, currentIndex, show, prev, next, status, tr });
    prev.addEventListener("click", () => this.step(-1));
    next.addEventListener("click", () => this.step(1));
  }

  listen(target) {
    target.addEventListener("keydown", (event) => {
      const delta = tourKeyDelta(event);
      if (!delta) return;
      event.preventDefault();
      this.step(delta);
    });
  }

  step(delta) {
    const index = this.currentIndex();
    const next = index === -1 ? (delta > 0 ? 0 : -1) : index + delta;
    if (next < 0 || next >= this.stops.length) return;
    // Within the tour, steps replace the history entry so Back leaves the tour.
    this.show(next, { replace: index !== -1 });
  }

  update() {
    const index = this.currentIndex();
    const total = this.stops.length;
    this.status.textContent = index === -1 ? "" : this.tr("tour_of", { n: index + 1, total });
    this.prev.disabled = index <= 0;
    this.next.disabled = index === total - 1;
    this.next.textContent = `${this.tr(index === -1 ? "tour_start" : "tour_next")} →`;
  }
}
