#!/usr/bin/env python3
"""`todo-deploy --status` against td-kube-double, next to the real kubectl on the same double.

Checks the table (NAME..AGE exactly as `kubectl get pods` prints and aligns them, then DIAGNOSIS),
-o json, --watch, the default selector from the plan, and the exit codes 0/1/2. TAP output."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import real_tools  # noqa: E402

DOUBLE = sys.argv[1]
TODO_DEPLOY = os.path.join(os.environ["TD_BUILD_ROOT"], "src", "todo-deploy")
SRCDIR = os.environ.get("G_TEST_SRCDIR", os.path.dirname(os.path.abspath(__file__)))
SCENARIOS = os.path.join(SRCDIR, "kube-double", "scenarios")
TOP = os.path.dirname(SRCDIR)
PLAN_SELECTOR = "app in (todo-backend,todo-frontend)"

results = []


def check(name, condition, detail=""):
    results.append((name, bool(condition), detail))


def find_kubectl():
    for candidate in (os.path.join(TOP, "_deps", "bin", "kubectl-1.33"), shutil.which("kubectl")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


class Double:
    def __init__(self, scenario):
        self.scenario = os.path.join(SCENARIOS, scenario)

    def __enter__(self):
        self.proc = subprocess.Popen([DOUBLE, "--scenario", self.scenario], stdout=subprocess.PIPE, text=True)
        self.url = self.proc.stdout.readline().split()[1]
        self.kubeconfig = self.proc.stdout.readline().split()[1]
        self.dir = os.path.dirname(self.kubeconfig)
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def status(double, *args, timeout=30):
    return subprocess.run([TODO_DEPLOY, "--status", "--kubeconfig", double.kubeconfig, *args],
                          capture_output=True, text=True, timeout=timeout)


def kubectl(binary, double, cache, *args):
    env = dict(os.environ, KUBECACHEDIR=cache, HOME=cache)
    return subprocess.run([binary, "--kubeconfig", double.kubeconfig, *args], env=env, capture_output=True,
                          text=True, timeout=30)


def table_lines(text):
    return [line for line in text.splitlines() if line.strip()]


def compare_with_kubectl(tag, ours, theirs):
    """Our lines must start with kubectl's lines exactly (same cells, same padding), then the
    padding of AGE and the DIAGNOSIS cell."""
    mine, real = table_lines(ours), table_lines(theirs)
    check(f"{tag}: as many rows as kubectl", len(mine) == len(real) and len(real) > 1, ours + "\n---\n" + theirs)
    for number, (line, expected) in enumerate(zip(mine, real)):
        check(f"{tag}: line {number} matches kubectl's up to AGE",
              line.startswith(expected) and line[len(expected):len(expected) + 3] == "   ",
              f"ours:    {line!r}\nkubectl: {expected!r}")


def cells(line):
    return re.split(r"\s{3,}", line.strip(), maxsplit=5)


def run_tables(kubectl_binary):
    with tempfile.TemporaryDirectory() as cache:
        with Double("todo-rollout.json") as double:
            got = status(double, "-l", "app")
            check("rollout: exit 1 while a pod is not ready", got.returncode == 1, got.stderr)
            header = table_lines(got.stdout)[0] if got.stdout else ""
            check("rollout: the header", cells(header) == ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "DIAGNOSIS"],
                  got.stdout)
            if kubectl_binary:
                real = kubectl(kubectl_binary, double, cache, "get", "pods", "-l", "app")
                compare_with_kubectl("rollout", got.stdout, real.stdout)

            # No -l: the plan's selector, which leaves redis out.
            got = status(double)
            names = [cells(line)[0] for line in table_lines(got.stdout)[1:]]
            check("default selector comes from the plan",
                  names == ["todo-backend-6d8f7c9b5-x2k4p", "todo-frontend-5b7c9d8f4-q7w3e"], got.stdout + got.stderr)
            if kubectl_binary:
                real = kubectl(kubectl_binary, double, cache, "get", "pods", "-l", PLAN_SELECTOR)
                compare_with_kubectl("plan selector", got.stdout, real.stdout)

            got = status(double, "-l", "app=todo-backend")
            check("exit 0 when every selected pod is ready", got.returncode == 0, got.stdout + got.stderr)

            got = status(double, "-l", "app=nothing")
            check("exit 1 when no pod matches", got.returncode == 1 and got.stdout == "", got.stdout)
            check("no pods: says so", "No pods in namespace default match the selector \"app=nothing\"" in got.stderr,
                  got.stderr)

            got = status(double, "-n", "elsewhere")
            check("-n picks the namespace", got.returncode == 1 and "namespace elsewhere" in got.stderr, got.stderr)

        with Double("status-unhealthy.json") as double:
            got = status(double, "-l", "app")
            if kubectl_binary:
                real = kubectl(kubectl_binary, double, cache, "get", "pods", "-l", "app")
                compare_with_kubectl("unhealthy", got.stdout, real.stdout)
            rows = {cells(line)[0]: cells(line) for line in table_lines(got.stdout)[1:]}
            backend = rows.get("todo-backend-7f9c6d5b8-k2m4n", [""] * 6)
            frontend = rows.get("todo-frontend-5b7c9d8f4-zz1xy", [""] * 6)
            check("unhealthy: the image failure is diagnosed",
                  backend[5].startswith("ImagePullBackOff: Kubernetes could not download the image"), got.stdout)
            check("unhealthy: a healthy pod has no diagnosis",
                  rows.get("todo-backend-7f9c6d5b8-p9q8r", [""] * 6)[5] == "<none>", got.stdout)
            check("unhealthy: the failing probe is diagnosed from the pod's events",
                  frontend[5].startswith("Unhealthy: The container runs but is not ready"), got.stdout)

            got = status(double, "-l", "app", "-o", "json")
            try:
                pods = json.loads(got.stdout)
            except ValueError:
                pods = []
            by_name = {pod.get("name"): pod for pod in pods}
            check("json: exit 1 too", got.returncode == 1, got.stderr)
            check("json: one object per pod, with the columns",
                  len(pods) == 3 and all(set(pod) == {"name", "ready", "status", "restarts", "age", "diagnosis"}
                                         for pod in pods), got.stdout)
            healthy = by_name.get("todo-backend-7f9c6d5b8-p9q8r", {})
            check("json: a healthy pod", healthy.get("ready") == "1/1" and healthy.get("status") == "Running"
                  and healthy.get("restarts") == "0" and healthy.get("age") == "60m"
                  and "diagnosis" in healthy and healthy["diagnosis"] is None, got.stdout)
            diagnosis = (by_name.get("todo-frontend-5b7c9d8f4-zz1xy") or {}).get("diagnosis") or {}
            check("json: the diagnosis quotes the event",
                  diagnosis.get("reason") == "Unhealthy" and
                  diagnosis.get("message", "").startswith("Readiness probe failed: Get \"http://10.244.0.21:3000/\"")
                  and "readiness probe" in diagnosis.get("hint", ""), got.stdout)
            check("json: the table's DIAGNOSIS is reason: hint",
                  frontend[5] == f"{diagnosis.get('reason')}: {diagnosis.get('hint')}", frontend[5])


def run_errors():
    with Double("todo-rollout.json") as double:
        got = subprocess.run([TODO_DEPLOY, "--status", "--kubeconfig", os.path.join(double.dir, "missing")],
                             capture_output=True, text=True, timeout=30)
        check("exit 2 when the kubeconfig is missing", got.returncode == 2, got.stderr)
        check("a missing kubeconfig: one line that says so",
              len(got.stderr.strip().splitlines()) == 1 and got.stderr.startswith("todo-deploy: cannot read the kubeconfig"),
              got.stderr)

        got = status(double, "--context", "nope")
        check("exit 2 for an unknown context", got.returncode == 2 and "nope" in got.stderr, got.stderr)

        got = status(double, "-o", "yaml")
        check("exit 2 for an unknown output format", got.returncode == 2 and "yaml" in got.stderr, got.stderr)

        # The same cluster, trusted through an unrelated CA.
        wrong = os.path.join(double.dir, "kubeconfig-wrong-ca")
        with open(double.kubeconfig) as source, open(wrong, "w") as target:
            target.write(source.read().replace("/ca.pem", "/other-ca.pem"))
        got = subprocess.run([TODO_DEPLOY, "--status", "--kubeconfig", wrong], capture_output=True, text=True,
                             timeout=30)
        check("exit 2 for a certificate the kubeconfig does not trust", got.returncode == 2, got.stdout + got.stderr)
        check("a wrong CA: one line about the certificate",
              len(got.stderr.strip().splitlines()) == 1 and "certificate" in got.stderr, got.stderr)

    # Nobody listens there any more.
    got = subprocess.run([TODO_DEPLOY, "--status", "--kubeconfig", double.kubeconfig], capture_output=True,
                         text=True, timeout=30)
    check("exit 2 when the cluster cannot be reached", got.returncode == 2 and got.stdout == "", got.stderr)
    check("unreachable: one line", len(got.stderr.strip().splitlines()) == 1, got.stderr)


def run_watch():
    with Double("todo-rollout.json") as double:
        proc = subprocess.Popen([TODO_DEPLOY, "--status", "--watch", "--kubeconfig", double.kubeconfig, "-l", "app"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        lines = []
        try:
            # The table (header + 3 rows), then the frontend's change and redis' deletion.
            while len(lines) < 6:
                line = proc.stdout.readline()
                if not line:
                    break
                lines.append(line.rstrip("\n"))
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=10)
        changes = [cells(line)[:5] for line in lines[4:]]
        check("watch: prints each change as a row", changes == [
            ["todo-frontend-5b7c9d8f4-q7w3e", "1/1", "Running", "0", "120m"],
            ["redis-0", "0/1", "Running", "0", "120m"]], "\n".join(lines))
        check("watch: rows stay aligned with the table",
              len(lines) == 6 and all(line.index("1/1" if "1/1" in line else "0/1") == lines[1].index("1/1")
                                      for line in lines[1:]), "\n".join(lines))
        check("watch: interrupted with every remaining pod ready, exit 0", proc.returncode == 0, proc.stderr.read())


if not os.access(TODO_DEPLOY, os.X_OK):
    print(f"1..0 # SKIP {TODO_DEPLOY} is not built")
    sys.exit(0)
kubectl_binary = find_kubectl()
if kubectl_binary is None:
    must_fail, message = real_tools.missing("kubectl", "in _deps/bin (as kubectl-1.33) or on PATH")
    if must_fail:
        check("the real kubectl is there to compare the tables with", False, message)
run_tables(kubectl_binary)
run_errors()
run_watch()
print(f"1..{len(results)}")
if not kubectl_binary:
    print("# no kubectl found: the comparisons with kubectl were left out")
for number, (name, ok, detail) in enumerate(results, 1):
    print(f"{'ok' if ok else 'not ok'} {number} {name}")
    if not ok:
        for line in detail.splitlines()[:20]:
            print(f"# {line}")
