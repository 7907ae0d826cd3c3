#!/usr/bin/env python3
"""The bundled docker/Dockerfile.backend, docker/Dockerfile.frontend and docker/.dockerignore
checked against the seed's T007 and T011 prompts, with a small Dockerfile line parser and a
.dockerignore matcher that follows Docker's rules ("**", "*", "?", "!" exceptions, last match wins,
a match on a directory excludes everything below it).

usage: test-dockerfiles.py SOURCE_ROOT
"""
import json
import os
import re
import shlex
import sys
import unittest

DOCKER_DIR = os.path.join(sys.argv[1] if len(sys.argv) > 1 else "", "docker")


def read(name):
    with open(os.path.join(DOCKER_DIR, name), encoding="utf-8") as f:
        return f.read()


class Stage:
    def __init__(self, image, name):
        self.image = image
        self.name = name
        self.instructions = []  # (INSTRUCTION, arguments)

    def args(self, instruction):
        return [a for i, a in self.instructions if i == instruction]

    def copies(self):
        """(from_stage or None, sources, destination) for each COPY, options like --chown dropped."""
        out = []
        for arg in self.args("COPY"):
            words = shlex.split(arg)
            source_stage = None
            for option in [w for w in words if w.startswith("--")]:
                if option.startswith("--from="):
                    source_stage = option[len("--from="):]
            paths = [w for w in words if not w.startswith("--")]
            out.append((source_stage, paths[:-1], paths[-1]))
        return out

    def env(self):
        values = {}
        for arg in self.args("ENV"):
            for word in shlex.split(arg):
                key, _, value = word.partition("=")
                values[key] = value
        return values


def parse_dockerfile(text):
    """Stages in order; continuation lines joined, comments and blank lines dropped."""
    text = re.sub(r"\\\n", " ", text)
    stages = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, arg = line.partition(" ")
        instruction, arg = instruction.upper(), arg.strip()
        if instruction == "FROM":
            m = re.fullmatch(r"(\S+)(?:\s+AS\s+(\S+))?", arg, re.I)
            stages.append(Stage(m.group(1), m.group(2)))
        else:
            assert stages, f"{instruction} before FROM"
            stages[-1].instructions.append((instruction, arg))
    return stages


def ignore_rules(text):
    """(negated, regex) per .dockerignore line."""
    rules = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = os.path.normpath(line.lstrip("!").strip()).lstrip("/")
        regex, i = "", 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                regex, i = regex + "(?:.*/)?", i + 3
            elif pattern.startswith("**", i):
                regex, i = regex + ".*", i + 2
            elif pattern[i] == "*":
                regex, i = regex + "[^/]*", i + 1
            elif pattern[i] == "?":
                regex, i = regex + "[^/]", i + 1
            elif pattern[i] == "[":
                end = pattern.index("]", i)
                regex, i = regex + "[" + pattern[i + 1:end].replace("!", "^", 1) + "]", end + 1
            else:
                regex, i = regex + re.escape(pattern[i]), i + 1
        rules.append((negated, re.compile(regex)))
    return rules


def ignored(rules, path):
    parts = path.split("/")
    prefixes = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    result = False
    for negated, regex in rules:
        if any(regex.fullmatch(p) for p in prefixes):
            result = not negated
    return result


def assert_runs_as(testcase, stage, user):
    # The container runs as the stage's last USER; nothing switches back to root on the way.
    testcase.assertEqual(stage.args("USER")[-1:], [user])
    testcase.assertNotIn("root", stage.args("USER"))


class BackendTest(unittest.TestCase):
    """Seed T007."""

    @classmethod
    def setUpClass(cls):
        cls.stages = parse_dockerfile(read("Dockerfile.backend"))

    def test_two_stages_on_python_slim(self):
        self.assertEqual([(s.image, s.name) for s in self.stages],
                         [("python:3.11-slim", "builder"), ("python:3.11-slim", None)])

    def test_builder_installs_requirements(self):
        builder = self.stages[0]
        self.assertIn(["backend/requirements.txt"], [src for _, src, _ in builder.copies()])
        self.assertIn("pip install --no-cache-dir -r requirements.txt", builder.args("RUN"))

    def test_runtime_copies_what_builder_installed(self):
        builder, runtime = self.stages
        from_builder = [src for stage, src, _ in runtime.copies() if stage == "builder"]
        self.assertTrue(from_builder, "runtime copies nothing from builder")
        builder_text = " ".join(a for _, a in builder.instructions)
        for src in from_builder:
            # The copied directory is the venv or prefix the builder's pip installs into.
            self.assertIn(src[0], builder_text)
            self.assertIn(src[0], " ".join(runtime.args("ENV")), "installed packages not on PATH")
        self.assertIn((None, ["backend/"], "./backend/"), runtime.copies())

    def test_non_root_appuser(self):
        runtime = self.stages[1]
        self.assertTrue(any(re.search(r"\buseradd\b.*--uid 1000\b.*\bappuser\b", r)
                            for r in runtime.args("RUN")))
        assert_runs_as(self, runtime, "appuser")

    def test_port_and_command(self):
        runtime = self.stages[1]
        self.assertEqual(runtime.args("EXPOSE"), ["8000"])
        self.assertEqual([json.loads(c) for c in runtime.args("CMD")],
                         [["uvicorn", "backend.main:app", "--host", "0.0.0.0", "--port", "8000"]])


