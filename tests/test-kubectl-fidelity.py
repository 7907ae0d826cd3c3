#!/usr/bin/env python3
"""Real kubectl against td-kube-double: proof that the double speaks the real protocol.

Runs `kubectl get pods`, `get pods -w` and `get pods -o json` with every kubectl it finds
(/usr/bin/kubectl, _deps/bin/kubectl-1.33) and checks the rows kubectl prints. TAP output."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import real_tools  # noqa: E402

DOUBLE = sys.argv[1]
SRCDIR = os.environ.get("G_TEST_SRCDIR", os.path.dirname(os.path.abspath(__file__)))
SCENARIO = os.path.join(SRCDIR, "kube-double", "scenarios", "todo-rollout.json")
TOP = os.path.dirname(SRCDIR)

results = []


def check(name, condition, detail=""):
    results.append((name, bool(condition), detail))


def kubectls():
    found = []
    for candidate in (shutil.which("kubectl"), os.path.join(TOP, "_deps", "bin", "kubectl-1.33")):
        if candidate and os.access(candidate, os.X_OK) and candidate not in found:
            found.append(candidate)
    return found


class Double:
    def __enter__(self):
        self.proc = subprocess.Popen([DOUBLE, "--scenario", SCENARIO], stdout=subprocess.PIPE, text=True)
        self.url = self.proc.stdout.readline().split()[1]
        self.kubeconfig = self.proc.stdout.readline().split()[1]
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def kubectl(binary, double, cache, *args, timeout=30):
    env = dict(os.environ, KUBECACHEDIR=cache, HOME=cache)
    return subprocess.run([binary, "--kubeconfig", double.kubeconfig, *args], env=env, capture_output=True,
                          text=True, timeout=timeout)


def rows(text):
    return [re.split(r"\s{2,}", line.strip()) for line in text.strip().splitlines()]


def run(binary):
    tag = os.path.basename(binary)
    with tempfile.TemporaryDirectory() as cache, Double() as double:
        got = kubectl(binary, double, cache, "get", "pods")
        table = rows(got.stdout)
        check(f"{tag}: get pods exits 0", got.returncode == 0, got.stderr)
        check(f"{tag}: get pods prints the header", table and table[0] == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
              got.stdout)
        check(f"{tag}: get pods prints the rows", table[1:] == [
            ["redis-0", "1/1", "Running", "0", "120m"],
            ["todo-backend-6d8f7c9b5-x2k4p", "1/1", "Running", "0", "120m"],
            ["todo-frontend-5b7c9d8f4-q7w3e", "0/1", "ContainerCreating", "0", "120m"]], got.stdout)

        got = kubectl(binary, double, cache, "get", "pods", "-l", "app in (todo-backend,todo-frontend)")
        check(f"{tag}: a set-based label selector filters", [r[0] for r in rows(got.stdout)[1:]] ==
              ["todo-backend-6d8f7c9b5-x2k4p", "todo-frontend-5b7c9d8f4-q7w3e"], got.stdout + got.stderr)

        got = kubectl(binary, double, cache, "get", "pods", "-o", "json")
        try:
            listed = json.loads(got.stdout)
        except ValueError:
            listed = {}
        check(f"{tag}: get pods -o json is a list of 3 pods", got.returncode == 0 and listed.get("kind") == "List"
              and len(listed.get("items", [])) == 3 and listed["items"][0].get("kind") == "Pod", got.stdout + got.stderr)

        # The watch ends after the scripted timeline; kubectl then exits 0 by itself.
        got = kubectl(binary, double, cache, "get", "pods", "-w", timeout=30)
        table = rows(got.stdout)
        check(f"{tag}: get pods -w exits 0 when the watch ends", got.returncode == 0, got.stderr)
        check(f"{tag}: get pods -w prints the change", table[4:] == [
            ["todo-frontend-5b7c9d8f4-q7w3e", "1/1", "Running", "0", "120m"],
            ["redis-0", "0/1", "Running", "0", "120m"]], got.stdout)  # DELETED: its last state

        got = kubectl(binary, double, cache, "get", "pods", "nope")
        check(f"{tag}: a missing pod is the server's NotFound", got.returncode != 0 and
              'Error from server (NotFound): pods "nope" not found' in got.stderr, got.stderr)


binaries = kubectls()
if not binaries:
    must_fail, message = real_tools.missing("kubectl", "on PATH or in _deps/bin (as kubectl-1.33)")
    print(f"1..1\nnot ok 1 - {message}" if must_fail else f"1..0 # SKIP {message}")
    sys.exit(1 if must_fail else 0)
for binary in binaries:
    run(binary)
print(f"1..{len(results)}")
for number, (name, ok, detail) in enumerate(results, 1):
    print(f"{'ok' if ok else 'not ok'} {number} {name}")
    if not ok:
        for line in detail.splitlines()[:20]:
            print(f"# {line}")
