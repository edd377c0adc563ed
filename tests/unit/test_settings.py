"""Settings refuse what would silently change every verdict, naming the entry."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from cis216.settings import CIS_REQUIRED_CODES, Settings
from cis216.shell.config import ConfigError, load_config
from cis216.validation import describe

BLANK = "is blank: expected an error code, like 'NoPermission'"


@pytest.mark.parametrize("blank", ["", " ", "\t\n"])
def test_a_blank_required_code_is_refused_with_its_path(blank):
    with pytest.raises(ValidationError) as caught:
        Settings.model_validate({"required_codes": ["NoPermission", blank, "Forbidden"]})
    assert describe(caught.value, "settings") == f"settings: required_codes[1]: {blank!r} {BLANK}"


def test_codes_with_text_are_kept_as_written():
    assert Settings(required_codes=("NoPermission", " Forbidden")).required_codes == (
        "NoPermission",
        " Forbidden",
    )
    assert Settings().required_codes == CIS_REQUIRED_CODES


def test_profile_settings_name_the_blank_entry():
    environ = {
        "FC_REGION": "cn-hangzhou",
        "DRY_RUN": "true",
        "PROFILE_SETTINGS": '{"required_codes": ["", "NoPermission"]}',
    }
    with pytest.raises(ConfigError) as caught:
        load_config(environ)
    assert str(caught.value) == f"PROFILE_SETTINGS: required_codes.0: '' {BLANK}"
