#!/usr/bin/env python
"""One GPU check of the kit: every concept notebook with its `#| cuda` cells, then the GPU bench, on one GPU in about 10 minutes.

    python tools/gpu_check.py                  # on a CUDA machine: writes bench/results/gpu_notebooks.json
    python tools/gpu_check.py --dry-run        # anywhere: the plan; fails if a concept notebook (10-20) has no cuda cell
    python tools/gpu_check.py --only 11_lora   # a subset of the notebooks (--no-bench: skip the bench)
    python tools/gpu_check.py --cells-only     # only each notebook's imports, exported cells and cuda cells (minutes, not the whole notebooks)

Each notebook runs whole under `nbdev_test --flags cuda`: its ordinary cells in the `ci` profile (as CI runs them, but on the
GPU), its cuda cells in the `gpu` profile for the profile's `probe_steps` (`ftlab.jobs.measure`). `--jobs` notebooks (4) share the
GPU at a time. Then `bench/gpu_train.py` (the fair plain-PEFT baselines against ftlab's recipe, and `--user-path`: `ftlab train`
against plain PEFT on the style task), each within its share of `--bench-s`. The JSON holds, per notebook, pass or fail, seconds
and the tail of a failure, with the commit, date, GPU and versions.
"""
import argparse, json, os, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NBS, OUT = ROOT/'nbs', ROOT/'bench'/'results'/'gpu_notebooks.json'
CONCEPT = [f'{n}_' for n in range(10, 21)]   # the concept notebooks, 10-20: each must have a cuda cell

def is_cuda(cell:dict) -> bool: return cell['cell_type'] == 'code' and ''.join(cell['source']).startswith('#| cuda')

def cuda_cells(path:Path) -> int:
    "How many code cells of the notebook carry the `#| cuda` flag (on their first line, as every cuda cell in nbs/ does)."
    return sum(map(is_cuda, json.loads(path.read_text(encoding='utf-8'))['cells']))

def plan(only=None) -> list[dict]:
    "The notebooks to run: every one with a cuda cell, each concept notebook included (with 0 when it lacks one)."
    rows = []
    for p in sorted(NBS.glob('*.ipynb')):
        n, concept = cuda_cells(p), p.stem.startswith(tuple(CONCEPT))
        if (n or concept) and (not only or p.stem in only): rows.append({'notebook': p.stem, 'cuda_cells': n, 'concept': concept})
    return rows

def setup_only(cell:dict) -> bool:
    "A cell a cuda cell may rely on: imports only, or an exported cell (the notebook's definitions)."
    lines = [l.strip() for l in ''.join(cell['source']).splitlines() if l.strip()]
    return bool(lines) and (lines[0].startswith('#| export') or all(l.startswith(('import ', 'from ', '#')) for l in lines))

def cells_only(name:str, folder:Path) -> Path:
    "A copy of the notebook holding only its imports, exported cells and cuda cells (the cuda cells are written to need no more)."
    nb = json.loads((NBS/f'{name}.ipynb').read_text(encoding='utf-8'))
    nb['cells'] = [c for c in nb['cells'] if c['cell_type'] == 'code' and (setup_only(c) or is_cuda(c))]
    folder.mkdir(parents=True, exist_ok=True); (folder/f'{name}.ipynb').write_text(json.dumps(nb), encoding='utf-8')
    return folder/f'{name}.ipynb'

def nb_cmd(name:str, path:Path|None=None) -> list[str]:
    return ['nbdev_test', '--path', str(path or NBS/f'{name}.ipynb'), '--flags', 'cuda', '--n_workers', '1', '--do_print']

def bench_cmds(seconds:float) -> list[list[str]]:
    py, b = sys.executable, str(ROOT/'bench'/'gpu_train.py')
    return [[py, b, '--budget-s', str(round(seconds * 0.6)), '--out', str(ROOT/'bench'/'results'/'gpu_train'/f"check-{time.strftime('%Y%m%d-%H%M')}.json")],
            [py, b, '--user-path', '--out', str(ROOT/'bench'/'results'/'gpu_train'/f"user-path-{time.strftime('%Y%m%d-%H%M')}.json")]]

