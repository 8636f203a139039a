"""The Japanese edition: tools/i18n.py's check passes on the repository and catches a missing, a stale and an avoided-term
translation and an out-of-date nbs_ja/; Japanese plot labels are drawn with a CJK font, or stay English where none is installed."""
import importlib.util, json, os, shutil, sys, warnings
from pathlib import Path
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]

def _i18n(root:Path):
    "tools/i18n.py, pointed at `root` (a copy of the repository's notebooks, catalogues and nbs_ja/)."
    spec = importlib.util.spec_from_file_location(f'i18n_{abs(hash(root))}', ROOT/'tools'/'i18n.py')
    m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
    m.NBS, m.CAT, m.OUT, m.README_JA = root/'nbs', root/'nbs'/'ja', root/'nbs_ja', root/'README.ja.md'
    return m

def test_repository_translations_are_current(capsys):
    assert _i18n(ROOT).cmd_check([]) == 0, capsys.readouterr().out

def test_check_catches_what_is_wrong(tmp_path, capsys):
    (tmp_path/'nbs'/'ja').mkdir(parents=True); (tmp_path/'nbs_ja').mkdir()
    shutil.copy(ROOT/'nbs'/'00_core.ipynb', tmp_path/'nbs'); shutil.copy(ROOT/'nbs'/'ja'/'00_core.yml', tmp_path/'nbs'/'ja')
    shutil.copy(ROOT/'nbs'/'ja'/'glossary.yml', tmp_path/'nbs'/'ja')
    m = _i18n(tmp_path)
    assert m.cmd_build([]) == 0 and m.cmd_check([]) == 0
    nbp, catp = tmp_path/'nbs'/'00_core.ipynb', tmp_path/'nbs'/'ja'/'00_core.yml'
    nb, cat = json.loads(nbp.read_text()), yaml.safe_load(catp.read_text())
    md = [c for c in nb['cells'] if c['cell_type'] == 'markdown']
    md[2]['source'] = [''.join(md[2]['source']) + ' One more English sentence.']          # the English changed since
    nbp.write_text(json.dumps(nb))
    del cat['cells'][md[3]['id']]                                                          # a cell never translated
    cat['cells'][md[4]['id']]['ja'] += ' パラメータ'                                       # the glossary's avoided form (パラメタ)
    catp.write_text(yaml.safe_dump(cat, allow_unicode=True))
    capsys.readouterr()
    assert m.cmd_check([]) == 1
    out = capsys.readouterr().out
    assert f"{md[2]['id']}: the English changed" in out and f"{md[3]['id']}: no Japanese" in out and '"パラメータ"' in out
    assert 'nbs_ja/00_core.ipynb is out of date' in out and 'Fix:' in out

def test_exercise_feedback_catalogue(tmp_path):
    "Every message ftlab/exercises.py can show has its Japanese; an edited message, a lost value slot and a gone entry are caught."
    m = _i18n(ROOT)
    assert m.ex_problems() == [] and len(m.exercise_messages()) > 150
    code, cat = m.EXERCISES.read_text(), json.loads(m.EX_CAT.read_text())
    m.EXERCISES, m.EX_CAT = tmp_path/'exercises.py', tmp_path/'exercises_ja.json'
    m.EXERCISES.write_text(code.replace("raise Wrong('give a multiple of 256')", "raise Wrong('give a multiple of 512')"))
    cat['{} is too {}. {}'] = '{0}が{1}すぎます。'                       # the hint's slot lost
    m.EX_CAT.write_text(json.dumps(cat, ensure_ascii=False))
    out = '\n'.join(m.ex_problems())
    assert "no Japanese for 'give a multiple of 512'" in out and "'give a multiple of 256' is no longer in" in out and 'uses [0, 1]' in out

def test_japanese_model_option(tmp_path, monkeypatch):
    "The Japanese notebooks' Colab option (USE_JA_MODEL) makes load_model() load JA_MODEL: run offline on a tiny model of its family."
    import ftlab.models as fm
    m, tok = fm.tiny_model(arch=fm.JA_FAMILY)
    m.save_pretrained(tmp_path); tok.save_pretrained(tmp_path)
    nb = json.loads((ROOT/'nbs_ja'/'11_lora.ipynb').read_text())
    cell = next(''.join(c['source']) for c in nb['cells'] if c['id'] == 'ja000002')
    monkeypatch.setattr(fm, 'JA_MODEL', str(tmp_path)); monkeypatch.setenv('FTLAB_MODEL', '')   # restored after the test
    assert fm.load_model()[0].config.model_type == 'llama'                                      # not chosen: SmolLM2
    exec(cell.replace('USE_JA_MODEL = False', 'USE_JA_MODEL = True'), {})
    assert fm.load_model()[0].config.model_type == fm.JA_FAMILY and fm.load_tokenizer('default').name_or_path != str(tmp_path)

def test_built_notebook_keeps_code_and_outputs():
    src = json.loads((ROOT/'nbs'/'00_core.ipynb').read_text())
    ja = json.loads((ROOT/'nbs_ja'/'00_core.ipynb').read_text())
    code = lambda nb: [(c['source'], c.get('outputs')) for c in nb['cells'] if c['cell_type'] == 'code' and not c['id'].startswith('ja0000')]
    assert code(ja) == code(src)
    assert any('FTLAB_LANG' in ''.join(c['source']) for c in ja['cells'] if c['cell_type'] == 'code')
    assert all(any('\u3040' <= ch <= '\u30ff' for ch in ''.join(c['source'])) for c in ja['cells'] if c['cell_type'] == 'markdown' and 'colab-badge' not in ''.join(c['source']))

def test_japanese_plot_label_uses_a_cjk_font(monkeypatch, capsys):
    import matplotlib; matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    from matplotlib import font_manager
    from ftlab.core import label, cjk_font
    monkeypatch.setenv('FTLAB_LANG', 'ja')
    font = cjk_font()
    fig, ax = plt.subplots()
    t = ax.set_title(label('training loss', '学習の損失')); ax.set_xlabel(label('step', 'ステップ'))
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always'); fig.canvas.draw()
    plt.close(fig)
    if font is None: pytest.skip('no CJK font installed (apt-get install fonts-noto-cjk); test_label_without_cjk_font checks the fallback')
    used = font_manager.findfont(t.get_fontproperties(), fallback_to_default=False)
    assert t.get_text() == '学習の損失' and font_manager.FontProperties(fname=used).get_name() == font, used
    assert not [x for x in w if 'missing from' in str(x.message)], [str(x.message) for x in w]

def test_label_without_cjk_font(monkeypatch, capsys):
    import ftlab.core as core
    monkeypatch.setenv('FTLAB_LANG', 'ja')
    monkeypatch.setattr(core, 'CJK_FONTS', ('No Such Font JP',)); monkeypatch.setattr(core, '_NO_FONT_SAID', [])
    assert core.cjk_font() is None
    assert core.label('training loss', '学習の損失') == 'training loss' and core.label('step', 'ステップ') == 'step'   # English, never boxes
    out = capsys.readouterr().out
    assert out.count('no CJK font') == 1 and 'fonts-noto-cjk' in out                                                # said once
    monkeypatch.setenv('FTLAB_LANG', 'en')
    assert core.label('training loss', '学習の損失') == 'training loss'
