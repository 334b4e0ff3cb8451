"""static/js/percent.js, the form's "meets" and percentage, on every case of tests/vectors/percent.json, run by
Node.js outside a browser (the browser test, tests/browser/test_percent.py, runs the same cases in Chromium)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.test_percent_display import VECTORS, VECTORS_FILE

SCRIPT = Path(__file__).resolve().parent.parent / "static" / "js" / "percent.js"
# The script as the page loads it, in a context whose ``window`` is its own, then every case through both functions.
RUNNER = """
const fs = require("fs"), vm = require("vm");
const [script, vectors] = process.argv.slice(1);
const context = { window: {} };
vm.createContext(context);
vm.runInContext(fs.readFileSync(script, "utf8"), context);
const { dvPercent, dvMeets } = context.window;
const cases = JSON.parse(fs.readFileSync(vectors, "utf8")).vectors;
console.log(JSON.stringify(cases.map(v => [dvPercent(v.num, v.den, v.operator, v.threshold),
                                           dvMeets(v.num, v.den, v.operator, v.threshold)])));
"""


def run_script(script: Path = SCRIPT, vectors: Path = VECTORS_FILE) -> list[list]:
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.skip("Node.js is not installed; tests/browser/test_percent.py runs the same cases in Chromium")
    done = subprocess.run(
        [node, "-e", RUNNER, str(script), str(vectors)], capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(done.stdout)


def test_the_script_meets_and_shows_every_shared_vector_as_the_server_does():
    answers = run_script()
    assert len(answers) == len(VECTORS)
    for case, (shown, met) in zip(VECTORS, answers, strict=True):
        assert (shown, met) == (case["shown"], case["met"]), case


def test_the_script_reads_a_threshold_given_as_a_number_or_as_text_alike(tmp_path):
    """The form passes the threshold's text ("90.00"); a number must not change a verdict."""
    cases = [dict(case, threshold=float(case["threshold"])) for case in VECTORS]
    vectors = tmp_path / "percent.json"
    vectors.write_text(json.dumps({"vectors": cases}), encoding="utf-8")
    assert run_script(vectors=vectors) == [[case["shown"], case["met"]] for case in VECTORS]
