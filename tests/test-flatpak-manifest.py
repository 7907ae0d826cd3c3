#!/usr/bin/env python3
"""The Flatpak manifest: what it must hold, and that flatpak-builder reads it.

test-flatpak-manifest.py SOURCE_ROOT fields   the JSON's fields, pins and their documentation
test-flatpak-manifest.py SOURCE_ROOT builder  `flatpak-builder --show-manifest` accepts it
                                              (exit 77, skipped, when flatpak-builder is missing)
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

APP_ID = "io.github.tododeploy.TodoDeploy"
MANIFEST = os.path.join("flatpak", APP_ID + ".json")

# Exactly these, each explained in flatpak/README.md: no more reach than the wizard needs.
FINISH_ARGS = {
    "--socket=wayland",
    "--socket=fallback-x11",
    "--device=dri",
    "--share=ipc",
    "--share=network",
    "--talk-name=org.freedesktop.Flatpak",
    "--filesystem=home",
    "--filesystem=~/.kube:ro",
    "--filesystem=~/.minikube:ro",
}

# What the GNOME runtime lacks (see flatpak/README.md); VTE needs fast_float to build.
BUNDLED_MODULES = ["libyaml", "fast_float", "vte"]

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def check_pinned(module):
    for source in module.get("sources", []):
        kind = source.get("type")
        where = "module %s, %s source" % (module["name"], kind)
        if kind == "archive":
            check(source.get("url", "").startswith("https://"), where + ": url must be https")
            check(re.fullmatch(r"[0-9a-f]{64}", source.get("sha256", "")) is not None,
                  where + ": needs a sha256 of 64 hex digits")
        elif kind == "git":
            check(source.get("url", "").startswith("https://"), where + ": url must be https")
            check(bool(source.get("tag")), where + ": needs a tag")
            check(re.fullmatch(r"[0-9a-f]{40}", source.get("commit", "")) is not None,
                  where + ": needs the tag's commit (40 hex digits)")
            check("branch" not in source, where + ": a branch moves; pin tag + commit")
        else:
            check(False, where + ": only archive (sha256) or git (tag + commit) sources are pinned")
        check(bool(source.get("x-checksum-source")), where + ": say where the hash or commit came from")


def check_fields(root):
    with open(os.path.join(root, MANIFEST), encoding="utf-8") as f:
        manifest = json.load(f)
    with open(os.path.join(root, "flatpak", "README.md"), encoding="utf-8") as f:
        flatpak_readme = f.read()
    with open(os.path.join(root, "README.md"), encoding="utf-8") as f:
        readme = f.read()

    check(manifest.get("app-id") == APP_ID, "app-id must be " + APP_ID)
    check(manifest.get("runtime") == "org.gnome.Platform", "runtime must be org.gnome.Platform")
    check(manifest.get("sdk") == "org.gnome.Sdk", "sdk must be org.gnome.Sdk")
    check(manifest.get("runtime-version") in ("48", "49"),
          "runtime-version must be a current stable GNOME runtime (48 or 49)")
    check(manifest.get("command") == "todo-deploy", "command must be todo-deploy")

    finish_args = manifest.get("finish-args", [])
    check(len(finish_args) == len(set(finish_args)), "finish-args has duplicates")
    check(set(finish_args) == FINISH_ARGS,
          "finish-args differ: extra %s, missing %s"
          % (sorted(set(finish_args) - FINISH_ARGS), sorted(FINISH_ARGS - set(finish_args))))
    for arg in finish_args:
        check("`%s`" % arg in flatpak_readme, "flatpak/README.md does not explain " + arg)
        check("`%s`" % arg in readme, "README.md does not list " + arg)
    for arg in ("--socket=x11", "--filesystem=host", "--socket=session-bus", "--device=all"):
        check(arg not in finish_args, arg + " is more than the wizard needs")

    modules = manifest.get("modules", [])
    names = [m.get("name") for m in modules]
    check(names == BUNDLED_MODULES + ["todo-deploy"],
          "modules must be %s then todo-deploy, got %s" % (BUNDLED_MODULES, names))
    for module in modules[:-1]:
        check_pinned(module)
        for source in module.get("sources", []):
            pin = source.get("sha256") or source.get("commit") or ""
            check(pin and pin in flatpak_readme,
                  "flatpak/README.md does not cite the pin of " + module["name"])

    vte = next((m for m in modules if m.get("name") == "vte"), {})
    opts = vte.get("config-opts", [])
    check("-Dgtk4=true" in opts and "-Dgtk3=false" in opts, "vte must be the GTK 4 build only")

    app = modules[-1] if modules else {}
    check(app.get("buildsystem") == "meson", "the app module builds with meson")
    sources = app.get("sources", [])
    check(len(sources) == 1 and sources[0].get("type") == "dir" and sources[0].get("path") == "..",
          "the app module builds the local checkout (type dir, path ..)")
    check(sources and "_build" in sources[0].get("skip", []),
          "the app source must skip the local _build tree")

    build = "flatpak-builder --user --install --force-clean build-flatpak " + MANIFEST
    for text, name in ((readme, "README.md"), (flatpak_readme, "flatpak/README.md")):
        check(build in text, name + " must give: " + build)
        check("flatpak run " + APP_ID in text, name + " must give: flatpak run " + APP_ID)
        check("flatpak override --user --talk-name=org.freedesktop.Flatpak " + APP_ID in text,
              name + " must give the flatpak override command")


def check_builder(root):
    builder = shutil.which("flatpak-builder")
    if builder is None:
        print("SKIP: flatpak-builder is not installed (build-aux/install-deps installs it)")
        sys.exit(77)
    # It leaves a .flatpak-builder folder in the working directory: keep that out of the tree.
    with tempfile.TemporaryDirectory() as work:
        result = subprocess.run([builder, "--show-manifest", os.path.join(root, MANIFEST)],
                                cwd=work, capture_output=True, text=True, timeout=60)
    check(result.returncode == 0, "flatpak-builder exited %d: %s" % (result.returncode, result.stderr))
    # It only warns about unknown properties or source types: those are failures here.
    check("WARNING" not in result.stderr and "Unknown" not in result.stderr,
          "flatpak-builder warned: " + result.stderr.strip())
    if result.returncode == 0:
        shown = json.loads(result.stdout)
        check(shown.get("id") == APP_ID, "flatpak-builder read id %r" % shown.get("id"))
        check(set(shown.get("finish-args", [])) == FINISH_ARGS, "flatpak-builder read other finish-args")
        check(len(shown.get("modules", [])) == len(BUNDLED_MODULES) + 1,
              "flatpak-builder read %d modules" % len(shown.get("modules", [])))


def main():
    root, mode = os.path.abspath(sys.argv[1]), sys.argv[2]
    {"fields": check_fields, "builder": check_builder}[mode](root)
    for message in failures:
        print("FAIL: " + message)
    if failures:
        return 1
    print("ok: %s (%s)" % (MANIFEST, mode))
    return 0


if __name__ == "__main__":
    sys.exit(main())
