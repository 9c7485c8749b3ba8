"""Regional packs without kernels: region.yaml, the tidy indicators file, the comparison."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from support.cli import boardpack

from analysis.errors import BoardpackError
from analysis.measures import funnel as fn
from analysis.region.compare import compare_measure
from analysis.region.config import load_region
from analysis.region.indicators import (
    MEASURES,
    read_indicators,
    tidy_row,
    write_indicators,
)

GOOD_LA = """
  - name: North
    new_la_code: E08000015
    old_la_code: "344"
    data: north/raw
    population_0_17: 20000
"""


def region_file(tmp_path, las: str = GOOD_LA, head: str = "name: Test region\n") -> str:
    (tmp_path / "north" / "raw").mkdir(parents=True, exist_ok=True)
    path = tmp_path / "region.yaml"
    path.write_text(f"{head}las:{las}")
    return str(path)


def test_region_file_paths_are_relative_to_it(tmp_path):
    region = load_region(region_file(tmp_path))
    assert region.name == "Test region"
    (la,) = region.las
    assert la.data == (tmp_path / "north" / "raw").resolve()
    assert (la.new_la_code, la.old_la_code, la.population_0_17) == ("E08000015", "344", 20000)
    assert la.params is None and la.db is None


@pytest.mark.parametrize(
    "las, message",
    [
        (GOOD_LA.replace("E08000015", "E0800015"), "new_la_code 'E0800015' is not a 9-character"),
        (GOOD_LA.replace('"344"', "3440"), "old_la_code '3440' is not a 3-digit code"),
        (GOOD_LA.replace("north/raw", "south/raw"), "data folder"),
        (GOOD_LA.replace("20000", "-5"), "population_0_17 '-5' must be a positive whole number"),
        (GOOD_LA.replace("    data: north/raw\n", ""), "give 'data' (a folder) or 'db'"),
        (
            GOOD_LA + GOOD_LA.replace("North", "South"),
            "new_la_code E08000015 appears more than once",
        ),
        (GOOD_LA.replace("population_0_17", "populaton"), "unknown key(s) populaton"),
    ],
)
def test_region_file_problems_are_one_line_naming_the_la(tmp_path, las, message):
    with pytest.raises(BoardpackError) as err:
        load_region(region_file(tmp_path, las))
    text = str(err.value)
    assert message in text and "\n" not in text and "region.yaml" in text


def test_region_run_with_a_bad_file_exits_1_with_one_line(tmp_path):
    path = region_file(tmp_path, GOOD_LA.replace('"344"', "3440"))
    result = boardpack(
        "region", "run", "--config", path, "--period", "2017-03", "--out", str(tmp_path / "o")
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "old_la_code '3440'" in result.stderr


METRICS = {
    "period": "2017-03",
    "reports": {
        "front_door": {
            "contacts_month": 40,
            "children_contacted_month": 36,
            "multiple_children_month": 3,
            "multiple_contacts_children_share_month": 3 / 36,
            "repeat_contacts_30d_share_month": 0.25,
            "referrals_12m": 0,
            "rereferrals_12m": 0,
            "rereferral_share_12m": None,
        },
        "workforce": {
            "appraisals_staff_listed": "c",
            "appraisals_staff_share": "c",
            "agency_rate": 12.5 / 100,
            "agency_fte": 12.5,
            "social_work_fte": 100.0,
        },
        "sickness_absence": {
            "fte_days_lost_per_fte_12m": 850.5 / 94.5,
            "fte_days_lost_12m": 850.5,
            "average_fte_12m": 94.5,
        },
    },
}


def test_tidy_row_takes_the_pack_figures_and_marks_the_rest():
    row = tidy_row(METRICS, "North", "E08000015", "344", 20000)
    assert (row["time_period"], row["time_identifier"]) == (2017, "March")
    assert row["geographic_level"] == "Local authority" and row["old_la_code"] == "344"
    assert (row["multiple_contacts_numerator"], row["multiple_contacts_denominator"]) == (3, 36)
    assert row["multiple_contacts"] == 3 / 36  # the pack's own figure, unchanged
    # repeat contacts: share 0.25 of 40 contacts = 10 contacts
    assert row["repeat_contacts_30d_numerator"] == 10
    # contacts per 10,000 children: 40 / 20,000 x 10,000 = 20
    assert row["contacts_per_10k"] == pytest.approx(20.0)
    # no referrals: the share of nothing is not applicable
    assert row["rereferrals_12m_denominator"] == 0 and row["rereferrals_12m"] == "z"
    # withheld in a public pack: c; a report not run: x
    assert row["appraisals_staff_numerator"] == "c" and row["appraisals_staff"] == "c"
    assert row["under1_starts_share_12m"] == "x"
    # the FTE measures: agency FTE of social work FTE; FTE days lost per average FTE
    assert (row["agency_rate_numerator"], row["agency_rate_denominator"]) == (12.5, 100.0)
    assert row["agency_rate"] == 0.125
    assert row["fte_days_lost_per_fte_12m_denominator"] == 94.5
    assert row["fte_days_lost_per_fte_12m"] == pytest.approx(9.0)  # 850.5 / 94.5
    assert (
        tidy_row({"period": "2017-03", "reports": {}}, "N", "E08000015", "344", 1)["agency_rate"]
        == "x"
    )
    no_population = tidy_row(METRICS, "North", "E08000015", "344", None)
    assert no_population["population_0_17"] == "x" and no_population["contacts_per_10k"] == "x"


def test_indicators_file_round_trips(tmp_path):
    (tmp_path / "metrics.json").write_text(json.dumps(METRICS))
    shared = {"la_name": "North", "new_la_code": "E08000015", "old_la_code": "344"}
    path = write_indicators(tmp_path, shared, 20000)
    assert path == tmp_path / "indicators.csv"
    tidy = read_indicators([path])
    assert tidy["period"].tolist() == ["2017-03"]
    assert tidy["old_la_code"].tolist() == ["344"]  # text, leading digits kept
    assert tidy["appraisals_staff"].tolist() == ["c"]
    assert float(tidy["multiple_contacts"].iloc[0]) == 3 / 36
    with pytest.raises(BoardpackError, match="LA E08000015 appears twice for 2017-03"):
        read_indicators([path, path])
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(BoardpackError, match="bad.csv: column"):
        read_indicators([bad])


def tidy_of(rows: list[tuple[str, object, object]]) -> pd.DataFrame:
    """Three LAs' re-referral columns (numerator, denominator) as the files hold them."""
    return pd.DataFrame(
        {
            "la_name": [f"LA {i}" for i in range(len(rows))],
            "new_la_code": [f"E0800000{i}" for i in range(len(rows))],
            "rereferrals_12m_numerator": [str(r[0]) for r in rows],
            "rereferrals_12m_denominator": [str(r[1]) for r in rows],
            "rereferrals_12m": [str(r[2]) for r in rows],
        }
    )


