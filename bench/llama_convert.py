"""Convert the default model with llama.cpp's own convert_hf_to_gguf.py and with ftlab's writer (F16 both), and compare.

    python bench/llama_convert.py                        # gets the script from llama-cpp-python's sdist (downloaded once)
    python bench/llama_convert.py --llama-src DIR        # or from a llama.cpp checkout

The script comes from PyPI's source distribution of the installed llama-cpp-python (vendor/llama.cpp: the script, its
conversion/ package and the gguf-py it expects), cached under ftlab.core.cache_dir()/'llama_cpp_src'; it runs in a
subprocess with that gguf-py first on PYTHONPATH, so the installed gguf package is untouched. Measures, with the installed
gguf.GGUFReader: tensor names only in one file, each common tensor's shape, type and max |difference| (float32), layer 0's
Q/K against the HF weights raw and permuted (which layout both chose); metadata keys only in one file and keys whose values
differ. Then, in llama.cpp on teacher-forced held-out prompts: each file's top-1 agreement and max logit difference
against transformers, and the two files against each other. Prints a table, writes bench/results/llama_convert.json.
"""
import argparse, importlib.util, json, os, subprocess, sys, tarfile, tempfile, time
from pathlib import Path
import numpy as np

ROOT = Path(__file__).resolve().parents[1]

from _common import provenance   # bench/_common.py

PROBES = ['Call 555-0199 or  42', 'x\n\n7x8=56', 'I have  3 cats, 12 dogs.']   # whitespace runs before digits: where 'smollm' and 'gpt-2' split differently
KEEP = ('convert_hf_to_gguf.py', 'conversion/', 'gguf-py/', 'requirements/', 'requirements.txt')   # what the script imports or names

def llama_src(version:str) -> Path:
    "vendor/llama.cpp of llama-cpp-python==version's sdist (only KEEP), downloaded and extracted once into the cache."
    from ftlab.core import cache_dir
    cache = cache_dir()/'llama_cpp_src'; dest = cache/f'llama.cpp-{version}'
    if (dest/'convert_hf_to_gguf.py').exists(): return dest
    sdist = cache/f'llama_cpp_python-{version}.tar.gz'
    if not sdist.exists():
        subprocess.run([sys.executable, '-m', 'pip', 'download', '-q', '--no-binary', ':all:', '--no-deps', f'llama-cpp-python=={version}', '-d', str(cache)], check=True)
    pre = f'llama_cpp_python-{version}/vendor/llama.cpp/'
    tmp = Path(tempfile.mkdtemp(dir=cache))
    with tarfile.open(sdist) as t:
        ms = [m for m in t.getmembers() if m.name.startswith(pre) and m.name[len(pre):].startswith(KEEP)]
        for m in ms: m.name = m.name[len(pre):]
        t.extractall(tmp, members=ms, filter='data')
    os.replace(tmp, dest)
    return dest

def convert(src:Path, folder:Path, out:Path) -> list[str]:
    "Run src's convert_hf_to_gguf.py on folder (F16, its gguf-py first on the path); the missing packages stubbed."
    stubbed, paths = [], [str(src/'gguf-py')]
    if importlib.util.find_spec('sentencepiece') is None:   # imported before it looks for tokenizer.model, used only for one
        stub = Path(tempfile.mkdtemp())/'sentencepiece'; stub.mkdir()
        (stub/'__init__.py').write_text("class SentencePieceProcessor:\n    def __init__(self, *a, **k): raise ImportError('sentencepiece stub: pip install sentencepiece')\n")
        paths.append(str(stub.parent)); stubbed.append('sentencepiece')
    env = {**os.environ, 'PYTHONPATH': os.pathsep.join(paths + [os.environ.get('PYTHONPATH', '')]).rstrip(os.pathsep)}
    p = subprocess.run([sys.executable, str(src/'convert_hf_to_gguf.py'), str(folder), '--outtype', 'f16', '--outfile', str(out)], env=env, capture_output=True, text=True)
    if p.returncode: sys.exit(f'convert_hf_to_gguf.py failed ({p.returncode}):\n' + p.stderr[-3000:])
    return stubbed

def short(v, n=80): s = repr(v); return s if len(s) <= n else s[:n] + '...'

