"""Training throughput on a GPU: plain PEFT against ftlab's `gpu` recipe (ftlab.speed), in one run.

    python bench/gpu_train.py                  # on a GPU: SmolLM2-135M and TinyLlama-1.1B shapes
    python bench/gpu_train.py --tiny           # anywhere (CPU too): tiny shapes, a smoke test of every path
    python bench/gpu_train.py --only lora      # a subset (matches shape, method or variant)
    python bench/gpu_train.py --user-path      # `ftlab train`'s own path against plain PEFT on the style task (--tiny on a CPU)

Models are built from configs with random weights (nothing is downloaded). Each row times `--steps` optimizer
steps of batch × seq tokens after `--warmup` steps (compilation happens there) and reports tokens/s, the peak
allocated memory (weights, optimizer, activations) and the model FLOPs utilisation,
MFU = tokens/s × (6·N + 12·L·d·T) / peak bf16 FLOP/s (PaLM's count; N = parameters used in matrix products), and beside it
the causal convention, with the attention term halved (6·L·d·T): the one the 50% target for full fine-tuning is measured in.

Variants:
  peft / plain   fp32 weights, bf16 autocast, the model's own loss (full logits upcast to fp32), PyTorch AdamW
                 (foreach), no KV cache. 'peft' wraps the model with peft LoRA r16 on every linear layer.
  peft-bf16 / plain-bf16   the base loaded in bf16, as people run plain PEFT on a GPU (peft keeps the adapters in fp32;
                 full fine-tuning trains bf16 weights), SDPA, the model's own loss, fused AdamW.
  peft-bf16-liger  the same with Liger Kernel's fused linear cross-entropy, patched into this model instance only (its
                 RoPE, RMSNorm and SwiGLU patches would replace transformers' functions and classes for every later row),
                 where `liger-kernel` imports (a GPU with Triton); otherwise the row is listed as skipped.
  ftlab          the same method with ftlab.speed.GpuRecipe: fused chunked linear cross-entropy, regional
                 torch.compile, bf16 frozen weights, fused AdamW.
  ftlab-no-X     the recipe with one piece switched off (the ablation).
  ftlab-cudagraphs  the recipe with compile mode 'reduce-overhead': each compiled layer replays as a CUDA graph.
Every ratio is against the fastest plain baseline (peft, plain, their bf16 and Liger forms) of the same shape and method in
the same run; all tokens are real (no padding). Both variants of a pair train on the same tokens per optimizer step. A loss check trains the 135M shape on real
tokens (data/style, tokenized) with the baseline and the recipe, and compares the curves.

Writes bench/results/gpu_train/latest.json (or --out), after every row, and prints a table with the ratios.
"""
import argparse, json, math, platform, sys, time
from dataclasses import replace
from pathlib import Path
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from ftlab.speed import GpuRecipe, apply_recipe, make_optimizer, fused_causal_lm_loss

SHAPES = {  # LlamaConfig fields
    'smollm2-135m': dict(hidden_size=576, intermediate_size=1536, num_hidden_layers=30, num_attention_heads=9, num_key_value_heads=3,
                         vocab_size=49152, tie_word_embeddings=True, rope_theta=100000.0, max_position_embeddings=8192),
    'llama-1.1b':   dict(hidden_size=2048, intermediate_size=5632, num_hidden_layers=22, num_attention_heads=32, num_key_value_heads=4,
                         vocab_size=32000, tie_word_embeddings=False, rope_theta=10000.0, max_position_embeddings=2048),
    'tiny-a':       dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                         vocab_size=49152, tie_word_embeddings=True, max_position_embeddings=512),
    'tiny-b':       dict(hidden_size=96, intermediate_size=192, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                         vocab_size=1024, tie_word_embeddings=False, max_position_embeddings=512),
}
TARGETS = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj']
PEAK_BF16 = {'H100': 989.4e12, 'H200': 989.4e12, 'H800': 989.4e12, 'GH200': 989.4e12, 'A100': 312e12, 'L4': 121e12, 'A10': 125e12}

def peak_flops(dev):
    if dev.type != 'cuda': return None
    name = torch.cuda.get_device_name(dev)
    return next((v for k, v in PEAK_BF16.items() if k in name), None)