REREFERRALS = next(m for m in MEASURES if m.key == "rereferrals_12m")


def test_comparison_pools_the_region_and_places_each_la():
    # 100/500, 50/250, 3/250: pooled 153/1000 = 0.153. LA 2's 3/250 = 0.012 is far below:
    # exact Bin(250, 0.153) has mean 38.25, sd 5.69, so 3 is more than 6 sd under.
    tidy = tidy_of([(100, 500, 0.2), (50, 250, 0.2), (3, 250, 0.012)])
    c = compare_measure(tidy, REREFERRALS, published={"E08000000": 0.21})
    assert c.funnel.target == pytest.approx(0.153)
    assert c.table["Position (chance alone)"].tolist()[2] == "below 99.8%"
    assert c.table["Numerator"].tolist() == [100, 50, 3]
    assert c.table["Value"].tolist() == pytest.approx([0.2, 0.2, 0.012])
    assert c.table["DfE published"].iloc[0] == 0.21
    assert c.table["DfE published"].iloc[1:].isna().all()
    low, high = c.table.loc[0, ["95% interval low", "95% interval high"]]
    assert (low, high) == pytest.approx(fn.interval(100, 500, fn.PROPORTION))


def test_public_comparison_withholds_small_counts_and_leaves_them_out_of_the_funnel():
    # LA 2's 3 re-referrals are a small count: shown as c, not pooled (target 150/750 = 0.2)
    tidy = tidy_of([(100, 500, 0.2), (50, 250, 0.2), (3, 250, 0.012)])
    c = compare_measure(tidy, REREFERRALS, public=True, threshold=5)
    assert c.funnel.target == pytest.approx(0.2)
    assert c.table.iloc[2][["Numerator", "Value", "Position"]].tolist() == ["c", "c", "c"]
    assert c.left_out == ["LA 2"]
    # a figure the LA's public pack already withheld stays withheld
    tidy = tidy_of([(100, 500, 0.2), (50, 250, 0.2), ("c", 250, "c")])
    assert compare_measure(tidy, REREFERRALS, public=True).table.iloc[2]["Value"] == "c"


