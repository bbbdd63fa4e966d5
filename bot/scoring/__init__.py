"""CSAT: predicted customer satisfaction for every conversation and turn, with its reasons.

Pure core (``transcript`` -> ``features`` -> ``scorer``), a JSON model artefact (``model``,
fitted by ``fit``), calibration from survey answers (``calibration``), validation on USS-format
public dialogue files (``uss``, ``evaluate``), and a thin ``adapter`` to the transcript store.
"""