def flops_per_token(cfg, seq, causal:bool=False):
    """6·N (N: parameters in matrix products) + 12·L·d·T for attention scores and values (PaLM, appendix B); with `causal`,
    the attention term halved (6·L·d·T), since a causal mask leaves half the score matrix uncomputed (the convention of
    issue 22's 50% MFU target; it gives a lower MFU than PaLM's count)."""
    d, L, V, f = cfg.hidden_size, cfg.num_hidden_layers, cfg.vocab_size, cfg.intermediate_size
    kv = cfg.num_key_value_heads * (d // cfg.num_attention_heads)
    n = L * (2 * d * d + 2 * d * kv + 3 * d * f) + V * d
    return 6 * n + (6 if causal else 12) * L * d * seq

def build(shape, method, variant, dev, recipe, workdir, seed=0):
    "A random-init model of `shape` with `method` applied, prepared as `variant` says."
    import peft
    from transformers import LlamaConfig, LlamaForCausalLM
    cfg = LlamaConfig(**SHAPES[shape], attn_implementation='sdpa', use_cache=False)
    torch.manual_seed(seed)
    if method == 'qlora':
        from transformers import BitsAndBytesConfig
        src = Path(workdir)/f'{shape}-bf16'
        if not (src/'config.json').exists():
            with torch.device(dev): m = LlamaForCausalLM(cfg).to(torch.bfloat16)
            m.save_pretrained(src); del m
        q = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type='nf4', bnb_4bit_use_double_quant=True, bnb_4bit_compute_dtype=torch.bfloat16)
        model = LlamaForCausalLM.from_pretrained(src, quantization_config=q, device_map={'': dev.index or 0} if dev.type == 'cuda' else {'': 'cpu'}, use_cache=False)
        model = peft.prepare_model_for_kbit_training(model, use_gradient_checkpointing=False)
    else:
        with torch.device(dev): model = LlamaForCausalLM(cfg)
        if 'bf16' in variant: model.to(torch.bfloat16)
        if 'liger' in variant:
            from liger_kernel.transformers import apply_liger_kernel_to_llama
            apply_liger_kernel_to_llama(rope=False, rms_norm=False, swiglu=False, fused_linear_cross_entropy=True, model=model)   # this instance only
    if method in ('lora', 'qlora'):
        model = peft.get_peft_model(model, peft.LoraConfig(r=16, lora_alpha=32, lora_dropout=0.0, target_modules=TARGETS, task_type='CAUSAL_LM'))
    model.train()
    if recipe is not None: apply_recipe(model, recipe)
    return model, cfg

def step_fn(model, opt, recipe, dev):
    half = dict(device_type=dev.type, dtype=torch.bfloat16)
    graphs = recipe is not None and recipe.compile_mode == 'reduce-overhead'
    def step(x):
        if graphs: torch.compiler.cudagraph_mark_step_begin()  # a new step: last step's graph outputs may be overwritten
        with torch.autocast(**half):
            if recipe is not None and recipe.fused_ce: loss = fused_causal_lm_loss(model, x, x, chunk=recipe.chunk)
            else: loss = model(input_ids=x, labels=x, use_cache=False).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_([p for g in opt.param_groups for p in g['params']], 1.0)
        opt.step(); opt.zero_grad(set_to_none=True)
        return loss
    return step

def sync(dev):
    if dev.type == 'cuda': torch.cuda.synchronize(dev)

