import os
os.environ.setdefault('FTLAB_PROFILE', 'ci')
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
if os.environ.get('PYTEST_XDIST_WORKER'):  # `pytest -n N`: the cores are shared out, so N trainings never fight over them
    n = str(max(1, (os.cpu_count() or 1) // int(os.environ.get('PYTEST_XDIST_WORKER_COUNT', 1))))
    for k in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'FTLAB_THREADS'): os.environ[k] = n  # subprocesses (CLI, nbdev_test) inherit these
    import torch; torch.set_num_threads(int(n))
import pytest

@pytest.fixture(scope='session')
def tok():
    from ftlab.models import load_tokenizer
    return load_tokenizer()

@pytest.fixture
def runs(tmp_path, monkeypatch):
    "An empty runs/ folder for the test, used as FTLAB_RUNS."
    d = tmp_path/'runs'
    monkeypatch.setenv('FTLAB_RUNS', str(d))
    return d
