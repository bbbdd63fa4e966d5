"""Candor: a compliance-aware customer-service chatbot framework on Rasa Open Source 3.6."""

__version__ = "0.1.0"
