"""Scaffolding for the rules' example projects: a page rendering one client component, and the end route."""

from __future__ import annotations

PKG = '{"dependencies": {"next": "15.0.0", "react": "19.0.0"}}'
PAGE = "import Avatar from '../components/Avatar';\nexport default function Page() { return <Avatar />; }\n"
ROUTE = "export async function POST(req: Request) { return Response.json({ ok: true }); }\n"


def client_project(avatar: str) -> dict[str, str]:
    """A complete miniature app whose only interesting file is `components/Avatar.tsx`."""
    return {"package.json": PKG, "app/page.tsx": PAGE, "app/api/tavus/end/route.ts": ROUTE,
            "components/Avatar.tsx": avatar}
