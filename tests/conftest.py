import os
os.environ.setdefault('FTLAB_PROFILE', 'ci')
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
if os.environ.get('PYTEST_XDIST_WORKER'):  # `pytest -n N`: the cores are shared out, so N trainings never fight over them
    n = str(max(1, (os.cpu_count() or 1) // int(os.environ.get('PYTEST_XDIST_WORKER_COUNT', 1))))
    for k in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'FTLAB_THREADS'): os.environ[k] = n  # subprocesses (CLI, nbdev_test) inherit these
    import torch; torch.set_num_threads(int(n))
import sys
import pytest

@pytest.fixture(autouse=True)
def _transformers_logs_here():
    "transformers' log handler keeps the stderr it first saw: a test's capture, which pytest closes after that test. Point it at this test's."
    tl = sys.modules.get('transformers.utils.logging')
    h = getattr(tl, '_default_handler', None) if tl is not None else None
    if h is not None: h.stream, h.flush = sys.stderr, sys.stderr.flush   # as transformers sets them (not setStream: it flushes the closed one)
    yield

@pytest.fixture(scope='session')
def tok():
    from ftlab.models import load_tokenizer
    return load_tokenizer()

@pytest.fixture(scope='session')
def style_data(tok):
    "`style_data(n, max_len=160)`: the first `n` examples of the bundled style set, tokenized (each size once a session)."
    from ftlab.core import data_dir
    from ftlab.data import load_data
    cache = {}
    def get(n:int=8, max_len:int=160):
        if (n, max_len) not in cache: cache[n, max_len] = load_data(data_dir()/'style'/'train.jsonl', tok, max_len=max_len, n=n)
        return cache[n, max_len]
    return get

@pytest.fixture(scope='session')
def tiny(tok):
    "`tiny(**kw)`: a fresh tiny random model with the default tokenizer (ftlab.models.tiny_model)."
    from ftlab.models import tiny_model
    return lambda **kw: tiny_model(tokenizer=tok, **kw)[0]

@pytest.fixture
def runs(tmp_path, monkeypatch):
    "An empty runs/ folder for the test, used as FTLAB_RUNS."
    d = tmp_path/'runs'
    monkeypatch.setenv('FTLAB_RUNS', str(d))
    return d

# Two balanced queues, longest first. `--dist worksteal` gives each of the 2 workers a contiguous half of the list (by count)
# and lets an idle one steal from the other's tail; so the list is two halves of equal count whose known costs balance
# (greedy, longest first), each ordered longest first. Seconds measured on 2 cores, one thread each (suite of 2026-11-28).
COST = {'18_gguf': 260, 'test_solutions_pass': 150, '17_rlhf': 230, '19_compare': 145, 'test_main_job': 145, '13_prompt_prefix': 140, '16_adapters': 132,
        '14_bitfit': 120, '12_qlora': 113, '10_full_finetuning': 112, '11_lora': 107, '15_reft': 80, 'test_sigkill_then_resume_matches': 64,
        '04_train': 56, '20_scale_out': 54, '01_env': 50, '05_eval': 47, '06_cli': 47, '05_jobs': 15, '04_methods': 4, '08_teaching': 17, 'test_ctrl_c_saves_and_resumes': 46,
        'test_gpu_bench_tiny': 36, '07_speed': 26, 'test_console_script_exit_code': 16, '02_models': 15}

def _cost(item): return max([v for k, v in COST.items() if k in item.nodeid] or [0])

def pytest_collection_modifyitems(items):
    order = sorted(items, key=_cost, reverse=True)        # a stable sort: the rest keep their order
    halves, load = ([], []), [0, 0]
    for it in order:
        if _cost(it) == 0: break
        k = 0 if load[0] <= load[1] else 1
        halves[k].append(it); load[k] += _cost(it)
    rest = order[len(halves[0]) + len(halves[1]):]
    while rest:                                           # the cheap ones even out the counts (the split is by count)
        k = 0 if len(halves[0]) <= len(halves[1]) else 1
        halves[k].append(rest.pop(0))
    items[:] = halves[0] + halves[1]
