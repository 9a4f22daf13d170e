// The coin ledger on the real database (PGlite, or Postgres when DATABASE_URL is set): whatever mix of
// credits, refusable debits and clamped debits arrives at once, each in its own transaction, the balance
// row equals the sum of the ledger, never goes below zero, and a ref repeated concurrently counts once.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import { AppError } from '../../src/lib/server/platform/errors';
import { balanceOf, ledgerSum } from '../../src/lib/server/recognition/coin.repository';
import { moveCoins } from '../../src/lib/server/recognition/coin.service';
import { addRep, createOrg, openTestDb } from '../helpers/scoring';

let db: Db;
let close: () => Promise<void>;
let organizationId: string;

beforeAll(async () => {
	({ db, close } = await openTestDb());
	({ organizationId } = await createOrg(db));
}, 120_000);

afterAll(async () => {
	await close?.();
});

const change = fc.record({
	amount: fc.integer({ min: -60, max: 60 }).filter((n) => n !== 0),
	clamp: fc.boolean(),
	// A few refs are shared, so the same fact may arrive twice at once.
	ref: fc.oneof(fc.constantFrom('a', 'b', 'c'), fc.uuid())
});

describe('the coin ledger', () => {
	test('concurrent changes: the balance is the sum of the ledger, never below zero, each ref once', { timeout: 120_000 }, async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(change, { minLength: 1, maxLength: 16 }), async (changes) => {
				const { userId } = await addRep(db, organizationId);
				const results = await Promise.allSettled(
					changes.map((c) => db.transaction().execute((trx) => moveCoins(trx, { organizationId, userId, amount: c.amount, reason: 'adjustment', ref: `${userId}:${c.ref}`, clamp: c.clamp })))
				);
				for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(AppError);
				const [balance, sum] = await Promise.all([balanceOf(db, organizationId, userId), ledgerSum(db, organizationId, userId)]);
				expect(balance).toBe(sum);
				expect(balance).toBeGreaterThanOrEqual(0);
				const refs = await db.selectFrom('coin_ledger').select('ref').where('user_id', '=', userId).execute();
				expect(new Set(refs.map((r) => r.ref)).size).toBe(refs.length);
			}),
			{ numRuns: 25 }
		);
	});
});
