"""Time each notebook and the CLI's main job in a profile (default ci), print a table, write JSON.

    python bench/cpu_lab.py                      # every notebook + `ftlab train --method lora`
    python bench/cpu_lab.py --only 04_train      # one notebook
    python bench/cpu_lab.py --no-main            # notebooks only

Runs one thing at a time (two trainings on 2 cores thrash). Writes bench/results/cpu_lab.json.
"""
import argparse, json, os, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from _common import provenance   # bench/_common.py

def run(cmd, env):
    t = time.perf_counter()
    r = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    return time.perf_counter() - t, r

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--profile', default='ci'); ap.add_argument('--only', nargs='*'); ap.add_argument('--no-main', action='store_true')
    ap.add_argument('--out', default=str(ROOT/'bench'/'results'/'cpu_lab.json'))
    a = ap.parse_args(argv)
    env = {**os.environ, 'FTLAB_PROFILE': a.profile, 'OMP_WAIT_POLICY': 'PASSIVE'}
    rows = []
    nbs = sorted(p for p in (ROOT/'nbs').glob('*.ipynb') if not p.name.startswith('_'))
    if a.only: nbs = [p for p in nbs if any(o in p.name for o in a.only)]
    for nb in nbs:
        secs, r = run(['nbdev_test', '--path', str(nb), '--n_workers', '1'], env)
        rows.append({'what': f'notebook {nb.stem}', 'seconds': round(secs, 1), 'ok': r.returncode == 0})
        print(f"{rows[-1]['what']:<32} {secs:7.1f}s {'ok' if r.returncode == 0 else 'FAILED'}", flush=True)
    if not a.no_main:
        with tempfile.TemporaryDirectory() as runs:
            secs, r = run(['ftlab', 'train', '--method', 'lora'], {**env, 'FTLAB_RUNS': runs})
            ev = {}
            for p in Path(runs).glob('*/eval.json'): ev = json.loads(p.read_text())
        row = {'what': 'ftlab train --method lora', 'seconds': round(secs, 1), 'ok': r.returncode == 0}
        if ev: row.update(style_before=ev.get('before'), style_after=ev.get('after'), content_f1=ev.get('content_f1'),
                          train_s=round(ev['train']['train_time_s'], 1), tokens_per_s=round(ev['train']['tokens_per_s']),
                          peak_mem_mb=round(ev['train']['peak_mem_mb']))
        rows.append(row); print(row, flush=True)
    print('\n| what | seconds | ok |\n|---|---|---|\n' + '\n'.join(f"| {r['what']} | {r['seconds']} | {r['ok']} |" for r in rows))
    out = {'profile': a.profile, **provenance(), 'rows': rows}
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(out, indent=2))
    print(f'wrote {a.out}')
    return 0 if all(r['ok'] for r in rows) else 1

if __name__ == '__main__': sys.exit(main())
