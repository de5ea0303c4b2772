"""Native ES modules -> one classic script, for pages opened from ``file://``.

Browsers refuse module scripts on a ``file://`` page (its origin is opaque,
so every module fetch fails the CORS check), while classic ``<script src>``
loads fine. The app serves its modules as they are; only the static copy
runs them through :func:`bundle`, which evaluates each module once, in
dependency order, inside its own function scope, and hands its exports to
the importers through live getters.

Supported: the static ``import``/``export`` forms (named, default,
namespace, side-effect imports; ``export`` declarations, lists and
re-exports) and ``import("./literal.js")``: a module the app loads on demand is
included eagerly (the copy has no network to wait for) and its ``import()``
resolves to it. Any other ``import()``, ``import.meta``, ``export let``/``var``
(a binding reassigned later would not reach importers) and import cycles
raise :class:`BundleError`: the export stops rather than write a page that fails.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from urllib.parse import urljoin

from ..errors import StorymapError

_FROM = r"""\s*from\s*(?P<q>["'])(?P<spec>[^"']+)(?P=q)\s*;?"""
_IMPORT = re.compile(
    r"""^[ \t]*import\s+(?:(?P<default>[\w$]+)\s*,?\s*)?(?:\{(?P<names>[^}]*)\}|\*\s*as\s+(?P<ns>[\w$]+))?""" + _FROM,
    re.M | re.S,
)
_DYNAMIC_IMPORT = re.compile(r"""\bimport\(\s*(?P<q>["'])(?P<spec>[^"']+)(?P=q)\s*\)""")
_BARE_IMPORT = re.compile(r"""^[ \t]*import\s*(?P<q>["'])(?P<spec>[^"']+)(?P=q)\s*;?""", re.M)
_REEXPORT = re.compile(r"""^[ \t]*export\s*(?:\{(?P<names>[^}]*)\}|\*)""" + _FROM, re.M | re.S)
_EXPORT_LIST = re.compile(r"""^[ \t]*export\s*\{(?P<names>[^}]*)\}\s*;?""", re.M | re.S)
_EXPORT_DEFAULT_DECL = re.compile(r"""^([ \t]*)export\s+default\s+(?=(?:async\s+)?(?:function\b|class\b))""", re.M)
_EXPORT_DEFAULT = re.compile(r"""^([ \t]*)export\s+default\s+""", re.M)
_EXPORT_DECL = re.compile(
    r"""^([ \t]*)export\s+(?P<kind>(?:async\s+)?function\s*\*?|class|const|let|var)\s+(?P<name>[\w$]+)""", re.M)
_DECL_NAME = re.compile(r"""(?:function\s*\*?|class)\s+(?P<name>[\w$]+)""")
_MUTABLE_EXPORT = re.compile(r"""^[ \t]*export\s+(?:let|var)\b""", re.M)
_DESTRUCTURED = re.compile(r"""^[ \t]*export\s+(?:const|let|var)\s*[\[{]""", re.M)


class BundleError(StorymapError):
    """A module uses a form the classic bundle cannot reproduce."""


def bundle(entry_url: str, fetch: Callable[[str], str]) -> str:
    """One classic script that runs the module at ``entry_url`` and everything it imports.

    Parameters
    ----------
    entry_url : str
        URL (path) of the entry module, e.g. ``/static/js/main.js``.
    fetch : callable
        Returns the source text of a module URL.
    """
    order: list[str] = []
    sources: dict[str, str] = {}

    def visit(url: str, stack: tuple[str, ...]) -> None:
        if url in stack:
            raise BundleError(f"import cycle {' -> '.join((*stack, url))}; expected modules without cycles")
        if url in sources:
            return
        source = fetch(url)
        sources[url] = source
        for spec in _specifiers(source, url):
            visit(urljoin(url, spec), (*stack, url))
        order.append(url)

    visit(entry_url, ())
    parts = ["/* Classic-script build of native ES modules, for file:// use (made by storymap export). */",
             "(function () {", '"use strict";', "const modules = Object.create(null);"]
    for url in order:
        parts.append(_wrap(url, sources[url]))
    parts.append("})();")
    return "\n".join(parts) + "\n"


def _specifiers(source: str, url: str) -> list[str]:
    if re.search(r"\bimport\s*\(", _DYNAMIC_IMPORT.sub("", source)) or "import.meta" in source:
        raise BundleError(f"{url}: import() of a computed name, or import.meta; expected static imports "
                          "or import() of a string literal")
    specs = [m["spec"] for pattern in (_IMPORT, _BARE_IMPORT, _REEXPORT, _DYNAMIC_IMPORT) for m in pattern.finditer(source)]
    for spec in specs:
        if not spec.startswith((".", "/")):
            raise BundleError(f"{url}: import of {spec!r}; expected a relative or absolute path")
    return specs


def _wrap(url: str, source: str) -> str:
    """One module as a function: imports read from ``modules``, exports returned as getters."""
    exports: dict[str, str] = {}  # exported name -> local expression
    key = json.dumps(url)

    def module_ref(spec: str) -> str:
        return f"modules[{json.dumps(urljoin(url, spec))}]"

    def on_import(m: re.Match) -> str:
        ref = module_ref(m["spec"])
        lines = []
        if m["default"]:
            lines.append(f"const {m['default']} = {ref}.default;")
        if m["ns"]:
            lines.append(f"const {m['ns']} = {ref};")
        for imported, local in _name_pairs(m["names"]):
            lines.append(f"const {local} = {ref}[{json.dumps(imported)}];")
        return " ".join(lines)

    reexports: list[str] = []

    def on_reexport(m: re.Match) -> str:
        ref = module_ref(m["spec"])
        if m["names"] is None:
            reexports.append(ref)
        else:
            for imported, exported in _name_pairs(m["names"]):
                exports[exported] = f"{ref}[{json.dumps(imported)}]"
        return ""

    def on_export_list(m: re.Match) -> str:
        for local, exported in _name_pairs(m["names"]):
            exports[exported] = local
        return ""

    def on_decl(m: re.Match) -> str:
        exports[m["name"]] = m["name"]
        return m.group(0).replace("export ", "", 1)

    def on_default_value(m: re.Match) -> str:
        exports["default"] = "__default"
        return f"{m.group(1)}const __default = "

    def on_default_decl(m: re.Match) -> str:
        rest = source_after[m.end():]
        name = _DECL_NAME.match(rest.lstrip().removeprefix("async").lstrip())
        if name:
            exports["default"] = name["name"]
            return m.group(1)
        return on_default_value(m)

    if _DESTRUCTURED.search(source):
        raise BundleError(f"{url}: destructuring export; expected 'export const name = ...'")
    if _MUTABLE_EXPORT.search(source):
        # Importers read an export once, after its module ran: a binding reassigned later would go stale.
        raise BundleError(f"{url}: 'export let' or 'export var'; expected exports declared const, function or class")
    body = _REEXPORT.sub(on_reexport, source)
    body = _IMPORT.sub(on_import, body)
    body = _BARE_IMPORT.sub("", body)
    body = _DYNAMIC_IMPORT.sub(lambda m: f"Promise.resolve({module_ref(m['spec'])})", body)
    body = _EXPORT_LIST.sub(on_export_list, body)
    source_after = body
    body = _EXPORT_DEFAULT_DECL.sub(on_default_decl, body)
    body = _EXPORT_DEFAULT.sub(on_default_value, body)
    body = _EXPORT_DECL.sub(on_decl, body)
    getters = ", ".join(f"get {json.dumps(name)}() {{ return {expr}; }}" for name, expr in exports.items())
    spread = "".join(f"Object.defineProperties(exported, Object.getOwnPropertyDescriptors({ref})); " for ref in reexports)
    return (
        f"modules[{key}] = (function () {{\n{body}\n"
        f"const exported = {{ {getters} }}; {spread}return Object.freeze(exported);\n}})();"
    )


def _name_pairs(names: str | None) -> list[tuple[str, str]]:
    """'a, b as c' -> [('a', 'a'), ('b', 'c')]."""
    pairs = []
    for item in (names or "").split(","):
        item = item.strip()
        if item:
            left, _, right = item.partition(" as ")
            pairs.append((left.strip(), (right or left).strip()))
    return pairs
