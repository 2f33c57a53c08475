"""Hypothesis profiles for the oracle test: "ci" by default, "thorough" for many more examples.

Chosen with the environment variable HYPOTHESIS_PROFILE. A failure prints its example and a
@reproduce_failure blob, so that one found on CI can be replayed.
"""

import os

from hypothesis import settings

settings.register_profile("ci", max_examples=25, derandomize=False, print_blob=True)
settings.register_profile("thorough", max_examples=500, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
