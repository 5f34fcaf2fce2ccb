"""Deadline, recurrence and urgency forms (DOMAIN.md §3), with working days
counted against Vietnam's public holidays (lunar Tết and 2 September)."""
from __future__ import annotations

import datetime as dt

import pytest
from dateutil.rrule import rrulestr

from congvan.models.records import PartialDate
from congvan.parsers.fields.deadlines import (
    add_working_days,
    is_urgent,
    is_working_day,
    parse_deadline,
    parse_recurrence,
)


def test_absolute_deadline_with_year() -> None:
    d = parse_deadline("báo cáo kết quả về Sở trước ngày 15/6/2023.", PartialDate(year=2023, month=5))
    assert d is not None and d.kind == "absolute" and d.date.iso == "2023-06-15"


def test_absolute_deadline_takes_the_letters_year() -> None:
    d = parse_deadline("hoàn thành chậm nhất ngày 30 tháng 6", PartialDate(year=2023, month=5, day=4))
    assert d is not None and d.date.iso == "2023-06-30"


def test_deadline_within_a_day_long_form() -> None:
    # Corpus 011: `trong ngày 30 tháng 4 năm 2026` is the deadline 2026-04-30.
    d = parse_deadline("báo cáo Thủ tướng Chính phủ trong ngày 30 tháng 4 năm 2026", None)
    assert d is not None and d.date.iso == "2026-04-30"


def test_quarter_is_its_last_day() -> None:
    d = parse_deadline("hoàn thành trong quý II/2024", PartialDate(year=2024, month=1, day=5))
    assert d is not None and d.date.iso == "2024-06-30"
    d = parse_deadline("trước quý IV", PartialDate(year=2023, month=3, day=1))
    assert d is not None and d.date.iso == "2023-12-31"


def test_tet_2024_is_not_a_working_day() -> None:
    # Tết Giáp Thìn: 8-14 February 2024 are public holidays.
    for day in range(8, 15):
        assert not is_working_day(dt.date(2024, 2, day))
    assert is_working_day(dt.date(2024, 2, 7)) and is_working_day(dt.date(2024, 2, 15))


def test_working_days_across_tet_2024() -> None:
    # Issued Tuesday 6/2/2024: 7/2 is day 1, Tết closes 8-14/2, then 15, 16, 19, 20.
    d = parse_deadline("trong thời hạn 05 ngày làm việc", PartialDate(year=2024, month=2, day=6))
    assert d is not None and d.kind == "relative_working_days" and d.date.iso == "2024-02-20"


def test_working_days_across_national_day_2024() -> None:
    # 2/9/2024 (Monday) and the extra day 3/9/2024 are holidays.
    assert add_working_days(dt.date(2024, 8, 30), 1) == dt.date(2024, 9, 4)
    d = parse_deadline("trong thời hạn 03 ngày làm việc kể từ ngày ký", PartialDate(year=2024, month=8, day=30))
    assert d is not None and d.date.iso == "2024-09-06"


def test_calendar_days() -> None:
    d = parse_deadline("trong vòng 10 ngày", PartialDate(year=2024, month=2, day=6))
    assert d is not None and d.kind == "relative_calendar_days" and d.date.iso == "2024-02-16"


def test_relative_deadline_from_an_unknown_event_has_no_date() -> None:
    # Corpus 078: 05 working days from receipt of the stamped dossier.
    d = parse_deadline("trong thời hạn 05 ngày làm việc kể từ ngày nhận được hồ sơ đã đóng dấu thẩm định",
                       PartialDate(year=2025, month=12, day=1))
    assert d is not None and d.kind == "relative_working_days" and d.date is None


def test_relative_deadline_needs_a_full_issue_date() -> None:
    # Seed 000 is dated `ngày  tháng 5 năm 2023`: no day, no computed date.
    d = parse_deadline("trong thời hạn 05 ngày làm việc", PartialDate(year=2023, month=5))
    assert d is not None and d.date is None


def test_quarterly_recurrence_seed_001() -> None:
    r = parse_recurrence("định kỳ hàng quý và đột xuất tổng hợp tình hình, kết quả thực hiện, báo cáo Bộ trưởng")
    assert r is not None and r.label == "quarterly"
    rule = rrulestr(r.rrule, dtstart=dt.datetime(2023, 4, 27))
    assert [x.date() for x in rule[:3]] == [dt.date(2023, 4, 30), dt.date(2023, 7, 31), dt.date(2023, 10, 31)]


def test_monthly_day_recurrence() -> None:
    r = parse_recurrence("báo cáo kết quả trước ngày 20 hằng tháng")
    assert r is not None and r.label == "monthly" and r.rrule == "FREQ=MONTHLY;BYMONTHDAY=20"
    assert parse_deadline("báo cáo kết quả trước ngày 20 hằng tháng", PartialDate(year=2024, month=1, day=2)) is None
    rule = rrulestr(r.rrule, dtstart=dt.datetime(2024, 1, 25))
    assert rule[0].date() == dt.date(2024, 2, 20)


