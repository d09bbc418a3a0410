"""Scrapy settings for Vigie's crawls, built from the workspace's ``[collect]`` configuration.

Every override of a Scrapy default is commented with the reason. Nothing here reads a
``scrapy.cfg`` or environment: the runner passes these settings to one crawler process.
"""

from __future__ import annotations

from typing import Any

from watch import PROJECT_URL, __version__
from watch.config import CollectConfig

PIPELINE = "spiders.pipelines.StorePipeline"
MIN_DELAY = 0.0001  # seconds between two requests to one site, whatever the configuration


def user_agent(contact: str | None) -> str:
    """Name the project, its version and where to learn about it, plus the operator's contact
    (the Wikimedia API asks clients for one), so that a webmaster knows who is calling."""
    agent = f"vigie-reseaux/{__version__} (+{PROJECT_URL}"
    if contact:
        agent += f"; {contact}"
    return agent + ")"


def build_settings(collect: CollectConfig, **extra: Any) -> dict[str, Any]:
    """Scrapy settings for one collect run; ``extra`` adds run objects (store, summary, clock)."""
    settings: dict[str, Any] = {
        # Obey robots.txt unless the workspace explicitly switches it off (embedded sample only).
        "ROBOTSTXT_OBEY": collect.robots,
        # Identify ourselves honestly instead of Scrapy's generic agent.
        "USER_AGENT": user_agent(collect.contact),
        # Be gentle with each site: one request at a time per domain, a pause between them...
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        # Never exactly 0: with no pause the next request to a site leaves before Twisted has
        # put the previous keep-alive connection back in its pool, so every request opens a new
        # TCP connection (measured: 138 connections for 150 requests, and 10x slower on a
        # loaded loopback). Any pause takes Scrapy's other path, which keeps one connection per
        # site: 0.1 ms does (1 connection for 500 feeds), and 500 unchanged feeds no longer wait
        # 2.5 s in 5 ms pauses. This floor only matters with `delay = 0` (servers you run).
        "DOWNLOAD_DELAY": max(collect.delay, MIN_DELAY),
        "DOWNLOAD_DELAY_JITTER": 0.5 if collect.delay > 0 else 0.0,
        # ...slowing down further when a server answers slowly (AutoThrottle); start from the
        # configured delay rather than Scrapy's 5 s so that a small workspace collects quickly.
        # `delay = 0` turns every pause off, AutoThrottle included (servers you run yourself).
        "AUTOTHROTTLE_ENABLED": collect.delay > 0,
        "AUTOTHROTTLE_START_DELAY": max(collect.delay, MIN_DELAY),
        "AUTOTHROTTLE_MAX_DELAY": max(30.0, collect.delay),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        # A hung server must not hold the run: give up after the configured timeout.
        "DOWNLOAD_TIMEOUT": collect.timeout,
        # Refuse absurd bodies (a feed is rarely over a few MB); warn at half the cap.
        "DOWNLOAD_MAXSIZE": collect.max_bytes,
        "DOWNLOAD_WARNSIZE": max(collect.max_bytes // 2, 1),
        # Transient errors get two more tries; the source's own backoff handles the rest.
        "RETRY_ENABLED": True,
        "RETRY_TIMES": 2,
        "RETRY_GIVE_UP_LOG_LEVEL": "WARNING",
        # A redirect chain longer than this is a loop (or close enough): recorded as a failure.
        "REDIRECT_MAX_TIMES": 10,
        # No HTTP cache: conditional GET with the validators stored on each source does the job,
        # and a cache folder would break "a workspace is one movable folder".
        "HTTPCACHE_ENABLED": False,
        # asyncio reactor: feed parsing runs in threads via asyncio.to_thread.
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        # Our pipeline writes every result through the watch core, a transaction per result.
        "ITEM_PIPELINES": {PIPELINE: 300},
        # Failures are reported by Vigie itself (stderr summary, saved on the source): keep
        # Scrapy's own log to errors, and no telnet console on a cron job.
        "LOG_LEVEL": "ERROR",
        "TELNETCONSOLE_ENABLED": False,
        # Sources are independent: one failing does not stop the crawl.
        "CLOSESPIDER_ERRORCOUNT": 0,
        # Requests are built from the stored sources; a source may legitimately be fetched
        # twice in a run (pageviews per project), so Vigie does its own de-duplication.
        "DUPEFILTER_CLASS": "scrapy.dupefilters.BaseDupeFilter",
        # A response gives at most one result (plus follow-up requests), and the pipeline
        # writes one batch at a time anyway: Scrapy's default of 100 starts 100 asyncio tasks
        # per response to process its output (measured: ~1.2 s of CPU on 500 feeds).
        "CONCURRENT_ITEMS": 4,
    }
    settings.update(extra)
    return settings
