"""How the task stage (`derive_action_items`) scales with the letter's
length: generated letters of four shapes at growing sizes, the time per
character of the stage alone (the letter is parsed once, then the stage is
timed). Linear work gives a flat column; quadratic work doubles it with
each doubling of the size. Prints figures.

    python benchmarks/bench_tasks.py [--sizes 20000,100000,400000,1600000]
"""
from __future__ import annotations

import argparse
import time

HEAD = """UBND TỈNH LÀO CAI
SỞ CÔNG THƯƠNG
Số: 123/SCT-KT
Lào Cai, ngày 05 tháng 3 năm 2026
V/v triển khai nhiệm vụ
Kính gửi: Các phòng, đơn vị thuộc Sở.
Thực hiện chỉ đạo của UBND tỉnh, Sở Công Thương yêu cầu các phòng, đơn vị thực hiện các nội dung sau:
"""
FOOT = """Trân trọng./.
Nơi nhận:
- Như trên;
- Lưu: VT, KT.
GIÁM ĐỐC
Nguyễn Văn An
"""


def lettered_items(size: int) -> str:
    """Numbered items, each with four `a)` ... `d)` points that assign units."""
    parts, n = [], 0
    while sum(map(len, parts)) < size:
        parts.append(f"{n % 9 + 1}. Nội dung thứ {n}\n")
        for j, label in enumerate("abcd"):
            parts.append(f"{label}) Phòng Kỹ thuật chủ trì, phối hợp với Văn phòng Sở rà soát các cơ sở trong "
                         f"tháng {j + 1}, báo cáo trước ngày 15/4/2026.\n")
        n += 1
    return HEAD + "".join(parts) + FOOT


def dash_directives(size: int) -> str:
    """One long run of dash points, each assigning lead and support units."""
    line = ("- Giao Phòng Quản lý công nghiệp chủ trì, phối hợp với Thanh tra Sở kiểm tra việc chấp hành quy định; "
            "Văn phòng Sở tổng hợp kết quả, báo cáo Giám đốc Sở trước ngày 20/5/2026; đề nghị UBND các xã, "
            "phường phối hợp thực hiện.\n")
    return HEAD + "1. Kiểm tra\n" + line * (size // len(line) + 1) + FOOT


def one_paragraph(size: int) -> str:
    """One paragraph with commas but no full stop: a single huge sentence."""
    chunk = "Sở Xây dựng chủ trì, phối hợp với Công an tỉnh, các sở, ban, ngành và UBND các xã, phường rà soát, "
    return HEAD + "1. " + chunk * (size // len(chunk) + 1) + "\n" + FOOT


def one_sentence_of_requests(size: int) -> str:
    """Requests joined by commas into one sentence: many assigning verbs in it."""
    chunk = "giao Sở Nội vụ rà soát biên chế, đề nghị Sở Tài chính bố trí kinh phí, "
    return HEAD + "1. " + chunk * (size // len(chunk) + 1) + "\n" + FOOT


def long_preamble(size: int) -> str:
    """No labelled items: a preamble of many assigning sentences."""
    sentence = "Giao Sở Tài chính chủ trì, phối hợp với Sở Nội vụ tham mưu bố trí kinh phí trước ngày 30/6/2026. "
    return HEAD.replace("các nội dung sau:", "như sau.") + sentence * (size // len(sentence) + 1) + "\n" + FOOT


SHAPES = {"lettered items": lettered_items, "dash directives": dash_directives,
          "one paragraph": one_paragraph, "one sentence": one_sentence_of_requests, "long preamble": long_preamble}


def stage_seconds(text: str, repeat: int = 1) -> float:
    """Best time of the task stage on one parsed letter."""
    from congvan.parsers.fields.tasks import derive_action_items
    from congvan.pipeline.parse import parse_string

    letter = parse_string(text)
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        derive_action_items(letter)
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="20000,100000,400000,1600000")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    stage_seconds(lettered_items(2000))  # warm imports and caches
    print(f"{'shape':18s} {'chars':>9s} {'seconds':>9s} {'µs/char':>8s}")
    for name, make in SHAPES.items():
        for size in sizes:
            text = make(size)
            sec = stage_seconds(text)
            print(f"{name:18s} {len(text):9d} {sec:9.2f} {sec / len(text) * 1e6:8.2f}")


if __name__ == "__main__":
    main()
