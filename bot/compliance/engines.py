"""Heavy engines, built once per process: Presidio's spaCy NLP engine and offline tldextract.

* spaCy: the English pipeline is the shared one from :func:`bot.spacy_model.load_spacy`
  (loaded by path because the PyPI package's data folder is misnamed). Presidio's
  ``SpacyNlpEngine`` is configured with that path as its model name, and its ``nlp`` table is
  filled with the already-loaded pipeline instead of calling ``load()``, which would load a
  second copy (and, for a name it cannot find, try ``spacy download``).
* tldextract: Presidio's email recognizer validates domains with ``tldextract.extract``, whose
  default extractor downloads the public suffix list on first use. There is no network at run
  time, so :func:`offline_tld_extractor` uses only the snapshot bundled in the wheel, and
  :func:`configure_offline_tldextract` points the module-level default at it, so any Presidio
  recognizer another part of Candor builds is offline too.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from bot.errors import CandorError, Errors
from bot.spacy_model import load_spacy, spacy_model_path

if TYPE_CHECKING:
    import tldextract
    from presidio_analyzer.nlp_engine import NlpArtifacts, SpacyNlpEngine

LANGUAGE = "en"


@lru_cache(maxsize=1)
def offline_tld_extractor() -> tldextract.TLDExtract:
    """A ``TLDExtract`` that never fetches: no URLs, no disk cache, bundled snapshot only."""
    import tldextract

    extractor = tldextract.TLDExtract(
        cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True
    )
    # tldextract builds its suffix trie on first use: ~65 ms of pure Python holding the GIL,
    # seconds on a loaded machine, which stalled a Rasa worker at its first bot message that
    # quoted an email address. Built here, it is paid when the detectors are built.
    extractor("example.com")
    return extractor


def configure_offline_tldextract() -> None:
    """Make ``tldextract.extract`` (used by Presidio) offline; idempotent."""
    import tldextract.tldextract as module

    module.TLD_EXTRACTOR = offline_tld_extractor()


@lru_cache(maxsize=1)
def nlp_engine() -> SpacyNlpEngine:
    """Presidio's spaCy engine over the shared ``en_core_web_sm`` pipeline (E105 on failure)."""
    try:
        from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine

        nlp = load_spacy()
        # Only PERSON is used; ignoring the other labels keeps Presidio from warning per call.
        ner: Any = nlp.get_pipe("ner")
        other_labels = set(ner.labels) - {"PERSON"}
        config = NerModelConfiguration(
            labels_to_ignore=other_labels,
            model_to_presidio_entity_mapping={"PERSON": "PERSON", "PER": "PERSON"},
            low_score_entity_names=set(),
        )
        engine = SpacyNlpEngine(
            models=[{"lang_code": LANGUAGE, "model_name": str(spacy_model_path())}],
            ner_model_configuration=config,
        )
        engine.nlp = {LANGUAGE: nlp}  # type: ignore[assignment]
    except CandorError:
        raise
    except Exception as e:  # noqa: BLE001 - any import/load failure gets one explained code
        raise CandorError(Errors.E105.format(cause=f"{type(e).__name__}: {e}")) from e
    return engine


@lru_cache(maxsize=1)
def _cpu_ops() -> Any:
    """The CPU backend of thinc, looked up once."""
    from thinc.api import get_ops

    return get_ops("cpu")


def use_cpu_ops() -> None:
    """Give thinc its CPU backend in the current context, if the context has none.

    thinc keeps its backend in a context variable, and every request Rasa handles runs in a new
    asyncio task whose context has none; thinc then looks the backend up again through the
    installed packages' entry points, at every spaCy call: about a third of the named-entity
    step's time under load.
    """
    from thinc.backends import context_ops, set_current_ops

    if context_ops.get() is None:
        set_current_ops(_cpu_ops())


def nlp_artifacts(text: str) -> NlpArtifacts:
    """SpaCy analysis of ``text`` in Presidio's format (tokens, entities, scores)."""
    use_cpu_ops()
    return nlp_engine().process_text(text, LANGUAGE)
