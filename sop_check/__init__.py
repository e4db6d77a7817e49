"""sop-check: a static checker for the Tavus CVI integration SOP in Next.js projects."""

__version__ = "0.1.0"
