"""CSV exports: one rule keeps a spreadsheet from running a cell as a formula."""

import pytest

from ess.web.spreadsheet import csv_response, safe_cell


@pytest.mark.parametrize(
    "value",
    ["=1+1", '=HYPERLINK("https://example.org")', "+A1", "-2+3", "@SUM(A1)", "\tx", "\rx"],
)
def test_a_cell_that_starts_like_a_formula_gets_an_apostrophe(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Dupont", "+33612345678", "-2,5", "", "a=b", 12, None])
def test_text_and_signed_numbers_stay_as_they_are(value):
    assert safe_cell(value) == ("" if value is None else str(value))


def test_the_response_is_utf8_with_a_bom_semicolons_and_not_cached():
    response = csv_response([["Nom", "Note"], ["Élise", "=1+1"]], "export.csv")

    assert response.getvalue().decode("utf-8") == "\ufeffNom;Note\r\nÉlise;'=1+1\r\n"
    assert response["Content-Disposition"] == 'attachment; filename="export.csv"'
    assert response["Cache-Control"] == "private, no-store"
