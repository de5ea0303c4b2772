/*
 * dom.js: the one DOM and text helper every view shares.
 *
 * Exports:
 *   h(tag, attrs, ...children)  create an element; children are nodes or strings
 *                               (strings go in as text, never as HTML)
 *   t(strings, key, vars)       look up a UI string and fill its {name} slots
 *   translator(strings)         t bound to one page's strings: tr(key, vars)
 *   normalise(text)             lower case without spaces, apostrophes, dashes or dots
 *   paragraphs(text)            <p> elements, one per blank-line separated paragraph
 *
 * Story text reaches pages as JSON and is only ever put into the DOM through
 * h() (textContent), so markup inside a data file shows as text and never runs.
 */

export function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/**
 * A UI string with its {name} slots filled. The replacer is a function, so a
 * value such as "$&" or "$1" is inserted as it is (String.replace would read
 * "$&" in a replacement string as "the matched text").
 */
export function t(strings, key, vars) {
  const text = strings[key] ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (slot, name) => (Object.hasOwn(vars, name) ? String(vars[name]) : slot));
}

export function translator(strings) {
  return (key, vars) => t(strings, key, vars);
}

/** Lower case without spaces, apostrophes, dashes or dots, so "jingan" finds "Jing'an". */
export function normalise(text) {
  return String(text).toLowerCase().replace(/[\s'’\-·.]/g, "");
}

export function paragraphs(text) {
  return String(text).split(/\n\s*\n/).map((para) => h("p", null, para.trim()));
}
