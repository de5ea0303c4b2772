"""The classic-script build of ES modules used by the static copy (run in Chromium in tests/browser)."""

from __future__ import annotations

import pytest

from storymap.export.classic import BundleError, bundle

MODULES = {
    "/m/a.js": """import def, { twice as double, NAME } from "./b.js";
import * as c from "./sub/c.js";
import "./side.js";
import { tick } from "./side.js";
export { double };
tick();
window.__result = { def: def(), double: double(3), name: NAME, value: c.value, thing: typeof c.default,
                    reexported: c.fromB, side: window.__side };
""",
    "/m/b.js": """export default function hello() { return "hello"; }
export function twice(x) { return 2 * x; }
export const NAME = "b";
""",
    "/m/sub/c.js": """export { NAME as fromB } from "../b.js";
const value = 42;
export { value };
export default class Thing {}
""",
    "/m/side.js": """window.__side = (window.__side || 0) + 1;
export function tick() { window.__side += 10; }
""",
}


def modules_bundle(extra: dict | None = None) -> str:
    sources = {**MODULES, **(extra or {})}
    return bundle("/m/a.js", sources.__getitem__)


def test_each_module_once_in_dependency_order():
    script = modules_bundle()
    order = [line.split('"')[1] for line in script.splitlines() if line.startswith("modules[")]
    assert order == ["/m/b.js", "/m/sub/c.js", "/m/side.js", "/m/a.js"]
    assert "import " not in script and "export " not in script


def test_a_module_imported_on_demand_is_included_eagerly():
    script = modules_bundle({"/m/b.js": MODULES["/m/b.js"] + 'export const later = () => import("./sub/lazy.js");\n',
                             "/m/sub/lazy.js": 'export const LAZY = "lazy";\n'})
    order = [line.split('"')[1] for line in script.splitlines() if line.startswith("modules[")]
    assert order.index("/m/sub/lazy.js") < order.index("/m/b.js")
    assert 'Promise.resolve(modules["/m/sub/lazy.js"])' in script and "import(" not in script


@pytest.mark.parametrize("source, message", [
    ('import { x } from "./a.js";\nexport const y = 1;', "import cycle /m/a.js -> /m/b.js -> /m/a.js"),
    ('export let counter = 0;', "'export let' or 'export var'"),
    ('const m = import(name);', "import() of a computed name, or import.meta"),
    ('const here = import.meta.url;', "import() of a computed name, or import.meta"),
    ('import L from "leaflet";', "import of 'leaflet'; expected a relative or absolute path"),
])
def test_forms_it_cannot_reproduce_are_refused(source, message):
    with pytest.raises(BundleError, match=message.replace("(", r"\(").replace(")", r"\)")):
        modules_bundle({"/m/b.js": source})
