'use client';
import { useEffect, useState } from 'react';

type Conversation = { conversation_id: string; conversation_url: string };

export default function InteractiveAvatar() {
    const [conversation, setConversation] = useState<Conversation | null>(null);

    const startSession = async () => {
        const res = await fetch('/api/tavus/conversation', { method: 'POST' });
        setConversation(await res.json());
    };

    const endSession = async () => {
        if (!conversation) return;
        await fetch('/api/tavus/end', {
            method: 'POST',
            body: JSON.stringify({ conversation_id: conversation.conversation_id }),
        });
        setConversation(null);
    };

    useEffect(() => {
        const handleBeforeUnload = () => {
            if (!conversation?.conversation_id) return;
            // Use keepalive: true to ensure request fires during unload
            fetch('/api/tavus/end', {
                method: 'POST',
                body: JSON.stringify({ conversation_id: conversation.conversation_id }),
                keepalive: true,
            });
        };
        window.addEventListener('beforeunload', handleBeforeUnload);
        return () => window.removeEventListener('beforeunload', handleBeforeUnload);
    }, [conversation]);

    if (!conversation) return <button onClick={startSession}>Start Session</button>;
    return (
        <div>
            <iframe src={conversation.conversation_url} allow="camera; microphone" title="Tavus avatar" />
            <button onClick={endSession}>End Session</button>
        </div>
    );
}
