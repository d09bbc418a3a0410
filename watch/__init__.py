"""Vigie core: workspace, store, catalogue and the services every other package builds on.

The core never imports Scrapy, matplotlib or the CLI, so that scoring and listing stay fast and
the spiders, criteria and reports packages can share one facade.
"""

__version__ = "0.1.0"
PROJECT_URL = "https://github.com/vigie-reseaux/vigie"
