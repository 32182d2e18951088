from ess.templatetags.ess_tags import select_options


def test_options_mark_the_selected_value_and_escape_what_they_show():
    html = select_options([("P1", "P1"), ("x", "Dupont & <Fils>"), (3, "trois")], "3")

    assert html == (
        '<option value="P1">P1</option>'
        '<option value="x">Dupont &amp; &lt;Fils&gt;</option>'
        '<option value="3" selected>trois</option>'
    )


def test_nothing_is_selected_without_a_filter():
    assert " selected" not in select_options([("", "vide"), ("a", "A")], None)