AGENCY = next(m for m in MEASURES if m.key == "agency_rate")


def test_fte_measures_are_compared_at_whole_fte_and_never_withheld_as_small_counts():
    # agency FTE of social work FTE: 5.4/50.4, 5.0/50.0, 25.0/50.2; pooled 35.4/150.6. LA 2's
    # 25 of 50 FTE against Bin(50, 0.2351) (mean 11.8, sd 3.0) is 4.4 sd above
    tidy = pd.DataFrame(
        {
            "la_name": ["LA 0", "LA 1", "LA 2"],
            "new_la_code": ["E08000000", "E08000001", "E08000002"],
            "agency_rate_numerator": ["5.4", "5.0", "25.0"],
            "agency_rate_denominator": ["50.4", "50.0", "50.2"],
            "agency_rate": [str(5.4 / 50.4), "0.1", str(25 / 50.2)],
        }
    )
    c = compare_measure(tidy, AGENCY, public=True, threshold=5)
    assert c.funnel.target == pytest.approx(35.4 / 150.6)
    assert c.left_out == []  # 5.0 FTE is not a count of 5 people: shown, and pooled
    assert c.table["Numerator"].tolist() == [5.4, 5.0, 25.0]  # as recorded, not cut to 5
    assert c.table["Position (chance alone)"].tolist()[2] == "above 99.8%"
    from analysis.region.pack import sentences

    assert "FTE: full-time equivalent staff (two half-time staff are one FTE)." in sentences(c)


def test_a_measure_no_la_has_says_why():
    from analysis.region.pack import sentences

    not_run = compare_measure(tidy_of([("x", "x", "x"), ("x", "x", "x")]), REREFERRALS)
    assert sentences(not_run) == [
        "Re-referrals within a year of an earlier referral (12 months): no LA's figures to "
        "compare (not available for any LA: its report was not run, or not for this period)."
    ]
    withheld = compare_measure(tidy_of([("c", "c", "c"), ("x", "x", "x")]), REREFERRALS)
    assert "(withheld as small numbers, or not available)" in sentences(withheld)[0]


def test_a_shares_funnel_axis_stops_at_100_percent():
    from analysis.region.pack import funnel_svg

    # 35/50, 48/50, 45/50: the limits run from about 45% to 100%; five round ticks for that
    # range would be 45, 60, 75, 90, 105, six are 40 to 100 by 10
    c = compare_measure(tidy_of([(35, 50, 0.7), (48, 50, 0.96), (45, 50, 0.9)]), REREFERRALS)
    svg, _ = funnel_svg(c)
    labels = [float(t) for t in re.findall(r">([\d.]+)%</text>", svg)]
    assert labels == [40, 50, 60, 70, 80, 90, 100]


def test_sentences_say_what_the_funnel_shows():
    from analysis.region.pack import sentences

    # the first example: LA 2 (3/250) is far below chance alone's limits; the three LAs
    # vary more than chance allows, and widened limits then hold all three
    c = compare_measure(tidy_of([(100, 500, 0.2), (50, 250, 0.2), (3, 250, 0.012)]), REREFERRALS)
    said = sentences(c)
    # 153 / 1000; re-referrals: lower is better
    assert said[0].endswith(
        "the region's overall value (all its LAs together) is 15.3% (lower is better)."
    )
    assert "about 10.8 times the variation chance gives" in said[1]  # phi (test below)
    assert "Against chance alone, LA 2 is below the 99.8% limits." in said
    assert said[-1].endswith(
        "no LA stands out: with only 3 LAs, one far from the others can widen the limits by itself."
    )
    # 100/500, 52/250, 40/250, 60/300: pooled 252/1300 = 19.4%, all within chance
    c = compare_measure(
        tidy_of([(100, 500, 0.2), (52, 250, 0.2), (40, 250, 0.16), (60, 300, 0.2)]), REREFERRALS
    )
    assert not c.funnel.adjusted
    assert sentences(c) == [
        "Re-referrals within a year of an earlier referral (12 months): the region's overall "
        "value (all its LAs together) is 19.4% (lower is better).",
        "No LA is beyond the 99.8% limits: the differences are within chance.",
    ]