def run(cmd:list[str], timeout:float, env:dict) -> dict:
    t0 = time.time()
    try:
        r = subprocess.run(cmd, cwd=ROOT/'nbs', env=env, capture_output=True, text=True, timeout=timeout)
        ok, tail = r.returncode == 0, (r.stdout + r.stderr)[-3000:]
    except subprocess.TimeoutExpired as e: ok, tail = False, f'timed out after {timeout:.0f} s: ' + str(e.stdout or '')[-2000:]
    return {'ok': ok, 'seconds': round(time.time() - t0, 1), 'tail': '' if ok else tail}

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--dry-run', action='store_true', help='print the plan and check every concept notebook has a cuda cell; run nothing')
    ap.add_argument('--only', nargs='*', help='notebook names')
    ap.add_argument('--jobs', type=int, default=4, help='notebooks at a time on the GPU')
    ap.add_argument('--timeout', type=float, default=420, help='seconds a notebook may take')
    ap.add_argument('--bench-s', type=float, default=150, help='seconds for bench/gpu_train.py (0: skip it)')
    ap.add_argument('--no-bench', action='store_true')
    ap.add_argument('--cells-only', action='store_true', help="run each notebook's imports, exported cells and cuda cells only (not its CPU lesson on the GPU)")
    ap.add_argument('--out', default=str(OUT))
    ap.add_argument('--wheels', default=str(ROOT/'.devdata'/'wheels'), help="wheels to pip install --no-deps first where the GPU machine is offline (liger-kernel: pip download liger-kernel==0.8.5 --no-deps -d .devdata/wheels here, then carry .devdata)")
    a = ap.parse_args(argv)
    rows = plan(a.only)
    missing = [r['notebook'] for r in rows if r['concept'] and not r['cuda_cells']]
    import tempfile
    work = Path(tempfile.mkdtemp(prefix='ftlab-gpu-cells-'))
    path = lambda n: cells_only(n, work) if a.cells_only else None
    for r in rows: print(f"{r['notebook']:22s} {r['cuda_cells']} cuda cell(s)   {' '.join(nb_cmd(r['notebook'], path(r['notebook'])))}")
    benches = [] if (a.no_bench or not a.bench_s) else bench_cmds(a.bench_s)
    for c in benches: print('bench:', ' '.join(c))
    if missing: print(f"concept notebooks without a cuda cell: {', '.join(missing)}. Fix: add a `#| cuda` cell that runs the notebook's experiment in the gpu profile"); return 1
    if a.dry_run: print(f'dry run: {len(rows)} notebooks, {sum(r["cuda_cells"] for r in rows)} cuda cells, {len(benches)} bench commands'); return 0
    import torch
    if not torch.cuda.is_available(): print('no CUDA device here: run this on a GPU machine (or --dry-run)'); return 2
    wheels = sorted(Path(a.wheels).glob('*.whl'))
    if wheels: subprocess.run([sys.executable, '-m', 'pip', 'install', '-q', '--no-deps', *map(str, wheels)], check=False)
    sys.path.insert(0, str(ROOT/'bench'))
    from _common import provenance
    env = {**os.environ, 'FTLAB_PROFILE': 'ci', 'PYTHONPATH': os.pathsep.join([str(ROOT), os.environ.get('PYTHONPATH', '')])}
    t0 = time.time()
    with ThreadPoolExecutor(a.jobs) as ex:
        done = list(ex.map(lambda r: {**r, 'cells_only': a.cells_only, **run(nb_cmd(r['notebook'], path(r['notebook'])), a.timeout, env)}, rows))
    bench = [{'cmd': ' '.join(c[1:]), **run(c, a.bench_s, env)} for c in benches]
    res = {**provenance(), 'gpu': torch.cuda.get_device_name(0), 'gpus': torch.cuda.device_count(), 'notebooks': done, 'bench': bench,
           'seconds': round(time.time() - t0, 1), 'all_passed': all(r['ok'] for r in done)}
    Path(a.out).parent.mkdir(parents=True, exist_ok=True); Path(a.out).write_text(json.dumps(res, indent=1) + '\n')
    print('\n| notebook | cuda cells | result | seconds |\n|---|---|---|---|')
    for r in done: print(f"| {r['notebook']} | {r['cuda_cells']} | {'pass' if r['ok'] else 'FAIL'} | {r['seconds']} |")
    for b in bench: print(f"| bench {b['cmd'][:60]} | - | {'pass' if b['ok'] else 'FAIL'} | {b['seconds']} |")
    for r in done + bench:
        if not r['ok']: print(f"\n--- {r.get('notebook') or r['cmd']}\n{r['tail']}")
    print(f"wrote {a.out}: {sum(r['ok'] for r in done)} of {len(done)} notebooks passed in {res['seconds']:.0f} s")
    return 0 if res['all_passed'] and all(b['ok'] for b in bench) else 1

if __name__ == '__main__': sys.exit(main())
