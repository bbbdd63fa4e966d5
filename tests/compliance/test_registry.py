import pytest

from bot import registry
from bot.compliance.detectors import PII_DETECTORS
from bot.errors import CandorError
from bot.registry import Registry


def test_builtin_detectors_are_registered_lazily() -> None:
    assert set(PII_DETECTORS) <= set(registry.detectors.names())
    assert registry.detectors.get("pii.iban.v1").entity_type == "IBAN"


def test_unknown_name_lists_available_names() -> None:
    with pytest.raises(CandorError, match=r"^E101 .*'pii\.card\.v1'.*pii\.card_number\.v1, pii\.email\.v1"):
        registry.detectors.get("pii.card.v1")


def test_duplicate_name_is_an_error_but_reregistering_same_object_is_fine() -> None:
    reg: Registry[object] = Registry("thing")
    first, second = object(), object()
    reg.add("x.y.v1", first)
    reg.add("x.y.v1", first)
    with pytest.raises(CandorError, match="^E102"):
        reg.add("x.y.v1", second)


@pytest.mark.parametrize("name", ["card", "pii.card", "Pii.card.v1", "pii.card.v", ""])
def test_names_must_be_versioned(name: str) -> None:
    with pytest.raises(CandorError, match="^E107"):
        Registry("thing").add(name, object())


def test_temporary_registration_is_visible() -> None:
    @registry.disclaimers.register("disclaimer.test_only.v1")
    class TestOnly:
        pass

    assert registry.disclaimers.get("disclaimer.test_only.v1") is TestOnly


def test_registry_fixture_restored_previous_test() -> None:
    assert "disclaimer.test_only.v1" not in registry.disclaimers
