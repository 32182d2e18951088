"""The demo data loader (ess/demo_data.py): the rules a field declares on its type."""

from dataclasses import dataclass
from typing import Annotated

import pytest

from ess.demo_data import DemoDataError, Moment, OneOf, demo_data_load, exactly_one


@dataclass(frozen=True)
class Step:
    kind: Annotated[str, OneOf(("draft", "held"))]
    at: Moment
    until: Moment = ""
    account: str = ""
    email: str = ""

    def check(self) -> list[str]:
        return exactly_one("who: an account or an email (one of them)", self.account, self.email)


@dataclass(frozen=True)
class Story:
    steps: tuple[Step, ...]


def _load(tmp_path, text: str) -> Story:
    path = tmp_path / "story.toml"
    path.write_text(text, encoding="utf-8")
    return demo_data_load(path, Story)


def test_a_step_with_its_rules_kept_is_loaded(tmp_path):
    story = _load(tmp_path, '[[steps]]\nkind = "held"\nat = "-3d 10:00"\naccount = "direction"\n')

    assert story.steps == (Step(kind="held", at="-3d 10:00", account="direction"),)


@pytest.mark.parametrize(
    ("step", "message"),
    [
        (
            'kind = "sent"\nat = "-3d"\naccount = "a"',
            "steps[0].kind: unknown 'sent' (expected one of ['draft', 'held'])",
        ),
        (
            'kind = "held"\nat = "3 days ago"\naccount = "a"',
            "steps[0].at: '3 days ago' is not a moment like '-420d 10:00'",
        ),
        ('kind = "held"\nat = "-3d"\nuntil = "+2"\naccount = "a"', "steps[0].until: '+2'"),
        (
            'kind = "held"\nat = "-3d"\naccount = "a"\nemail = "b@exemple.fr"',
            "steps[0].who: an account or an email (one of them)",
        ),
        ('kind = "held"\nat = "-3d"', "steps[0].who: an account or an email"),
    ],
)
def test_a_value_breaking_its_fields_rule_is_refused_with_where_and_why(tmp_path, step, message):
    with pytest.raises(DemoDataError) as error:
        _load(tmp_path, f"[[steps]]\n{step}\n")

    assert message in str(error.value)
