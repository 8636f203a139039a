"""Estimated against measured peak training memory (ftlab.env.estimate_memory vs measure_peak); prints a table, writes JSON.

    python bench/memory_check.py                                  # full, LoRA, QLoRA at 4x128 and 8x128 on this machine
    python bench/memory_check.py --shapes 8x256 16x512 --tol 0.15 # on a GPU: the estimate within 15%
    python bench/memory_check.py --model some/folder              # a folder with only config.json + tokenizer: random weights, same memory

Each measurement is two training steps through ftlab.train in a fresh process (random tokens of a fixed length, loss on the
second half): on a GPU the peak of torch.cuda.max_memory_allocated (compared with the estimate less its CUDA-context term),
on a CPU the peak resident memory less what the process held before loading the model. Exit status 1 if any ratio is
outside 1 +- tol (default 0.25 on a CPU, 0.15 on a GPU). Writes bench/results/memory_check_<device>.json.
"""
import argparse, json, platform, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--methods', nargs='*', default=['full', 'lora', 'qlora'])
    ap.add_argument('--shapes', nargs='*', default=['4x128', '8x128'], help='BATCHxSEQ_LEN')
    ap.add_argument('--model', default='default')
    ap.add_argument('--tol', type=float, help='allowed |estimate/measured - 1| (default 0.25 CPU, 0.15 GPU)')
    ap.add_argument('--out', help='JSON path (default bench/results/memory_check_<device>.json)')
    a = ap.parse_args(argv)
    import torch
    from ftlab.core import autocast_dtype, versions
    from ftlab.env import estimate_memory, measure_peak, estimate_ratio, model_shape, bnb_matmul_check
    from transformers import AutoConfig
    from ftlab.models import resolve_model
    cfg = AutoConfig.from_pretrained(a.model if Path(a.model).is_dir() else resolve_model(a.model))
    dev = 'cuda' if torch.cuda.is_available() else 'cpu'
    tol = a.tol if a.tol is not None else (0.15 if dev == 'cuda' else 0.25)
    cdt = {torch.bfloat16: 'bf16', torch.float16: 'fp16'}.get(autocast_dtype(dev))
    methods = [m for m in a.methods if m != 'qlora' or bnb_matmul_check(dev)[0]]
    if len(methods) < len(a.methods): print('bitsandbytes cannot run here: qlora skipped')
    rows = []
    for shape in a.shapes:
        b, s = map(int, shape.split('x'))
        for m in methods:
            meas = measure_peak(m, s, b, a.model)
            est = estimate_memory(cfg, m, s, b, compute_dtype=cdt, device=meas['device'])
            r = estimate_ratio(est, meas)
            rows.append({'method': m, 'batch': b, 'seq_len': s, 'estimate_mib': round(est['total'], 1), 'measured_mib': round(meas['peak_mib'], 1),
                         'ratio': round(r, 3), 'ok': abs(r - 1) <= tol, 'measured_as': meas['kind'], 's_per_step': round(meas['s_per_step'], 2),
                         'parts_mib': {k: round(v, 1) for k, v in est.items() if k != 'total'}})
            x = rows[-1]; print(f"{m:6} {b:3}x{s:<5} estimate {x['estimate_mib']:9.0f} MiB  measured {x['measured_mib']:9.0f} MiB  ratio {r:5.2f}  {'ok' if x['ok'] else 'OUT'}", flush=True)
    print('\n| method | batch x seq | estimate MiB | measured MiB | ratio |\n|---|---|---|---|---|\n' +
          '\n'.join(f"| {r['method']} | {r['batch']}x{r['seq_len']} | {r['estimate_mib']:.0f} | {r['measured_mib']:.0f} | {r['ratio']:.2f} |" for r in rows))
    name = torch.cuda.get_device_name(0) if dev == 'cuda' else platform.processor() or platform.machine()
    out = {'device': dev, 'device_name': name, 'tolerance': tol, 'model': a.model, 'compute_dtype': cdt, 'shape': model_shape(cfg),
           'when': time.strftime('%Y-%m-%d %H:%M:%S'), 'versions': versions(), 'rows': rows}
    p = Path(a.out or ROOT/'bench'/'results'/f'memory_check_{dev}.json'); p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps(out, indent=2)); print(f'wrote {p}')
    return 0 if all(r['ok'] for r in rows) else 1

if __name__ == '__main__': sys.exit(main())
