"""The documentation site: it builds in strict mode, and in headless Chromium every page loads
with no error, no request leaves 127.0.0.1, every internal link and anchor resolves, every image
renders, and search works offline. Missing mkdocs, Chromium or Playwright FAILS under CI."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from docs_pages import DOCS, ROOT
from needs import need_module
from serving import served

import nn

# Every page the nav must hold, whoever writes it (the tutorials are written in parallel).
TUTORIALS = ["index", "01-neuron-forward", "02-loss-functions", "03-chain-rule",
             "04-stepping-through-backprop", "05-gradient-descent",
             "06-activations-and-vanishing-gradients", "07-optimizers-and-schedules",
             "08-regularization", "09-cnn-on-digits", "10-rnn-on-sentences"]


def build(site: Path, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """`mkdocs build --strict` (of the checkout, by default) into `site`, as `make site` runs it."""
    need_module("mkdocs")
    need_module("material")
    need_module("mkdocstrings_handlers.python")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "true"}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
                           str(site)], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300, check=False)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("site")
    done = build(folder)
    assert done.returncode == 0, done.stderr
    return folder


@pytest.fixture(scope="module")
def base(site) -> Iterator[str]:
    """The built site served on 127.0.0.1, on a free port."""
    with served(site) as url:
        yield url + "/"


@pytest.fixture(scope="module")
def crawl(browser, base) -> dict:
    """Visit every page reachable from the home page by internal links, recording everything."""
    context = browser.new_context()
    outside = _record_requests_off(context, base)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    page.on("console", lambda m: m.type == "error" and errors.append(f"{page.url}: {m.text}"))
    seen: dict[str, dict] = {}
    todo = [base]
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        response = page.goto(url, wait_until="load")
        status = response.status if response else None
        ids = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
        broken_images = page.eval_on_selector_all(
            "img", "imgs => imgs.filter(i => !(i.complete && i.naturalWidth > 0))"
                   ".map(i => i.getAttribute('src'))")
        images = page.eval_on_selector_all("img", "imgs => imgs.length")
        links = page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)")
        seen[url] = {"status": status, "ids": ids, "broken_images": broken_images,
                     "images": images, "links": links}
        for link in links:
            target, _ = urldefrag(link)
            if target.startswith(base) and _is_page(target) and target not in seen:
                todo.append(target)
    context.close()
    return {"pages": seen, "errors": errors, "outside": outside, "base": base}


def _record_requests_off(context, base: str) -> list[str]:
    """Every request the pages make (their workers' too) that is not to `base`, as it happens."""
    outside: list[str] = []
    context.on("request", lambda r: r.url.startswith((base, "data:", "blob:"))
               or outside.append(r.url))
    return outside


def _is_page(url: str) -> bool:
    path = urlsplit(url).path
    return path.endswith("/") or path.endswith(".html")


@pytest.mark.parametrize(("link", "fails"), [
    ("[the other page](other.md#there)", False),
    ("[a page that is not there](nowhere.md)", True),
    ("[an anchor that is not there](other.md#nowhere)", True),
    ("[an API name that is not there][autograd.nowhere]", True),
    ("[an API name][autograd.grad]", False),
])
def test_the_build_is_strict(tmp_path, link, fails):
    """The site's own settings (a small site that inherits mkdocs.yml) refuse a broken link."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(f"# Home\n\nSee {link}.\n")
    (docs / "other.md").write_text("# Other\n\n## There\n\n::: autograd.grad\n")
    (tmp_path / "mkdocs.yml").write_text(f"INHERIT: {ROOT / 'mkdocs.yml'}\ndocs_dir: docs\n"
                                         "hooks: []\nnav: [index.md, other.md]\n")
    done = build(tmp_path / "site", cwd=tmp_path)
    assert (done.returncode != 0) == fails, done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("WARNING")]
    assert len(warnings) == fails and all("nowhere" in line for line in warnings), done.stderr


def test_the_nav_holds_every_part(site):
    for name in TUTORIALS:
        page = "tutorials/" + ("" if name == "index" else f"{name}/") + "index.html"
        assert (site / page).is_file(), page
    for page in ("reference/autograd/index.html", "reference/nn/index.html",
                 "explanation/how-it-works/index.html", "how-to/move-to-pytorch/index.html",
                 "notebooks/01-backprop-by-hand/index.html", "gallery/index.html"):
        assert (site / page).is_file(), page
    for notebook in (ROOT / "notebooks").glob("*.ipynb"):
        assert (site / "notebooks" / notebook.name).read_bytes() == notebook.read_bytes()


def test_the_reference_shows_the_docstrings(site):
    html = (site / "reference/nn/index.html").read_text()
    assert "Max-margin loss mean(relu(1 - y * score))" in html  # nn.hinge's docstring
    html = (site / "reference/autograd/index.html").read_text()
    assert 'id="autograd.grad"' in html and 'id="autograd.Value"' in html


def test_every_page_loads_without_an_error_or_a_request_off_this_machine(crawl, site):
    pages = crawl["pages"]
    built = {p.parent.relative_to(site).as_posix() for p in site.rglob("index.html")}
    visited = {urlsplit(url).path.strip("/") for url in pages}
    assert built - {"search"} <= visited | {"."} | {""}, "pages no link reaches"
    assert [url for url, p in pages.items() if p["status"] != 200] == []
    assert crawl["errors"] == []
    assert crawl["outside"] == []


def test_every_internal_link_and_anchor_resolves(crawl):
    pages, base = crawl["pages"], crawl["base"]
    broken = []
    for url, info in pages.items():
        for link in info["links"]:
            if not link.startswith(base):
                continue
            target, anchor = urldefrag(link)
            if _is_page(target):
                if target not in pages or pages[target]["status"] != 200:
                    broken.append(f"{url} -> {link}")
                elif anchor and anchor not in pages[target]["ids"]:
                    broken.append(f"{url} -> {link} (no such anchor)")
            elif not _fetches(target):
                broken.append(f"{url} -> {link}")
    assert broken == []


def _fetches(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return answer.status == 200
    except urllib.error.URLError:
        return False


def test_every_image_renders(crawl):
    pages = crawl["pages"]
    assert {url: p["broken_images"] for url, p in pages.items() if p["broken_images"]} == {}
    assert sum(p["images"] for p in pages.values()) >= 9  # the pictures of the docs, at least


def test_search_works_offline(browser, base):
    context = browser.new_context()
    outside = _record_requests_off(context, base)
    page = context.new_page()
    page.goto(base, wait_until="load")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    results = page.locator(".md-search-result__item")
    # Keystrokes, as a reader types (search reads keyup). The search worker may still be reading
    # its index: Material sends it the query typed so far once it is ready, so the results come
    # then, however long the index takes on a loaded machine.
    page.locator("input.md-search__input").press_sequentially("gradcheck")
    results.first.wait_for(timeout=60_000)
    assert "gradcheck" in page.locator(".md-search-result").inner_text().lower()
    assert outside == []
    context.close()


def test_the_reference_documents_every_public_name():
    """Each page of the reference documents exactly its module's public names."""
    import autograd
    import autograd.testing
    import autograd.viz

    def documented(page: str, prefix: str) -> list[str]:
        lines = (DOCS / "reference" / page).read_text().splitlines()
        # the last dotted part: a name whose module has the same name is written `autograd.X.X`
        return [line[4:].split(".")[-1] for line in lines if line.startswith(f"::: {prefix}")]

    assert sorted(documented("autograd.md", "autograd.")) == sorted(autograd.__all__)
    assert sorted(documented("viz.md", "autograd.viz.")) == sorted(autograd.viz.__all__)
    assert sorted(documented("nn.md", "nn.")) == sorted(nn.__all__)
    testing = autograd.testing.__all__
    assert sorted(documented("testing.md", "autograd.testing.")) == sorted(testing)
    assert documented("ops.md", "autograd.ops.") == ["Op", "Domain", "Constant", "Swapped"]


def test_the_readmes_links_point_at_pages_and_files_that_exist():
    """README.md is not part of the site (GitHub shows it): its relative links checked here."""
    import re

    text = (ROOT / "README.md").read_text()
    links = [link for link in re.findall(r"\]\(([^)\s]+)\)", text) if "://" not in link]
    assert len(links) >= 20
    assert [link for link in links if not (ROOT / link.split("#")[0]).exists()] == []
    assert len(text.splitlines()) <= 200
