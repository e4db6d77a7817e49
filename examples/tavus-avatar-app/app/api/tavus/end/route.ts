import { NextResponse } from 'next/server';

export async function POST(request: Request) {
    const { conversation_id } = await request.json();
    if (!conversation_id) return NextResponse.json({ error: 'Missing ID' }, { status: 400 });

    const response = await fetch(`https://tavusapi.com/v2/conversations/${conversation_id}/end`, {
        method: 'POST',
        headers: {
            'x-api-key': process.env.TAVUS_API_KEY || '',
            'Content-Type': 'application/json'
        },
    });

    return NextResponse.json({ success: response.ok });
}
