"""plaudit.memory: the cycle collector is paused while any build is under way, and runs again
after the last, only if it was running before."""

import gc
import threading
from contextlib import ExitStack

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plaudit.memory import collector_paused


@pytest.fixture(autouse=True)
def _collector_as_it_was():
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


@settings(max_examples=100, deadline=None)
@given(st.booleans(), st.lists(st.booleans(), max_size=30))
def test_the_collector_runs_exactly_when_no_build_is_under_way_and_it_ran_before(running, steps):
    """Any sequence of builds beginning (True) and ending (False), nested, checked after each step."""
    (gc.enable if running else gc.disable)()
    with ExitStack() as outer:
        depth, stacks = 0, []
        for begin in steps:
            if begin:
                stack = ExitStack()
                stack.enter_context(collector_paused())
                stacks.append(stack)
                depth += 1
            elif stacks:
                stacks.pop().close()
                depth -= 1
            assert gc.isenabled() == (running and depth == 0)
        for stack in reversed(stacks):
            outer.push(stack)
    assert gc.isenabled() == running


def test_a_build_that_fails_still_lets_the_collector_run_again():
    gc.enable()
    with pytest.raises(ZeroDivisionError), collector_paused():
        assert not gc.isenabled()
        raise ZeroDivisionError("the build failed")
    assert gc.isenabled()


def test_threads_that_overlap_keep_it_paused_until_the_last_is_done():
    gc.enable()
    first_in, second_in, first_may_leave, first_out = (threading.Event() for _ in range(4))
    seen = {}

    def first():
        with collector_paused():
            first_in.set()
            first_may_leave.wait(5)
        first_out.set()

    def second():
        first_in.wait(5)
        with collector_paused():
            second_in.set()
            first_out.wait(5)
            seen["after the first left"] = gc.isenabled()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    second_in.wait(5)
    first_may_leave.set()
    for thread in threads:
        thread.join(5)
    assert seen == {"after the first left": False}
    assert gc.isenabled()
