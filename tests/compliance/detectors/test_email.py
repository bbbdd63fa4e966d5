import socket

import pytest

from bot.compliance.detectors.email import EmailDetector

# fmt: off
CASES = [
    ("email me at jane.doe@example.co.uk",        ["jane.doe@example.co.uk"]),
    ("Contact: Tom_Riley+bank@mail.example.org.", ["Tom_Riley+bank@mail.example.org"]),
    # unknown public suffix / not an address
    ("ping me@localhost",                          []),
    ("my email is not working",                    []),
    ("pay 5@ 3.2% interest",                       []),
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_email_spans(text: str, expected: list[str], assert_spans) -> None:
    assert_spans(EmailDetector(), text, expected)


def test_email_validation_needs_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tldextract must use its bundled suffix list: any socket use fails the test."""
    from bot.compliance import engines

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    engines.offline_tld_extractor.cache_clear()
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    hits = EmailDetector().analyze("write to someone@bank.example.com")
    assert [h.entity_type for h in hits] == ["EMAIL_ADDRESS"]
    assert engines.offline_tld_extractor().suffix_list_urls == ()


def test_module_level_tldextract_is_made_offline() -> None:
    import tldextract.tldextract as module

    from bot.compliance.engines import configure_offline_tldextract, offline_tld_extractor

    configure_offline_tldextract()
    assert module.TLD_EXTRACTOR is offline_tld_extractor()
    assert module.TLD_EXTRACTOR.suffix_list_urls == ()


def test_the_suffix_list_is_built_with_the_detector_not_in_the_first_check(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A Rasa worker used to build it inside its first bot message that quoted an email."""
    import tldextract.tldextract as module

    from bot.compliance.engines import offline_tld_extractor

    offline_tld_extractor.cache_clear()
    detector = EmailDetector()

    def no_build(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("suffix trie built during a check")

    monkeypatch.setattr(module._PublicSuffixListTLDExtractor, "__init__", no_build)
    assert [h.entity_type for h in detector.analyze("mail ada@example.com")] == ["EMAIL_ADDRESS"]
