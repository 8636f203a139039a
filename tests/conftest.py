import os
os.environ.setdefault('FTLAB_PROFILE', 'ci')
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
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
