"""Every registered fine-tuning method on the default model, one budget: the table of nbs/19_compare.ipynb.

    python bench/compare.py                                   # cpu profile, 16 steps of 4, 24 held-out prompts: about 15 minutes on 2 cores
    python bench/compare.py --methods reft,ia3                # add (or redo) these methods' rows in the committed table
    python bench/compare.py --profile gpu --steps 200         # a GPU budget (writes a new table: the budget differs)
    python bench/compare.py --profile gpu --steps 400 --batch-size 16 --seeds 0,1,2 --curve-every 50 --out bench/results/compare_gpu
                                                              # the GPU table 19_compare shows: 3 seeds, held-out loss every 50 steps
    python bench/compare.py --task knowledge                  # fact accuracy on the FAQ instead of the style rate

The base model is scored once, then each method trains a fresh model through ftlab.train (ftlab.compare.run_method) and is
scored on the held-out split. Each method holds an flock on --lock while it runs, so jobs sharing the machine interleave.
The table is rewritten after every method (an interrupted run keeps what it measured); rows of an earlier run with the same
budget are kept unless rerun. Prints the table; writes compare.json, compare.csv and compare.png under --out.
With --seeds, each seed's table goes to --out/seed<N>/ and --out/summary.json holds, per method, the mean and spread over the
seeds of the metric and the held-out loss, and the mean learning curve (--curve-every: the held-out loss every N steps).
"""
import argparse, json, os, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from _common import locked, provenance   # bench/_common.py

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--profile', default='cpu', help='batch size, max_len and learning rates (default: cpu)')
    ap.add_argument('--steps', type=int, default=16, help='optimizer steps per method (default: 16)')
    ap.add_argument('--batch-size', type=int, default=4, help='examples per step (default: 4)')
    ap.add_argument('--n-train', type=int, default=None, help="training examples (default: the profile's)")
    ap.add_argument('--n-eval', type=int, default=24, help='held-out prompts scored (default: 24)')
    ap.add_argument('--max-new-tokens', type=int, default=48, help='tokens generated per answer (default: 48)')
    ap.add_argument('--methods', help='comma-separated method names (default: every registered method)')
    ap.add_argument('--model', default='default', help="'default' (SmolLM2-135M-Instruct), 'tiny', a folder or a hub id")
    ap.add_argument('--task', default='style', help='style or knowledge (default: style)')
    ap.add_argument('--lock', default='/tmp/ftlab-cpu.lock', help="flock held by each method ('' for none)")
    ap.add_argument('--seed', type=int, default=0, help='the seed every method trains with')
    ap.add_argument('--out', default=str(ROOT/'bench'/'results'/'compare'), help='folder for compare.json/.csv/.png')
    ap.add_argument('--seeds', help='comma-separated seeds: one table each under --out/seed<N>, and --out/summary.json over them')
    ap.add_argument('--curve-every', type=int, help='held-out loss every N steps while training (a learning curve per method)')
    a = ap.parse_args(argv)
    if a.seeds:
        outs, rest = [], without(argv if argv is not None else sys.argv[1:], '--seeds', '--out', '--seed')
        for sd in a.seeds.split(','):
            main([*rest, '--seed', sd, '--out', str(Path(a.out)/f'seed{sd}')]); outs.append(Path(a.out)/f'seed{sd}'/'compare.json')
        summary = summarize([json.loads(p.read_text()) for p in outs])
        (Path(a.out)/'summary.json').write_text(json.dumps({**provenance(), 'seeds': a.seeds, 'methods': summary}, indent=1) + '\n')
        print(f"wrote {Path(a.out)/'summary.json'}: {len(summary)} methods over seeds {a.seeds}")
        return 0
    os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
    from ftlab.core import set_threads
    from ftlab.methods import load_methods
    from ftlab.compare import CompareConfig, compare, compare_table, save_results, plot_compare, orderings, budget, row_line
    set_threads()
    cc = CompareConfig(a.model, a.task, a.profile, a.steps, a.batch_size, a.n_train, a.n_eval, a.max_new_tokens, seed=a.seed, curve_every=a.curve_every)
    names = a.methods.split(',') if a.methods else sorted(load_methods())
    out = Path(a.out); old = out/'compare.json'
    rows = []
    if old.exists():
        prev = json.loads(old.read_text())
        if prev.get('budget') == budget(cc): rows = prev['rows']
        else: print(f'{old}: another budget, so its rows are replaced')
    base = next((r for r in rows if r['method'] == 'base'), None)
    command = 'python bench/compare.py ' + ' '.join(argv if argv is not None else sys.argv[1:])
    t0 = time.time()
    for name in (['base'] if base is None else []) + names:
        with locked(a.lock):
            t = time.time()
            new = compare(cc, [] if name == 'base' else [name], include_base=name == 'base', base_answers=base and base['answers'], log=None)
        for r in new:
            r['bench_s'] = round(time.time() - t)
            rows = [x for x in rows if x['method'] != r['method']] + [r]
            print(row_line(r) if r['method'] != 'base' else f"base       held-out loss {r['heldout_loss']:.3f}", flush=True)
        base = next(r for r in rows if r['method'] == 'base')
        rows = [base] + sorted((r for r in rows if r['method'] != 'base'), key=lambda r: r['method'])
        save_results(rows, out, cc, {**provenance(), 'command': command})
    plot_compare(rows, out/'compare.png', f"{cc.model}: {a.steps} steps of {a.batch_size}, {a.task}")
    print('\n' + compare_table(rows))
    for c in orderings(rows): print(f"{'ok  ' if c['holds'] else 'FAIL'} {c['rule']}: {c['a']:,.1f} vs {c['b']:,.1f}")
    print(f'wrote {out}/compare.json, compare.csv, compare.png ({round(time.time() - t0)} s with waits for the lock)')
    return 0

def without(args:list, *flags) -> list:
    "`args` less each of `flags` and the value after it."
    out, skip = [], False
    for x in args:
        if skip: skip = False
        elif x in flags: skip = True
        else: out.append(x)
    return out

def summarize(tables:list[dict]) -> dict:
    "Per method over the seeds' tables: mean and spread (max - min) of the metric and of the held-out loss, and the mean learning curve."
    out = {}
    for name in [r['method'] for r in tables[0]['rows']]:
        rs = [r for t in tables for r in t['rows'] if r['method'] == name and not r.get('error')]
        if not rs: out[name] = {'error': next((r['error'] for t in tables for r in t['rows'] if r['method'] == name), None)}; continue
        key = 'style_rate' if 'style_rate' in rs[0] else 'fact_accuracy'
        stat = lambda k: {'mean': sum(r[k] for r in rs) / len(rs), 'spread': max(r[k] for r in rs) - min(r[k] for r in rs)} if all(r.get(k) is not None for r in rs) else None
        curves = [r['curve_losses'] for r in rs if r.get('curve_losses')]
        out[name] = {'seeds': len(rs), key: stat(key), 'heldout_loss': stat('heldout_loss'), 'tokens_per_s': stat('tokens_per_s'),
                     'curve_steps': rs[0].get('curve_steps'), 'curve_losses': [sum(c) / len(c) for c in zip(*curves)] if curves else None}
    return out

if __name__ == '__main__': sys.exit(main())
