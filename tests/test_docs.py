"Docs and Colab: every notebook has the Colab badge (built from settings.ini) and the Colab-only install cell, and the index links every notebook."
import json, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NBS = sorted(p for p in (ROOT/'nbs').glob('*.ipynb') if not p.name.startswith('_'))

def test_every_notebook_has_badge_and_install_cell():
    sys.path.insert(0, str(ROOT/'tools'))
    from colab_badges import settings
    s = settings()
    for p in NBS:
        cells = [''.join(c['source']) for c in json.loads(p.read_text())['cells']]
        url = f"https://colab.research.google.com/github/{s['user']}/{s['repo']}/blob/{s['branch']}/nbs/{p.name}"
        assert sum(url in c for c in cells) == 1, f'{p.name}: no (or more than one) Colab badge'
        install = [c for c in cells if c.startswith('# Colab: install ftlab')]
        assert len(install) == 1 and "if 'google.colab' in sys.modules:" in install[0], f'{p.name}: no guarded install cell'
        first_code = next(c for c in cells if not c.startswith('#| default_exp') and ('import' in c))
        assert first_code is install[0], f'{p.name}: the install cell must come before the first import'

def test_badge_script_is_idempotent():
    r = subprocess.run([sys.executable, str(ROOT/'tools'/'colab_badges.py'), '--check'], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr

def test_index_links_every_notebook():
    text = ''.join(''.join(c['source']) for c in json.loads((ROOT/'nbs'/'index.ipynb').read_text())['cells'])
    missing = [p.stem for p in NBS if p.stem != 'index' and f'](nbs/{p.name})' not in text]
    assert not missing, f'index.ipynb does not link {missing}'
    for planned in ('15_reft', '16_adapters', '17_rlhf'): assert f'[{planned}](nbs/{planned}.ipynb)' in text
