"""The course path on the index page (nbs/index.ipynb, so the README and the docs): two tracks, each notebook with what a student
will do, what it needs first, and how long its last recorded run took. The times are read from each notebook's metadata, written
by tools/run_notebooks.py when it executed the notebook (profile, seconds, date), so they change only when a notebook is re-run.

    python tools/course.py            # write the course cell into nbs/index.ipynb
    python tools/course.py --check    # CI: exit 1 if the cell is out of date
"""
import json, sys
from pathlib import Path
from ftlab.core import PROFILES

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

# the Japanese edition's course path (tools/i18n.py renders it into nbs_ja/index.ipynb): notebook -> (you will, runs on)
JA = {
    '01_env':             ('`ftlab doctor` でマシンを調べ、学習に必要なメモリを見積もり、GPU や VM を選ぶ', 'CPU'),
    '21_gpu_vm':          ('GPU 付き VM を準備する：ドライバ、CUDA、torch の wheel。壊れたマシンでのドクター、セキュアブート、apt の鍵、`device_map="auto"`', 'CPU（1 セルだけ GPU）'),
    '03_data':            ('4 つのデータ形式を読み、回答だけのラベルと、ターン終端トークンを残す理由を見る', 'CPU'),
    '10_full_finetuning': ('すべての重みを学習し、パラメタ 1 つあたり 16 バイトの行き先を見て、ホールドアウトの損失が上がり始めるのを見る', 'CPU'),
    '11_lora':            ('LoRA をスクラッチで作り、peft と照合し、ランクと対象を選び、厳密にマージする。スタイル対知識', 'CPU'),
    '12_qlora':           ('手で NF4 に量子化し、bitsandbytes と照合し、4 ビットの上で LoRA を学習し、16 ビットにマージする', 'CPU（bitsandbytes）、ページングするオプティマイザは GPU'),
    '13_prompt_prefix':   ('Prompt Tuning、P-Tuning、Prefix Tuning をスクラッチと peft で。生成の落とし穴', 'CPU'),
    '14_bitfit':          ('バイアスだけ、または正規化層だけを学習し、それがどれだけかを数える', 'CPU'),
    '15_reft':            ('重みの代わりに、学習した部分空間で隠れ状態を編集する（LoReFT）', 'CPU'),
    '16_adapters':        ('ボトルネック型のアダプタ、IA³、DoRA、AdaLoRA、ReLoRA を、それぞれ LoRA と並べて', 'CPU'),
    '17_rlhf':            ('SFT、報酬モデル、選好ペアでの PPO と DPO', 'CPU'),
    '18_gguf':            ('マージし、GGUF を書き、Q4_K_M に量子化し、llama.cpp で実行し、Ollama の Modelfile を書く', 'CPU（llama.cpp をビルド）'),
    '19_compare':         ('すべての手法を 1 つの予算で競わせ、計測した表から指針を読む', 'CPU'),
    '00_core':            ('プロファイル、シード、bf16 の autocast とその丸めの上限、直し方を示すエラー', 'CPU'),
    '02_models':          ('オフラインの既定のモデル、テスト用の小さなモデル、対象モジュール、モデルの手術のヘルパー', 'CPU'),
    '04_methods':         ('手法のレジストリ：手法ごとの設定と `apply`、設定から型の決まるオプション', 'CPU'),
    '04_train':           ('ただ 1 つの学習経路。同じランを 20 行の AdamW のループで。作業を決して失わないランフォルダ', 'CPU'),
    '05_eval':            ('バッチ化した生成、スタイルと知識の指標、ただ 1 つの採点器', 'CPU'),
    '05_jobs':            ('すべてのコマンドと比較が使う、ただ 1 つのジョブ実行', 'CPU'),
    '06_cli':             ('`ftlab` コマンド：終了コード付きの薄いシェル', 'CPU'),
    '07_speed':           ('ftlab の GPU のレシピ：融合した損失、領域ごとのコンパイル、パッキング', '時間の計測は GPU'),
    '20_scale_out':       ('複数のプロセス（accelerate）：1 プロセスと同じ結果。FSDP と ZeRO の設定', 'CPU（本番は GPU）'),
    '08_teaching':        ('授業の準備：事前チェック、実習の時間、マシンあたりの学生数、最初のエラーとその直し方', '教室のマシン'),
    '09_exercises':       ('各演習の `check` が解答を見せずにフィードバックする仕組み。テスト済みの解答付きで演習を追加する', 'CPU'),
}