def test_an_las_own_sentence_places_it_in_the_region():
    from analysis.region.pack import la_sentence

    c = compare_measure(tidy_of([(100, 500, 0.2), (50, 250, 0.2), (3, 250, 0.012)]), REREFERRALS)
    # LA 2: 3/250 = 1.2% against 153/1000 = 15.3%; below chance alone's 99.8% limit; the
    # widened limits (phi 10.8) hold it
    assert la_sentence(c, "E08000002") == (
        "Re-referrals within a year of an earlier referral (12 months): 1.2% against the "
        "region's 15.3% (lower is better), below the 99.8% limit of chance alone; allowing "
        "for how much the LAs usually differ, within them."
    )
    assert la_sentence(c, "E09999999").endswith("not available for this LA.")
    public = compare_measure(
        tidy_of([(100, 500, 0.2), (50, 250, 0.2), (3, 250, 0.012)]), REREFERRALS, public=True
    )
    assert la_sentence(public, "E08000002").endswith("withheld (small numbers) for this LA.")


def test_demo_region_size_is_checked_in_one_line(tmp_path):
    result = boardpack("demo-data", "--region", "14", "--out", str(tmp_path / "r"))
    assert result.returncode == 1
    assert result.stderr == "boardpack: --region takes 1 to 13 LAs, not 14\n"


def test_each_demo_la_s_practice_reaches_the_generator(monkeypatch, tmp_path):
    """LA 2 contacts children again 2.2 times as often, LA 3 re-refers 1.9 times as often,
    LA 4 has half the agency cover (analysis/region/demo.py), and the generator carries that
    through every year it runs."""
    from analysis.demo.common import DemoSpec
    from analysis.demo.generate import world_tables
    from analysis.region import demo as region_demo

    specs = []
    monkeypatch.setattr(region_demo, "write_demo_data", lambda folder, spec: specs.append(spec))
    region_demo.write_region_demo(tmp_path, 4)
    assert [(s.recontact, s.rereferral, s.agency) for s in specs] == [
        (1.0, 1.0, 1.0),
        (2.2, 1.0, 1.0),
        (1.0, 1.9, 1.0),
        (1.0, 0.45, 0.5),
    ]

    def per_child(tables, name):
        return len(tables[name]) / tables[name]["CHILD"].nunique()

    base, _ = world_tables(DemoSpec(scale=0.2))
    recontact, _ = world_tables(DemoSpec(scale=0.2, recontact=2.2))
    rereferral, _ = world_tables(DemoSpec(scale=0.2, rereferral=1.9))
    assert per_child(recontact, "contacts.csv") > 1.1 * per_child(base, "contacts.csv")
    assert per_child(rereferral, "referrals.csv") > 1.05 * per_child(base, "referrals.csv")

    def agency(tables):  # agency FTE of in-post FTE, and agency workers' caseload rows
        staffing, cases = tables["staffing.csv"], tables["caseloads.csv"]
        return (
            staffing["AGENCY_FTE"].sum() / staffing["FTE"].sum(),
            (cases["AGENCY"] == "Y").mean(),
        )

    half, _ = world_tables(DemoSpec(scale=0.2, agency=0.5))
    for halved, calibrated in zip(agency(half), agency(base), strict=True):
        assert 0.4 * calibrated < halved < 0.6 * calibrated


