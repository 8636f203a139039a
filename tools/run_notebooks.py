"""Execute notebooks in place, so that nbs/ holds the outputs of a real run; and check that the stored outputs are not stale.

    python tools/run_notebooks.py 11_lora 12_qlora     # run these notebooks (ci profile) and store their outputs
    python tools/run_notebooks.py --all                # every notebook in nbs/ (about 30 minutes on 2 cores)
    python tools/run_notebooks.py --profile cpu 11_lora
    python tools/run_notebooks.py --check              # CI: exit 1 if a notebook's code changed since its outputs were made

Cells run as `nbdev_test` runs them: cells flagged with a test flag of settings.ini (`slow`, `notest`, `cuda`) or `#| eval: false`
are skipped, so they keep no output. Each executed notebook records, in its metadata (`ftlab`), a hash of its code cells, the
profile, the date, the commit and the time it took; `--check` recomputes the hash. Progress bars and widget views are dropped
from the stored outputs (their text is noise once the run is over), and the figures are PNGs at 72 dpi, so a notebook stays small.
"""
import argparse, configparser, hashlib, json, os, re, subprocess, sys, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from colab_badges import INSTALL_MARK   # the first line of the Colab set-up cell

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT/'nbs'
MAX_IMAGE_BYTES = 200_000   # base64 image data a notebook may store
MAX_STREAM_LINES = 60       # longer printed streams keep their first 25 and last 10 lines

def code_hash(nb:dict) -> str:
    "sha256 of the notebook's code cells, as nbdev_clean leaves them: what the stored outputs were computed from (the Colab set-up cell, made by tools/colab_badges.py, is left out)."
    srcs = (''.join(c['source']) if isinstance(c['source'], list) else c['source'] for c in nb['cells'] if c['cell_type'] == 'code')
    src = '\n\x00\n'.join(t for t in srcs if not t.startswith(INSTALL_MARK))   # the Colab set-up cell does nothing outside Colab
    return hashlib.sha256(src.encode()).hexdigest()

def skip_flags() -> set:
    c = configparser.ConfigParser(); c.read(ROOT/'settings.ini')
    return set(c['DEFAULT'].get('tst_flags', '').split())

def directives(src:str) -> dict:
    "`#| name value...` lines at the top of a cell."
    out = {}
    for line in src.splitlines():
        if not line.startswith('#|'): break
        parts = line[2:].strip().split()
        if parts: out[parts[0].rstrip(':')] = parts[1:]
    return out

_BAR = re.compile(r'\d+%\|[^|]*\||\bit/s\]|s/it\]')   # tqdm

def tidy(outputs:list) -> list:
    "Drop progress bars, widget views and empty results; keep everything a reader learns from."
    kept = []
    for o in outputs:
        if o.get('output_type') == 'stream':
            text = ''.join(o['text']) if isinstance(o['text'], list) else o['text']
            if o.get('name') == 'stderr' and (_BAR.search(text) or '\r' in text): continue
            lines = [l for l in text.split('\n') if not _BAR.search(l)]
            if not ''.join(lines).strip(): continue
            if len(lines) > MAX_STREAM_LINES:   # a tool's log (llama.cpp's loader lists every tensor): its head and its end
                lines = lines[:25] + [f'... ({len(lines) - 35} lines of this log left out of the stored output) ...'] + lines[-10:]
            o = {**o, 'text': '\n'.join(lines)}
        data = o.get('data')
        if o.get('output_type') in ('execute_result', 'display_data') and not data: continue   # an object that displays nothing (ftlab.exercises.Verdict)
        if data and 'application/vnd.jupyter.widget-view+json' in data:
            data = {k: v for k, v in data.items() if k != 'application/vnd.jupyter.widget-view+json'}
            if not data: continue
            o = {**o, 'data': data}
        kept.append(o)
    return kept

def image_bytes(nb:dict) -> int:
    return sum(len(''.join(v) if isinstance(v, list) else v) for c in nb['cells'] for o in c.get('outputs', [])
               for k, v in o.get('data', {}).items() if k.startswith('image/') and 'svg' not in k)

def run(name:str, profile:str) -> float:
    "Execute nbs/NAME.ipynb in a child process (a fresh interpreter per notebook) and store its outputs; the seconds it took."
    t0 = time.time()
    import tempfile
    with tempfile.TemporaryDirectory(prefix='ftlab-runs-') as runs:   # run folders the notebook writes go here, not into the repository
        env = {**os.environ, 'FTLAB_PROFILE': profile, 'FTLAB_RUNS': runs, 'IN_TEST': '1',
               'PYTHONPATH': os.pathsep.join([str(ROOT), os.environ.get('PYTHONPATH', '')])}
        r = subprocess.run([sys.executable, __file__, '--child', name, '--profile', profile], env=env, cwd=NBS)
    if r.returncode: raise SystemExit(f'{name}: a cell failed (above); its stored outputs were left as they were')
    return time.time() - t0