def compare_meta(fa, fb) -> dict:
    "Keys only in one file, and keys in both whose values differ (arrays: lengths and the first differing items)."
    ka, kb = {k for k in fa if not k.startswith('GGUF.')}, {k for k in fb if not k.startswith('GGUF.')}
    diff = {}
    for k in sorted(ka & kb):
        va, vb = fa[k].contents(), fb[k].contents()
        if va == vb: continue
        if isinstance(va, list) and isinstance(vb, list):
            idx = [i for i in range(min(len(va), len(vb))) if va[i] != vb[i]]
            diff[k] = {'len': [len(va), len(vb)], 'n_differ': len(idx), 'examples': [[i, short(va[i]), short(vb[i])] for i in idx[:3]]}
        else: diff[k] = {'llama.cpp': short(va, 300), 'ftlab': short(vb, 300)}
    return {'only_llama_cpp': {k: short(fa[k].contents()) for k in sorted(ka - kb)}, 'only_ftlab': {k: short(fb[k].contents()) for k in sorted(kb - ka)}, 'differ': diff}

def compare_tensors(ra, rb) -> dict:
    ta, tb = {t.name: t for t in ra.tensors}, {t.name: t for t in rb.tensors}
    rows = {}
    for n in sorted(set(ta) & set(tb)):
        a, b = ta[n], tb[n]
        same = list(a.shape) == list(b.shape) and a.data.shape == b.data.shape
        d = float(np.abs(a.data.astype(np.float32) - b.data.astype(np.float32)).max()) if same else None
        rows[n] = {'shape': [[int(x) for x in a.shape], [int(x) for x in b.shape]], 'type': [a.tensor_type.name, b.tensor_type.name], 'max_abs_diff': d}
    differ = {n: r for n, r in rows.items() if r['max_abs_diff'] != 0 or r['type'][0] != r['type'][1] or r['shape'][0] != r['shape'][1]}
    return {'n': [len(ta), len(tb)], 'only_llama_cpp': sorted(set(ta) - set(tb)), 'only_ftlab': sorted(set(tb) - set(ta)),
            'common': len(rows), 'differ': differ, 'max_abs_diff': max((r['max_abs_diff'] or 0) for r in rows.values()), 'types': sorted({r['type'][0] for r in rows.values()})}

def qk_layout(folder:Path, ra, cfg:dict) -> dict:
    "llama.cpp's layer-0 Q/K against the HF weights as stored and after ftlab's permute_qk (0 there: both permute alike)."
    from safetensors import safe_open
    from ftlab.export import permute_qk
    ta, out = {t.name: t for t in ra.tensors}, {}
    with safe_open(next(iter(sorted(folder.glob('*.safetensors')))), 'pt') as st:
        for g, k, nh in (('q', 'q_proj', cfg['num_attention_heads']), ('k', 'k_proj', cfg['num_key_value_heads'])):
            w, lc = st.get_tensor(f'model.layers.0.self_attn.{k}.weight').half().float(), ta[f'blk.0.attn_{g}.weight'].data.astype(np.float32)
            out[f'attn_{g}'] = {'vs_hf_raw': float(np.abs(lc - w.numpy()).max()), 'vs_hf_permuted': float(np.abs(lc - permute_qk(w, nh).numpy()).max())}
    return out

