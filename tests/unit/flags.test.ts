// The anti-gaming flags' math, against answers computed by hand.
import { describe, expect, test } from 'vitest';
import { bunching, duplicateNotes, isNonTrivialNote, mad, median, normalizeNote, noteWeight, robustZ, selfReportSpike, voidRate } from '../../src/lib/server/coaching/flags.detect';

describe('median and MAD', () => {
	test('median of odd, even and empty lists', () => {
		expect(median([3, 1, 2])).toBe(2);
		expect(median([4, 1, 3, 2])).toBe(2.5);
		expect(median([])).toBeNull();
	});
	test('MAD ignores the outlier it looks for', () => {
		// median 3; |x − 3| = 2 1 0 1 97 → sorted 0 1 1 2 97 → 1
		expect(mad([1, 2, 3, 4, 100])).toBe(1);
		expect(mad([5, 5, 5])).toBe(0);
	});
});

describe('robust z of self-reports', () => {
	// Sorted 4 4 5 5 5 6 6: median 5, deviations 0 0 0 1 1 1 1: MAD 1.
	const week = [4, 5, 5, 6, 5, 4, 6];
	test('0.6745 × (x − median) / MAD', () => {
		expect(robustZ(week, 20)!.z).toBeCloseTo(10.1175, 4);
		expect(robustZ(week, 20)).toMatchObject({ median: 5, mad: 1 });
	});
	test('flags above 3.5 only', () => {
		expect(selfReportSpike(week, 10)).toMatchObject({ flagged: false });
		expect(selfReportSpike(week, 10).z).toBeCloseTo(3.3725, 4);
		expect(selfReportSpike(week, 11)).toMatchObject({ flagged: true });
		expect(selfReportSpike(week, 11).z).toBeCloseTo(4.047, 3);
	});
	test('too little history says nothing', () => {
		expect(selfReportSpike([5, 5, 6, 5, 4, 5], 100)).toMatchObject({ flagged: false, z: null });
	});
	test('MAD 0: the mean absolute deviation stands in', () => {
		// median 5; deviations 0 0 0 0 0 1 3: MAD 0, mean 4/7; z = 4 / (1.253314 × 4/7) = 5.5852
		const r = selfReportSpike([5, 5, 5, 5, 5, 6, 8], 9);
		expect(r.flagged).toBe(true);
		expect(r.z).toBeCloseTo(5.5852, 3);
	});
	test('no spread at all says nothing', () => {
		expect(selfReportSpike([5, 5, 5, 5, 5, 5, 5], 50)).toMatchObject({ flagged: false, z: null });
	});
});

describe('bunching before a boundary', () => {
	test('share, the even share and the lift', () => {
		// 6 of 10 in the last 48 h of a 30-day month: share 0.6, even 48/720 = 1/15, lift 9.
		const r = bunching(6, 10, 48, 720);
		expect(r.share).toBe(0.6);
		expect(r.expected).toBeCloseTo(1 / 15, 10);
		expect(r.lift).toBeCloseTo(9, 10);
		expect(r.flagged).toBe(true);
	});
	test('too few events, too small a share, or a lift under 3 are not flagged', () => {
		expect(bunching(4, 5, 48, 720)).toMatchObject({ share: 0.8, flagged: false });
		expect(bunching(6, 20, 48, 720)).toMatchObject({ share: 0.3, flagged: false });
		// A 4-day contest: 48 h is half of it, so all 10 there is a lift of 2.
		expect(bunching(10, 10, 48, 96)).toMatchObject({ share: 1, expected: 0.5, lift: 2, flagged: false });
		expect(bunching(0, 0, 48, 720)).toMatchObject({ share: 0, flagged: false });
	});
});

describe('void rate', () => {
	test('against the rest of the organization', () => {
		expect(voidRate(4, 10, 2, 100)).toEqual({ rate: 0.4, baseline: 0.02, flagged: true });
		expect(voidRate(3, 10, 30, 100)).toEqual({ rate: 0.3, baseline: 0.3, flagged: false });
		expect(voidRate(3, 10, 0, 0)).toEqual({ rate: 0.3, baseline: 0, flagged: true });
	});
	test('a few voids, or a low rate, are normal', () => {
		expect(voidRate(2, 4, 0, 0)).toMatchObject({ rate: 0.5, flagged: false });
		expect(voidRate(3, 20, 0, 50)).toMatchObject({ rate: 0.15, flagged: false });
		expect(voidRate(0, 0, 0, 0)).toEqual({ rate: 0, baseline: 0, flagged: false });
	});
});

describe('repeated notes', () => {
	test('normalized: case, spaces, trailing punctuation, full-width forms', () => {
		expect(normalizeNote('  Called   the CLIENT!! ')).toBe('called the client');
		expect(normalizeNote('Ｄｅｍｏ done。')).toBe('demo done');
	});
	test('weight: letters and digits 1, CJK 2; a note needs a letter and weight 12', () => {
		expect(noteWeight('called the client')).toBe(15);
		expect(isNonTrivialNote('called the client')).toBe(true);
		expect(noteWeight('follow up')).toBe(8);
		expect(isNonTrivialNote('follow up')).toBe(false);
		expect(noteWeight('客户跟进电话')).toBe(12);
		expect(isNonTrivialNote('客户跟进电话')).toBe(true);
		expect(isNonTrivialNote('12345678901234')).toBe(false);
	});
	test('the same non-trivial note on 5 or more events', () => {
		const events = [
			...['Called the client!', 'called the client', 'Called  the client.', 'CALLED THE CLIENT', 'Called the client'].map((note, i) => ({ id: i + 1, note })),
			...[6, 7, 8, 9].map((id) => ({ id, note: 'Demo with prospect' })),
			...[10, 11, 12, 13, 14, 15].map((id) => ({ id, note: 'ok' })),
			{ id: 16, note: null }
		];
		expect(duplicateNotes(events)).toEqual([{ note: 'Called the client!', ids: [1, 2, 3, 4, 5] }]);
		expect(duplicateNotes(events, 4)).toEqual([
			{ note: 'Called the client!', ids: [1, 2, 3, 4, 5] },
			{ note: 'Demo with prospect', ids: [6, 7, 8, 9] }
		]);
		expect(duplicateNotes([])).toEqual([]);
	});
});