def time_row(shape, method, variant, recipe, a, dev, workdir, batch=None):
    torch._dynamo.reset()  # each row compiles afresh (dynamo's per-function cache would otherwise fill up across models)
    a = argparse.Namespace(**{**vars(a), 'batch': batch or a.batch})
    if dev.type == 'cuda': torch.cuda.empty_cache(); torch.cuda.reset_peak_memory_stats(dev)
    t_build = time.perf_counter()
    model, cfg = build(shape, method, variant, dev, recipe, workdir)
    lr = 1e-4 if method == 'full' else 1e-3
    opt = (torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr, fused=dev.type == 'cuda') if 'bf16' in variant
           else make_optimizer(model, lr, recipe))
    step = step_fn(model, opt, recipe, dev)
    g = torch.Generator(device='cpu').manual_seed(1)
    xs = [torch.randint(0, cfg.vocab_size, (a.batch, a.seq), generator=g).to(dev) for _ in range(4)]
    t0 = time.perf_counter()
    for i in range(a.warmup): step(xs[i % 4])
    sync(dev); warm_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for i in range(a.steps): loss = step(xs[i % 4])
    sync(dev); secs = time.perf_counter() - t0
    tps = a.batch * a.seq * a.steps / secs
    pk = peak_flops(dev)
    row = dict(shape=shape, method=method, variant=variant, recipe=None if recipe is None else vars(recipe),
               tokens_per_s=tps, step_ms=1000 * secs / a.steps, warmup_s=warm_s, build_s=t0 - t_build - warm_s,
               peak_mem_gib=torch.cuda.max_memory_allocated(dev) / 2**30 if dev.type == 'cuda' else None,
               mfu=tps * flops_per_token(cfg, a.seq) / pk if pk else None, mfu_causal=tps * flops_per_token(cfg, a.seq, causal=True) / pk if pk else None, loss=float(loss),
               trainable=sum(p.numel() for p in model.parameters() if p.requires_grad), tokens_per_step=a.batch * a.seq)
    del model, opt, step, xs
    return row

def real_tokens(n_tokens, vocab):
    "A stream of real tokens: data/style chat-formatted with the default tokenizer, from --tokens or made here."
    p = ROOT/'.devdata'/'style_ids.pt'
    if p.exists(): ids = torch.load(p)
    else:
        try:
            from ftlab.models import load_tokenizer
            from ftlab.data import load_records, to_messages
            tok = load_tokenizer()
            recs, _ = load_records(ROOT/'data'/'style'/'train.jsonl')
            ids = torch.tensor([t for r in recs for t in tok.apply_chat_template(to_messages(r), tokenize=True, return_dict=False)])
            p.parent.mkdir(exist_ok=True); torch.save(ids, p)
        except Exception as e:
            print(f'(no tokenizer here: {e}; the loss check uses random tokens)'); ids = torch.randint(0, vocab, (n_tokens,))
    ids = ids[ids < vocab]
    return ids.repeat(math.ceil(n_tokens / len(ids)))[:n_tokens]

