"""Which kernels the engine uses: forked from the template where the platform can fork, and
ordinary ones when asked (`--kernel standard`, or BOARDPACK_KERNEL=standard)."""

from __future__ import annotations

from analysis.engine import runner


def test_kernel_mode(monkeypatch):
    monkeypatch.delenv("BOARDPACK_KERNEL", raising=False)
    forks = runner.start_method() == "fork"
    assert runner.kernel_mode() == ("forked" if forks else "standard")
    assert runner.kernel_mode("standard") == "standard"
    monkeypatch.setenv("BOARDPACK_KERNEL", "standard")
    assert runner.kernel_mode() == "standard"
    # the command line wins over the environment
    assert runner.kernel_mode("forked") == ("forked" if forks else "standard")
