"""Every Python block of README.md and of every docs page runs, as `docs_pages` describes.

One test per page (its id is the page's path): the page's `python` blocks run in order in one
fresh namespace, in a fresh temporary folder; `>>>` blocks are doctests in that namespace
(ELLIPSIS and NORMALIZE_WHITESPACE on). A page that draws with Graphviz needs `dot` (it FAILS
under CI when `dot` is missing, else skips).
"""

from __future__ import annotations

import doctest
import linecache
import re

import pytest
from docs_pages import NOT_RUN_PYTHON, Block, blocks, page_id, pages
from needs import need

# Code that runs Graphviz's `dot` (building a Digraph or its .source does not).
NEEDS_DOT = re.compile(r"\.render\(|\bto_svg\(|\bwrite_player\(|\bplayer\(|\bstep_frames\(|"
                       r"\bwrite_frames\(|\.pipe\(")
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def run_block(block: Block, namespace: dict, name: str, text: str) -> None:
    """Run one block in the page's namespace; a failure names the page and the line."""
    if block.is_doctest:
        test = doctest.DocTestParser().get_doctest(block.code, namespace, name, name,
                                                   block.line - 1)
        test.globs = namespace  # DocTest copies the namespace it is given: share the page's own
        out: list[str] = []
        runner = doctest.DocTestRunner(optionflags=FLAGS)
        runner.run(test, out=out.append, clear_globs=False)
        if runner.failures:
            pytest.fail(f"{name}, the doctest at line {block.line}:\n{''.join(out)}",
                        pytrace=False)
        return
    # Compiled under the page's name, padded so tracebacks show the page's own line numbers.
    linecache.cache[name] = (len(text), None, text.splitlines(keepends=True), name)
    code = compile("\n" * (block.line - 1) + block.code, name, "exec")
    exec(code, namespace)


@pytest.mark.parametrize("page", pages(), ids=page_id)
def test_page_examples_run(page, tmp_path, monkeypatch):
    name = page_id(page)
    text = page.read_text(encoding="utf-8")
    found = blocks(text)
    unrun = [f"line {b.line}: ```{b.language}" for b in found if b.language in NOT_RUN_PYTHON]
    assert not unrun, f"{name}: Python that would not run ({unrun}); write ```python"
    runnable = [b for b in found if b.language == "python"]
    if any(NEEDS_DOT.search(b.code) for b in runnable):
        need("dot")
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "__main__"}
    for block in runnable:
        run_block(block, namespace, name, text)


def test_the_convention_reads_blocks_as_documented():
    page = "\n".join([
        "```python", "a = 1", "```",
        "!!! note", "    ```python", "    b = a + 1", "    ```",
        "```text", ">>> not run", "```",
        "````python title=\"x.py\"", "```", "````",
        "```python", "", ">>> a", "1", "```",
    ])
    found = blocks(page)
    assert [(b.language, b.is_doctest, b.line) for b in found] == [
        ("python", False, 2), ("python", False, 6), ("text", True, 9), ("python", False, 12),
        ("python", True, 15)]
    assert found[1].code == "b = a + 1\n"
    assert found[3].code == "```\n"


def test_a_failing_doctest_fails_the_page(tmp_path):
    namespace: dict = {}
    block = Block("python", ">>> 1 + 1\n3\n", 10)
    with pytest.raises(pytest.fail.Exception, match="the doctest at line 10"):
        run_block(block, namespace, "page.md", "")


def test_blocks_share_one_namespace_and_errors_name_the_page_line():
    namespace: dict = {}
    text = "x\n```python\nvalue = 41\n```\n```python\n\nraise ValueError(value + 1)\n```\n"
    first, second = blocks(text)
    run_block(first, namespace, "page.md", text)
    with pytest.raises(ValueError, match="42") as caught:
        run_block(second, namespace, "page.md", text)
    frame = caught.traceback[-1]
    assert str(frame.path) == "page.md" and frame.lineno + 1 == 7
