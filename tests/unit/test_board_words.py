"""Words a board member reads: the page scanner (tests/support/words.py) on hand-built pages,
plurals, and the "Words used" box of pages whose words are not fixed in advance."""

from __future__ import annotations

from support.words import problems, unglossed

from analysis.presentation.formats import plural
from analysis.presentation.present import terms_used


def page(body: str) -> str:
    return f"<html><body><main>{body}</main><script>var x = 'params/a.yaml';</script></body></html>"


def test_analyst_words_on_a_board_page_are_found():
    found = problems(
        page(
            "<p>Intervals: Wilson score interval (statsmodels proportion_confint, "
            "method='wilson').</p><p>Set in params/front_door.yaml; run boardpack benchmarks "
            "fetch.</p><td>1,100.0</td><p>1 action(s) overdue; status COMPLETE.</p>"
        )
    )
    rules = sorted({p.split(":")[0] for p in found})
    assert rules == [
        "command",
        "file name",
        "float-formatted count",
        "library name",
        "parameter path",
        "plural in brackets",
        "raw code",
    ]


def test_plain_words_pass_and_the_technical_annex_may_name_files():
    clean = page(
        "<p>Intervals: Wilson score interval.</p><td>1,100</td><td>16.0</td><td>2.5</td>"
        "<p>1 action was overdue.</p>"
        '<h2 id="technical-annex">Technical annex</h2><td>absence.csv</td>'
        "<p>boardpack validate</p>"
    )
    # scripts are not read: the script's params path is not a problem
    assert problems(clean) == []


def test_an_abbreviation_must_be_glossed_where_it_first_appears():
    assert unglossed(page("<p>18.1 FTE days lost per FTE</p>")) == [
        "FTE not glossed where it first appears: '18.1 FTE days lost per FTE'"
    ]
    # glossed in the same line, or in the page's "Words used" box (wherever it is)
    assert unglossed(page("<p>18.1 days per FTE (full-time equivalent)</p>")) == []
    box = '<div class="glossary"><dt>NFA</dt><dd>no further action</dd></div>'
    assert unglossed(page("<p>NFA closures</p>" + box)) == []
    # a word that merely contains the letters is not the abbreviation
    assert unglossed(page("<p>LAST and CIAO</p>")) == []


def test_counts_take_the_right_number():
    assert plural(1, "action") == "1 action"
    assert plural(0, "action") == "0 actions"
    assert plural(1234, "child", "children") == "1,234 children"


def test_the_words_used_box_names_the_abbreviations_a_page_uses():
    words = ["FTE days lost per FTE", "NFA dip sample", "a special-cause signal"]
    assert terms_used(words) == ["FTE", "NFA", "SPC (statistical process control)"]
    assert terms_used(["Cohen's kappa rose"]) == ["Cohen's kappa"]
    assert terms_used(["Contacts per month"]) == []


def test_a_figure_shown_the_same_as_a_year_earlier_is_not_said_to_move():
    from analysis.presentation.dashboard import change_words
    from analysis.reports import board_summary as board

    median = board.Measure("Median caseload", "workforce", "caseload_median", "decimal1")
    median = board.Measure(**(vars(median) | {"better": "lower"}))

    def row(now, before):
        points = [["2016-03", before], ["2017-03", now]]
        reports = {"workforce": {"caseload_median": now, "series": {"caseload_median": {
            "frequency": "month", "points": points}}}}  # fmt: skip
        return next(board.scorecard(reports, [median], "2017-03").itertuples())

    # 16.04 and 15.96 both show as 16.0: the same, never "unchanged from 16.0 to 16.0" or
    # "up from 16.0", and not worse than a year earlier on the attention list
    same = row(16.04, 15.96)
    assert board.change_sentence(same) == "Median caseload was 16.0, the same as a year earlier."
    assert board.line(same) == "Median caseload: 16.0, the same as a year earlier."
    assert same.judged.direction == "" and board._rank(same.judged) == ""
    assert change_words(16.04, 15.96, "decimal1") == "unchanged from 16.0 a year earlier"
    assert board.change_sentence(row(16.5, 15.0)) == (
        "Median caseload rose from 15.0 to 16.5 in a year."
    )
