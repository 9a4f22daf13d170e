// The board catalog: every board family the app knows, in registration order. Ingest and apply, the
// reconciler, rebuild, live:verify, pushes and the board list ask the catalog; none of them names a
// family. The registry lives on globalThis (see process-cache): the SvelteKit bundle, Vite's module
// graph and a test file may each load this module, and a family registered through one copy must be
// seen by all. A family is registered once, at start-up (or by a test, which unregisters it after).
import { familyOfBoard, parseBoardKey, type BoardId } from '../../../shared/boards/identity';
import { calendarIncrements, type CalendarTarget, type Increment, type ScoredEvent } from '../../../shared/scoring';
import type { OrgClock } from '../../../shared/time-windows';
import type { Db } from '../../db';
import { AppError } from '../../platform/errors';
import { processMap } from '../../platform/process-cache';
import type { BoardFamily, BoardInfo, DailyTotalsTarget, FamilyContext } from './family';
import { metricFamily } from './metric.family';
import { pointsFamily } from './points.family';

export type { BoardFamily, BoardInfo, DailyTotalsTarget, FamilyContext } from './family';

const families = processMap<string, BoardFamily>('board-families');
for (const builtIn of [pointsFamily, metricFamily]) if (!families.has(builtIn.name)) families.set(builtIn.name, builtIn);

type CalendarFamily = BoardFamily & { calendarTargets(event: ScoredEvent): CalendarTarget[] };
// Board keys parsed once (catalog.owner); forgotten when a family comes or goes. Shared like the families.
const owners = processMap<string, { id: BoardId; family: BoardFamily } | null>('board-owners');
const OWNERS_MAX = 50_000;

const isCalendar = (f: BoardFamily): f is CalendarFamily => 'calendarTargets' in f && typeof f.calendarTargets === 'function';

export const catalog = {
	/** Adds a family; its boards are applied from the next event on (rebuild an org to fill them from the log). */
	register(family: BoardFamily) {
		if (!/^[a-z][a-z0-9_-]{0,39}$/.test(family.name)) throw new Error(`board family name "${family.name}" must be like a metric key`);
		if (families.has(family.name)) throw new Error(`board family "${family.name}" is registered already`);
		families.set(family.name, family);
		owners.clear();
		return () => catalog.unregister(family.name);
	},
	unregister(name: string) {
		families.delete(name);
		owners.clear();
	},
	families(): BoardFamily[] {
		return [...families.values()];
	},
	family(name: string): BoardFamily | undefined {
		return families.get(name);
	},
	/** The family of a live-store key and its identity; undefined for a key no family owns. */
	owner(key: string): { id: BoardId; family: BoardFamily } | undefined {
		// Pushes, expiries and verify ask about the same few keys over and over: parse each once.
		let owned = owners.get(key);
		if (owned === undefined) {
			const id = parseBoardKey(key);
			const family = id && families.get(id.family);
			owned = family ? { id: id!, family } : null;
			if (owners.size >= OWNERS_MAX) owners.clear();
			owners.set(key, owned);
		}
		return owned ?? undefined;
	},

	/**
	 * Every board change of one event across the families (pushedOnly: of the families whose boards
	 * board:update carries). Calendar families share one window computation.
	 */
	incrementsOf(event: ScoredEvent, ctx: FamilyContext, options: { pushedOnly?: boolean } = {}): Increment[] {
		let targets: CalendarTarget[] | undefined;
		let out: Increment[] | undefined;
		for (const family of families.values()) {
			if (options.pushedOnly && family.boardPushes === false) continue;
			if (isCalendar(family)) {
				const t = family.calendarTargets(event);
				if (t.length) targets = targets ? targets.concat(t) : t;
			} else {
				const more = family.increments(event, ctx);
				if (more.length) out = out ? out.concat(more) : more;
			}
		}
		const calendar = targets ? calendarIncrements(event, targets, ctx.clock, ctx.now, ctx.competes(event.userId)) : [];
		return out ? calendar.concat(out) : calendar;
	},
	/** Where one metric's daily sums go, across the families rebuilt from the daily totals. */
	dailyTotalsTargets(metricKey: string): DailyTotalsTarget[] {
		const out: DailyTotalsTarget[] = [];
		for (const family of families.values()) if (family.rebuild.source === 'daily-totals') out.push(...family.rebuild.targets(metricKey));
		return out;
	},
	/** When the board with this key may go from the live store (undefined: kept forever, or no family owns it). */
	expiry(key: string, clock: OrgClock): number | undefined {
		const owner = catalog.owner(key);
		return owner?.family.expiry(owner.id, clock);
	},
	/** Whether the key is its board's current period at `now` (what verify compares and pushes reach). */
	isCurrent(key: string, now: Date, clock: OrgClock): boolean {
		const owner = catalog.owner(key);
		if (!owner) return false;
		return owner.family.currentPeriod(owner.id.board, owner.id.window, now, clock)?.key === owner.id.period;
	},
	/** Lets each family load what its synchronous methods need for the org (see BoardFamily.prepare). */
	async prepare(db: Db, organizationId: string, options: { fresh: boolean } = { fresh: false }): Promise<void> {
		const loading = [];
		for (const family of families.values()) if (family.prepare) loading.push(family.prepare(db, organizationId, options));
		if (loading.length) await Promise.all(loading);
	},
	/** Every board the org has, family by family. */
	async boardsOf(db: Db, organizationId: string): Promise<BoardInfo[]> {
		return (await Promise.all(catalog.families().map((f) => f.boards(db, organizationId)))).flat();
	},
	/** The board of that name with its family, or a 404 naming `field`. */
	async resolve(db: Db, organizationId: string, board: string, field = 'board'): Promise<{ info: BoardInfo; family: BoardFamily }> {
		const family = families.get(familyOfBoard(board));
		const info = family && (await family.boards(db, organizationId)).find((b) => b.board === board);
		if (!family || !info) throw new AppError(404, 'validation.notFound', undefined, field);
		return { info, family };
	}
};