def render_ja() -> str:
    "The course path in Japanese, for the Japanese edition's index (links to nbs_ja/)."
    ci, gpu = PROFILES['ci'], PROFILES['gpu']
    t = lambda s: s.replace(' s (', ' 秒（').replace(' min (', ' 分（').replace(')', '）') if s != 'not run yet' else '未実行'
    rows = lambda d: '\n'.join(f'| [{n}](nbs_ja/{n}.ipynb) | {JA[n][0]} | {pre} | {JA[n][1]} | {t(minutes(n))} | {colab_estimate(n).replace(" min", " 分")} |' for n, (_, pre, _w) in d.items())
    head = '| ノートブック | すること | 前提 | 実行環境 | 前回の実行時間 | Colab の T4、ci（見積もり） |\n|---|---|---|---|---|---|'
    return ("## コースの道筋\n\n"
            "**学生**は 1 つめのトラックを順に進みます。どのノートブックも演習で終わります。2 つめのトラック「**キットの中身**」は、すべての手法が使う仕組みを"
            "見たい（あるいは変えたい）人のためのものです。「前回の実行時間」は、保存済みの出力を作ったときにそのノートブックにかかった時間です"
            "（`tools/run_notebooks.py`、かっこ内はプロファイル、CPU 1 スレッド）。`cpu` プロファイルはもっと長く学習します。"
            "「Colab の T4、ci」は Colab で計測した値ではなく見積もりです。ノートブックの最初のセルが行うセットアップを新しい 2 コアのマシンで計測した時間"
            f"（ftlab とモデルのパッケージで {colab_setup()[0]:.0f} 秒。llama.cpp をビルドする 18_gguf ではさらに {colab_setup()[1]:.0f} 秒。`bench/install.py`）に、"
            "前回の実行時間を足しています。T4 はモデルのテンソル計算を CPU 1 スレッドより速く行うので、`ci` プロファイル（`FTLAB_PROFILE=ci`。08_teaching が授業に勧める設定）"
            f"では、実習のセルはこれより短くなるはずです。設定しなければ Colab では `gpu` プロファイルになり、{ci.batch_size} 例の {ci.steps} ステップではなく {gpu.batch_size} 例の {gpu.steps} ステップを学習します。"
            "ずっと長くかかり、T4 ではまだ計測していません。\n\n"
            f"### トラック 1：手法\n\n{head}\n{rows(STUDENT)}\n\n### トラック 2：キットの中身\n\n{head}\n{rows(INSIDE)}\n\n"
            f"### 先生向け\n\n{head}\n{rows(TEACHERS)}")

INSTALL = ROOT/'bench'/'results'/'install.json'

def colab_setup() -> tuple[float, float]:
    """Seconds a Colab first cell spends installing, from bench/install.py's runs on a fresh 2-core machine: ftlab and the model package
    (phase A: Colab has torch already), and llama.cpp's build, which only 18_gguf's first cell does (phase C, nothing else running)."""
    ph = json.loads(INSTALL.read_text())['phases']
    return ph['A']['seconds']['smollm2'] + ph['A']['seconds']['ftlab'], ph['C']['seconds']['ftlab_dev']

def last_run(name:str) -> dict|None:
    "What tools/run_notebooks.py recorded in the notebook's metadata when it last executed it (profile, seconds, date), or None."
    return json.loads((NBS/f'{name}.ipynb').read_text()).get('metadata', {}).get('ftlab')

def colab_estimate(name:str) -> str:
    "A Colab T4 estimate in the ci profile: the first cell's set-up plus the notebook's ci run on one CPU thread here (a T4 does the tensor work faster)."
    meta = last_run(name)
    if not meta or meta['profile'] != 'ci': return '-'
    setup, llama = colab_setup()
    return f"≈ {max(1, round((setup + (llama if name == '18_gguf' else 0) + meta['seconds']) / 60))} min"

def minutes(name:str) -> str:
    meta = last_run(name)
    if not meta: return 'not run yet'
    s = meta['seconds']
    return f"{s} s ({meta['profile']})" if s < 120 else f"{round(s / 60)} min ({meta['profile']})"

def render() -> str:
    ci, gpu = PROFILES['ci'], PROFILES['gpu']
    rows = lambda d: '\n'.join(f'| [{n}](nbs/{n}.ipynb) | {what} | {pre} | {where} | {minutes(n)} | {colab_estimate(n)} |' for n, (what, pre, where) in d.items())
    head = '| notebook | you will | first | runs on | last run | Colab T4, ci (estimate) |\n|---|---|---|---|---|---|'
    return (f"{MARK}\n\n"
            "**Students** take the first track in order; each notebook ends in exercises. The second track, **inside the kit**, "
            "is for those who want to see (or change) the machinery every method uses. \"Last run\" is how long the notebook took when "
            "its stored outputs were made (`tools/run_notebooks.py`: the profile in brackets, one CPU thread); the `cpu` profile trains "
            f"longer. \"Colab T4, ci\" is an estimate, not a Colab measurement: the set-up the notebook's first cell does, measured on a fresh "
            f"2-core machine ({colab_setup()[0]:.0f} s for ftlab and the model package; {colab_setup()[1]:.0f} s more in 18_gguf, which builds llama.cpp; "
            "`bench/install.py`), plus the last run's time, which should bound the lesson cells from above in the `ci` profile (`FTLAB_PROFILE=ci`, which "
            "08_teaching advises for a class), since a T4 does the model's tensor work faster than one CPU thread. Without it Colab picks the `gpu` "
            f"profile, which trains {gpu.steps} steps of {gpu.batch_size} examples instead of {ci.steps} of {ci.batch_size}: far longer, and not yet measured on a T4.\n\n"
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
    if set(JA) != listed: print(f'the Japanese course path lacks {sorted(listed - set(JA))}: add them to JA in tools/course.py'); return 1
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