class FrontendTest(unittest.TestCase):
    """Seed T011, on node:20-alpine as the seed's T014 record says."""

    @classmethod
    def setUpClass(cls):
        cls.stages = parse_dockerfile(read("Dockerfile.frontend"))
        cls.deps, cls.builder, cls.runner = cls.stages

    def test_three_stages_on_node_alpine(self):
        self.assertEqual([(s.image, s.name) for s in self.stages],
                         [("node:20-alpine", "deps"), ("node:20-alpine", "builder"),
                          ("node:20-alpine", "runner")])
        for stage in self.stages:
            self.assertEqual(stage.instructions[0], ("WORKDIR", "/app"), stage.name)

    def test_deps_installs_from_lock_file(self):
        self.assertIn((None, ["frontend/package.json", "frontend/package-lock.json"], "./"),
                      self.deps.copies())
        self.assertEqual(self.deps.args("RUN"), ["npm ci"])

    def test_builder_builds_without_telemetry(self):
        copies = self.builder.copies()
        self.assertIn(("deps", ["/app/node_modules"], "./node_modules"), copies)
        self.assertIn((None, ["frontend/"], "./"), copies)
        self.assertEqual(self.builder.env().get("NEXT_TELEMETRY_DISABLED"), "1")
        instructions = self.builder.instructions
        build = instructions.index(("RUN", "npm run build"))
        telemetry = next(i for i, (ins, arg) in enumerate(instructions)
                         if ins == "ENV" and "NEXT_TELEMETRY_DISABLED=1" in arg)
        self.assertLess(telemetry, build, "telemetry must be off before the build runs")

    def test_runner_copies_standalone_output(self):
        copies = self.runner.copies()
        self.assertIn(("builder", ["/app/.next/standalone"], "./"), copies)
        self.assertIn(("builder", ["/app/.next/static"], "./.next/static"), copies)
        for stage, src, _ in copies:
            self.assertEqual(stage, "builder", "the runner takes only the build output")
            if src == ["/app/public"]:
                # COPY of a missing directory fails the build: the builder must create it.
                self.assertIn("mkdir -p public", self.builder.args("RUN"))

    def test_non_root_nextjs(self):
        runs = " && ".join(self.runner.args("RUN"))
        self.assertRegex(runs, r"addgroup\b.*-g 1001 nodejs\b")
        self.assertRegex(runs, r"adduser\b.*-u 1001 -G nodejs nextjs\b")
        assert_runs_as(self, self.runner, "nextjs")

    def test_port_and_command(self):
        self.assertEqual(self.runner.args("EXPOSE"), ["3000"])
        env = self.runner.env()
        self.assertEqual(env.get("PORT"), "3000")
        self.assertEqual(env.get("HOSTNAME"), "0.0.0.0")
        self.assertEqual([json.loads(c) for c in self.runner.args("CMD")], [["node", "server.js"]])


class DockerignoreTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.rules = ignore_rules(read(".dockerignore"))

    def test_excludes_build_output_secrets_and_git(self):
        for path in ("node_modules/x", "frontend/node_modules/next/package.json",
                     "frontend/.next/cache/webpack/x", ".env", "backend/.env",
                     "frontend/.env.local", ".git/HEAD", "backend/__pycache__/main.cpython-311.pyc",
                     "backend/app/__pycache__/models.cpython-311.pyc"):
            self.assertTrue(ignored(self.rules, path), path)

    def test_keeps_what_the_images_need(self):
        for path in ("backend/main.py", "backend/requirements.txt", "backend/.env.example",
                     "frontend/package.json", "frontend/package-lock.json",
                     "frontend/next.config.js", "frontend/src/app/page.tsx",
                     "frontend/public/favicon.ico"):
            self.assertFalse(ignored(self.rules, path), path)

    def test_dockerfile_sources_survive(self):
        for name in ("Dockerfile.backend", "Dockerfile.frontend"):
            for stage in parse_dockerfile(read(name)):
                for source_stage, sources, _ in stage.copies():
                    for src in sources if source_stage is None else []:
                        self.assertFalse(ignored(self.rules, src.rstrip("/")), f"{name}: {src}")

    def test_matcher_semantics(self):
        # The matcher itself, on rules whose meaning Docker documents.
        rules = ignore_rules("node_modules\n**/*.tmp\n*.md\n!README.md\n")
        self.assertTrue(ignored(rules, "node_modules/a/b"))
        self.assertFalse(ignored(rules, "frontend/node_modules/a"))
        self.assertTrue(ignored(rules, "a/b/c.tmp"))
        self.assertTrue(ignored(rules, "CHANGES.md"))
        self.assertFalse(ignored(rules, "README.md"))
        self.assertFalse(ignored(rules, "docs/CHANGES.md"))


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
