"""The outbox publishes a burst of single sends as a few merged delivery jobs."""
from domain.outbox.service import MERGED_MAX, coalesce


def test_single_deliveries_merge_into_one_job_in_commit_order():
    records = [(1, "deliver_messages", {"message_ids": [10]}), (2, "deliver_messages", {"message_ids": [11, 12]}),
               (3, "deliver_messages", {"message_ids": [13]})]
    assert coalesce(records) == [([1, 2, 3], "deliver_messages", {"message_ids": [10, 11, 12, 13]})]


def test_a_merged_job_holds_at_most_merged_max_ids():
    records = [(i, "deliver_messages", {"message_ids": [i]}) for i in range(MERGED_MAX + 5)]
    jobs = coalesce(records)
    assert [len(kwargs["message_ids"]) for _, _, kwargs in jobs] == [MERGED_MAX, 5]
    assert [i for ids, _, _ in jobs for i in ids] == list(range(MERGED_MAX + 5))


def test_other_jobs_and_jobs_with_more_arguments_are_published_as_they_are():
    webhook = (1, "emit_webhooks", {"tenant_id": 1, "event": "message.sent", "payload": {}})
    other = (2, "deliver_messages", {"message_ids": [5], "extra": True})
    single = (3, "deliver_messages", {"message_ids": [6]})
    assert coalesce([webhook, other, single]) == [([1], *webhook[1:]), ([2], *other[1:]), ([3], "deliver_messages", {"message_ids": [6]})]
