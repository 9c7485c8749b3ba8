"""Benchmark: peak memory reading an Annex A workbook, against its size on disk and
uncompressed, and against a workbook whose shared strings expand hugely (refused unread).

    python benchmarks/annex_a_memory.py [--contacts 100000] [--bomb-mib 1200]

Writes the synthetic world as a workbook (as benchmarks/returns.py does), then loads it in a
fresh Python process and reports its resident memory before `annex_a.load` and its peak
during it (VmHWM, reset first): what the read itself adds. Then the same for a copy of a
small workbook given `--bomb-mib` MiB of shared strings (one repeated letter, a few MB on
disk).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import numpy as np

from analysis.demo import cin as demo_cin
from analysis.demo import returns as demo_returns
from analysis.demo.common import DemoSpec

MiB = 1 << 20


def peak(path: Path) -> tuple[int, int, str]:
    """(resident memory before the load, its peak during the load, in KiB; the report's last
    line), in a fresh process. The peak is reset first (Linux: /proc/self/clear_refs), so
    the imports' own peak does not hide the load's."""
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from analysis.errors import ValidationReport
        from analysis.sources import annex_a

        def kib(field):
            for line in open("/proc/self/status"):
                if line.startswith(field):
                    return int(line.split()[1])

        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")  # reset the peak resident size (VmHWM) to the current one
        before = kib("VmRSS:")
        report = ValidationReport()
        annex_a.load(Path({str(path)!r}), report)
        print(before, kib("VmHWM:"))
        print(report.format().splitlines()[-1].strip())
        """
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    sizes, last = run.stdout.splitlines()[:2]
    before, after = map(int, sizes.split())
    return before, after, last


def expanding(small: Path, path: Path, mebibytes: int) -> Path:
    with zipfile.ZipFile(small) as a, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as b:
        for info in a.infolist():
            if info.filename != "xl/sharedStrings.xml":
                b.writestr(info.filename, a.read(info.filename))
        with b.open("xl/sharedStrings.xml", "w", force_zip64=True) as out:
            out.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            out.write(b"<si><t>")
            block = b"A" * MiB
            for _ in range(mebibytes):
                out.write(block)
            out.write(b"</t></si></sst>")
    return path


def describe(name: str, path: Path) -> None:
    with zipfile.ZipFile(path) as z:
        unpacked = sum(i.file_size for i in z.infolist())
    size = path.stat().st_size
    before, after, line = peak(path)
    added = (after - before) * 1024
    print(
        f"{name}: {size / MiB:,.1f} MiB on disk, {unpacked / MiB:,.1f} MiB uncompressed; peak "
        f"RSS during the load {after / 1024:,.0f} MiB ({before / 1024:,.0f} MiB before it): the "
        f"read added {added / MiB:,.0f} MiB = {added / size:,.1f}x its size on disk, "
        f"{added / unpacked:,.2f}x uncompressed. Report: {line}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--bomb-mib", type=int, default=1200)
    args = parser.parse_args()
    folder = Path(".cache/bench-annex-a-memory")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)

    book = demo_returns.annex_a_of_size(folder / "annex_a.xlsx", args.contacts)
    describe(f"Annex A, about {args.contacts:,} contacts", book)

    small = folder / "small.xlsx"
    tiny = demo_cin.world(np.random.default_rng(1), DemoSpec(scale=0.01))
    demo_returns.write_annex_a(tiny, small)
    bomb = expanding(small, folder / "bomb.xlsx", args.bomb_mib)
    describe(f"Shared strings of {args.bomb_mib:,} MiB", bomb)


if __name__ == "__main__":
    main()
