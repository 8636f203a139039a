"""Time ftlab's GGUF export of the default model (135M): our F16 writer, then llama.cpp's Q4_K_M quantizer; print a table, write JSON.

    flock /tmp/ftlab-cpu.lock python bench/gguf_export.py            # the default model
    python bench/gguf_export.py --threads 2 --runs 3

Target (issue 8): export + Q4_K_M quantize at most 60 s on 2 CPU cores. Writes bench/results/gguf_export.json.
"""
import argparse, json, os, platform, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--model', default='default', help="'default' or a transformers model folder")
    ap.add_argument('--threads', type=int, default=2, help='quantizer threads (the target is for 2 cores)')
    ap.add_argument('--runs', type=int, default=2)
    ap.add_argument('--out', default=str(ROOT/'bench'/'results'/'gguf_export.json'))
    a = ap.parse_args(argv)
    from ftlab.models import resolve_model
    from ftlab.export import write_gguf, quantize
    from ftlab.core import versions
    src = Path(resolve_model(a.model))
    rows = []
    for i in range(a.runs):
        with tempfile.TemporaryDirectory() as d:
            t0 = time.perf_counter(); f16 = write_gguf(src, Path(d)/'m.f16.gguf', 'f16'); t1 = time.perf_counter()
            q4 = quantize(f16, Path(d)/'m.q4_k_m.gguf', 'q4_k_m', threads=a.threads); t2 = time.perf_counter()
            rows.append({'run': i + 1, 'write_f16_s': round(t1 - t0, 2), 'quantize_q4_k_m_s': round(t2 - t1, 2), 'total_s': round(t2 - t0, 2),
                         'f16_mib': round(f16.stat().st_size / 2**20, 1), 'q4_k_m_mib': round(q4.stat().st_size / 2**20, 1),
                         'ratio': round(q4.stat().st_size / f16.stat().st_size, 3)})
    cols = list(rows[0])
    print(' | '.join(f'{c:>17}' for c in cols))
    for r in rows: print(' | '.join(f'{r[c]:>17}' for c in cols))
    worst = max(r['total_s'] for r in rows)
    print(f"worst total {worst:.1f} s (target <= 60 s on 2 cores): {'met' if worst <= 60 else 'NOT met'}")
    out = {'model': str(src), 'threads': a.threads, 'cpu_count': os.cpu_count(), 'machine': platform.processor() or platform.machine(),
           'versions': {k: v for k, v in versions().items() if k in ('python', 'torch', 'transformers', 'llama_cpp')},
           'rows': rows, 'worst_total_s': worst, 'target_met': worst <= 60, 'date': time.strftime('%Y-%m-%d %H:%M')}
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(out, indent=2) + '\n')
    print(f'wrote {a.out}')
    return 0 if worst <= 60 else 1

if __name__ == '__main__': raise SystemExit(main())
