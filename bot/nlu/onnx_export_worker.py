"""Export one sentence encoder to ONNX (fp32 and int8): runs in the THROW-AWAY export virtualenv.

Not imported by Candor. :mod:`bot.nlu.encoder_onnx` creates a temporary virtualenv with torch
(CPU), transformers, onnx and onnxruntime from ``requirements/onnx-export.txt`` and runs this
file there by path, because those converters need a protobuf and numpy that Rasa's pins forbid
in the runtime environment. So this file imports only the standard library at module level and
nothing from ``bot``.

What it writes into ``--out``:

* ``model.onnx``: the encoder's last hidden state for ``input_ids`` and ``attention_mask``
  (``[batch, pieces]``, int64; BERT's segment ids are fixed to zero inside the graph, as the
  TensorFlow encoder does), fp32, opset 17, dynamic batch and sequence axes.
* ``model.int8.onnx``: the same graph after onnxruntime's dynamic quantisation: 8-bit weights
  (unsigned, per output channel) for every MatMul with a constant weight except each layer's feed-forward
  output projection; activations are quantised per tensor on the fly. That projection reads the
  GELU output, whose few outlier channels one per-tensor int8 scale cannot hold: quantising it
  too dropped MPNet's sentence cosine to the fp32 graph to 0.90 on BANKING77 sentences (0.99
  without it; MiniLM 0.994 -> 0.997), so it stays fp32 (a third of the FFN+attention weights).
  Weights are unsigned (U8U8) rather than signed (U8S8): on x86 CPUs without VNNI (AVX2 only)
  ONNX Runtime's U8S8 kernel multiplies with VPMADDUBSW, whose 16-bit sums saturate; a U8S8
  MPNet graph that scored 0.99 on a VNNI machine scored 0.05 on an AVX2-only one. U8U8 has no
  saturating path, so the same graph gives the same vectors on every x86 machine.

Both are checked against PyTorch on a few sentences before the worker exits 0, so a silent
export bug fails ``make install`` instead of degrading the bot.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

OPSET = 17
FFN_OUTPUT = re.compile(r"/layer\.\d+/output/dense/MatMul$")  # torch.onnx's node names
MIN_INT8_COSINE = 0.95  # a broken quantisation scores < 0.9 (saturated: 0.05); U8U8 MPNet 0.974 on AVX2
CHECK_SENTENCES = (
    "I lost my card",
    "my card was stolen yesterday, can you block it?",
    "what's the exchange rate for a transfer from EUR to GBP and is there a fee",
    "hi",
)


def export(weights: Path, out: Path) -> dict[str, Any]:
    """Trace the PyTorch model built from ``weights`` to ONNX, quantise, check; return a report."""
    import numpy as np
    import onnxruntime as ort
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel, AutoTokenizer

    torch.set_num_threads(1)
    tokenizer = AutoTokenizer.from_pretrained(str(weights), local_files_only=True)
    model = AutoModel.from_pretrained(
        str(weights), local_files_only=True, attn_implementation="eager"
    ).eval()

    class LastHidden(torch.nn.Module):
        """Two inputs for every encoder; segment ids (BERT only) are zeros, as at run time."""

        def __init__(self) -> None:
            super().__init__()
            self.model = model
            self.segments = bool(getattr(model.config, "type_vocab_size", 0))

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            extra = {"token_type_ids": torch.zeros_like(input_ids)} if self.segments else {}
            return self.model(
                input_ids=input_ids, attention_mask=attention_mask, **extra
            ).last_hidden_state

    wrapper = LastHidden().eval()
    batch = tokenizer(list(CHECK_SENTENCES), padding=True, return_tensors="pt")
    fp32, int8 = out / "model.onnx", out / "model.int8.onnx"
    with torch.no_grad():
        torch.onnx.export(
            wrapper,
            (batch["input_ids"], batch["attention_mask"]),
            str(fp32),
            input_names=["input_ids", "attention_mask"],
            output_names=["last_hidden_state"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "pieces"},
                "attention_mask": {0: "batch", 1: "pieces"},
                "last_hidden_state": {0: "batch", 1: "pieces"},
            },
            opset_version=OPSET,
            do_constant_folding=True,
            dynamo=False,
        )
        expected = wrapper(batch["input_ids"], batch["attention_mask"]).numpy()
    import onnx

    graph = onnx.load(str(fp32), load_external_data=False).graph
    keep_fp32 = [node.name for node in graph.node
                 if node.op_type == "MatMul" and FFN_OUTPUT.search(node.name)]
    if len(keep_fp32) != model.config.num_hidden_layers:
        raise SystemExit(f"found {len(keep_fp32)} feed-forward output MatMuls, expected "
                         f"{model.config.num_hidden_layers}: torch.onnx's node names changed")
    quantize_dynamic(
        str(fp32),
        str(int8),
        weight_type=QuantType.QUInt8,
        per_channel=True,
        op_types_to_quantize=["MatMul"],
        nodes_to_exclude=keep_fp32,
        extra_options={"MatMulConstBOnly": True},
    )

    mask = batch["attention_mask"].numpy()
    feeds = {"input_ids": batch["input_ids"].numpy(), "attention_mask": mask}

    def pooled(hidden: Any) -> Any:
        weights_ = mask[..., None].astype(np.float32)
        vectors = (hidden * weights_).sum(axis=1) / weights_.sum(axis=1)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    report: dict[str, Any] = {"opset": OPSET, "torch": torch.__version__, "ort": ort.__version__}
    for path, min_cosine in ((fp32, 0.9999), (int8, MIN_INT8_COSINE)):
        session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        got = session.run(None, feeds)[0]
        cosine = (pooled(got) * pooled(expected)).sum(axis=1)
        report[path.name] = {"min_cosine_vs_torch": round(float(cosine.min()), 6),
                             "bytes": path.stat().st_size}
        if cosine.min() < min_cosine:
            raise SystemExit(f"{path.name}: sentence cosine vs PyTorch {cosine.min():.5f} "
                             f"< {min_cosine}: the export is wrong")
    return report


def main(argv: list[str] | None = None) -> int:
    """``python onnx_export_worker.py --weights DIR --out DIR``: prints a JSON report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", type=Path, required=True, help="Hugging Face model folder")
    parser.add_argument("--out", type=Path, required=True, help="folder for the .onnx files")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    print(json.dumps(export(args.weights, args.out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
