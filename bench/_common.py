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
