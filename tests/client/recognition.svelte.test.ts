// Celebrations in the browser (compiled for the client, in happy-dom): the signed-in rep's own moments
// queue full-screen celebrations, one at a time; colleagues' moments are toasts; a moment heard twice
// (a reconnect, a reload in the same session) is celebrated once; Escape and the button dismiss.
import { afterEach, describe, expect, test, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import type { RecognitionMoment } from '../../src/lib/shared/recognition';

vi.mock('$app/state', () => ({ page: { data: { locale: 'en' } } }));

const { RecognitionStore } = await import('../../src/lib/realtime/recognition.svelte');
const Celebration = (await import('../../src/lib/components/recognition/Celebration.svelte')).default;

const badge = (id: string, userId: string, name = 'Dialer', tier: 'bronze' | 'silver' | 'gold' | null = 'gold'): RecognitionMoment => ({
	id,
	type: 'badge_awarded',
	organizationId: 'org',
	user: { id: userId, name: userId === 'me' ? 'Rita' : 'Bo' },
	at: new Date().toISOString(),
	badge: { id: 'b1', name: { en: name, 'zh-CN': '电话达人' }, icon: 'phone', tier }
});

let mounted: Record<string, unknown> | undefined;
afterEach(() => {
	if (mounted) unmount(mounted);
	mounted = undefined;
	document.body.innerHTML = '';
	sessionStorage.clear();
});

function render(store: InstanceType<typeof RecognitionStore>) {
	const target = document.createElement('div');
	document.body.append(target);
	mounted = mount(Celebration, { target, props: { store } });
	flushSync();
	return target;
}

describe('recognition moments', () => {
	test('my own badges are celebrated one after the other, each once', () => {
		const store = new RecognitionStore('me');
		const target = render(store);
		store.receive(badge('badge:1', 'me', 'Dialer'));
		store.receive(badge('badge:2', 'me', 'First call', null));
		store.receive(badge('badge:1', 'me', 'Dialer'));
		flushSync();
		const dialog = () => target.querySelector('[data-testid="celebration"]');
		expect(dialog()?.textContent).toContain('You earned a badge!');
		expect(dialog()?.querySelector('h2')?.textContent).toBe('Dialer');
		expect(dialog()?.textContent).toContain('Gold');
		(dialog()!.querySelector('button') as HTMLButtonElement).click();
		flushSync();
		expect(dialog()?.querySelector('h2')?.textContent).toBe('First call');
		window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
		flushSync();
		expect(dialog()).toBeNull();
		expect(target.querySelectorAll('[data-testid="moment-toast"]')).toHaveLength(0);
	});

	test('a colleague’s badge is a toast, not a celebration; a moment seen earlier in the session is not shown again', () => {
		const store = new RecognitionStore('me');
		const target = render(store);
		store.receive(badge('badge:9', 'bo'));
		flushSync();
		expect(target.querySelector('[data-testid="celebration"]')).toBeNull();
		expect(target.querySelector('[data-testid="moment-toast"]')?.textContent).toContain('Bo earned Dialer');
		// A new store (a reload) in the same session: the same moment again is ignored.
		const again = new RecognitionStore('me');
		again.receive(badge('badge:9', 'bo'));
		again.receive({ ...badge('level:me:2', 'me'), type: 'level_up', badge: undefined, level: { number: 2, name: { en: 'Closer' } } });
		expect(again.toasts).toHaveLength(0);
		expect(again.celebration?.level?.name.en).toBe('Closer');
	});
});
