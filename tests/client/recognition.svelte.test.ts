// Celebrations in the browser (compiled for the client, in happy-dom): the signed-in rep's own moments
// queue full-screen celebrations, one at a time; colleagues' moments are toasts; a moment heard twice
// (a reconnect, a reload in the same session) is celebrated once; Escape and the button dismiss.
import { afterEach, describe, expect, test, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import type { RecognitionMoment } from '../../src/lib/shared/recognition';

vi.mock('$app/state', () => ({ page: { data: { locale: 'en' } } }));
vi.mock('$app/forms', () => ({ enhance: () => ({ destroy() {} }) }));

const { RecognitionStore } = await import('../../src/lib/realtime/recognition.svelte');
const Celebration = (await import('../../src/lib/components/recognition/Celebration.svelte')).default;
const ActivityFeed = (await import('../../src/lib/components/leaderboard/ActivityFeed.svelte')).default;

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

	test('each kind of moment says what happened: kudos, a spotlight, an approved reward and an adopted idea', () => {
		const store = new RecognitionStore('me');
		const target = render(store);
		const base = { organizationId: 'org', at: new Date().toISOString() };
		const kudos = { id: 'k1', from: { id: 'al', name: 'Al' }, message: 'Great demo', value: { en: 'Customer first' }, points: 5 };
		store.receive({ ...base, id: 'kudos_received:k1:bo', type: 'kudos_received', user: { id: 'bo', name: 'Bo' }, kudos });
		store.receive({ ...base, id: 'kudos_received:k1:me', type: 'kudos_received', user: { id: 'me', name: 'Rita' }, kudos });
		store.receive({ ...base, id: 'idea_adopted:i1', type: 'idea_adopted', user: { id: 'bo', name: 'Bo' }, idea: { id: 'i1', title: 'Call before noon' } });
		flushSync();
		const toasts = [...target.querySelectorAll('[data-testid="moment-toast"]')].map((t) => t.textContent?.replace('×', '').trim());
		expect(toasts).toEqual(['Al gave Bo kudos', 'Al gave you kudos', 'Bo’s idea “Call before noon” was adopted']);
		expect(target.querySelector('[data-testid="celebration"]')).toBeNull();

		// My own approved reward and spotlighted kudos are celebrations, one after the other.
		store.receive({ ...base, id: 'reward_approved:r1', type: 'reward_approved', user: { id: 'me', name: 'Rita' }, reward: { id: 'r1', name: { en: 'Team lunch' } } });
		store.receive({ ...base, id: 'kudos_spotlight:k1', type: 'kudos_spotlight', user: { id: 'me', name: 'Rita' }, kudos });
		flushSync();
		const dialog = () => target.querySelector('[data-testid="celebration"]');
		expect(dialog()?.textContent).toContain('Your reward was approved!');
		expect(dialog()?.querySelector('h2')?.textContent).toBe('Team lunch');
		(dialog()!.querySelector('button') as HTMLButtonElement).click();
		flushSync();
		expect(dialog()?.textContent).toContain('Your kudos is in the spotlight!');
		expect(dialog()?.querySelector('h2')?.textContent).toBe('From Al');
		expect(dialog()?.textContent).toContain('“Great demo”');
	});

	test('the activity feed weaves moments among events by time, and one badge earned by many at once is one row', () => {
		const target = document.createElement('div');
		document.body.append(target);
		const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
		// One instant per minute ago, so that awards meant to be simultaneous are (and share a minute).
		const instants = new Map<number, string>();
		const award = (id: string, user: string, minutesAgo: number): RecognitionMoment => {
			if (!instants.has(minutesAgo)) instants.set(minutesAgo, at(minutesAgo + 0.5));
			return { ...badge(id, user), user: { id: user, name: user }, at: instants.get(minutesAgo)! };
		};
		const event = {
			eventId: 1,
			userId: 'al',
			name: 'Al',
			metric: { key: 'call', name: { en: 'Calls' }, unit: 'count' as const, currency: null },
			value: 1,
			points: 1,
			occurredAt: at(5),
			correction: false,
			voids: null,
			flag: null
		};
		mounted = mount(ActivityFeed, {
			target,
			props: {
				items: [event],
				timeZone: 'UTC',
				days: 7,
				canVoid: () => false,
				voidError: {},
				me: 'me',
				moments: [award('badge:1', 'Ann', 1), award('badge:2', 'Bo', 1), award('badge:3', 'Cy', 1), award('badge:4', 'Di', 1), award('badge:5', 'Ed', 10)]
			}
		});
		flushSync();
		const rows = [...target.querySelectorAll('li')].map((li) => li.querySelector('.text')?.textContent?.trim());
		expect(rows).toEqual(['Ann, Bo and 2 others earned Dialer', 'Al · Calls: 1', 'Ed earned Dialer']);
	});
});