def loss_check(shape, method, a, dev, workdir):
    "Train baseline and recipe on the same real tokens; a second baseline seed gives the noise."
    out = {}
    graphs = a.backend == 'inductor'   # CUDA graphs only with inductor (on a GPU)
    runs = [('baseline', None, 0), ('recipe', GpuRecipe(compile_backend=a.backend), 0), ('baseline-seed1', None, 1)]
    if graphs: runs.append(('recipe-cudagraphs', GpuRecipe(compile_backend=a.backend, compile_mode='reduce-overhead'), 0))
    for name, recipe, seed in runs:
        torch._dynamo.reset()
        model, cfg = build(shape, method, name, dev, recipe, workdir, seed)
        opt = make_optimizer(model, 1e-3 if method == 'full' else 2e-3, recipe)
        step = step_fn(model, opt, recipe, dev)
        ids = real_tokens(a.check_steps * a.batch * a.seq, cfg.vocab_size).view(a.check_steps, a.batch, a.seq).to(dev)
        out[name] = [float(step(ids[i])) for i in range(a.check_steps)]
        del model, opt, step
    b, r, n = out['baseline'], out['recipe'], out['baseline-seed1']
    tail = max(1, a.check_steps // 3)
    rel = lambda u, v: sum(abs(x - y) / y for x, y in zip(u[-tail:], v[-tail:])) / tail
    out.update(shape=shape, method=method, recipe_vs_baseline=rel(r, b), seed_noise=rel(n, b),
               falls=b[-1] < b[0] and r[-1] < r[0])
    out['sound'] = out['falls'] and out['recipe_vs_baseline'] <= max(2 * out['seed_noise'], 0.02)
    if 'recipe-cudagraphs' in out:
        out['cudagraphs_vs_baseline'] = rel(out['recipe-cudagraphs'], b)
        out['sound'] = out['sound'] and out['recipe-cudagraphs'][-1] < out['recipe-cudagraphs'][0] and out['cudagraphs_vs_baseline'] <= max(2 * out['seed_noise'], 0.02)
    return out

def trainer_check(shape, a, dev):
    "ftlab.train itself (HF Trainer underneath) on chat-like examples of real tokens: recipe off, on, and on with packing."
    from transformers import LlamaConfig, LlamaForCausalLM
    from ftlab.train import TrainConfig, train
    cfg = LlamaConfig(**SHAPES[shape], attn_implementation='sdpa', use_cache=False)
    ids = real_tokens(200_000, cfg.vocab_size).tolist()
    g = torch.Generator().manual_seed(0); exs, t = [], 0
    while len(exs) < 400:
        n = int(torch.randint(48, 257 if not a.tiny else 65, (1,), generator=g)); x = ids[t:t + n]; t += n
        exs.append({'input_ids': x, 'labels': [-100] * (n // 4) + x[n // 4:]})  # a "prompt" quarter without loss
    out = {}
    graphs = GpuRecipe(compile_backend=a.backend, compile_mode='reduce-overhead' if a.backend == 'inductor' else None)
    for name, kw in (('plain', dict(recipe=False)), ('recipe', dict(recipe=True)), ('recipe+packing', dict(recipe=True, packing=1024 if not a.tiny else 128)),
                     ('recipe+packing+cudagraphs', dict(recipe=True, packing=1024 if not a.tiny else 128))):
        torch._dynamo.reset(); torch.manual_seed(0)
        with torch.device(dev): model = LlamaForCausalLM(cfg)
        bs = 4 if 'packing' in kw else 16
        tc = TrainConfig(steps=a.check_steps, batch_size=bs, lr=2e-3, max_len=256 if not a.tiny else 64, warmup_steps=2, **kw)
        r = train(model, exs, 'lora', cfg=tc, out_dir=False, progress=False, recipe=graphs if 'cudagraphs' in name else None)
        m = r.metrics
        out[name] = dict(losses=r.losses, tokens_per_s=m['tokens_per_s'], train_time_s=m['train_time_s'], tokens=m['tokens'], peak_mem_mb=m['peak_mem_mb'])
        print(f"ftlab.train {name}: {m['tokens_per_s']:,.0f} tok/s over {m['train_time_s']:.1f}s (compile included), loss {r.losses[0]:.3f} -> {r.losses[-1]:.3f}", flush=True)
        del model, r
    p, q = out['plain']['losses'], out['recipe']['losses']
    tail = max(1, len(p) // 3)
    out['recipe_vs_plain'] = sum(abs(x - y) / y for x, y in zip(q[-tail:], p[-tail:])) / tail
    return out

def is_baseline(variant:str) -> bool: return variant.startswith(('peft', 'plain'))

def have_liger() -> bool:
    try: import liger_kernel.transformers; return torch.cuda.is_available()
    except Exception: return False

def user_path(a, dev) -> dict:
    """`ftlab train`'s path (ftlab.jobs.run_job: LoRA, the gpu profile, its recipe) against plain PEFT as people write it: the
    base loaded in bf16, peft LoRA with the same rank and targets, HF Trainer with bf16 and fused AdamW. Both train the style task,
    the same examples and batch, for --user-steps steps; tokens/s counts real (non-pad) tokens over the whole train() call, so
    compilation and graph capture are inside it. Packing changes how many real tokens a step holds, so its loss per real token
    is compared with the unpacked runs' seed noise (plain PEFT at two seeds)."""
    import peft
    from transformers import Trainer, TrainingArguments
    from ftlab.core import get_profile
    from ftlab.data import load_data, task_paths
    from ftlab.models import load_model, load_tokenizer, find_target_modules
    from ftlab.jobs import run_job
    from ftlab.methods.lora import LoraConfig
    from ftlab.train import CountingCollator
    prof = get_profile('ci' if a.tiny else 'gpu')
    steps, model_name = a.user_steps or (3 if a.tiny else 200), 'tiny' if a.tiny else 'default'
    tok = load_tokenizer(model_name)
    ds = load_data(task_paths('style')[0], tok, prof.max_len, n=prof.n_train)
    lc, lr, tail = LoraConfig(), prof.lora_lr, max(1, steps // 5)
    avg = sum(len(ds[i]['input_ids']) for i in range(len(ds))) / len(ds)
    packed_rows = max(1, round(prof.batch_size * avg / prof.max_len))   # rows of max_len holding about the tokens of one unpacked batch
    out = {'steps': steps, 'batch_size': prof.batch_size, 'packed_rows': packed_rows, 'profile': prof.name, 'model': model_name}
    def plain(seed):
        torch.manual_seed(seed)
        m, _ = load_model(model_name, dtype=torch.bfloat16 if dev.type == 'cuda' else torch.float32)
        m = peft.get_peft_model(m, peft.LoraConfig(r=lc.r, lora_alpha=lc.alpha, target_modules=find_target_modules(m), task_type='CAUSAL_LM'))
        col = CountingCollator(tok.pad_token_id)
        args = TrainingArguments(output_dir=str(Path(a.workdir)/'plain'), max_steps=steps, per_device_train_batch_size=prof.batch_size, learning_rate=lr,
                                 warmup_steps=min(3, steps), logging_steps=1, report_to='none', bf16=dev.type == 'cuda', use_cpu=dev.type != 'cuda',
                                 optim='adamw_torch_fused' if dev.type == 'cuda' else 'adamw_torch', save_strategy='no', seed=seed,
                                 remove_unused_columns=False, disable_tqdm=True, dataloader_num_workers=0)
        tr = Trainer(model=m, args=args, train_dataset=ds, data_collator=col)
        if dev.type == 'cuda': torch.cuda.reset_peak_memory_stats()
        t0 = time.perf_counter(); tr.train(); sync(dev); s = time.perf_counter() - t0
        losses = [e['loss'] for e in tr.state.log_history if 'loss' in e]
        return dict(tokens=col.tokens, train_time_s=s, tokens_per_s=col.tokens / s, losses=losses,
                    peak_mem_mb=torch.cuda.max_memory_allocated() / 2**20 if dev.type == 'cuda' else None)
    def ftlab(**kw):
        r = run_job('lora', 'style', model=model_name, profile=prof, train_kw={'steps': steps, **kw}, evaluate=False, out=False, progress=False, log=None).res
        m = r.metrics
        return dict(tokens=m['tokens'], train_time_s=m['train_time_s'], tokens_per_s=m['tokens_per_s'], losses=r.losses,
                    peak_mem_mb=m['peak_mem_mb'] if dev.type == 'cuda' else None)
    for name, fn in (('plain PEFT bf16', lambda: plain(0)), ('plain PEFT bf16, seed 1', lambda: plain(1)),
                     ('ftlab train', ftlab), ('ftlab train + packing', lambda: ftlab(packing=prof.max_len, batch_size=packed_rows))):
        try: out[name] = fn()
        except Exception as e: out[name] = {'error': f'{type(e).__name__}: {e}'[:1000]}
        print(name, {k: v for k, v in out[name].items() if k != 'losses'}, flush=True)
    late = lambda k: sum(out[k]['losses'][-tail:]) / tail if 'losses' in out[k] else float('nan')
    fastest = max((out[k].get('tokens_per_s', 0) for k in ('plain PEFT bf16', 'plain PEFT bf16, seed 1')), default=0)   # the fastest plain run (the first pays the warm-up)
    for k in ('plain PEFT bf16', 'plain PEFT bf16, seed 1', 'ftlab train', 'ftlab train + packing'):
        if 'tokens_per_s' in out[k] and fastest:
            out[k]['x_plain'] = out[k]['tokens_per_s'] / fastest
            out[k]['late_loss_gap'] = abs(late(k) - late('plain PEFT bf16'))   # loss per real token over the last fifth of the steps
    out['seed_noise'] = abs(late('plain PEFT bf16, seed 1') - late('plain PEFT bf16'))
    return out

def user_table(up:dict) -> str:
    lines = [f"`ftlab train` against plain PEFT: {up['steps']} steps of {up['batch_size']}, {up['model']} model, {up['profile']} profile; real tokens over the whole train() call",
             '| run | real tokens/s | × the fastest plain PEFT run | seconds | peak MiB | late loss gap (seed noise %.4f) |' % up['seed_noise'], '|---|---|---|---|---|---|']
    for k, v in up.items():
        if not isinstance(v, dict): continue
        if 'error' in v: lines.append(f"| {k} | error: {v['error'][:80]} | | | | |"); continue
        pk = f"{v['peak_mem_mb']:,.0f}" if v.get('peak_mem_mb') else '-'
        lines.append(f"| {k} | {v['tokens_per_s']:,.0f} | {v.get('x_plain', 1.0):.2f} | {v['train_time_s']:.1f} | {pk} | {v.get('late_loss_gap', 0):.4f} |")
    return '\n'.join(lines)

def table(rows):
    "Rows with tokens/s as a multiple of the fastest plain baseline of the same shape and method."
    lines = ['| shape | method | variant | tokens/s | × fastest baseline | step ms | peak GiB | MFU (PaLM / causal) | warm-up s |', '|---|---|---|---|---|---|---|---|---|']
    base = {}
    for r in rows:
        k = (r['shape'], r['method'])
        if is_baseline(r['variant']) and r['tokens_per_s'] > base.get(k, {'tokens_per_s': 0})['tokens_per_s']: base[k] = r
    for r in rows:
        b = base.get((r['shape'], r['method']))
        ratio = f"{r['tokens_per_s'] / b['tokens_per_s']:.2f}" if b else '-'
        mem = f"{r['peak_mem_gib']:.1f}" if r['peak_mem_gib'] is not None else '-'
        mfu = f"{100 * r['mfu']:.1f}% / {100 * r['mfu_causal']:.1f}%" if r['mfu'] else '-'
        lines.append(f"| {r['shape']} | {r['method']} | {r['variant']} | {r['tokens_per_s']:,.0f} | {ratio} | {r['step_ms']:.1f} | {mem} | {mfu} | {r['warmup_s']:.1f} |")
    return '\n'.join(lines)

def plan(tiny, have_bnb):
    s, b = ('tiny-a', 'tiny-b') if tiny else ('smollm2-135m', 'llama-1.1b')
    R = GpuRecipe()
    G = replace(R, compile_mode='reduce-overhead')
    q = [(s, 'qlora', 'peft', None), (s, 'qlora', 'ftlab', R), (s, 'qlora', 'ftlab-cudagraphs', G),
         (b, 'qlora', 'peft', None), (b, 'qlora', 'ftlab', R)] if have_bnb else []
    rows = [(s, 'lora', 'peft', None), (s, 'lora', 'peft-bf16', None), (s, 'lora', 'peft-bf16-liger', None), (s, 'lora', 'ftlab', R), (s, 'lora', 'ftlab-cudagraphs', G),
            (b, 'full', 'plain', None), (b, 'full', 'plain-bf16', None), (b, 'full', 'ftlab', R), (b, 'full', 'ftlab-cudagraphs', G),
            (b, 'lora', 'peft', None), (b, 'lora', 'peft-bf16', None), (b, 'lora', 'peft-bf16-liger', None), (b, 'lora', 'ftlab', R), (b, 'lora', 'ftlab-cudagraphs', G),
            ('check', s, 'lora', None), ('check', s, 'full', None)] + q + [
            (s, 'full', 'plain', None), (s, 'full', 'ftlab', R),
            (s, 'lora', 'ftlab-no-compile', replace(R, compile=False)),
            (s, 'lora', 'ftlab-no-fused-ce', replace(R, fused_ce=False)),
            (s, 'lora', 'ftlab-no-bf16-base', replace(R, frozen_bf16=False)),
            (s, 'lora', 'ftlab-batch16', R, 2 * (2 if tiny else 8)), (b, 'full', 'ftlab-batch16', R, 2 * (2 if tiny else 8))]
    return rows

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--tiny', action='store_true', help='tiny shapes, few steps (CPU smoke test)')
    ap.add_argument('--batch', type=int); ap.add_argument('--seq', type=int)
    ap.add_argument('--steps', type=int); ap.add_argument('--warmup', type=int); ap.add_argument('--check-steps', type=int)
    ap.add_argument('--only', nargs='*', help='keep rows whose shape, method or variant contains one of these')
    ap.add_argument('--budget-s', type=float, default=1e9, help='skip the remaining rows after this many seconds')
    ap.add_argument('--backend', help='torch.compile backend (default inductor on CUDA, eager on CPU)')
    ap.add_argument('--out', default=str(ROOT/'bench'/'results'/'gpu_train'/'latest.json'))
    ap.add_argument('--workdir', default='/tmp/ftlab-gpu-bench')
    ap.add_argument('--trainer', action='store_true', help='only run ftlab.train end to end: recipe off / on / on with packing')
    ap.add_argument('--user-path', action='store_true', help="only `ftlab train`'s path against plain PEFT (bf16 base, HF Trainer) on the style task")
    ap.add_argument('--user-steps', type=int, help='steps of each --user-path run (default 200 on a GPU, 3 with --tiny)')
    a = ap.parse_args(argv)
    dev = torch.device('cuda') if torch.cuda.is_available() else torch.device('cpu')
    tiny = a.tiny or dev.type != 'cuda'
    a.batch = a.batch or (2 if tiny else 8); a.seq = a.seq or (64 if tiny else 1024)
    a.steps = a.steps or (2 if tiny else 10); a.warmup = a.warmup or (1 if tiny else 3); a.check_steps = a.check_steps or (6 if tiny else 30)
    a.backend = a.backend or ('inductor' if dev.type == 'cuda' else 'eager')
    try: import bitsandbytes; have_bnb = True
    except Exception: have_bnb = False
    import transformers, peft
    info = dict(device=torch.cuda.get_device_name(dev) if dev.type == 'cuda' else platform.processor() or 'cpu', tiny=tiny,
                batch=a.batch, seq=a.seq, steps=a.steps, warmup=a.warmup, backend=a.backend, torch=torch.__version__,
                transformers=transformers.__version__, peft=peft.__version__, bitsandbytes=bitsandbytes.__version__ if have_bnb else None,
                when=time.strftime('%Y-%m-%d %H:%M:%S'), peak_bf16_flops=peak_flops(dev))
    print(info, flush=True)
    rows, checks, errors, skipped = [], [], [], []
    out = Path(a.out); out.parent.mkdir(parents=True, exist_ok=True)
    a.tiny = tiny
    if a.user_path:
        up = user_path(a, dev)
        out.write_text(json.dumps(dict(info=info, user_path=up), indent=2))
        print(user_table(up)); print(f'wrote {out}')
        return 0
    if a.trainer:
        tr = trainer_check('tiny-a' if tiny else 'smollm2-135m', a, dev)
        out.write_text(json.dumps(dict(info=info, trainer=tr), indent=2))
        print(f"ftlab.train: recipe vs plain losses {tr['recipe_vs_plain']:.4f}; tokens/s " + ', '.join(f"{k} {v['tokens_per_s']:,.0f}" for k, v in tr.items() if isinstance(v, dict)))
        print(f'wrote {out}')
        return 0
    t_start = time.perf_counter()
    for spec in plan(tiny, have_bnb):
        key = ' '.join(str(x) for x in spec[:3])
        if a.only and not any(o in key for o in a.only): continue
        if time.perf_counter() - t_start > a.budget_s: skipped.append(key); continue
        if 'liger' in key and not have_liger(): skipped.append(f'{key} (liger-kernel does not import here)'); continue
        try:
            if spec[0] == 'check':
                c = loss_check(spec[1], spec[2], a, dev, a.workdir); checks.append(c)
                print(f"loss check {key}: recipe vs baseline {c['recipe_vs_baseline']:.4f}, cudagraphs vs baseline {c.get('cudagraphs_vs_baseline', float('nan')):.4f}, seed noise {c['seed_noise']:.4f}, sound={c['sound']}", flush=True)
            else:
                r = spec[3]
                if r is not None: r = replace(r, compile_backend=a.backend, compile_mode=r.compile_mode if a.backend == 'inductor' else None)
                rows.append(time_row(*spec[:3], r, a, dev, a.workdir, *spec[4:])); x = rows[-1]
                print(f"{key}: {x['tokens_per_s']:,.0f} tok/s, {x['step_ms']:.1f} ms/step, peak {x['peak_mem_gib']} GiB, warm-up {x['warmup_s']:.1f}s", flush=True)
        except Exception as e:
            import traceback; traceback.print_exc()
            errors.append({'row': key, 'error': f'{type(e).__name__}: {e}'[:2000]})
        out.write_text(json.dumps(dict(info=info, rows=rows, loss_checks=checks, errors=errors, skipped=skipped,
                                       seconds=time.perf_counter() - t_start), indent=2))
    print('\n' + table(rows))
    for c in checks: print(f"loss check {c['shape']} {c['method']}: recipe vs baseline {c['recipe_vs_baseline']:.4f} (seed noise {c['seed_noise']:.4f}) sound={c['sound']}")
    if errors: print('errors:', json.dumps(errors, indent=1))
    if skipped: print('skipped (budget):', skipped)
    print(f'wrote {out}')
    return 1 if errors else 0

if __name__ == '__main__': sys.exit(main())
