"""How a fetch's messages are cut into the batches handed over together: in order, at most a
number of messages and of bytes each, a message larger than the bytes allowed alone."""

from __future__ import annotations

import pytest

from dutydesk.mailin.imap import MAX_BATCH_BYTES, MAX_BATCH_MESSAGES, in_batches


@pytest.mark.parametrize(
    ("sizes", "max_bytes", "max_count", "batches"),
    [
        ([], 10, 3, []),
        ([4, 4, 4], 10, 3, [[4, 4], [4]]),
        ([4, 6, 1], 10, 3, [[4, 6], [1]]),
        ([11, 1, 1], 10, 3, [[11], [1, 1]]),
        ([1, 11, 1], 10, 3, [[1], [11], [1]]),
        ([1, 1, 1, 1, 1], 10, 2, [[1, 1], [1, 1], [1]]),
    ],
)
def test_messages_go_in_order_within_the_bytes_and_count_allowed(
    sizes: list[int], max_bytes: int, max_count: int, batches: list[list[int]]
) -> None:
    assert in_batches(sizes, lambda size: size, max_bytes, max_count) == batches


def test_by_default_a_hundred_messages_or_32_mib_at_a_time() -> None:
    small = in_batches([2_000] * 250, int)
    assert [len(batch) for batch in small] == [MAX_BATCH_MESSAGES] * 2 + [50] == [100, 100, 50]
    large = in_batches([10 * 1024 * 1024] * 5, int)
    assert [len(batch) for batch in large] == [3, 2]
    assert MAX_BATCH_BYTES == 32 * 1024 * 1024
