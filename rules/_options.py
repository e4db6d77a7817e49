"""Options shared by several rules (`[options]` in the pack and in config), declared once.

A rule lists the shared options it reads in `shared_options`; it may also be given its own
value for one of them in `[rule-options.CODE]`. Defaults live in `pack.toml`.
"""

from __future__ import annotations

from sop_check.options import Option, OptionType

SHARED_OPTIONS: tuple[Option, ...] = (
    Option("end-route", OptionType.STRING,
           "The path the client calls to end a session, and the route that must serve POST there."),
    Option("tavus-host", OptionType.STRING, "Host of the Tavus API."),
    Option("end-endpoint", OptionType.STRING,
           "The Tavus call that ends a conversation (`{id}` stands for the conversation id)."),
    Option("create-endpoint", OptionType.STRING, "The Tavus call that creates a conversation."),
    Option("api-key-env", OptionType.STRING, "The environment variable that holds the Tavus API key."),
    Option("api-key-header", OptionType.STRING, "The header Tavus reads the API key from."),
    Option("id-fields", OptionType.STRING_LIST, "Fields the end route may read the conversation id from."),
    Option("required-env", OptionType.STRING_LIST, "Environment variables every Tavus app needs."),
    Option("required-env-if", OptionType.STRING_TABLE,
           "Variables required only when their trigger (a component name rendered in JSX) is used."),
    Option("non-evidence", OptionType.STRING_LIST,
           "Files that are not evidence for a pass (tests, stories, mocks, e2e, examples, scripts)."),
    Option("labels", OptionType.STRING_LIST,
           "Words that label an End control (text, aria-label, title; for icon-only controls, the name)."),
    Option("events", OptionType.STRING_LIST, "Unload events the SOP asks a listener for."),
    Option("also-accepted-events", OptionType.STRING_LIST,
           "Other unload events whose listeners are checked too, but do not satisfy the SOP alone."),
)
