"""Measure the source article's claim "LoRA is good at style and weak at new knowledge" on the default model.

    python bench/style_vs_knowledge.py                    # cpu profile, 48 steps an arm: about 20 minutes on 2 cores
    python bench/style_vs_knowledge.py --steps 120        # longer trainings
    python bench/style_vs_knowledge.py --profile gpu      # gpu batch size and learning rates

Four arms (base model, LoRA on style, LoRA on knowledge, full fine-tuning on knowledge), each a fresh model trained
through ftlab.train and scored on the held-out style questions (style_rate) and the paraphrased held-out knowledge
questions (fact_accuracy); see `style_vs_knowledge` in nbs/11_lora.ipynb. Each arm holds an flock on --lock while it
runs, so other jobs sharing the machine interleave between arms. Prints the table, writes bench/results/style_vs_knowledge.json.
"""
import argparse, json, os, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from _common import locked, provenance   # bench/_common.py

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--profile', default='cpu', help='batch size, max_len and learning rates (default: cpu)')
    ap.add_argument('--steps', type=int, default=48, help='optimizer steps per trained arm (default: 48)')
    ap.add_argument('--n-eval', type=int, default=None, help='prompts per evaluation set (default: all)')
    ap.add_argument('--arms', nargs='*', help='a subset of the arms (default: all four)')
    ap.add_argument('--lock', default='/tmp/ftlab-cpu.lock', help="flock held by each arm ('' for none)")
    ap.add_argument('--out', default=str(ROOT/'bench'/'results'/'style_vs_knowledge.json'))
    a = ap.parse_args(argv)
    os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
    from ftlab.core import get_profile, set_threads
    from ftlab.models import DEFAULT_MODEL, resolve_model
    from ftlab.compare import SVK_ARMS, style_vs_knowledge, svk_table
    set_threads()
    prof = get_profile(a.profile)
    kw = dict(profile=prof, steps=a.steps, n_eval=a.n_eval)
    rows, t0 = [], time.time()
    def write():  # after every arm, so an interrupted run keeps what it measured
        out = {'claim': 'LoRA is good at style and weak at new knowledge', 'model': Path(resolve_model(DEFAULT_MODEL)).name,
               'profile': prof.name, 'steps': a.steps, 'batch_size': prof.batch_size, 'n_eval': a.n_eval, 'seconds': round(time.time() - t0), 'busy_seconds': sum(r['arm_s'] for r in rows),
               **provenance(), 'command': 'python bench/style_vs_knowledge.py ' + ' '.join(argv if argv is not None else sys.argv[1:]),
               'rows': rows}
        Path(a.out).parent.mkdir(parents=True, exist_ok=True)
        Path(a.out).write_text(json.dumps(out, indent=1, ensure_ascii=False, default=str) + '\n')
        return out
    for arm in a.arms or list(SVK_ARMS):
        with locked(a.lock):
            t = time.time(); rows += style_vs_knowledge([arm], **kw); rows[-1]['arm_s'] = round(time.time() - t)  # load, train, evaluate
        out = write()
    print('\n' + svk_table(rows))
    print(f"wrote {a.out} ({out['busy_seconds']} s of work, {out['seconds']} s with waits for the lock)")
    return 0

if __name__ == '__main__': sys.exit(main())
