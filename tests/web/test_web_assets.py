"""Static assets are served minified: smaller, still valid, same modules, re-read when edited."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from storymap.web.assets import StaticAssets

STATIC = Path(__file__).resolve().parents[2] / "src" / "storymap" / "static"
MODULES = sorted(p.relative_to(STATIC).as_posix() for p in (STATIC / "js").glob("*.js"))
STYLES = sorted(p.relative_to(STATIC).as_posix() for p in STATIC.rglob("*.css"))
SPECIFIER = re.compile(r"""\b(?:import|from)\s*(["'])(\.{1,2}/[^"']+)\1""")


def served(client, name: str) -> bytes:
    response = client.get(f"/static/{name}", headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200, name
    return response.data


@pytest.mark.parametrize("name", MODULES + STYLES)
def test_scripts_and_styles_are_served_without_comments(client, name):
    source = (STATIC / name).read_text("utf-8")
    body = served(client, name).decode("utf-8")
    assert len(body) < len(source), name
    assert source.startswith("/*") and not body.startswith("/*"), name  # each file opens with a comment saying what it is


@pytest.mark.parametrize("name", MODULES)
def test_served_modules_keep_their_imports(client, name):
    source = (STATIC / name).read_text("utf-8")
    body = served(client, name).decode("utf-8")
    source_code = re.sub(r"/\*.*?\*/|^\s*//.*$", "", source, flags=re.S | re.M)
    assert [m[2] for m in SPECIFIER.finditer(body)] == [m[2] for m in SPECIFIER.finditer(source_code)]


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_every_served_module_parses(client, tmp_path):
    """Node parses each minified module as an ES module (template literals, regexes, ?. and all)."""
    failures = []
    for name in MODULES:
        path = tmp_path / (Path(name).stem + ".mjs")
        path.write_bytes(served(client, name))
        checked = subprocess.run(["node", "--check", str(path)], capture_output=True, text=True, timeout=60)
        if checked.returncode != 0:
            failures.append(f"{name}: {checked.stderr.strip()}")
    assert not failures, "\n".join(failures)


def test_minified_vendor_files_are_served_as_they_are(client):
    for name in ("vendor/leaflet/leaflet.js", "vendor/topojson-client/topojson-client.min.js"):
        assert served(client, name) == (STATIC / name).read_bytes(), name
    assert served(client, "vendor/leaflet/leaflet.js").startswith(b"/* @preserve")  # the licence header stays


def test_minifying_can_be_switched_off(tmp_path):
    import storymap

    plain = storymap.create_app({"TESTING": True, "MINIFY_ASSETS": False}).test_client()
    for name in ("js/main.js", "css/storymap.css", "vendor/leaflet/leaflet.css"):
        assert served(plain, name) == (STATIC / name).read_bytes(), name


def test_a_file_edited_on_disk_is_minified_again_under_a_new_hash(tmp_path):
    script = tmp_path / "js" / "app.js"
    script.parent.mkdir()
    script.write_text("// what this module does\nexport const answer = 42;\n", "utf-8")
    assets = StaticAssets(tmp_path)
    first = assets.get("js/app.js")
    assert first.body == b"export const answer=42;"
    version = assets.version("js/app.js")

    script.write_text("/* what it does now */\nexport const answer = `forty  two`;\n", "utf-8")
    stat = script.stat()
    os.utime(script, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # a coarse clock may not tick
    second = assets.get("js/app.js")
    assert second.body == b"export const answer=`forty  two`;"
    assert second.source == script.read_bytes()
    assert assets.version("js/app.js") != version


@pytest.mark.parametrize("name", ["js", "vendor/leaflet", "no-such-file.js", "../../cli.py", "%00", "js/%00main.js"])
def test_only_files_inside_the_static_folder_are_assets(client, name):
    assert client.get(f"/static/{name}").status_code == 404


def _css_classes_and_producers():
    """Every class a stylesheet names (desk.css is the map desk's), and the text of everything that makes markup."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    static = root / "src" / "storymap" / "static"
    producers = [*static.glob("js/*.js"), *(root / "templates").glob("*.html"), *(root / "src" / "storymap").rglob("*.py")]
    text = "\n".join(p.read_text("utf-8") for p in producers)
    classes = {}
    for sheet in sorted(static.glob("css/*.css")):
        if sheet.name == "desk.css":
            continue
        css = re.sub(r"\{[^{}]*\}", "{}", re.sub(r"/\*.*?\*/", "", sheet.read_text("utf-8"), flags=re.S))
        for name in re.findall(r"\.([A-Za-z_][\w-]*)", css):
            classes.setdefault(name, sheet.name)
    return classes, text


def test_every_class_a_stylesheet_names_is_made_by_a_template_script_or_folium():
    """No dead CSS: a class no template, script or Python module produces (sm-shade-{{ n }} counts) is a leftover."""
    import re

    classes, text = _css_classes_and_producers()
    folium_or_leaflet = ("leaflet-", "folium-")
    dead = []
    for name, sheet in classes.items():
        if name.startswith(folium_or_leaflet) or name in text:
            continue
        prefix = name[:name.rindex("-") + 1] if "-" in name else None  # a class built from data: sm-theme-${theme}
        if prefix and re.search(re.escape(prefix) + r"""(\$\{|\{\{|" \+)""", text):
            continue
        dead.append(f"{sheet}: .{name}")
    assert not dead, dead


def test_a_class_styled_as_a_leaflet_tooltip_is_given_to_a_tooltip():
    """`.x.leaflet-tooltip` matches only if a script binds a tooltip with className x (Leaflet adds the rest)."""
    import re

    static = STATIC / "css"
    _, text = _css_classes_and_producers()
    styled = {(sheet.name, name) for sheet in static.glob("*.css") if sheet.name != "desk.css"
              for name in re.findall(r"\.([\w-]+)\.leaflet-tooltip", sheet.read_text("utf-8"))}
    unmatched = [f"{sheet}: .{name}.leaflet-tooltip" for sheet, name in sorted(styled)
                 if not re.search(r"bindTooltip\([^;]*className:\s*[\"'`][^\"'`]*\b" + re.escape(name), text)]
    assert not unmatched, unmatched
