"Helpers shared by the benches (run as scripts: `python bench/X.py` puts bench/ on the path)."
import contextlib, fcntl

@contextlib.contextmanager
def locked(path):
    "Hold an exclusive flock on `path` (no-op when empty)."
    if not path: yield; return
    with open(path, 'a') as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try: yield
        finally: fcntl.flock(f, fcntl.LOCK_UN)

def provenance() -> dict:
    "What a committed result needs to be checked later: the commit (and whether the tree had changes), date, machine, training precision, versions."
    import os, platform, subprocess, time
    from pathlib import Path
    from ftlab.core import versions, precision
    root = Path(__file__).resolve().parents[1]
    git = lambda *a: subprocess.run(['git', *a], cwd=root, capture_output=True, text=True).stdout.strip()
    return {'commit': git('rev-parse', 'HEAD') or None, 'dirty': bool(git('status', '--porcelain', '--', 'ftlab', 'nbs')),
            'when': time.strftime('%Y-%m-%d %H:%M:%S'), 'machine': {'cpus': os.cpu_count(), 'platform': platform.platform(), 'cpu': platform.processor() or None},
            'precision': precision('cpu')[1], 'versions': versions()}
