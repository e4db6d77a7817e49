import InteractiveAvatar from '@/components/InteractiveAvatar';

export default function Home() {
    return <main><InteractiveAvatar /></main>;
}