@pytest.mark.parametrize("text,label", [
    ("gửi báo cáo hằng tháng về Sở", "monthly"),
    ("mẫu báo cáo hàng tuần trước 15:00 ngày thứ Sáu hàng tuần", "weekly"),
    ("báo cáo hằng năm", "yearly"),
    ("Thực hiện nghiêm chế độ báo cáo định kỳ, đột xuất theo quy định", "periodic"),
])
def test_recurrence_labels(text: str, label: str) -> None:
    r = parse_recurrence(text)
    assert r is not None and r.label == label


def test_yearly_with_a_day() -> None:
    # Corpus 036: enterprises report every year, at the latest by 15/2.
    r = parse_recurrence("Hàng năm, chậm nhất là ngày 15/2, doanh nghiệp phải báo cáo Bộ Thương mại")
    assert r is not None and r.rrule == "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=15"


def test_no_recurrence_in_a_plain_task() -> None:
    assert parse_recurrence("Giao Văn phòng Sở theo dõi, giám sát, đôn đốc việc thực hiện") is None


@pytest.mark.parametrize("text,urgent", [
    ("Khẩn trương rà soát các nhiệm vụ, công việc của phòng, đơn vị", True),
    ("kịp thời sửa đổi, bổ sung ngay hoặc tham mưu", True),
    ("Sớm chỉ đạo nghiên cứu, sửa đổi, bổ sung các Quy chuẩn", True),
    ("khôi phục sinh kế cho người dân vùng bị bão lũ trong thời gian sớm nhất có thể", False),
    ("Tập trung rà soát, kịp thời sửa đổi, bổ sung Quy chế làm việc", False),
    ("ngày 04/5/2023 của UBND tỉnh", False),
])
def test_urgency(text: str, urgent: bool) -> None:
    assert is_urgent(text) is urgent


def test_a_date_that_bounds_a_condition_is_no_deadline() -> None:
    # The date says which facilities are meant, not when to act.
    assert parse_deadline("rà soát các cơ sở đưa vào hoạt động trước ngày 01/7/2018 chưa có thiết kế PCCC",
                          PartialDate(year=2026, month=3, day=2)) is None
    assert parse_deadline("hỗ trợ người tham gia cách mạng trước ngày 01/01/1945", PartialDate(year=2024)) is None
    assert parse_deadline("các hợp đồng đã ký kết trước ngày 15/3/2025 tiếp tục thực hiện",
                          PartialDate(year=2026, month=1, day=5)) is None
    # The same cue after a task verb is a deadline.
    d = parse_deadline("rà soát các cơ sở, báo cáo trước ngày 15/4/2026", PartialDate(year=2026, month=3, day=2))
    assert d is not None and d.date.iso == "2026-04-15"


def test_a_date_without_year_lies_after_the_letter() -> None:
    # A letter of 1 December asking for a report `trước ngày 15 tháng 01` means next January.
    d = parse_deadline("gửi báo cáo về Bộ trước ngày 15 tháng 01", PartialDate(year=2025, month=12, day=1))
    assert d is not None and d.date.iso == "2026-01-15"
    d = parse_deadline("hoàn thành trước ngày 20/12", PartialDate(year=2025, month=12, day=1))
    assert d is not None and d.date.iso == "2025-12-20"


def test_a_deadline_before_the_letter_is_flagged() -> None:
    from congvan.parsers.fields.deadlines import deadline_warning

    issued = PartialDate(year=2026, month=3, day=12)
    d = parse_deadline("báo cáo trước ngày 28/02/2026", issued)
    assert d is not None and "before the issue date" in deadline_warning(d, issued)
    assert deadline_warning(parse_deadline("báo cáo trước ngày 28/3/2026", issued), issued) is None
    # Only known to the month: a deadline in the same month is no warning.
    assert deadline_warning(parse_deadline("trước ngày 05/3/2026", issued), PartialDate(year=2026, month=3)) is None


def test_within_a_year_and_at_the_end_of_a_day() -> None:
    d = parse_deadline("đẩy nhanh tiến độ để hoàn thành dự án trong năm 2026", PartialDate(year=2026, month=2, day=3))
    assert d is not None and d.date.iso == "2026-12-31"
    # An aim is no deadline.
    assert parse_deadline("phấn đấu khởi công trong năm 2027", PartialDate(year=2026, month=2, day=3)) is None
    d = parse_deadline("các đơn vị khóa sổ kế toán ở thời điểm cuối ngày 31-12-2026", PartialDate(year=2026, month=11))
    assert d is not None and d.date.iso == "2026-12-31"


def test_a_yearly_duty_with_its_day_in_brackets() -> None:
    r = parse_recurrence("hàng năm (chậm nhất đến ngày 31/3) doanh nghiệp phải báo cáo Sở Công Thương")
    assert r is not None and r.rrule == "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=31"
