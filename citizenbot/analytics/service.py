"""How the service did for residents, for the analytics summary (``queries.summary``):

* **ratings**: residents' end-of-chat ratings (1-5) per queue, read from ``chat_rating``, which
  already holds only the day, queue, language and score (its comments are never read here);
* **delivery**: fault reports per category (every category first, category ""), how many reached
  the city's system, how many are not there yet (waiting for a retry, refused, uncertain) and how
  long getting there took (median and 90th percentile, from the roll-up's ``analytics_delivery``).

Small counts are suppressed as everywhere in the summary (``tables.py``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import Any

from sqlalchemy import func, select

from citizenbot.store.analytics_models import NOT_DELIVERED, DeliveryBucket
from citizenbot.store.staff_models import ChatRating

from .rollup import DELIVERY_BUCKETS
from .suppression import complement
from .tables import counted, new_row, quantile, set_derived, table

SATISFIED = 4  # a rating of 4 or 5 out of 5


def ratings(session, first: date, last: date) -> dict[str, Any]:
    """Per queue: ratings given, their average and the share of 4s and 5s."""
    found = session.execute(
        select(ChatRating.queue, ChatRating.score, func.count())
        .where(ChatRating.day >= first, ChatRating.day <= last)
        .group_by(ChatRating.queue, ChatRating.score)).all()
    scores: dict[str, Counter] = defaultdict(Counter)
    for queue, score, n in found:
        scores[queue][int(score)] += int(n or 0)
    rows = []
    for queue in sorted(scores):
        given = sum(scores[queue].values())
        row = counted(new_row(queue=queue), ratings=given)
        total = sum(score * n for score, n in scores[queue].items())
        satisfied = sum(n for score, n in scores[queue].items() if score >= SATISFIED)
        set_derived(row, "score_avg", total / given if given else None, given)
        set_derived(row, "satisfied", satisfied / given if given else None, given)
        rows.append(row)
    return table([("queue", "text"), ("ratings", "count"), ("score_avg", "score"), ("satisfied", "share")], rows)


def delivery(session, day_begin: int, day_end: int) -> dict[str, Any]:
    """Per category (all categories first): reports at the city and not yet, the median and 90th
    percentile of the time until the city's system had them."""
    found = session.execute(
        select(DeliveryBucket.category, DeliveryBucket.upper, func.sum(DeliveryBucket.count))
        .where(DeliveryBucket.day >= day_begin, DeliveryBucket.day <= day_end)
        .group_by(DeliveryBucket.category, DeliveryBucket.upper)).all()
    histograms: dict[str, Counter] = defaultdict(Counter)
    for category, upper, n in found:
        histograms[category][int(upper)] += int(n or 0)
        histograms[""][int(upper)] += int(n or 0)  # "": every category
    rows = []
    for category in sorted(histograms, key=lambda c: (c != "", c)):
        histogram = histograms[category]
        arrived = [(upper, n) for upper, n in histogram.items() if upper != NOT_DELIVERED]
        at_city = sum(n for _upper, n in arrived)
        row = counted(new_row(category=category), at_city=at_city, not_yet=histogram[NOT_DELIVERED])
        set_derived(row, "delivery_median", quantile(arrived, 0.5, DELIVERY_BUCKETS), at_city)
        set_derived(row, "delivery_p90", quantile(arrived, 0.9, DELIVERY_BUCKETS), at_city)
        rows.append(row)
    for key in ("at_city", "not_yet"):  # the first row is the total of the others
        complement(rows[1:], key)
    return table([("category", "text"), ("at_city", "count"), ("not_yet", "count"),
                  ("delivery_median", "seconds"), ("delivery_p90", "seconds")], rows)
