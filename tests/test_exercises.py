"Every exercise's solution (nbs/solutions/, one notebook per lesson) runs and passes its check; wrong answers get feedback, not the solution."
import os, subprocess, io, contextlib
from pathlib import Path
import pytest
from ftlab.exercises import check, EXERCISES

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT/'nbs'/'solutions').glob('*.ipynb'))

def test_every_lesson_with_exercises_has_solutions():
    assert {p.stem for p in SOLUTIONS} == {nb for nb, _ in EXERCISES}

def test_solutions_pass(tmp_path):
    "All solution notebooks in one nbdev_test run (each asserts `check(...)` returned True)."
    env = {**os.environ, 'FTLAB_PROFILE': 'ci', 'OMP_WAIT_POLICY': 'PASSIVE', 'FTLAB_RUNS': str(tmp_path/'runs'), 'MPLBACKEND': 'Agg'}
    r = subprocess.run(['nbdev_test', '--path', str(ROOT/'nbs'/'solutions'), '--n_workers', '1', '--do_print'], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=900)
    out = r.stdout + r.stderr
    assert r.returncode == 0, out[-6000:]
    assert out.count('Completed ') == len(SOLUTIONS), out[-3000:]

def said(*a):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf): ok = bool(check(*a))
    return ok, buf.getvalue()

@pytest.mark.parametrize('key, answer, says', [
    (('11_lora', 2), {'alpha=r': [3.0, 2.0, 1.0], 'alpha=4r': [3.0, 2.5, 2.0]}, 'scaling'),        # the experiment's direction
    (('11_lora', 2), {'alpha=r': [3.0, 2.0]}, "lacks ['alpha=4r']"),
    (('04_train', 2), {'accum1': [2.0, 1.5, 1.2], 'accum2': [2.0, 1.7, 1.5]}, 'batch_size'),
    (('17_rlhf', 2), lambda s, g: (s - s.mean()) / s.std(), 'within each group'),
    (('17_rlhf', 2), lambda s, g: s - s.view(-1, g).mean(1).repeat_interleave(g), 'std of each group'),
    (('12_qlora', 2), (7, 8), 'exact zero'),
    (('15_reft', 2), {'earlier': 0.3, 'last': 0.5}, 'earlier positions'),
    (('13_prompt_prefix', 2), {'random': 2.0, 'text': 5.0}, 'norm'),
])
def test_wrong_answers_get_feedback(key, answer, says):
    ok, out = said(*key, answer)
    assert not ok and out.startswith('✗') and says in out, out

def test_numeric_feedback_gives_direction_not_value():
    from ftlab.exercises import smol_skeleton
    from ftlab.methods.lora import lora_param_count
    truth = lora_param_count(smol_skeleton(), 8, ['v_proj', 'o_proj'])
    ok, out = said('11_lora', 3, truth - 1)
    assert not ok and 'too low' in out and str(truth) not in out and f'{truth:,}' not in out
    assert said('11_lora', 3, truth)[0]
