"""static/js/rules.js, the form's judge of the validation rules, on every case of tests/vectors/rules.json, given
the payload the page carries (``Rule.payload``), run by Node.js outside a browser."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.test_validation import VECTORS, vector_rule

SCRIPT = Path(__file__).resolve().parent.parent / "static" / "js" / "rules.js"
RUNNER = """
const fs = require("fs"), vm = require("vm");
const [script, cases] = process.argv.slice(1);
const context = { window: {} };
vm.createContext(context);
vm.runInContext(fs.readFileSync(script, "utf8"), context);
const { dvRuleHolds } = context.window;
console.log(JSON.stringify(JSON.parse(fs.readFileSync(cases, "utf8")).map(c => dvRuleHolds(c.rule, c.figures))));
"""


def run_script(cases: list[dict], tmp_path: Path) -> list:
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.skip("Node.js is not installed")
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(cases), encoding="utf-8")
    done = subprocess.run(
        [node, "-e", RUNNER, str(SCRIPT), str(path)], capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(done.stdout)


def test_the_script_judges_every_shared_vector_as_the_server_does(tmp_path):
    cases = [{"rule": vector_rule(case).payload(), "figures": case["figures"]} for case in VECTORS]
    answers = run_script(cases, tmp_path)
    assert answers == [case["holds"] for case in VECTORS]


def test_the_script_reads_figures_given_as_text_alike(tmp_path):
    """The form passes what ``dvCounts.parse`` read; text of digits must not change a verdict."""
    as_text = [
        {code: [None if f is None else str(f) for f in pair] for code, pair in case["figures"].items()}
        for case in VECTORS
    ]
    cases = [
        {"rule": vector_rule(case).payload(), "figures": figures}
        for case, figures in zip(VECTORS, as_text, strict=True)
    ]
    assert run_script(cases, tmp_path) == [case["holds"] for case in VECTORS]
