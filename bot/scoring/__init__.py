"""CSAT: predicted customer satisfaction for every conversation and turn, with its reasons.

Pure core (``transcript`` -> ``features`` -> ``scorer``), a JSON model artefact (``model``,
fitted by ``fit``), calibration from survey answers (``calibration``), and the explainable
context learner that ``candor csat evaluate --cv`` validates on USS-format public dialogues
(``turn_context``, ``text_embeddings``, ``context_inputs``, ``context_learner``, and
``ensemble_learner``, which averages it with gradient boosting; the protocol itself is in
``bot.bench.csat``).
"""
