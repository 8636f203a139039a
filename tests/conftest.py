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

# Longest first: with `-n 2` the two workers then finish close together (seconds measured on 2 cores, one thread each).
COST = {'18_gguf': 280, '17_rlhf': 260, 'test_main_job': 200, '04_train': 170, '11_lora': 170, '13_prompt_prefix': 160,
        '16_adapters': 150, '19_compare': 150, '10_full_finetuning': 145, '14_bitfit': 140, '15_reft': 120, '01_env': 110,
        '12_qlora': 100, 'test_sigkill_then_resume_matches': 60, '06_cli': 78}

def pytest_collection_modifyitems(items):
    cost = lambda it: max([v for k, v in COST.items() if k in it.nodeid] or [0])
    items.sort(key=cost, reverse=True)   # a stable sort: the rest keep their order
