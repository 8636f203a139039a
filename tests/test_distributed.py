"The 2-process CPU run itself (`accelerate launch`, gloo: both train, weights stay identical, loss and weights match one process with the same global batch) is nbs/20_scale_out.ipynb section 3, which tests/test_notebooks.py runs; here: its check fails when it should."
from ftlab.distributed import check_sync

def test_sync_check_catches_unsynchronised_weights(tmp_path):
    "check_sync fails when the processes' weights differ (what a missing gradient all-reduce gives)."
    import pytest
    r = {'rank': 0, 'tokens': 5, 'losses': [1.0], 'steps': 1, 'digest': 'a'}
    with pytest.raises(AssertionError, match='not synchronised'):
        check_sync([r, {**r, 'rank': 1, 'digest': 'b'}], {**r, 'tokens': 10}, [{}], {})
