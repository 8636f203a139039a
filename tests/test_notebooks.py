"nbdev_test over every notebook in nbs/, one notebook per test, in the ci profile (flagged slow/cuda cells are skipped); `pytest -n 2` runs two at a time."
import os, subprocess, sys
from pathlib import Path
import pytest

NBS = sorted(p for p in (Path(__file__).resolve().parents[1]/'nbs').glob('*.ipynb') if not p.name.startswith('_'))

@pytest.mark.parametrize('nb', NBS, ids=[p.stem for p in NBS])
def test_notebook(nb, tmp_path):
    env = {**os.environ, 'FTLAB_PROFILE': 'ci', 'OMP_WAIT_POLICY': 'PASSIVE', 'FTLAB_RUNS': str(tmp_path/'runs'), 'MPLBACKEND': 'Agg'}
    r = subprocess.run(['nbdev_test', '--path', str(nb), '--n_workers', '1', '--do_print'], cwd=nb.parent.parent, env=env,
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, (r.stdout + r.stderr)[-6000:]
