"""Server processes collect young objects less often and leave what start-up built out of collections."""
import gc

from app.gc_tuning import YOUNG_COLLECTION_THRESHOLD, tune_for_server


def test_tuning_freezes_start_up_objects_and_raises_the_young_threshold():
    before = gc.get_threshold()
    try:
        tune_for_server()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (YOUNG_COLLECTION_THRESHOLD, before[1], before[2])
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def test_the_running_api_is_tuned(api):
    """The session's API started in this process: its lifespan tuned the collector."""
    assert gc.get_threshold()[0] == YOUNG_COLLECTION_THRESHOLD
