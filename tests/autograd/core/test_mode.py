"""`no_grad` / `enable_grad`: leaves inside, nesting, restored after errors, per thread and task."""

from __future__ import annotations

import asyncio
import contextvars
import math
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from autograd import Value, enable_grad, is_grad_enabled, no_grad
from autograd.core.mode import DEFAULT, get_mode


def run_apart(coroutine):
    """asyncio.run(coroutine) in a thread of its own, and that thread's mode after it: once the
    session's browser has started (any earlier test may start it), Playwright's sync API keeps
    an event loop running in the main thread, where asyncio.run() refuses to run."""
    def run():
        result = asyncio.run(coroutine)
        return result, get_mode()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result(timeout=60)


def recorded(x: Value) -> bool:
    """True if an op on `x` records its parents now."""
    return bool((x * 2.0).parents)


def test_results_under_no_grad_are_leaves():
    x = Value(2.0)
    with no_grad():
        y = (x * x).tanh() + x.exp()
    assert y.parents == () and y.op == ""
    assert y.data == math.tanh(4.0) + math.exp(2.0)  # still computed
    y.backward()
    assert x.grad == 0.0


def test_nesting_and_restoring():
    x = Value(1.0)
    assert is_grad_enabled() and recorded(x)
    with no_grad():
        assert not is_grad_enabled() and not recorded(x)
        with enable_grad():
            assert is_grad_enabled() and recorded(x)
            with no_grad():
                assert not recorded(x)
            assert recorded(x)
        assert not recorded(x)
    assert is_grad_enabled() and recorded(x)


def test_restored_after_an_exception():
    with pytest.raises(ZeroDivisionError), no_grad():
        Value(1.0) / 0.0
    assert is_grad_enabled()
    with no_grad():
        with pytest.raises(ValueError), enable_grad():
            Value(-1.0).log()
        assert not is_grad_enabled()
    assert is_grad_enabled()


def test_threads_do_not_see_each_others_mode():
    inside, go_on = threading.Event(), threading.Event()
    seen = {}

    def other():
        seen["start"] = is_grad_enabled()
        inside.set()
        go_on.wait(60)
        seen["during"] = recorded(Value(1.0))

    with no_grad():
        thread = threading.Thread(target=other)
        thread.start()
        # Each wait returns as soon as the other thread is there; 60 s is for a loaded machine.
        inside.wait(60)
        go_on.set()
        thread.join(60)
        assert not is_grad_enabled()
    assert seen == {"start": True, "during": True}


def test_asyncio_tasks_do_not_see_each_others_mode():
    async def quiet(log):
        with no_grad():
            await asyncio.sleep(0)  # let the other task run while this one is in no_grad
            log.append(("quiet", recorded(Value(1.0))))
            await asyncio.sleep(0)

    async def loud(log):
        await asyncio.sleep(0)
        log.append(("loud", recorded(Value(1.0))))
        await asyncio.sleep(0)
        log.append(("loud", recorded(Value(1.0))))

    async def main():
        log: list = []
        await asyncio.gather(quiet(log), loud(log))
        return log

    log, after = run_apart(main())
    assert sorted(log) == [("loud", True), ("loud", True), ("quiet", False)]
    assert after is DEFAULT


def test_no_grad_is_a_fresh_context_each_time():
    block = no_grad()
    with block:
        assert not is_grad_enabled()
    with no_grad():
        assert not is_grad_enabled()
    assert is_grad_enabled()


def test_no_grad_is_also_a_decorator_with_or_without_parentheses():
    from autograd import Value, no_grad

    @no_grad
    def bare(x):
        return x * 2

    @no_grad()
    def called(x):
        return x * 2

    x = Value(1.0)
    assert bare(x).parents == () and called(x).parents == ()
    assert (x * 2).parents[0] is x  # recording is back on outside


def test_one_no_grad_object_is_reusable_and_reentrant():
    block = no_grad()
    for _ in range(2):
        with block:
            assert not is_grad_enabled()
            with block:
                assert not is_grad_enabled()
            assert not is_grad_enabled()
        assert is_grad_enabled()


def test_generator_and_async_functions_are_refused_as_decorated():
    def gen():
        yield Value(1.0) * 2

    async def coro():
        return Value(1.0) * 2

    async def agen():
        yield Value(1.0) * 2

    for func in (gen, coro, agen):
        for decorate in (no_grad, no_grad(), enable_grad, enable_grad()):
            with pytest.raises(TypeError, match=r"cannot decorate .*(gen|coro).*inside its body"):
                decorate(func)


def test_a_decorated_function_keeps_its_name_and_passes_keywords():
    @no_grad
    def f(x, *, y):
        """Doc."""
        return x * y

    assert f.__name__ == "f" and f.__doc__ == "Doc."
    assert f(Value(2.0), y=3.0).parents == ()


# --- each block restores what it found, whatever ran in between ---------------------------------
# Generators run in their caller's context (Python gives them none of their own), so a block in
# a generator and a block of the caller's can end out of order. Each test runs in a copy of the
# context: a block that restores the mode it found may leave it changed for what follows.


def isolated(test):
    """Run `test` in a copy of the current context, so the modes it leaves stay there."""
    def run():
        return contextvars.copy_context().run(test)
    run.__name__ = test.__name__
    return run