def logits(files:dict, n_prompts:int, n_tokens:int, threads:int) -> dict:
    "Each file's agreement with transformers (ftlab.export.compare_gguf), then llama.cpp-file against ftlab-file on the same positions."
    from ftlab.models import load_model
    from ftlab.data import load_records
    from ftlab.export import teacher_forced, compare_gguf, open_gguf, gguf_logits
    model, tok = load_model('default'); model.eval()
    recs, _ = load_records(ROOT/'data'/'style'/'heldout.jsonl', n=n_prompts)
    seqs, hl = teacher_forced(model, tok, [r['input'] for r in recs], n_tokens=n_tokens)
    out = {k: compare_gguf(p, seqs, hl, threads=threads) for k, p in files.items()}
    la, lb = (open_gguf(p, n_ctx=max(len(s) for s, _ in seqs) + 8, threads=threads) for p in files.values())
    agree = total = 0; md = 0.
    for ids, n_prompt in seqs:
        a, b, sl = gguf_logits(la, ids), gguf_logits(lb, ids), slice(n_prompt - 1, len(ids) - 1)
        agree += int((a[sl].argmax(-1) == b[sl].argmax(-1)).sum()); total += sl.stop - sl.start; md = max(md, float(np.abs(a[sl] - b[sl]).max()))
    texts = [r['input'] for r in recs] + PROBES   # plain text, no template: does each file tokenize like transformers?
    hf = [tok(t, add_special_tokens=False)['input_ids'] for t in texts]
    out['tokenize_like_hf'] = {k: sum(l.tokenize(t.encode(), add_bos=False, special=False) == h for t, h in zip(texts, hf)) for k, l in zip(files, (la, lb))}
    out['tokenize_like_hf']['texts'] = len(texts); out['tokenize_like_hf']['probes'] = PROBES
    la.close(); lb.close()
    out['llama.cpp vs ftlab'] = dict(agreement=agree / total, positions=total, max_logit_diff=md)
    return out

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--llama-src', help="a llama.cpp checkout (default: llama-cpp-python's sdist, cached)")
    ap.add_argument('--prompts', type=int, default=8, help='held-out prompts (data/style/heldout.jsonl)')
    ap.add_argument('--tokens', type=int, default=32, help='greedy tokens per prompt, teacher-forced')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--out', default=str(ROOT/'bench'/'results'/'llama_convert.json'))
    a = ap.parse_args(argv)
    import gguf, llama_cpp
    from importlib.metadata import version
    from ftlab.models import default_model_dir
    from ftlab.export import write_gguf
    t0 = time.time(); folder = default_model_dir()
    src = Path(a.llama_src) if a.llama_src else llama_src(llama_cpp.__version__)
    with tempfile.TemporaryDirectory() as d:
        files = {'llama.cpp': Path(d)/'llama_cpp.f16.gguf', 'ftlab': Path(d)/'ftlab.f16.gguf'}
        t = time.time(); stubbed = convert(src, folder, files['llama.cpp']); t_lc = time.time() - t
        t = time.time(); write_gguf(folder, files['ftlab'], 'f16'); t_ft = time.time() - t
        ra, rb = gguf.GGUFReader(files['llama.cpp']), gguf.GGUFReader(files['ftlab'])
        tens, meta = compare_tensors(ra, rb), compare_meta(ra.fields, rb.fields)
        qk = qk_layout(folder, ra, json.loads((folder/'config.json').read_text()))
        del ra, rb   # release the memory maps before llama.cpp opens the files
        lg = logits({k: str(p) for k, p in files.items()}, a.prompts, a.tokens, a.threads)
    gpy = next((l.split('"')[1] for l in (src/'gguf-py'/'pyproject.toml').read_text().splitlines() if l.startswith('version')), None)
    print(f"{'':28} {'llama.cpp':>14} {'ftlab':>14}")
    print(f"{'convert time (s)':28} {t_lc:14.1f} {t_ft:14.1f}")
    print(f"{'tensors':28} {tens['n'][0]:14} {tens['n'][1]:14}")
    print(f"{'tensors only in this file':28} {len(tens['only_llama_cpp']):14} {len(tens['only_ftlab']):14}")
    print(f"{'metadata keys only here':28} {len(meta['only_llama_cpp']):14} {len(meta['only_ftlab']):14}")
    for k in ('llama.cpp', 'ftlab'): print(f"{'vs transformers: ' + k:28} top-1 {lg[k]['agreement']:.4f}  max logit diff {lg[k]['max_logit_diff']:.4f}  ({lg[k]['positions']} positions)")
    x = lg['llama.cpp vs ftlab']; print(f"{'llama.cpp vs ftlab logits':28} top-1 {x['agreement']:.4f}  max logit diff {x['max_logit_diff']:.4g}")
    x = lg['tokenize_like_hf']; print(f"{'tokenizes like transformers':28} {x['llama.cpp']:>9}/{x['texts']:<4} {x['ftlab']:>9}/{x['texts']:<4} (held-out prompts + {len(PROBES)} probes)")
    print(f"common tensors {tens['common']} ({', '.join(tens['types'])}): {len(tens['differ'])} differ, max |diff| {tens['max_abs_diff']:.4g}")
    for n, r in list(tens['differ'].items())[:10]: print(f'  {n}: {r}')
    print('layer-0 Q/K of llama.cpp vs HF:', qk)
    for side in ('only_llama_cpp', 'only_ftlab'): print(f'{side}:', ', '.join(f'{k}={v}' for k, v in meta[side].items()) or '-')
    for k, v in meta['differ'].items(): print(f'  differs {k}: {v}')
    if stubbed: print(f"stubbed in the converter's subprocess (missing here): {', '.join(stubbed)}")
    out = {**provenance(), 'command': ' '.join(['python bench/llama_convert.py', *(argv if argv is not None else sys.argv[1:])]),
           'llama_cpp_python': llama_cpp.__version__, 'script': str(src/'convert_hf_to_gguf.py'), 'gguf_py_vendored': gpy, 'gguf_installed': version('gguf'),
           'stubbed_packages': stubbed, 'model': str(folder), 'seconds': round(time.time() - t0, 1), 'convert_s': {'llama.cpp': round(t_lc, 1), 'ftlab': round(t_ft, 1)},
           'tensors': tens, 'qk_layer0_llama_cpp': qk, 'metadata': meta, 'logits': lg, 'prompts': a.prompts, 'tokens': a.tokens, 'threads': a.threads}
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(out, indent=1, ensure_ascii=False, default=str) + '\n')
    print(f"wrote {a.out} ({out['seconds']} s)")
    return 0

if __name__ == '__main__': sys.exit(main())
