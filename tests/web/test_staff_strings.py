"""Every text of the staff console exists in Finnish, Swedish and English, and every key the page
and the scripts use is defined (read by Node, as the browser reads the modules)."""

import json
import re
import shutil
import subprocess

import pytest

from citizenbot.settings import PROJECT_ROOT

STAFF = PROJECT_ROOT / "web" / "staff"
NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="needs node")
def test_every_key_in_every_language_and_every_used_key_defined():
    script = ("Promise.all(['fi','sv','en'].map(l => import('./strings/' + l + '.js')))"
              ".then(ms => console.log(JSON.stringify(ms.map(m => Object.keys(m.default)))))")
    out = subprocess.run([NODE, "--input-type=module", "-e", script], cwd=STAFF, capture_output=True, text=True,
                         check=True).stdout
    fi, sv, en = (set(keys) for keys in json.loads(out))
    assert fi == en and sv == en, {"fi missing": en - fi, "sv missing": en - sv, "not in en": (fi | sv) - en}
    html = (STAFF / "index.html").read_text(encoding="utf-8")
    used = set(re.findall(r'data-t(?:-label)?="([A-Za-z_]+)"', html))
    for script_file in STAFF.glob("*.js"):
        used |= set(re.findall(r'\bt\("([A-Za-z_]+)"', script_file.read_text(encoding="utf-8")))
    assert used and used <= en, used - en
