"""Scaffolding for the rules' example projects: a page rendering one client component, and the end route."""

from __future__ import annotations

PKG = '{"dependencies": {"next": "15.0.0", "react": "19.0.0"}}'
PAGE = "import Avatar from '../components/Avatar';\nexport default function Page() { return <Avatar />; }\n"
ROUTE = "export async function POST(req: Request) { return Response.json({ ok: true }); }\n"


def client_project(avatar: str) -> dict[str, str]:
    """A complete miniature app whose only interesting file is `components/Avatar.tsx`."""
    return {"package.json": PKG, "app/page.tsx": PAGE, "app/api/tavus/end/route.ts": ROUTE,
            "components/Avatar.tsx": avatar}


# The SOP's unload effect (section 1.B) in a client component: TAV003 and TAV004 vary it.
UNLOAD_AVATAR = """'use client';
import { useEffect } from 'react';
export default function Avatar({ conversation }: { conversation: { conversation_id: string } }) {
  useEffect(() => {
    const handleBeforeUnload = () => {
      if (!conversation?.conversation_id) return;
      fetch('/api/tavus/end', {
        method: 'POST',
        body: JSON.stringify({ conversation_id: conversation.conversation_id }),
        keepalive: true,
      });
    };
    window.addEventListener('beforeunload', handleBeforeUnload);
    return () => window.removeEventListener('beforeunload', handleBeforeUnload);
  }, [conversation]);
  return <div>tavus avatar</div>;
}
"""
