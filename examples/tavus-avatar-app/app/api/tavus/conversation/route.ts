import { NextResponse } from 'next/server';

// Creates a conversation. Tavus ends it on its own after these limits even if
// the browser never says goodbye (a crash, a lost network, a killed tab).
export async function POST() {
    const response = await fetch('https://tavusapi.com/v2/conversations', {
        method: 'POST',
        headers: { 'x-api-key': process.env.TAVUS_API_KEY || '', 'Content-Type': 'application/json' },
        body: JSON.stringify({
            persona_id: process.env.TAVUS_PERSONA_ID,
            properties: { max_call_duration: 600, participant_left_timeout: 30, participant_absent_timeout: 60 },
        }),
    });
    const data = await response.json();
    return NextResponse.json({ conversation_id: data.conversation_id, conversation_url: data.conversation_url });
}
