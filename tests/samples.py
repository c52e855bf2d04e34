"""Where the sample files from other apps live, and the mark that skips without them.

They sit beside the project in ``../shared/samples`` and are never copied into it; on a
fresh clone without that folder the tests that read them are skipped, saying why.
"""

from __future__ import annotations

from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parent.parent / ".." / "shared" / "samples"

need_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(),
    reason=f"the sample files from other apps are not here ({SAMPLES}); see the README",
)
