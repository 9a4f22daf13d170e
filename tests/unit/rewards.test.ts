// Coins, redemptions and ideas as pure rules: a ledger's balance is the sum of its entries and never
// goes below zero whatever the sequence of credits and debits; a correction takes back exactly what its
// event gave; the redemption and idea state machines allow only their transitions; reward pictures are
// an illustration, an emoji or an https address.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
	applicableAmount,
	balanceOf,
	canMoveIdea,
	coinsForPoints,
	IDEA_STATUSES,
	parseRewardImage,
	REDEMPTION_STATUSES,
	redemptionAfter,
	refunds,
	type RedemptionAction
} from '../../src/lib/shared/rewards';

const change = fc.record({ amount: fc.integer({ min: -500, max: 500 }).filter((n) => n !== 0), clamp: fc.boolean() });

describe('the ledger', () => {
	test('its balance equals the sum of its entries and never goes below zero', () => {
		fc.assert(
			fc.property(fc.array(change, { maxLength: 60 }), (changes) => {
				const ledger: { amount: number }[] = [];
				let balance = 0;
				for (const c of changes) {
					const moved = applicableAmount(balance, c.amount, c.clamp);
					if (moved === null) {
						// Refused: only a debit beyond the balance without clamping, and nothing is written.
						expect(c.clamp).toBe(false);
						expect(balance + c.amount).toBeLessThan(0);
						continue;
					}
					if (moved !== 0) ledger.push({ amount: moved });
					balance += moved;
					expect(balance).toBeGreaterThanOrEqual(0);
					expect(balance).toBe(balanceOf(ledger));
				}
			})
		);
	});

	test('a credit or a covered debit moves in full; a clamped debit takes what is left', () => {
		expect(applicableAmount(10, 5, false)).toBe(5);
		expect(applicableAmount(10, -10, false)).toBe(-10);
		expect(applicableAmount(10, -11, false)).toBeNull();
		expect(applicableAmount(10, -11, true)).toBe(-10);
		expect(applicableAmount(0, -3, true)).toBe(0);
	});

	test('coins for points: a correction takes back exactly what its event gave, and never more than the rate', () => {
		fc.assert(
			fc.property(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.integer({ min: 0, max: 100_000 }), (points, per100) => {
				const coins = coinsForPoints(points, per100);
				expect(coins + coinsForPoints(-points, per100)).toBe(0);
				expect(Math.abs(coins)).toBeLessThanOrEqual((Math.abs(points) * per100) / 100);
				expect(Number.isInteger(coins)).toBe(true);
			})
		);
		expect(coinsForPoints(37, 10)).toBe(3);
		expect(coinsForPoints(-37, 10)).toBe(-3);
		expect(coinsForPoints(99, 1)).toBe(0);
	});
});

describe('redemption transitions', () => {
	const ACTIONS: RedemptionAction[] = ['approve', 'fulfil', 'decline', 'cancel'];
	test('each action leaves only the status it is for', () => {
		const table = Object.fromEntries(REDEMPTION_STATUSES.map((s) => [s, Object.fromEntries(ACTIONS.map((a) => [a, redemptionAfter(s, a)]))]));
		expect(table).toEqual({
			pending: { approve: 'approved', fulfil: null, decline: 'declined', cancel: 'cancelled' },
			approved: { approve: null, fulfil: 'fulfilled', decline: null, cancel: null },
			fulfilled: { approve: null, fulfil: null, decline: null, cancel: null },
			declined: { approve: null, fulfil: null, decline: null, cancel: null },
			cancelled: { approve: null, fulfil: null, decline: null, cancel: null }
		});
	});

	test('only a decline or a cancellation refunds, and a refunded redemption can never be refunded again', () => {
		expect(ACTIONS.filter(refunds)).toEqual(['decline', 'cancel']);
		fc.assert(
			fc.property(fc.array(fc.constantFrom(...ACTIONS), { maxLength: 12 }), (actions) => {
				let status: (typeof REDEMPTION_STATUSES)[number] = 'pending';
				let refundsPaid = 0;
				for (const action of actions) {
					const next = redemptionAfter(status, action);
					if (next === null) continue;
					if (refunds(action)) refundsPaid++;
					status = next;
				}
				expect(refundsPaid).toBeLessThanOrEqual(1);
				if (refundsPaid) expect(['declined', 'cancelled']).toContain(status);
			})
		);
	});
});

describe('idea moves', () => {
	test('new → trying → adopted or declined; adopted and declined are final', () => {
		const allowed = IDEA_STATUSES.flatMap((from) => IDEA_STATUSES.filter((to) => canMoveIdea(from, to)).map((to) => `${from}→${to}`));
		expect(allowed).toEqual(['new→trying', 'new→adopted', 'new→declined', 'trying→adopted', 'trying→declined']);
	});
});

describe('reward pictures', () => {
	test('a built-in illustration, one emoji or an https address; nothing else', () => {
		expect(parseRewardImage('art:coffee')).toEqual({ kind: 'art', value: 'coffee' });
		expect(parseRewardImage('☕')).toEqual({ kind: 'emoji', value: '☕' });
		expect(parseRewardImage('🎧')).toEqual({ kind: 'emoji', value: '🎧' });
		expect(parseRewardImage('https://cdn.example.com/a.png')).toEqual({ kind: 'url', value: 'https://cdn.example.com/a.png' });
		for (const bad of ['art:nope', 'http://example.com/a.png', 'javascript:alert(1)', 'data:image/png;base64,AAA', 'https://user:pw@example.com/a.png', 'https://example.com/a b.png', 'coffee', '☕☕☕☕☕☕☕☕☕', 'https://localhost/a.png']) {
			expect(parseRewardImage(bad), bad).toBeNull();
		}
	});
});
