import { NextResponse } from 'next/server';

// Ends a Tavus conversation (Tavus CVI SOP, section 1.A). The client calls this route when the
// user ends the session or leaves the page, so that Tavus stops the conversation (and its billing).
export async function POST(request) {
  const { conversation_id } = await request.json().catch(() => ({}));
  if (!conversation_id) {
    return NextResponse.json({ error: 'Missing ID' }, { status: 400 });
  }

  const response = await fetch(__END_URL__, {
    method: 'POST',
    headers: { __KEY_HEADER__: process.env.__KEY_ENV__ || '' },
  });

  return NextResponse.json({ success: response.ok }, { status: response.status });
}