def child(name:str, profile:str):
    from execnb.shell import CaptureShell
    from execnb.nbio import read_nb, write_nb
    import matplotlib; matplotlib.rcParams['figure.dpi'] = 72
    path = NBS/f'{name}.ipynb'
    nb, flags, t0 = read_nb(path), skip_flags(), time.time()
    def skip(cell):
        if cell.cell_type != 'code': return True
        d = directives(cell.source)
        return (d.get('eval', [''])[0].lower() == 'false') or bool(flags & d.keys())
    original = {}
    for i, c in enumerate(nb.cells):
        if c.cell_type != 'code': continue
        c.outputs, c.execution_count = [], None
        lines = c.source.rstrip().split('\n')
        if lines[-1].endswith(';') and not lines[-1].startswith((' ', '\t', '#')):   # Jupyter hides only the value of `x;`; execnb would drop the prints too
            original[i] = c.source; c.source = '\n'.join(lines[:-1] + ['_ = ' + lines[-1].rstrip(';')])
    sh = CaptureShell(path, mpl_format='png')
    try: sh.run_all(nb, exc_stop=True, preproc=skip)
    finally:
        for i, src in original.items(): nb.cells[i].source = src
    for c in nb.cells:
        if c.cell_type == 'code': c.outputs = tidy(c.get('outputs', []))
    commit = subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], cwd=ROOT, capture_output=True, text=True).stdout.strip() or None
    nb.metadata['ftlab'] = {'code_sha256': code_hash(json.loads(json.dumps(nb))), 'profile': profile, 'executed': time.strftime('%Y-%m-%d %H:%M'),
                            'commit': commit, 'seconds': round(time.time() - t0)}
    write_nb(nb, path)
    subprocess.run(['nbdev_clean', '--fname', str(path)], cwd=ROOT, check=True)

def check(names:list) -> list[str]:
    "Problems with the stored outputs: none, stale (code changed since), or too many image bytes."
    bad = []
    for n in names:
        nb = json.loads((NBS/f'{n}.ipynb').read_text())
        meta = nb.get('metadata', {}).get('ftlab')
        fix = f'run python tools/run_notebooks.py {n} and commit'
        if not meta: bad.append(f'{n}: no stored outputs. Fix: {fix}')
        elif meta.get('code_sha256') != code_hash(nb): bad.append(f'{n}: code changed after its outputs were made ({meta.get("executed")}). Fix: {fix}')
        elif not any(c.get('outputs') for c in nb['cells'] if c['cell_type'] == 'code'): bad.append(f'{n}: executed, but no cell has an output. Fix: {fix}')
        elif n != 'index' and f"| profile {meta.get('profile')} |" not in json.dumps(nb['cells']):
            bad.append(f'{n}: no output of ftlab.core.report (profile, versions, date). Fix: call report() near the top, then {fix}')
        if image_bytes(nb) > MAX_IMAGE_BYTES: bad.append(f'{n}: {image_bytes(nb):,} bytes of images (at most {MAX_IMAGE_BYTES:,}). Fix: smaller or fewer figures')
    return bad

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('names', nargs='*', help='notebook names without .ipynb (default with --all, --check or --retidy: every notebook)')
    ap.add_argument('--all', action='store_true'); ap.add_argument('--check', action='store_true')
    ap.add_argument('--profile', default='ci'); ap.add_argument('--child', help=argparse.SUPPRESS)
    ap.add_argument('--retidy', action='store_true', help='apply the output rules to stored outputs again, without running (the code hash stays valid)')
    a = ap.parse_args(argv)
    if a.child: return child(a.child, a.profile)
    names = [n.removesuffix('.ipynb').split('/')[-1] for n in a.names] or (sorted(p.stem for p in NBS.glob('*.ipynb') if not p.name.startswith('_')) if (a.all or a.check or a.retidy) else [])
    if not names: ap.error('name notebooks, or pass --all or --check')
    if a.retidy:
        for n in names:
            path = NBS/f'{n}.ipynb'; nb = json.loads(path.read_text())
            for c in nb['cells']:
                if c['cell_type'] == 'code': c['outputs'] = tidy(c.get('outputs', []))
            path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')
            subprocess.run(['nbdev_clean', '--fname', str(path)], cwd=ROOT, check=True)
        return 0
    if a.check:
        bad = check(names)
        for b in bad: print(b)
        print(f'{len(names) - len({b.split(":")[0] for b in bad})} of {len(names)} notebooks hold current outputs')
        return 1 if bad else 0
    for n in names: print(f'{n}: {run(n, a.profile):.0f} s', flush=True)
    return 0

if __name__ == '__main__': sys.exit(main())
