"""sop-check: a static checker for the Tavus CVI integration SOP in Next.js projects."""

# The one place the version is written: pyproject.toml reads it (dynamic version).
__version__ = "0.1.0"

# PLACEHOLDER until the repository is published: its public URL. Every link sop-check
# prints (SARIF informationUri and helpUri, rule documentation) is built from it, and the
# README, action and example snippets spell it `OWNER/sop-check`; tests/test_install_docs.py
# checks that they all agree, so replacing OWNER is one search-and-replace.
REPOSITORY_URL = "https://github.com/OWNER/sop-check"
