"""Offline CSAT work: USS evaluation, the hybrid learner, training the shipped model."""