def test_compare_finds_each_packs_file_restricted_or_public(tmp_path):
    """`region compare --packs`: a pack's own folder or a folder of packs; a pack published
    in both forms gives its public file to a public regional pack; `region/` is skipped."""
    from analysis.region.indicators import find_indicator_files

    def put(*parts: str) -> Path:
        path = tmp_path.joinpath(*parts, "2017-03", "indicators.csv")
        path.parent.mkdir(parents=True)
        path.write_text("x\n")
        return path

    both, both_public = put("packs", "la1"), put("packs", "la1", "public")
    only_public = put("packs", "la2", "public")
    put("packs", "region")  # a regional pack built there before: not an LA's
    (tmp_path / "packs" / "empty").mkdir()
    packs = tmp_path / "packs"
    assert find_indicator_files([packs], "2017-03") == [both, only_public]
    assert find_indicator_files([packs], "2017-03", public=True) == [both_public, only_public]
    assert find_indicator_files([packs / "la2"], "2017-03") == [only_public]
    with pytest.raises(BoardpackError, match="empty: no 2017-03/indicators.csv"):
        find_indicator_files([packs / "empty"], "2017-03")


def test_an_las_dashboard_links_its_regional_page_and_a_rerun_leaves_it_out(tmp_path):
    from analysis.engine.landing import build_index
    from analysis.engine.runner import Periods

    period = tmp_path / "2017-03"
    period.mkdir()
    (period / "manifest.json").write_text(json.dumps({"period": "2017-03", "reports": {}}))
    assert "2017-03/region.html" not in build_index(tmp_path)
    (period / "region.html").write_text("<p>region</p>")
    (period / "front_door.html").write_text("<p>front door</p>")
    page = build_index(tmp_path)
    assert '<a href="2017-03/region.html">How we compare in the region, March 2017' in page
    # a later run of the LA's period starts from its published files, without that page
    Periods(tmp_path).seed("2017-03", tmp_path / "next")
    assert sorted(p.name for p in (tmp_path / "next").iterdir()) == [
        "front_door.html",
        "manifest.json",
    ]


def test_a_funnel_names_only_the_las_beyond_its_limits():
    from analysis.region.pack import named_in_chart

    # LA 2 (3/250) is beyond chance alone's 99.8% limits (test above): named; with many LAs
    # every name would overlap, so the others are left to the table
    rows = [(100, 500, 0.2), (50, 250, 0.2), (3, 250, 0.012)]
    assert named_in_chart(compare_measure(tidy_of(rows), REREFERRALS)) == ["LA 2"]
    within = [(100, 500, 0.2), (52, 250, 0.2), (40, 250, 0.16), (60, 300, 0.2)]
    assert named_in_chart(compare_measure(tidy_of(within), REREFERRALS)) == []


def test_the_funnel_svg_names_its_outliers_and_describes_itself():
    from analysis.region.pack import funnel_svg

    # the three-LA example: pooled 15.3%, LA 2 below chance alone's limits, limits widened
    c = compare_measure(tidy_of([(100, 500, 0.2), (50, 250, 0.2), (3, 250, 0.012)]), REREFERRALS)
    svg, alt = funnel_svg(c)
    assert svg.startswith("<svg") and f'aria-label="{html.escape(alt)}"' in svg
    assert "overall value 15.3%" in alt and "below LA 2" in alt
    assert ">LA 2</text>" in svg and ">LA 0</text>" not in svg  # only the outlier is named
    assert svg.count("<circle") == 3 and "99.8% limits, chance alone" in svg
    # an LA's own page: its point named and drawn last (on top), the others unnamed
    mine, _ = funnel_svg(c, "LA 0")
    assert ">LA 0</text>" in mine and ">LA 2</text>" not in mine
    assert mine[mine.rindex("<circle") :].split(" fill")[0].endswith('r="6"')


def test_the_summary_names_the_las_that_stand_out_and_those_missing():
    from analysis.region.pack import summary_sentences

    c = compare_measure(tidy_of([(100, 500, 0.2), (50, 250, 0.2), (3, 250, 0.012)]), REREFERRALS)
    said = summary_sentences("North", [c], missing=("LA 9",))
    assert said[0].startswith("North: 3 LAs compared")
    assert said[1].startswith("Not compared: LA 9, whose own pack did not publish")
    # LA 2 is beyond chance alone's limits, not the widened ones (test above)
    assert said[2] == (
        "Beyond the 99.8% limits of chance alone, on 1 of the 1 measures with figures: "
        "re-referrals within a year of an earlier referral (12 months) (LA 2 below)."
    )
    assert said[3] == (
        "On each of those measures the LAs differ more than chance alone would make them; "
        "allowing for that, no LA stands out."
    )
    # no DfE file for the re-referral figure: the page says so rather than drop the column
    assert said[4].startswith("DfE's published figures for re-referrals within a year")


