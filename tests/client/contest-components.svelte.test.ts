// The contest components rendered in a DOM: the standings reorder when a push changes the ranks (the
// same row elements move, which is what the FLIP animation needs), and the bracket is drawn as rounds
// of matches with byes, winners and the matches not drawn yet.
import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { flushSync, mount, unmount, type Component } from 'svelte';
import type { ContestStanding } from '../../src/lib/shared/contests';
import { bracketMatches, standing } from './contest-fixtures';

vi.mock('$app/state', () => ({ page: { data: { locale: 'en' } } }));

const Standings = (await import('../../src/lib/components/contests/Standings.svelte')).default;
const Bracket = (await import('../../src/lib/components/contests/Bracket.svelte')).default;
const Countdown = (await import('../../src/lib/components/contests/Countdown.svelte')).default;
const Celebration = (await import('../../src/lib/components/contests/Celebration.svelte')).default;

let mounted: Record<string, unknown> | undefined;
let target: HTMLElement;

beforeAll(() => {
	// happy-dom has no Web Animations; the FLIP animation only needs animate() to exist.
	if (!Element.prototype.animate) {
		Element.prototype.animate = function () {
			return { cancel() {}, finish() {}, onfinish: null, currentTime: 0, play() {}, pause() {} } as unknown as Animation;
		};
	}
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function render<P extends Record<string, any>>(component: Component<P>, props: P) {
	target = document.createElement('div');
	document.body.append(target);
	mounted = mount(component, { target, props });
	flushSync();
	return target;
}

afterEach(() => {
	if (mounted) unmount(mounted);
	mounted = undefined;
	target?.remove();
});

const order = (root: HTMLElement) => [...root.querySelectorAll<HTMLElement>('[data-testid="standings"] > li')].map((li) => `${li.dataset.rank}:${li.dataset.member}`);

describe('Standings', () => {
	test('a push that changes the ranks reorders the same row elements, and marks who climbed', () => {
		const props = $state<{ rows: (ContestStanding & { moved?: number })[]; me: string; places: number }>({
			rows: [standing('ada', 30, 1), standing('bob', 20, 2), standing('cy', 10, 3), standing('dee', 5, 4)],
			me: 'cy',
			places: 3
		});
		const root = render(Standings, props);
		expect(order(root)).toEqual(['1:ada', '2:bob', '3:cy', '4:dee']);
		const cyRow = root.querySelector('[data-member="cy"]');
		expect(cyRow?.classList.contains('me')).toBe(true);
		expect(root.querySelector('[data-member="dee"]')?.classList.contains('prize')).toBe(false);

		props.rows = [standing('cy', 40, 1, { moved: 2 } as Partial<ContestStanding>), standing('ada', 30, 2), standing('bob', 20, 3), standing('dee', 5, 4)];
		flushSync();
		expect(order(root)).toEqual(['1:cy', '2:ada', '3:bob', '4:dee']);
		// Keyed by member: the row moved rather than being rebuilt.
		expect(root.querySelector('[data-member="cy"]')).toBe(cyRow);
		expect(cyRow?.querySelector('.move.up')?.textContent).toContain('Up 2 places');
		expect(cyRow?.querySelector('.medal')?.textContent).toBe('1');
	});

	test('marks the eliminated and the deactivated, and shows progress toward a target', () => {
		const root = render(Standings, {
			rows: [
				standing('ada', 40, 1, { progress: 0.8 }),
				standing('bob', 50, 2, { progress: 1, inactive: true }),
				standing('cy', 5, 3, { progress: 0.1, eliminated: '2026-12-01T10:00:00.000Z' })
			],
			places: 3
		});
		const cy = root.querySelector('[data-member="cy"]')!;
		expect(cy.classList.contains('out')).toBe(true);
		expect(cy.textContent).toContain('Out');
		expect(cy.classList.contains('prize')).toBe(false);
		expect(root.querySelector('[data-member="bob"]')!.textContent).toContain('Inactive');
		const bar = root.querySelector('[data-member="ada"] [role="progressbar"]')!;
		expect(bar.getAttribute('aria-valuenow')).toBe('80');
		expect(root.querySelector('[data-member="ada"]')!.textContent).toContain('80%');
	});

	test('no rows says so', () => {
		const root = render(Standings, { rows: [] });
		expect(root.textContent).toContain('No scores yet');
	});
});

describe('Bracket', () => {
	test('draws rounds as columns, halving down to the final, with byes, winners and undecided matches', () => {
		const root = render(Bracket, { matches: bracketMatches(), me: 'p6' });
		const rounds = [...root.querySelectorAll<HTMLElement>('.round')];
		expect(rounds.map((r) => r.querySelectorAll('[data-testid="match"]').length)).toEqual([4, 2, 1]);
		expect(rounds.map((r) => r.querySelector('h3')?.textContent)).toEqual(['Quarterfinals', 'Semifinals', 'Final']);

		const first = rounds[0].querySelectorAll<HTMLElement>('[data-testid="match"]');
		// Seeds 1 and 2 have byes: one player, "Bye" opposite, and they advance.
		expect(first[0].classList.contains('bye')).toBe(true);
		expect(first[0].textContent).toContain('Bye');
		expect(first[0].querySelector('.winner')?.getAttribute('data-player')).toBe('p1');
		expect(first[3].querySelector('.winner')?.getAttribute('data-player')).toBe('p2');
		// A played match: the winner highlighted, the loser dimmed.
		expect(first[2].querySelector('.winner')?.getAttribute('data-player')).toBe('p6');
		expect(first[2].querySelector('.loser')?.getAttribute('data-player')).toBe('p3');
		expect(first[2].querySelector('.me')?.getAttribute('data-player')).toBe('p6');

		// Round two is under way: no winner yet.
		const second = rounds[1].querySelectorAll<HTMLElement>('[data-testid="match"]');
		expect(second[0].querySelector('.winner')).toBeNull();
		expect(second[0].textContent).toContain('Grace Hopper');
		// The final is not drawn yet.
		const final = rounds[2].querySelector<HTMLElement>('[data-testid="match"]')!;
		expect(final.classList.contains('placeholder')).toBe(true);
		expect(final.textContent).toContain('To be decided');
	});

	test('no matches draws nothing', () => {
		const root = render(Bracket, { matches: [] });
		expect(root.querySelectorAll('.round')).toHaveLength(0);
	});
});

describe('Countdown', () => {
	const now = Date.UTC(2026, 11, 1, 12, 0, 0);
	test('counts to the start of a scheduled contest', () => {
		const root = render(Countdown, { status: 'scheduled', startsAt: new Date(now + (26 * 3600 + 5 * 60 + 7) * 1000).toISOString(), endsAt: null, now });
		const el = root.querySelector<HTMLElement>('[data-testid="countdown"]')!;
		expect(el.dataset.mode).toBe('start');
		expect(el.textContent).toContain('Starts in');
		expect(el.querySelector('.clock')?.textContent?.replace(/\s+/g, '')).toBe('1d02h05m07s');
	});

	test('emphasizes the final ten minutes of a live contest, not before', () => {
		let root = render(Countdown, { status: 'live', startsAt: new Date(now - 3600_000).toISOString(), endsAt: new Date(now + 11 * 60_000).toISOString(), now });
		expect(root.querySelector('.countdown')?.classList.contains('final')).toBe(false);
		unmount(mounted!);
		root = render(Countdown, { status: 'live', startsAt: new Date(now - 3600_000).toISOString(), endsAt: new Date(now + 9 * 60_000 + 59_000).toISOString(), now });
		expect(root.querySelector('.countdown')?.classList.contains('final')).toBe(true);
		expect(root.textContent).toContain('Final 10 minutes!');
	});
});

describe('Celebration', () => {
	test('celebrates an ended contest with its podium, and can be dismissed', () => {
		const done = vi.fn();
		const root = render(Celebration, {
			moment: {
				type: 'ended',
				contestId: 'c',
				contestName: 'Power hour',
				at: '2026-12-01T12:00:00.000Z',
				podium: [
					{ place: 2, id: 'b', name: 'Bob', score: 20 },
					{ place: 1, id: 'a', name: 'Ada', score: 30 }
				]
			},
			ondone: done
		});
		const stage = root.querySelector<HTMLElement>('[data-testid="celebration"]')!;
		expect(stage.dataset.moment).toBe('ended');
		expect(stage.textContent).toContain('Power hour is over!');
		expect([...stage.querySelectorAll('.mini-podium li')].map((li) => li.textContent)).toEqual(['1Ada', '2Bob']);
		expect(stage.querySelectorAll('.piece').length).toBeGreaterThan(0);
		root.querySelector<HTMLButtonElement>('.close')!.click();
		expect(done).toHaveBeenCalled();
	});
});
