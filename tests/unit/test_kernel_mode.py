"""Which kernels the engine uses: forked from the template where the platform can fork, and
ordinary ones when asked (`--kernel standard`, or BOARDPACK_KERNEL=standard); and the
validated tables the template loads ahead for its kernels."""

from __future__ import annotations

from support.inputs import write_inputs

from analysis.engine.forkserver import kernel_mode, start_method
from analysis.sources import inputs


def test_kernel_mode(monkeypatch):
    monkeypatch.delenv("BOARDPACK_KERNEL", raising=False)
    forks = start_method() == "fork"
    assert kernel_mode() == ("forked" if forks else "standard")
    assert kernel_mode("standard") == "standard"
    monkeypatch.setenv("BOARDPACK_KERNEL", "standard")
    assert kernel_mode() == "standard"
    # the command line wins over the environment
    assert kernel_mode("forked") == ("forked" if forks else "standard")


def test_a_preloaded_folder_is_handed_over_once_then_read_again(tmp_path):
    processed = inputs.prepare(write_inputs(tmp_path / "raw"), tmp_path / "processed")
    read = inputs.load_processed(processed)
    inputs.preload(processed)
    ahead = inputs.load_processed(processed)
    assert not inputs._PRELOADED  # taken: a second load reads the folder again
    again = inputs.load_processed(processed)
    assert again is not ahead and again.tables is not ahead.tables
    for loaded in (ahead, again):
        assert loaded.tables.keys() == read.tables.keys()
        for name, table in read.tables.items():
            assert loaded[name].equals(table), name
        assert loaded.files == read.files
    # a folder not preloaded is read as always; preloading another forgets the last
    inputs.preload(processed)
    other = inputs.prepare(write_inputs(tmp_path / "raw2"), tmp_path / "processed2")
    inputs.preload(other)
    assert list(inputs._PRELOADED) == [str(other.resolve())]
    inputs._PRELOADED.clear()


def test_a_forked_kernel_already_gone_is_killed_without_an_error():
    """A report's kernel asked to shut down may exit before the engine kills it (the
    engine kills it rather than wait): killing it then is not an error, as for Popen."""
    import subprocess

    from analysis.engine.forkserver import ForkedProcess

    gone = subprocess.Popen(["true"])
    gone.wait()
    process = ForkedProcess(gone.pid)
    process.kill()
    assert process.poll() == 0
