# Medbase task-service bootstrap for python* functions.
# argv: codeDir, module (path relative to codeDir, without .py), handler name, result file, memory limit (MB).
# The task (JSON) arrives on stdin; the outcome is written to the result file as
# {"ok": true, "result": ...} or {"ok": false, "error": {"name": ..., "message": ...}}; stdout/stderr are the logs.
import importlib
import json
import sys

code_dir, module_path, handler_name, result_file, memory_mb = sys.argv[1:6]


def write(outcome):
    try:
        text = json.dumps(outcome)
    except Exception as e:  # not JSON-serialisable
        text = json.dumps({"ok": False, "error": {"name": "ResultSerializationError", "message": str(e)}})
    with open(result_file, "w") as f:
        f.write(text)


event = json.loads(sys.stdin.read())
limit = int(memory_mb) * 1024 * 1024
try:
    import resource
    if limit > 0:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
except Exception as e:  # no resource module (not POSIX)
    print("memory limit not enforced: %s" % e, file=sys.stderr)

try:
    sys.path.insert(0, code_dir)
    module = importlib.import_module(module_path.replace("/", "."))
    handler = getattr(module, handler_name, None)
    if not callable(handler):
        raise LookupError("Handler '%s' is not a function of module '%s'" % (handler_name, module_path))
    outcome = {"ok": True, "result": handler(event, None)}
except MemoryError:
    outcome = {"ok": False, "error": {"name": "MemoryLimitExceeded",
                                      "message": "The function exceeded its memory limit of %s MB" % memory_mb}}
except BaseException as e:
    outcome = {"ok": False, "error": {"name": type(e).__name__, "message": str(e)}}
sys.stdout.flush()
sys.stderr.flush()
write(outcome)
