"The CLI: help, doctor, and bad input that exits 2 naming file and line, with nothing written."
import json, subprocess
import pytest
from ftlab.cli import main

GOOD = '{"input": "What is 2+2?", "output": "It is 4, de gozaru."}\n'
BAD_DATA = {  # name: (file name, bytes, text the message must contain)
    'invalid json':     ('a.jsonl', GOOD + '{"input": "x", "output": }\n', 'a.jsonl:2: invalid JSON'),
    'truncated json':   ('b.json', '[' + GOOD.strip() + ',\n{"input": "x", "outp', 'b.json:2'),
    'empty file':       ('c.jsonl', '', 'c.jsonl: the file is empty'),
    'missing field':    ('d.jsonl', GOOD + '{"input": "only a question"}\n', 'd.jsonl:2: missing field(s) output'),
    'empty field':      ('e.jsonl', GOOD + GOOD + '{"input": "q", "output": "   "}\n', 'e.jsonl:3: field "output" is empty'),
    'wrong type':       ('f.jsonl', '{"input": "q", "output": 42}\n', 'f.jsonl:1: field "output" must be a string'),
    'unknown role':     ('g.jsonl', '{"messages": [{"role": "human", "content": "hi"}, {"role": "assistant", "content": "yo"}]}\n', "g.jsonl:1: message 0 has unknown role 'human'"),
    'not utf-8':        ('h.jsonl', GOOD.encode() + '{"input": "caf\xe9", "output": "x"}\n'.encode('latin-1'), 'h.jsonl:2: bytes that are not UTF-8'),
    'too long':         ('i.jsonl', GOOD + json.dumps({'input': 'q', 'output': 'word ' * 400}) + '\n', 'i.jsonl:2: example is'),
    'not an object':    ('j.jsonl', '["input", "output"]\n', 'j.jsonl:1: expected a JSON object'),
    'csv columns':      ('k.csv', 'question,answer\nq,a\n', 'k.csv:1: CSV columns'),
    'identical pair':   ('l.jsonl', '{"prompt": "p", "chosen": "same", "rejected": "same"}\n', 'l.jsonl:1: "chosen" and "rejected" are identical'),
    'unsupported ext':  ('m.txt', 'hello', 'unsupported file type'),
    'utf-16':           ('n.jsonl', GOOD.encode('utf-16'), 'n.jsonl:1: the file is UTF-16'),
    'empty messages':   ('o.jsonl', '{"messages": []}\n', 'o.jsonl:1: "messages" must be a non-empty list'),
    'chat ends w/ user':('p.jsonl', '{"messages": [{"role": "user", "content": "hi"}]}\n', 'p.jsonl:1: the last message is not from the assistant'),
    'json not array':   ('q.json', '{"input": "a", "output": "b"}', 'q.json:1: expected "["'),
    'csv extra field':  ('r.csv', 'input,output\nq,a,extra\n', 'r.csv:2: more fields than header columns'),
    'mixed formats':    ('s.jsonl', GOOD + '{"text": "raw"}\n', 's.jsonl:2: missing field(s) input, output'),
    'unknown keys':     ('t.jsonl', '{"question": "q", "answer": "a"}\n', 't.jsonl:1: keys'),
}

@pytest.mark.parametrize('case', list(BAD_DATA))
def test_bad_data_exits_2(case, tmp_path, capsys):
    name, content, expect = BAD_DATA[case]
    p = tmp_path/name
    (p.write_bytes if isinstance(content, bytes) else p.write_text)(content)
    out = tmp_path/'run'
    code = main(['train', '--data', str(p), '--out', str(out), '--profile', 'ci', '--steps', '2'])
    err = capsys.readouterr().err
    assert code == 2
    assert expect in err, err
    assert 'Fix:' in err and 'Traceback' not in err
    assert not out.exists()

@pytest.mark.parametrize('args,expect', [
    (['--method', 'nope'], "unknown method 'nope'"),
    (['--steps', '0'], 'steps must be at least 1'),
    (['--rank', '0'], 'rank must be at least 1'),
    (['--task', 'poetry'], "unknown task 'poetry'"),
    (['--model', '/no/such/model'], 'not a folder'),
    (['--data', '/no/such/file.jsonl'], 'no such file'),
    (['--data', '/tmp'], 'this is a folder'),
    (['--steps', '-3'], 'steps must be at least 1'),
    (['--rank', '-1'], 'rank must be at least 1'),
    (['--lr', '0'], 'lr must be positive'),
    (['--batch-size', '0'], 'batch_size must be at least 1'),
    (['--method-arg', 'rnk=4'], "method 'lora' has no option rnk. Fix: use one of its options: r (int), alpha (int)"),
    (['--method-arg', 'r=four'], "'four' is not an int"),
    (['--method-arg', 'r'], 'takes KEY=VALUE'),
    (['--method', 'full', '--rank', '4'], "method 'full' has no option r"),
    (['--method', 'reft', '--method-arg', 'last=-'], "method 'reft': '-' is not an int"),
])
def test_bad_options_exit_2(args, expect, tmp_path, capsys):
    out = tmp_path/'run'
    assert main(['train', '--out', str(out), '--profile', 'ci'] + args) == 2
    assert expect in capsys.readouterr().err
    assert not out.exists()

