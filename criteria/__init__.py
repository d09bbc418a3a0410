"""Vigie's criteria engine: evidence + profile -> scores, verdicts, confidence, sensitivity.

Entry points: :func:`criteria.profiles.load_profile`, :func:`criteria.engine.evaluate`,
:mod:`criteria.runs` (saved evaluations). Criteria are declared with
:func:`criteria.registry.criterion`; the defaults live in :mod:`criteria.builtin`.
This package imports the ``watch`` core only, never ``watch.cli``, Scrapy or matplotlib.
"""
