"""What a test does when the real helm or kubectl it needs is missing: locally it is skipped;
under CI=true, where build-aux/install-deps installs the real tools, it fails instead, so that a
CI run cannot pass with the real-tool tests left out (the C tests: fake_tools_real_tool_missing)."""
import os


def missing(tool, where):
    """(must_fail, message) for the real @tool not found @where ("on PATH", "in _deps/bin")."""
    message = f"the real {tool} is not {where}"
    if os.environ.get("CI") == "true":
        return True, message + "; under CI=true that fails the test instead of skipping it"
    return False, message