def test_method_args_reach_the_config(tmp_path):
    "--method-arg sets any field of the method's config, typed from the dataclass; the run folder records what trained."
    out = tmp_path/'run'
    assert main(['train', '--model', 'tiny', '--profile', 'ci', '--steps', '1', '--no-eval', '--out', str(out), '--method-arg', 'r=2',
                 '--method-arg', 'targets=q_proj,v_proj', '--alpha', '4', '--method-arg', 'dropout=0.05']) == 0
    mc = json.loads((out/'config.json').read_text())['method_cfg']
    assert mc == {'r': 2, 'alpha': 4, 'dropout': 0.05, 'targets': ['q_proj', 'v_proj']}, mc

def test_model_folder_that_is_not_a_model(tmp_path, capsys):
    (tmp_path/'m').mkdir(); (tmp_path/'m'/'notes.txt').write_text('hi')
    assert main(['train', '--model', str(tmp_path/'m'), '--out', str(tmp_path/'run')]) == 2
    assert 'no config.json' in capsys.readouterr().err and not (tmp_path/'run').exists()

def test_existing_run_folder_is_kept(tmp_path, capsys):
    run = tmp_path/'run'; run.mkdir(); (run/'mine.txt').write_text('precious')
    assert main(['train', '--out', str(run), '--profile', 'ci', '--steps', '1', '--no-eval']) == 2
    assert 'already exists' in capsys.readouterr().err
    assert (run/'mine.txt').read_text() == 'precious' and sorted(p.name for p in run.iterdir()) == ['mine.txt']

@pytest.mark.parametrize('cmd', ['doctor', 'train', 'eval', 'generate'])
def test_help(cmd, capsys):
    with pytest.raises(SystemExit) as e: main([cmd, '--help'])
    assert e.value.code == 0 and 'usage: ftlab' in capsys.readouterr().out

def test_doctor_json(capsys):
    assert main(['doctor', '--json']) == 0
    checks = json.loads(capsys.readouterr().out)
    by = {c['check']: c for c in checks}
    assert by['torch']['ok'] and by['default model']['ok']
    import torch
    if not torch.cuda.is_available(): assert by['gpu']['detail'].startswith('no GPU')
    else: assert 'no GPU' not in by['gpu']['detail']

def test_doctor_exit_status_follows_the_profile(capsys):
    "CPU profiles need no GPU (exit 0); the gpu profile does (exit 1 on a machine without one, and the JSON says which check failed)."
    import torch
    assert main(['doctor', '--profile', 'cpu']) == 0
    capsys.readouterr()
    code = main(['doctor', '--profile', 'gpu', '--json'])
    checks = json.loads(capsys.readouterr().out)
    failed = [c['check'] for c in checks if c['needed'] and not c['ok']]
    if torch.cuda.is_available(): assert code == 0 and not failed
    else: assert code == 1 and 'gpu' in failed and all(c['fix'] for c in checks if not c['ok'])

def test_doctor_lang_ja(capsys):
    "--lang ja: each failing row's fix in Japanese (with the gpu profile a machine without a GPU has at least one); names and details stay English."
    import torch
    code = main(['doctor', '--profile', 'gpu', '--lang', 'ja'])
    out = capsys.readouterr().out
    if torch.cuda.is_available(): assert code == 0
    else:
        fixes = [l.split('直し方: ', 1)[1] for l in out.splitlines() if '直し方: ' in l]
        assert code == 1 and fixes and all(any('\u3040' <= ch <= '\u30ff' for ch in f) for f in fixes), out
        assert 'fix:' not in out and 'BAD gpu' in out

def test_console_script_exit_code(tmp_path):
    "The installed `ftlab` command: bad input -> status 2, a short message, no traceback."
    p = tmp_path/'x.jsonl'; p.write_text('{"input": 1}\n')
    r = subprocess.run(['ftlab', 'train', '--data', str(p), '--out', str(tmp_path/'run')], capture_output=True, text=True, timeout=300)
    assert r.returncode == 2, r.stderr
    assert 'x.jsonl:1' in r.stderr and 'Traceback' not in r.stderr
    assert not (tmp_path/'run').exists()

def test_bom_is_accepted(tmp_path):
    "A UTF-8 byte-order mark (as Windows editors write) is valid UTF-8: read, not refused."
    from ftlab.data import load_records
    p = tmp_path/'bom.jsonl'; p.write_bytes(('\ufeff' + GOOD).encode())
    recs, fmt = load_records(p)
    assert fmt == 'io' and recs[0]['input'] == 'What is 2+2?'

def test_pickle_weights_refused(tmp_path, capsys):
    "Safe loading: a folder with only pickled .bin weights is refused unless --allow-pickle."
    m = tmp_path/'m'; m.mkdir(); (m/'config.json').write_text('{}'); (m/'pytorch_model.bin').write_bytes(b'not really')
    assert main(['train', '--model', str(m), '--out', str(tmp_path/'run')]) == 2
    err = capsys.readouterr().err
    assert 'pickled' in err and '--allow-pickle' in err and not (tmp_path/'run').exists()

def test_api_errors_are_typed(tmp_path):
    from ftlab.data import DataError, load_records
    from ftlab.models import ModelError, load_model
    from ftlab.train import RunExistsError, prepare_run_dir
    p = tmp_path/'x.jsonl'; p.write_text('{"input": "q"}\n')
    with pytest.raises(DataError) as e: load_records(p)
    assert e.value.line == 1 and e.value.path == str(p) and e.value.fix
    with pytest.raises(ModelError): load_model(str(tmp_path))
    (tmp_path/'r').mkdir(); (tmp_path/'r'/'f').write_text('x')
    with pytest.raises(RunExistsError): prepare_run_dir(tmp_path/'r')

def test_run_names_are_sanitised():
    from ftlab.core import safe_name
    assert '/' not in safe_name('../../etc/passwd') and not safe_name('../x').startswith('.')
