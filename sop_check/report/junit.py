"""JUnit XML (Checkov's model): a testsuite per app, a testcase per rule including passes;
fail -> <failure>, unknown and error -> <error>, skip and fully suppressed -> <skipped>."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from sop_check.model import Report, Status
from sop_check.report.fixnote import fix_note, outcome_note, outcomes_in


def render(report: Report) -> str:
    suites = ET.Element("testsuites", name="sop-check")
    total = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for app in report.apps:
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        suite = ET.SubElement(suites, "testsuite", name=f"sop-check {app.root}")
        props = ET.SubElement(suite, "properties")
        for name, value in (("sop-check.version", report.tool_version), ("pack.version", report.pack_version),
                            ("sop.version", report.sop_version), ("config", report.config_path or "")):
            ET.SubElement(props, "property", name=name, value=value)
        for relax in report.relaxations:  # listed for a reviewer: each weakens the gate
            ET.SubElement(props, "property", name="policy.relaxation",
                          value=f"{relax.location.path}:{relax.location.line}: {relax.message}")
        for o in outcomes_in(report, app.root):  # after --fix: what was fixed, what was refused and why
            ET.SubElement(props, "property", name="fix." + ("applied" if o.status == "applied" else "not-applied"),
                          value=outcome_note(o))
        for r in app.results:
            counts["tests"] += 1
            first = r.findings[0].location.path if r.findings else None
            attrs = {"classname": f"sop-check.{app.root}", "name": f"{r.rule} {r.name}"}
            if first:
                attrs["file"] = first
            case = ET.SubElement(suite, "testcase", attrs)
            body = "\n".join(f"{f.location} {f.message}" + (f" (fix: {f.hint})" if f.hint else "")
                             + f" [autofix: {fix_note(f)}]" for f in r.active_findings)
            if r.status is Status.FAIL:
                counts["failures"] += 1
                el = ET.SubElement(case, "failure", message=r.message, type=r.rule)
                el.text = body
            elif r.status in (Status.UNKNOWN, Status.ERROR):
                counts["errors"] += 1
                el = ET.SubElement(case, "error", message=("could not verify: " if r.status is Status.UNKNOWN
                                                           else "rule failed to run: ") + r.message,
                                   type=r.status.value)
                el.text = "\n".join(r.unresolved) or body
            elif r.status is Status.SKIP:
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message=r.message)
            elif r.findings and all(f.suppressed for f in r.findings):
                counts["skipped"] += 1
                reasons = "; ".join(f.suppression.reason for f in r.findings if f.suppression)
                ET.SubElement(case, "skipped", message=f"suppressed: {reasons}")
        for k, v in counts.items():
            suite.set(k, str(v))
            total[k] += v
    for k, v in total.items():
        suites.set(k, str(v))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
