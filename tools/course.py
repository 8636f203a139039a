"""The course path on the index page (nbs/index.ipynb, so the README and the docs): two tracks, each notebook with what a student
will do, what it needs first, and how long its last recorded run took. The times are read from each notebook's metadata, written
by tools/run_notebooks.py when it executed the notebook (profile, seconds, date), so they change only when a notebook is re-run.

    python tools/course.py            # write the course cell into nbs/index.ipynb
    python tools/course.py --check    # CI: exit 1 if the cell is out of date
"""
import json, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT/'nbs'
MARK = '## The course path'

# notebook: (what a student does in it, what to have done first, where it runs)
STUDENT = {
    '01_env':             ('check a machine with `ftlab doctor`; estimate training memory; pick a GPU or VM', '-', 'CPU'),
    '21_gpu_vm':          ('set up a GPU VM: driver, CUDA and the torch wheel; the doctor on broken machines; Secure Boot, the apt key; `device_map="auto"`', '01', 'CPU (one cell on a GPU)'),
    '03_data':            ('read the four data formats; see the answer-only labels and why the end-of-turn token is kept', '01', 'CPU'),
    '10_full_finetuning': ('train every weight; see where 16 bytes a parameter go; watch held-out loss turn back up', '03', 'CPU'),
    '11_lora':            ('build LoRA from scratch, match peft, choose rank and targets, merge exactly; style against knowledge', '10', 'CPU'),
    '12_qlora':           ('quantize to NF4 by hand, match bitsandbytes, train LoRA over 4 bits, merge into 16 bits', '11', 'CPU (bitsandbytes), GPU for paged optimizers'),
    '13_prompt_prefix':   ('prompt tuning, P-tuning and prefix tuning from scratch and with peft; the generation trap', '11', 'CPU'),
    '14_bitfit':          ('train only the biases, or only the norms; count what that is', '11', 'CPU'),
    '15_reft':            ('edit hidden states in a learned subspace (LoReFT) instead of weights', '11', 'CPU'),
    '16_adapters':        ('bottleneck adapters, IA³, DoRA, AdaLoRA and ReLoRA, each beside LoRA', '11', 'CPU'),
    '17_rlhf':            ('SFT, a reward model, PPO and DPO on preference pairs', '11', 'CPU'),
    '18_gguf':            ('merge, write GGUF, quantize to Q4_K_M, run it with llama.cpp, write an Ollama Modelfile', '11', 'CPU (builds llama.cpp)'),
    '19_compare':         ('race every method on one budget; read the guide off the measured table', '10-16', 'CPU'),
}
INSIDE = {
    '00_core':     ('profiles, seeding, bf16 autocast and its rounding bound, errors that say how to fix them', '-', 'CPU'),
    '02_models':   ('the offline default model, a tiny test model, target modules, model surgery helpers', '00', 'CPU'),
    '04_methods':  ('the method registry: a config and an `apply` per method, options typed from the config', '02', 'CPU'),
    '04_train':    ('the one training path; the same run as a 20-line AdamW loop; run folders that never lose work', '04_methods', 'CPU'),
    '05_eval':     ('batched generation, the style and knowledge metrics, the one scorer', '04_train', 'CPU'),
    '05_jobs':     ('the one job runner every command and comparison uses', '05_eval', 'CPU'),
    '06_cli':      ('the `ftlab` command: a thin shell with exit codes', '05_jobs', 'CPU'),
    '07_speed':    ("ftlab's GPU recipe: fused loss, regional compile, packing", '04_train', 'GPU for the timings'),
    '20_scale_out':('several processes (accelerate): the same result as one; FSDP and ZeRO configs', '04_train', 'CPU (GPUs for the real thing)'),
}

TEACHERS = {
    '08_teaching': ('prepare a class: pre-flight check, lab times, students per machine, the first errors and their fixes', '-', 'the class machine'),
    '09_exercises': ("how each exercise's `check` gives feedback without the solution; add an exercise with a tested solution", '-', 'CPU'),
}

def minutes(name:str) -> str:
    meta = json.loads((NBS/f'{name}.ipynb').read_text()).get('metadata', {}).get('ftlab')
    if not meta: return 'not run yet'
    s = meta['seconds']
    return f"{s} s ({meta['profile']})" if s < 120 else f"{round(s / 60)} min ({meta['profile']})"

def render() -> str:
    rows = lambda d: '\n'.join(f'| [{n}](nbs/{n}.ipynb) | {what} | {pre} | {where} | {minutes(n)} |' for n, (what, pre, where) in d.items())
    head = '| notebook | you will | first | runs on | last run |\n|---|---|---|---|---|'
    return (f"{MARK}\n\n"
            "**Students** take the first track in order; each notebook ends in exercises. The second track, **inside the kit**, "
            "is for those who want to see (or change) the machinery every method uses. \"Last run\" is how long the notebook took when "
            "its stored outputs were made (`tools/run_notebooks.py`: the profile in brackets, one CPU thread); the `cpu` profile trains "
            "longer, and no Colab timing has been measured yet.\n\n"
            f"### Track 1: the methods\n\n{head}\n{rows(STUDENT)}\n\n### Track 2: inside the kit\n\n{head}\n{rows(INSIDE)}\n\n"
            f"### For teachers\n\n{head}\n{rows(TEACHERS)}")

def cell_index(nb:dict):
    return next((i for i, c in enumerate(nb['cells']) if c['cell_type'] == 'markdown' and ''.join(c['source']).startswith(MARK)), None)

def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    path = NBS/'index.ipynb'; nb = json.loads(path.read_text())
    listed = set(STUDENT) | set(INSIDE) | set(TEACHERS)
    have = {p.stem for p in NBS.glob('*.ipynb') if not p.name.startswith('_')} - {'index'}
    if listed != have: print(f'course path and nbs/ differ: missing {sorted(have - listed)}, gone {sorted(listed - have)}'); return 1
    text, i = render(), cell_index(nb)
    if '--check' in argv:
        if i is None or ''.join(nb['cells'][i]['source']) != text:
            print('the course path on nbs/index.ipynb is out of date: run python tools/course.py (then python .ci/readme.py) and commit'); return 1
        return 0
    cell = {'cell_type': 'markdown', 'id': 'c0a75e01', 'metadata': {}, 'source': text.splitlines(keepends=True)}
    if i is None:   # before "## Profiles", after the commands and the Python example
        j = next(k for k, c in enumerate(nb['cells']) if ''.join(c['source']).startswith('## Profiles'))
        nb['cells'].insert(j, cell)
    else: nb['cells'][i] = cell
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')
    print('wrote the course path into nbs/index.ipynb')
    return 0

if __name__ == '__main__': sys.exit(main())
