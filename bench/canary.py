"""Version-drift canary: install the newest transformers / peft / trl / bitsandbytes / accelerate / datasets in a
throwaway virtual environment, run the fast ci test subset there, and report what broke.

    python bench/canary.py                 # newest releases of the watched packages
    python bench/canary.py --suite         # the README's whole test command instead of the fast subset (its time is
                                           #   the one that must stay under 20 minutes on 2 cores)
    python bench/canary.py --keep          # keep the venv (printed) to investigate

Not part of the default test run (it downloads packages). torch stays at the installed version (the venv sees this
interpreter's site-packages, so torch and llama-cpp-python are not rebuilt). Writes bench/results/canary.json.
"""
import argparse, json, os, re, shlex, shutil, subprocess, sys, tempfile, time
from pathlib import Path
from _common import provenance   # bench/_common.py

ROOT = Path(__file__).resolve().parents[1]
WATCH = ['transformers', 'peft', 'trl', 'bitsandbytes', 'accelerate', 'datasets']
SUBSET = ['tests/test_cli.py', 'tests/test_methods.py', 'tests/test_stop.py', 'tests/test_cli_run.py']

def sh(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)

def readme_test_command() -> list:
    "The README's second ```bash block: the test command CI runs."
    blocks = re.findall(r'```bash\n(.*?)\n```', (ROOT/'README.md').read_text(encoding='utf-8'), re.S)
    return shlex.split(blocks[1].strip())

def versions(py):
    code = 'import importlib.metadata as m, json\nout={}\nfor p in %r:\n    try: out[p]=m.version(p)\n    except Exception: out[p]=None\nprint(json.dumps(out))' % WATCH
    return json.loads(sh([py, '-c', code]).stdout or '{}')

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--keep', action='store_true'); ap.add_argument('--suite', action='store_true')
    ap.add_argument('--out', default=str(ROOT/'bench'/'results'/'canary.json'))
    a = ap.parse_args(argv)
    venv = Path(tempfile.mkdtemp(prefix='ftlab-canary-'))
    py = str(venv/'bin'/'python')
    tested = versions(sys.executable)
    t0 = time.time()
    sh([sys.executable, '-m', 'venv', '--system-site-packages', str(venv)], check=True)
    import torch
    cons = venv/'constraints.txt'; cons.write_text(f'torch=={torch.__version__.split("+")[0]}\n')
    inst = sh([py, '-m', 'pip', 'install', '-q', '--upgrade', '-c', str(cons), *WATCH])
    report = {**provenance(), 'tested': tested, 'install_ok': inst.returncode == 0}
    if inst.returncode: report['install_error'] = inst.stderr[-3000:]
    else:
        sh([py, '-m', 'pip', 'install', '-q', '--no-deps', '-e', str(ROOT)])
        report['newest'] = versions(py)
        env = {**os.environ, 'FTLAB_PROFILE': 'ci', 'PATH': f"{venv/'bin'}:{os.environ['PATH']}", 'PYTHONPATH': str(ROOT)}   # this tree's ftlab, in every child (nbdev_test too)
        cmd = readme_test_command() if a.suite else ['pytest', '-q', *SUBSET]
        assert cmd[0] == 'pytest', cmd
        report['command'] = ' '.join(cmd)
        t1 = time.time()
        r = sh([py, '-m', *cmd, '-p', 'no:cacheprovider'], cwd=ROOT, env=env)
        report['test_seconds'] = round(time.time() - t1)
        report['tests_ok'] = r.returncode == 0
        report['failed'] = re.findall(r'^FAILED (\S+)', r.stdout, re.M)
        report['summary'] = (r.stdout.strip().splitlines() or [''])[-1]
    report['seconds'] = round(time.time() - t0)
    print(f"{'package':<14}{'tested':<12}{'newest':<12}")
    for p in WATCH: print(f"{p:<14}{str(tested.get(p)):<12}{str(report.get('newest', {}).get(p)):<12}")
    print('install ok' if report['install_ok'] else 'INSTALL FAILED', '|', report.get('command', ''), '|', report.get('summary', ''),
          '|', report.get('test_seconds'), 's of tests in', report['precision'])
    for f in report.get('failed', []): print('  broke:', f)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True); Path(a.out).write_text(json.dumps(report, indent=2))
    if a.keep: print('venv kept at', venv)
    else: shutil.rmtree(venv, ignore_errors=True)
    return 0 if report['install_ok'] and report.get('tests_ok') else 1

if __name__ == '__main__': sys.exit(main())
