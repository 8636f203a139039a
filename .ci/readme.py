"""README.md from nbs/index.ipynb, without quarto (nbdev_readme needs quarto, which cannot be installed offline).

    python .ci/readme.py          # write README.md
    python .ci/readme.py --check  # exit 1 if README.md is out of date (CI)

Markdown cells are copied; code cells become ```python blocks; cells flagged `#| hide` are left out.
"""
import json, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def render(nb_path=ROOT/'nbs'/'index.ipynb') -> str:
    nb = json.loads(Path(nb_path).read_text(encoding='utf-8'))
    parts = ['<!-- generated from nbs/index.ipynb by .ci/readme.py: edit the notebook, not this file -->']
    for c in nb['cells']:
        src = ''.join(c['source']).strip()
        if not src: continue
        lines = src.splitlines()
        if any(l.strip().replace(' ', '') in ('#|hide', '#|hide_input') for l in lines if l.startswith('#|')): continue
        if c['cell_type'] == 'markdown': parts.append(src)
        elif c['cell_type'] == 'code':
            code = '\n'.join(l for l in lines if not l.startswith('#|')).strip()
            if code: parts.append('```python\n' + code + '\n```')
    return '\n\n'.join(parts) + '\n'

if __name__ == '__main__':
    text, readme = render(), ROOT/'README.md'
    if '--check' in sys.argv:
        if not readme.exists() or readme.read_text(encoding='utf-8') != text:
            print('README.md is out of date: run python .ci/readme.py and commit'); sys.exit(1)
    else: readme.write_text(text, encoding='utf-8'); print('wrote README.md')
