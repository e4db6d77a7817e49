import type { NextApiRequest, NextApiResponse } from 'next';

// Ends a Tavus conversation (Tavus CVI SOP, section 1.A). The client calls this route when the
// user ends the session or leaves the page, so that Tavus stops the conversation (and its billing).
export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return res.status(405).json({ error: 'Method not allowed' });
  }
  let body = req.body ?? {};
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body || '{}');
    } catch {
      body = {};
    }
  }
  const { conversation_id } = body;
  if (!conversation_id) {
    return res.status(400).json({ error: 'Missing ID' });
  }

  const response = await fetch(__END_URL__, {
    method: 'POST',
    headers: { __KEY_HEADER__: process.env.__KEY_ENV__ || '' },
  });

  return res.status(response.status).json({ success: response.ok });
}