def test_dfe_figures_are_of_the_latest_year_ending_by_the_period(dfe):
    """From the DfE files in tests/fixtures/dfe (read by hand): Wirral's re-referral
    percentage is 21.0 for the year to March 2017 and 28.6 to March 2016; its CSWW agency
    rate is 29.1 at 30 September 2017, and the files hold no September 2016."""
    from analysis.region.compare import published_figures

    tidy = pd.DataFrame({"new_la_code": ["E08000015"]})
    agency = next(m for m in MEASURES if m.key == "agency_rate")

    def wirral(measure, period):
        return published_figures(dfe, measure, tidy, period)["E08000015"]

    assert wirral(REREFERRALS, "2017-03") == pytest.approx(0.21)
    assert wirral(REREFERRALS, "2017-02") == pytest.approx(0.286)
    assert published_figures(dfe, agency, tidy, "2017-03") == {}  # not September 2017's
    assert wirral(agency, "2017-09") == pytest.approx(0.291)


def _two_la_packs(root: Path) -> dict[str, Path]:
    """Two LAs' pack folders, each with its 2017-03 metrics and tidy indicators."""
    packs = {}
    for name, code, old in (("North", "E08000015", "344"), ("South", "E08000014", "343")):
        folder = root / code / "2017-03"
        folder.mkdir(parents=True)
        (folder / "metrics.json").write_text(json.dumps(METRICS))
        (folder / "manifest.json").write_text(json.dumps({"period": "2017-03", "reports": {}}))
        write_indicators(folder, {"la_name": name, "new_la_code": code, "old_la_code": old}, 1)
        packs[code] = folder.parent
    return packs


def test_the_las_regional_pages_are_published_all_together_or_not_at_all(tmp_path):
    from analysis.region.pack import build_region_pack, la_page, serial

    packs = _two_la_packs(tmp_path / "packs")
    files = [folder / "2017-03" / "indicators.csv" for folder in packs.values()]

    def south_breaks(jobs):  # every page job runs, South's raises
        for job in jobs:
            if getattr(job, "func", None) is la_page and job.args[0] == "E08000014":
                raise OSError("disk full")
            job()

    with pytest.raises(OSError, match="disk full"):
        build_region_pack(
            files, tmp_path / "region", "Test", formats=("html",), la_folders=packs,
            run_jobs=south_breaks,
        )  # fmt: skip
    # North's page was rendered first, but nothing is published, nothing hidden is left
    for folder in packs.values():
        assert sorted(p.name for p in (folder / "2017-03").iterdir()) == [
            "indicators.csv",
            "manifest.json",
            "metrics.json",
        ]
        assert not (folder / "index.html").exists()
    assert not (tmp_path / "region" / "2017-03").exists()

    written = build_region_pack(
        files, tmp_path / "region", "Test", formats=("html",), la_folders=packs, run_jobs=serial
    )
    assert written == [tmp_path / "region" / "2017-03"]
    for folder in packs.values():
        assert (folder / "2017-03" / "region.html").is_file()
        assert '<a href="2017-03/region.html">' in (folder / "index.html").read_text()
        assert not list((folder / "2017-03").glob(".region*"))


def test_a_regional_pack_that_fails_is_one_line_not_a_traceback(tmp_path):
    packs = _two_la_packs(tmp_path / "packs")
    (tmp_path / "out").write_text("a file where the regional pack's folder should be")
    result = boardpack(
        "region", "compare", "--packs", *map(str, packs.values()), "--period", "2017-03",
        "--out", str(tmp_path / "out"), "--formats", "html",
    )  # fmt: skip
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("boardpack: the regional pack failed: ")
    assert result.stderr.count("\n") == 1


def test_an_out_folder_a_file_stands_in_is_refused_before_any_la_runs(tmp_path):
    config = region_file(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "region").write_text("not a folder")
    result = boardpack(
        "region", "run", "--config", config, "--period", "2017-03", "--out", str(out),
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr == f"boardpack: {out / 'region'} is a file: --out needs a folder there\n"
    assert sorted(p.name for p in out.iterdir()) == ["region"]  # no LA was started
