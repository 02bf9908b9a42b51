"""Build the browser pages into out/site/play/: the Tutor, the Playground and the Console.

    python scripts/build_play.py [--out DIR]

Installs Pyodide and Graphviz-wasm with `npm ci` from web/package-lock.json (exact versions;
skipped when web/node_modules already holds that lock), builds stepgrad's wheel from this
checkout, and copies them with the pages, the pages' Python (web/stepgrad_play, zipped) and the
graphviz Python package (so `draw_dot` works in the Console) into DIR. The pages then fetch
nothing from any other origin: serve DIR's parent with any static server (`make serve`).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "web"
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip",
                 "pyodide-lock.json", "package.json")
PAGES = ("tutor.html", "playground.html", "console.html", "play.css")


def npm_ci() -> Path:
    """web/node_modules as web/package-lock.json pins it (`npm ci`, once per lock)."""
    modules = WEB / "node_modules"
    lock = hashlib.sha256((WEB / "package-lock.json").read_bytes()).hexdigest()
    stamp = modules / ".stepgrad-lock"
    if stamp.is_file() and stamp.read_text() == lock:
        return modules
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("build_play: npm is not installed: `bash scripts/system-deps.sh node` (Debian: "
                 "apt-get install nodejs npm)")
    subprocess.run([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=WEB,
                   check=True)
    stamp.write_text(lock)
    return modules


def stepgrad_wheel(into: Path) -> Path:
    """stepgrad's wheel, built from a copy of this checkout's sources (so no build/ is left)."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "src"
        source.mkdir()
        for name in ("pyproject.toml", "README.md"):
            shutil.copy2(ROOT / name, source / name)
        for package in ("autograd", "nn"):
            shutil.copytree(ROOT / package, source / package,
                            ignore=shutil.ignore_patterns("__pycache__"))
        done = subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps",
                               "-q", "-w", str(into)], capture_output=True, text=True)
        if done.returncode != 0:  # its warnings only when it failed: setuptools is chatty
            sys.exit(f"build_play: pip wheel failed:\n{done.stdout}{done.stderr}")
    (wheel,) = into.glob("stepgrad-*.whl")
    return wheel


def zip_package(folder: Path, target: Path, extra: list[Path] = ()) -> Path:
    """`folder` (a Python package) and `extra` folders as a zip to unpack into site-packages."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for base in (folder, *extra):
            for path in sorted(base.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    archive.write(path, path.relative_to(base.parent).as_posix())
    return target


def graphviz_package(target: Path) -> Path:
    """The graphviz Python package installed here (pure Python, MIT), with its license."""
    try:
        dist = importlib.metadata.distribution("graphviz")
    except importlib.metadata.PackageNotFoundError:
        sys.exit("build_play: the graphviz Python package is not installed: "
                 "pip install -e '.[viz]'")
    package = Path(dist.locate_file("graphviz"))
    info = Path(dist._path)  # its .dist-info folder: the license travels with the code
    return zip_package(package, target, [info])


def build(out: Path) -> dict:
    modules = npm_ci()
    if out.exists():
        shutil.rmtree(out)
    (out / "js").mkdir(parents=True)
    for name in PAGES:
        shutil.copy2(WEB / name, out / name)
    for script in (WEB / "js").glob("*.js"):
        shutil.copy2(script, out / "js" / script.name)
    (out / "pyodide").mkdir()
    for name in PYODIDE_FILES:
        shutil.copy2(modules / "pyodide" / name, out / "pyodide" / name)
    (out / "vendor").mkdir()
    shutil.copy2(modules / "@viz-js" / "viz" / "dist" / "viz.js", out / "vendor" / "viz.js")
    wheels = out / "wheels"
    wheels.mkdir()
    wheel = stepgrad_wheel(wheels)
    graphviz = graphviz_package(wheels / "graphviz.zip")
    glue = zip_package(WEB / "stepgrad_play", wheels / "stepgrad_play.zip")
    versions = {name: json.loads((modules / path / "package.json").read_text())["version"]
                for name, path in (("pyodide", "pyodide"), ("viz", "@viz-js/viz"))}
    manifest = {"wheels": [p.relative_to(out).as_posix() for p in (wheel, graphviz, glue)],
                **versions}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "site" / "play")
    args = parser.parse_args()
    manifest = build(args.out.resolve())
    print(f"built {args.out}/ (Pyodide {manifest['pyodide']}, viz {manifest['viz']})")


if __name__ == "__main__":
    main()
