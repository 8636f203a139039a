"""Every family of the tiny zoo (ftlab.models.TINY_ARCHS) through the kit, the source of the supported-models table.

    python bench/families.py            # about 2 minutes on 2 cores; writes bench/results/families.json
    python tools/families.py            # then renders the table into nbs/index.ipynb (so the README) and nbs/02_models.ipynb

Per family, on a random tiny model with the default tokenizer:
- every registered method trains it for 2 steps through `ftlab.train` (finite losses, something trainable), or is refused as
  `ftlab.methods.FAMILY_LIMITS` declares;
- LoRA through the shell (`ftlab train --model FOLDER --method lora`), then `ftlab export RUN --gguf F --quant f32`;
- llama.cpp's logits of that file against the merged run's in transformers (largest difference over the logits' standard
  deviation, on 16 random tokens), and whether llama.cpp tokenizes the probe texts into the same ids as transformers;
- the family's chat template (data/chat_templates) read into an Ollama Modelfile (`ftlab.export.modelfile`, which keeps a
  reading only if it re-renders the template) and its stop strings.
The suite re-checks all of it on every run: 04_methods (the matrix), tests/test_families.py (train, export, llama.cpp) and
tests/test_chat_templates.py (the Modelfile's Go TEMPLATE against Jinja).
"""
import json, math, sys, tempfile, time, warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT/'bench'))
from _common import provenance   # bench/_common.py

TEMPLATES = {'llama': 'llama3', 'mistral': 'mistral', 'qwen2': 'qwen2_5', 'qwen3': 'qwen3', 'gemma2': 'gemma2', 'phi3': 'phi3', 'gpt2': None}  # what the family's instruct models ship
PROBES = ['What is a volcano?', "It's 42, de gozaru.\n\n  Next:", 'x=7*8; y = 56']
TOL = 1e-2

def family(arch:str, tok, ds, work:Path) -> dict:
    from ftlab.cli import main
    from ftlab.models import tiny_model
    from ftlab.methods import METHODS, FAMILY_LIMITS
    from ftlab.train import train, TrainConfig, load_run
    from ftlab.export import gguf_agreement, modelfile, parse_modelfile, template_tokenizer, ARCHITECTURES
    t0 = time.perf_counter()
    m, _ = tiny_model(arch=arch, tokenizer=tok)
    cfg = m.config
    methods = {}
    for name in sorted(METHODS):
        if (name, cfg.model_type) in FAMILY_LIMITS: methods[name] = 'refused'; continue
        r = train(tiny_model(arch=arch, tokenizer=tok)[0], ds, name, cfg=TrainConfig(steps=2, batch_size=4, lr=1e-2), tok=tok, out_dir=False, progress=False)
        methods[name] = 'trains' if all(math.isfinite(x) for x in r.losses) and r.metrics['trainable'] > 0 else 'failed'
    base, run, out = work/arch/'base', work/arch/'run', work/arch/'m.gguf'
    m.save_pretrained(base); tok.save_pretrained(base)
    assert main(['train', '--model', str(base), '--method', 'lora', '--profile', 'ci', '--steps', '2', '--batch-size', '4', '--lr', '1e-2', '--no-eval', '--out', str(run)]) == 0
    assert main(['export', str(run), '--gguf', str(out), '--quant', 'f32']) == 0
    pm, run_tok, _ = load_run(run)
    merged = pm.merge_and_unload().eval()
    agree = gguf_agreement(merged, run_tok, out, PROBES)
    row = {'config_class': type(cfg).__name__, 'model_type': cfg.model_type, 'methods': methods,
           'gguf': {'arch': ARCHITECTURES[type(merged).__name__], 'error': agree['error'], 'probes_tokenized_alike': f"{agree['probes_alike']}/{len(PROBES)}"}}
    if TEMPLATES[arch]:
        cmds = parse_modelfile(modelfile('m.gguf', template_tokenizer(ROOT/'data'/'chat_templates'/f'{TEMPLATES[arch]}.jinja', tok)))
        row['chat_template'] = {'file': f'{TEMPLATES[arch]}.jinja', 'stop': [a.split(' ', 1)[1] for c, a in cmds if c == 'PARAMETER' and a.startswith('stop ')],
                                'system_turn': any(c == 'TEMPLATE' and '.System' in a for c, a in cmds)}
    else: row['chat_template'] = None
    row['seconds'] = round(time.perf_counter() - t0, 1)
    return row

def main():
    from ftlab.models import load_tokenizer, TINY_ARCHS
    from ftlab.data import load_data
    from ftlab.core import data_dir
    from ftlab.eval import table
    from ftlab.methods import load_methods
    load_methods()   # every method module registers itself
    warnings.simplefilter('ignore')
    tok = load_tokenizer()
    ds = load_data(data_dir()/'style'/'train.jsonl', tok, max_len=160, n=8)
    work = Path(tempfile.mkdtemp(prefix='ftlab-families-'))
    fams = {a: family(a, tok, ds, work) for a in TINY_ARCHS}
    print(table([{'family': a, 'methods': f"{sum(v == 'trains' for v in r['methods'].values())}/{len(r['methods'])}",
                  'refused': ', '.join(n for n, v in r['methods'].items() if v == 'refused') or '-',
                  'failed': ', '.join(n for n, v in r['methods'].items() if v == 'failed') or '-',
                  'GGUF arch': r['gguf']['arch'], 'llama.cpp error': f"{r['gguf']['error']:.1e}", 'probes': r['gguf']['probes_tokenized_alike'],
                  'template': (r['chat_template'] or {}).get('file', '-'), 'stop': ' '.join((r['chat_template'] or {}).get('stop', [])) or '-', 's': r['seconds']}
                 for a, r in fams.items()], width=220))
    bad = [a for a, r in fams.items() if 'failed' in r['methods'].values() or r['gguf']['error'] >= TOL]
    res = {'command': 'python bench/families.py', **provenance(), 'tolerance': TOL,
           'tolerance_why': "largest |logit difference| over the logits' standard deviation; an F32 file lands near 1e-3 (F32 rounding through another kernel library), a wrong rotary layout or norm at 5e-2 and above (18_gguf)",
           'probes': PROBES, 'families': fams}
    out = ROOT/'bench'/'results'/'families.json'
    out.write_text(json.dumps(res, indent=1, ensure_ascii=False) + '\n')
    print(f'wrote {out}' + (f'; FAILED: {bad}' if bad else ''))
    return 1 if bad else 0

if __name__ == '__main__': sys.exit(main())
