"""How long `congvan parse` takes on one text letter: a whole process (start
included) and per letter in a loop of 1,000 in one process. Prints figures."""
from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
SEEDS = HERE.parent / "shared" / "seeds"


def main() -> None:
    import congvan
    from congvan.pipeline.parse import parse_bytes

    files = sorted(SEEDS.glob("*.txt")) or sorted((HERE / "data" / "samples").glob("0*.txt"))
    exe = Path(sys.executable).parent / "congvan"
    runs = []
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run([str(exe), "parse", "--json", str(files[0])], check=True, capture_output=True)
        runs.append(time.perf_counter() - t)
    print(f"one letter, process start included: median {statistics.median(runs) * 1000:.0f} ms over 5 runs")
    datas = [(p.name, p.read_bytes()) for p in files]
    congvan.parse(str(files[0]))  # warm imports
    n = 1000
    t = time.perf_counter()
    for i in range(n):
        name, data = datas[i % len(datas)]
        parse_bytes(data, name)
    per = (time.perf_counter() - t) / n
    print(f"in one process, loop of {n}: {per * 1000:.1f} ms per letter ({1 / per:.0f} letters/s)")


if __name__ == "__main__":
    main()
