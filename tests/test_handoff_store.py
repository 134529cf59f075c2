"""The handoff state: queue order, the claim race, hand back, transfer, close, notes."""

import threading

import pytest

from citizenbot.handoff.staff import StaffDirectory
from citizenbot.handoff.store import HandoffStore, estimate_wait_minutes

PASSWORD = "correct horse battery"


@pytest.fixture
def store(fresh_database):
    return HandoffStore(fresh_database)


@pytest.fixture
def staff(fresh_database):
    directory = StaffDirectory(fresh_database)
    return directory.create("anna", "Anna", "nurse", PASSWORD), directory.create("ville", "Ville", "nurse", PASSWORD)


def queue(store, n, queue_name="nurse"):
    return [store.request(f"conv{i}", queue_name, "fi", "health.cold_flu", f"kysymys {i}")[0] for i in range(n)]


def test_requests_queue_in_order_and_a_second_request_is_the_same(store):
    first, second, third = queue(store, 3)
    assert [store.position(h.id) for h in (first, second, third)] == [1, 2, 3]
    again, created = store.request("conv1", "nurse", "fi", None, None)
    assert not created and again.id == second.id
    assert estimate_wait_minutes(2, 6) == 12 and estimate_wait_minutes(0, 6) == 0


def test_cancel_moves_the_others_up(store):
    first, second = queue(store, 2)
    assert store.cancel("conv0").status == "cancelled"
    assert store.position(second.id) == 1 and store.position(first.id) == 0
    assert store.cancel("conv0") is None


def test_exactly_one_of_two_simultaneous_claims_wins(store, staff):
    (handoff,) = queue(store, 1)
    anna, ville = staff
    barrier = threading.Barrier(2)
    results = {}

    def claim(user):
        barrier.wait()
        results[user.username] = store.claim(handoff.id, user.id)

    threads = [threading.Thread(target=claim, args=(u,)) for u in (anna, ville)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results.values()) == [False, True]
    winner = anna if results["anna"] else ville
    claimed = store.get(handoff.id)
    assert claimed.status == "active" and claimed.claimed_by == winner.id and claimed.staff_first_name == winner.first_name


def test_hand_back_transfer_close(store, staff):
    anna, _ = staff
    first, second = queue(store, 2)
    store.claim(first.id, anna.id)
    assert store.current("conv0").status == "active"
    assert store.hand_back(first.id).status == "returned"
    assert store.hand_back(first.id) is None  # only an active conversation can be handed back
    store.claim(second.id, anna.id)
    moved = store.transfer(second.id, "agent")
    assert (moved.queue, moved.status, moved.claimed_by) == ("agent", "queued", None)
    assert [h.id for h in store.waiting(("agent",))] == [second.id]
    store.claim(second.id, anna.id)
    with pytest.raises(ValueError):
        store.close(second.id, "whatever")
    assert store.close(second.id, "resolved").outcome == "resolved"
    assert store.current("conv1") is None


def test_notes(store, staff):
    anna, _ = staff
    (handoff,) = queue(store, 1)
    store.add_note(handoff.id, anna.id, "soittaa takaisin huomenna")
    assert [(n["author"], n["text"]) for n in store.notes(handoff.id)] == [("Anna", "soittaa takaisin huomenna")]
