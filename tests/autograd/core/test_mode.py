"""`no_grad` / `enable_grad`: leaves inside, nesting, restored after errors, per thread and task."""

from __future__ import annotations

import asyncio
import math
import threading

import pytest

from autograd import Value, enable_grad, is_grad_enabled, no_grad


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
        go_on.wait(5)
        seen["during"] = recorded(Value(1.0))

    with no_grad():
        thread = threading.Thread(target=other)
        thread.start()
        inside.wait(5)
        go_on.set()
        thread.join(5)
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

    log = asyncio.run(main())
    assert sorted(log) == [("loud", True), ("loud", True), ("quiet", False)]
    assert is_grad_enabled()


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