@isolated
def test_the_reproducer_a_generator_leaving_its_block_inside_enable_grad():
    w = Value(3.0, "w")

    def gen():
        with no_grad():
            yield

    g = gen()
    next(g)
    with enable_grad():
        next(g, None)  # the generator leaves its block: it restores what it found (recording)
        y = w * 2.0
        assert is_grad_enabled() and y.parents[0] is w
    # enable_grad found the generator's no_grad block open: that is what it restores, as a
    # contextvars token does (and PyTorch's no_grad, which saves the mode it found)
    assert not is_grad_enabled()


def block(make, log):
    """A generator with one block: yields inside it, then once more after it."""
    with make():
        log.append(get_mode())
        yield "inside"
    yield "after"


@isolated
def test_interleaved_generators_each_restore_what_they_found():
    log: list = []
    a, b = block(no_grad, log), block(enable_grad, log)
    assert next(a) == "inside" and not is_grad_enabled()  # a found recording on
    assert next(b) == "inside" and is_grad_enabled()  # b found no_grad (a's block)
    assert next(a) == "after" and get_mode() is DEFAULT  # a restores what it found
    assert next(b) == "after" and not is_grad_enabled()  # b restores what it found
    assert [m.grad for m in log] == [False, True]


@isolated
def test_blocks_of_the_caller_interleaved_with_a_generators_block():
    w = Value(2.0)
    outer, inner = [], []
    g = block(no_grad, outer)
    with no_grad():  # found recording on
        next(g)  # g found no_grad
        with enable_grad():  # found no_grad
            inner.append(bool((w * 2.0).parents))
            assert next(g) == "after"  # g restores what it found: no_grad
            inner.append(bool((w * 2.0).parents))
        assert not is_grad_enabled()  # enable_grad restores what it found
    assert is_grad_enabled() and get_mode() is DEFAULT  # and so does the outer block
    assert inner == [True, False]


@isolated
def test_a_decorated_function_restores_what_it_found_too():
    w = Value(2.0)
    g = block(no_grad, [])
    next(g)  # g's block: no_grad

    @enable_grad
    def step():
        next(g)  # g leaves its block inside the decorated call: it restores recording
        return w * 2.0

    assert step().parents[0] is w
    assert not is_grad_enabled()  # the decorated call found g's no_grad: it restores it


@isolated
def test_anomaly_mode_in_a_generator_restores_what_it_found():
    from autograd import detect_anomaly
    from autograd.introspect.anomaly import _active

    def watched():
        with detect_anomaly() as spy:
            yield spy
        yield None

    g = watched()
    spy = next(g)
    assert get_mode().watcher is not None and _active.get() is spy
    with enable_grad():  # found anomaly mode: it keeps the watcher
        assert next(g) is None  # the generator's anomaly block ends: anomaly mode is off
        assert get_mode() is DEFAULT and _active.get() is None
    assert get_mode().watcher is not None  # what enable_grad found


def test_async_generators_interleaved_in_one_task():
    async def ablock(make, log):
        with make():
            log.append(is_grad_enabled())
            yield "inside"
        yield "after"

    async def main():
        log: list = []
        a, b = ablock(no_grad, log), ablock(enable_grad, log)
        seen = [await a.__anext__(), is_grad_enabled(), await b.__anext__(), is_grad_enabled()]
        seen += [await a.__anext__(), get_mode() is DEFAULT]  # a restores what it found
        seen += [await b.__anext__(), is_grad_enabled()]  # b restores what it found (no_grad)
        return seen, log

    (seen, log), after = run_apart(main())
    assert seen == ["inside", False, "inside", True, "after", True, "after", False]
    assert log == [False, True]
    assert after is DEFAULT  # the task's context was its own


def test_a_generator_begun_in_one_thread_and_ended_in_another_changes_nothing_there():
    g = block(enable_grad, [])
    found: dict = {}

    def other():
        try:
            with no_grad():  # this thread's own block
                next(g)  # g begins its block here
            found["mode before"] = get_mode()
        except Exception as error:  # noqa: BLE001 - reported below
            found["error"] = error

    def main():
        thread = threading.Thread(target=other)
        thread.start()
        thread.join(60)
        assert found == {"mode before": DEFAULT}
        with no_grad():
            assert next(g) == "after"  # g ends, here, a block it began in the other thread
            found["mode after"] = get_mode()
        return get_mode()

    assert contextvars.copy_context().run(main) is DEFAULT
    assert found["mode after"].grad is False  # this thread's no_grad block was left alone


def test_one_no_grad_object_shared_by_threads_restores_each_threads_own_mode():
    shared = no_grad()
    inside, go_on = threading.Barrier(2, timeout=60), threading.Barrier(2, timeout=60)
    after: dict = {}

    def worker(name, outer):
        with outer():
            with shared:
                inside.wait()  # both threads are inside `shared` at once
                go_on.wait()
            after[name] = is_grad_enabled()

    threads = [threading.Thread(target=worker, args=("in no_grad", no_grad)),
               threading.Thread(target=worker, args=("in enable_grad", enable_grad))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert after == {"in no_grad": False, "in enable_grad": True}
