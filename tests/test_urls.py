"""URL matching of the rule pack (`rules/_urls.py`): the end endpoint's template, hosts, paths, the end route.

TAV002 decides "this request is the Tavus end call" and TAV004/TAV005/TAV105 "this request calls
the end route" through these functions; each case below is one way a wrong comparison would pass
a request that is not the end call, or fail one that is (found by mutation testing).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sop_check.evaluate import HOLE, Obj, Str
from sop_check_rules._urls import UrlTemplate, calls_route, fits, host_of, path_of, template_regex, wrong_upstream

END = "https://tavusapi.com/v2/conversations/{id}/end"
OPTIONS = {"tavus-host": "tavusapi.com", "end-endpoint": END}


@pytest.mark.parametrize("url", [
    "https://tavusapi.com/v2/conversations/c123/end",
    "https://tavusapi.com/v2/conversations/c123/end/",  # one trailing slash
    "https://tavusapi.com/v2/conversations/c123/end?verbose=1",
    "https://tavusapi.com/v2/conversations/c123/end#top",
    "https://tavusapi.com/v2/conversations/c123/end#a?b",  # the fragment comes first
    "https://tavusapi.com/v2/conversations/c123/end?a#b",
    "https://tavusapi.com/v2/conversations/c123/end/?a=1",
    "https://tavusapi.com/v2/conversations/c123/end?a=1?b=2",  # cut at the first `?`
    "https://tavusapi.com/v2/conversations/c123/end#a#b",  # and at the first `#`
    f"https://tavusapi.com/v2/conversations/{HOLE}/end",  # the id is not known: still the end call
])
def test_the_end_endpoint_matches_its_urls(url: str) -> None:
    assert template_regex(END).match(url)


@pytest.mark.parametrize("url", [
    "https://tavusapi.com/v2/conversations//end",  # the id is empty
    "https://tavusapi.com/v2/conversations/end",
    "https://tavusapi.com/v2/conversations/a/b/end",  # an id never holds a `/`
    "https://tavusapi.com/v2/conversations/c123/ending",
    "https://tavusapi.com/v2/conversations/c123/end//",  # one slash may follow, not two
    "https://tavusapi.com/v2/conversations/c123",
    "https://tavusapi.com/v2/conversations/c123/end/more",
    "https://tavusapi.com/v2/conversations/c123",
    "http://tavusapi.com/v2/conversations/c123/end",
    "https://tavusapi.com/v2/conversations/c123/endx?y",
    "",
])
def test_the_end_endpoint_refuses_other_urls(url: str) -> None:
    assert not template_regex(END).match(url)


def test_a_template_with_a_query_or_fragment_of_its_own_keeps_them_in_the_match() -> None:
    with_query = UrlTemplate("https://h.example/x?mode={m}")
    assert with_query.match("https://h.example/x?mode=end")
    assert not with_query.match("https://h.example/x")
    with_fragment = UrlTemplate("https://h.example/x#{f}")
    assert with_fragment.match("https://h.example/x#end")
    assert not with_fragment.match("https://h.example/x")


def test_a_query_alone_is_no_value_for_a_hole() -> None:
    assert not UrlTemplate("{x}").match("?a")
    assert not UrlTemplate("{x}").match("#a")
    assert UrlTemplate("{x}").match("a?b")


def test_a_question_mark_or_hash_inside_a_hole_is_not_part_of_the_template() -> None:
    # Only the literal text decides whether a query may be cut: `{id?}` is a hole, not a `?`.
    assert UrlTemplate("https://h.example/{id?}/end").match("https://h.example/c1/end?x=1")
    assert UrlTemplate("https://h.example/{id#}/end").match("https://h.example/c1/end#x")


@pytest.mark.parametrize("segment, text, matches", [
    ("end", "end", True), ("end", "ends", False), ("end", "", False),
    ("{id}", "c1", True), ("{id}", "", False),
    ("a{x}b", "acb", True), ("a{x}b", "ab", False), ("a{x}b", "xacb", False), ("a{x}b", "acbx", False),
    ("a{x}b", "accccb", True), ("a{x}b", "a", False), ("a{x}b", "b", False),
    ("a{x}-{y}b", "a1-2b", True), ("a{x}-{y}b", "a-2b", False), ("a{x}-{y}b", "a1-b", False),
    ("a{x}-{y}b", "a12b", False), ("a{x}-{y}b", "a1--2b", True), ("a{x}-{y}b", "a-1-2b", True),
    ("{x}-{y}", "1-2", True), ("{x}-{y}", "-2", False), ("{x}-{y}", "1-", False), ("{x}-{y}", "12", False),
    ("{x}-{y}-{z}", "1-2-3", True), ("{x}-{y}-{z}", "1--3", False), ("{x}-{y}-{z}", "1-2-", False),
    ("{x}{y}", "ab", True), ("{x}{y}", "a", False),
    ("v{n}.{m}", "v1.2", True), ("v{n}.{m}", "v1.", False), ("v{n}.{m}", "v.2", False),
])
def test_each_hole_takes_at_least_one_character_between_its_literals(segment: str, text: str,
                                                                     matches: bool) -> None:
    template = UrlTemplate(f"https://h.example/{segment}/z")
    assert template.match(f"https://h.example/{text}/z") is matches


@pytest.mark.parametrize("url, host", [
    ("https://tavusapi.com/v2/x", "tavusapi.com"),
    ("https://tavusapi.com", "tavusapi.com"),
    ("https://tavusapi.com?x=1", "tavusapi.com"),
    ("https://tavusapi.com/a?b://c", "tavusapi.com"),
    ("https://tavusapi.com?a?b", "tavusapi.com"),
    ("https://h.example://x/y", "h.example:"),  # the host is read up to the first `/`
    ("https://evil.example/https://tavusapi.com/", "evil.example"),
    ("/api/tavus/end", None),
    ("tavusapi.com/v2", None),
])
def test_host_of(url: str, host: str | None) -> None:
    assert host_of(url) == host


@pytest.mark.parametrize("url, path", [
    ("https://app.example/api/tavus/end?x=1", "/api/tavus/end"),
    ("https://app.example/api/tavus/end#f", "/api/tavus/end"),
    ("https://app.example", "/"),
    ("https://app.example?x", "/"),
    ("https://app.example/a/https://b/c", "/a/https://b/c"),
    (f"{HOLE}/api/tavus/end?x=1", "/api/tavus/end"),  # `${origin}/api/tavus/end`
    (f"{HOLE}api/{HOLE}/end", f"/{HOLE}/end"),  # from the first `/` on
    (HOLE, HOLE),
    ("/api/tavus/end?a=1#b", "/api/tavus/end"),
    ("/api/tavus/end#b?a=1", "/api/tavus/end"),
    ("api/tavus/end", "api/tavus/end"),
])
def test_path_of(url: str, path: str) -> None:
    assert path_of(url) == path


ROUTE = "/api/tavus/end"


@pytest.mark.parametrize("url, base_path, verdict", [
    ("/api/tavus/end", "", True),
    ("/api/tavus/end/", "", True),
    ("https://app.example/api/tavus/end?id=1", "", True),
    ("/api/tavus/start", "", False),
    ("/api/tavus/end/x", "", False),
    ("/api/tavus", "", False),
    ("/app/api/tavus/end", "", False),
    ("/app/api/tavus/end", "/app", True),  # under a basePath the route is served there ...
    ("/api/tavus/end", "/app", False),  # ... and fetch does not add it
    ("/app/api/tavus/end", None, None),  # a basePath that could not be read: maybe
    ("/api/tavus/end", None, None),
    ("/api/tavus/start", None, False),
    (HOLE, None, None),  # nothing known, basePath unknown: still undecided (it was filed as another path)
    (f"{HOLE}/tavus/end", None, False),  # an unknown start is an origin: the path /tavus/end is no basePath + route
    (f"/{HOLE}/tavus/end", None, None),  # `/${x}/tavus/end`: x may be `base/api`
    (f"/{HOLE}/end", None, None),
    (f"/{HOLE}/api/tavus/start", None, False),  # a known other end
    (f"/{HOLE}", None, None),  # a hole at the end may be the rest of the route (it was read as another path)
    (f"/x{HOLE}y", None, False),  # the known tail is no route's tail
    (f"{HOLE}/api/tavus/end", "", True),  # an unknown start is an origin: `${origin}/api/tavus/end`
    (f"{HOLE}/tavus/end", "", False),
    (f"/{HOLE}/tavus/end", "", None),  # `/${base}/tavus/end`: base may be `api`
    (f"/{HOLE}/end", "", None),
    (f"/{HOLE}/api/tavus/end", "", None),
    (f"/{HOLE}/{HOLE}/end", "", None),  # the known tail is the text after the last hole
    (f"/x/{HOLE}/end", "", False),  # a known other start
    (f"/{HOLE}/api/tavus/start", "", False),  # a known other end
    (f"/api/{HOLE}", "", None),  # `/api/${action}`: the action may be `tavus/end` (it was read as another path)
    (f"/api/tavus/{HOLE}", "", None),
    (f"/{HOLE}", "", None),
    (f"/api/{HOLE}/end", "", None),
    (f"/api/{HOLE}/x", "", False),  # a known other end
    (f"/x{HOLE}", "", False),  # a known other start
    (f"/api/{HOLE}x{HOLE}", "", False),  # a known middle the route does not hold
    (f"/api/{HOLE}v{HOLE}", "", None),  # ... or holds, in order (`ta` + `v` + `us/end`)
    (f"/api/tavus/end/{HOLE}", "", False),  # longer than the route, whatever the hole is
    (f"/api/tavus/{HOLE}end/end", "", False),  # the known parts overlap: no room
    (HOLE, "", None),  # nothing known
    (f"{HOLE}end", "", None),
    (f"{HOLE}x{HOLE}", "", False),
])
def test_calls_route(url: str, base_path: str | None, verdict: bool | None) -> None:
    assert calls_route(Str(url), ROUTE, base_path) is verdict


def test_calls_route_of_a_value_that_is_not_a_string_is_unknowable() -> None:
    assert calls_route(Obj({}), ROUTE) is None
    assert calls_route("/api/tavus/end", ROUTE) is None  # a plain str is not an evaluated value


def test_calls_route_with_a_trailing_slash_in_the_route() -> None:
    assert calls_route(Str("/api/tavus/end"), "/api/tavus/end/") is True
    assert calls_route(Str("/app/api/tavus/end"), "/api/tavus/end/", None) is None


@pytest.mark.parametrize("url, base_path, verdict", [
    ("/api/tavus/endX", "", True),
    ("/api/tavus/end", "", False),
    ("/app/api/tavus/endX", "/app", True),
    ("/app/api/tavus/end", None, False),
    ("/app/api/tavus/endX", None, None),
])
def test_only_slashes_are_trimmed_from_paths_and_routes(url: str, base_path: str | None,
                                                       verdict: bool | None) -> None:
    assert calls_route(Str(url), "/api/tavus/endX", base_path) is verdict
    assert calls_route(Str(url + "/"), "/api/tavus/endX/", base_path) is verdict


def test_wrong_upstream_names_another_host() -> None:
    kind, data = wrong_upstream("https://evil.example/v2/conversations/1/end", "POST", OPTIONS)
    assert kind == "wrong-host"
    assert data == {"host": "evil.example", "tavus_host": "tavusapi.com", "endpoint": END}


@pytest.mark.parametrize("url, method, request_shown", [
    ("https://tavusapi.com/v2/conversations/1", "DELETE", "DELETE https://tavusapi.com/v2/conversations/1"),
    (f"https://{HOLE}/v2/x", "POST", "POST https://{…}/v2/x"),  # a host not known is not another host
    ("/v2/conversations/1/end", "POST", "POST /v2/conversations/1/end"),
    ("https://tavusapi.com/v2/x", "", "https://tavusapi.com/v2/x"),
    ("", "POST", "POST"),
])
def test_wrong_upstream_otherwise_names_the_request(url: str, method: str, request_shown: str) -> None:
    kind, data = wrong_upstream(url, method, OPTIONS)
    assert kind == "wrong-endpoint"
    assert data == {"request": request_shown, "endpoint": END}


@given(st.lists(st.text(alphabet="ab/", max_size=3), min_size=1, max_size=4), st.text(alphabet="ab/", max_size=10))
def test_fits_agrees_with_a_wildcard_regex(parts: list[str], text: str) -> None:
    """The leftmost-greedy fit is the regex `part.*part.*part` anchored at both ends."""
    pattern = ".*".join(re.escape(p) for p in parts)
    assert fits(parts, text) is bool(re.fullmatch(pattern, text, re.S))
