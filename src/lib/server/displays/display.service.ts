// Displays: office TVs showing a playlist of slides. Who may do what:
// - admins manage every display of their organization; leaders manage displays for no team or for a
//   team they lead (or one below it); reps manage none;
// - a TV pairs with nobody signed in: it asks for a code (with a secret only it knows), a leader claims
//   the code for a display, and the TV's secret becomes its device token (only its SHA-256 is stored).
//   A screen reads its own display only, in its display's organization; revoking it disconnects it.
// Every query is scoped by the actor's (or the screen's) organization: another organization's id is a 404.
import type { Db } from '../db';
import type { LiveStore } from '../live/store';
import type { Actor } from '../org/actor';
import { accessOf } from '../org/access';
import { recordAudit } from '../org/audit.repository';
import { findOrganizationById } from '../org/organization.repository';
import { listTeams } from '../org/team.repository';
import { AppError, forbidden } from '../platform/errors';
import type { DomainEventBus } from '../platform/events';
import { parseInput } from '../platform/validation';
import { generateSecureRandomString, hashSecret, secretMatches } from '../auth/tokens';
import { readBoard } from '../scoring/board.service';
import { hiddenFromDisplays } from '../transparency/transparency.service';
import { catalog } from '../scoring/boards/catalog';
import { allMetrics } from '../scoring/metric.repository';
import { listFeed } from '../recognition/kudos.service';
import { recentRecognition } from '../recognition/badge.repository';
import { localize } from '../../shared/localized';
import { translate, isLocale, type Locale } from '../../i18n';
import {
	DEFAULT_CELEBRATIONS,
	displayCelebrationsSchema,
	displayEditSchema,
	displayInputSchema,
	displayName,
	PAIRING_ALPHABET,
	PAIRING_CODE_LENGTH,
	PAIRING_TTL_MS,
	pairInputSchema,
	remoteInputSchema,
	slideInputSchema,
	type DisplayCelebrations,
	type TvCelebration,
	type TvSlide,
	type TvSlideData,
	type TvState
} from '../../shared/displays/displays';
import { SLIDE_CONTEST_FORMATS, SLIDE_TYPES, slideScheduleSchema, isSlideType, type SlideType } from '../../shared/displays/slides';
import { findContest } from '../contests/contest.repository';
import { epochForStep } from '../../shared/displays/rotation';
import * as repo from './display.repository';
import { contestSlide, goalsSlide, kpisSlide, type SlideDeps } from './display.slides';
import { soundVersions } from './display.sounds';

export interface DisplayDeps {
	db: Db;
	live: LiveStore;
	events: DomainEventBus;
	now?: () => Date;
}

const nowOf = (deps: { now?: () => Date }) => deps.now?.() ?? new Date();
const notFoundField = (field: string) => new AppError(404, 'validation.notFound', undefined, field);
const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A malformed id is a 400 naming the field; a well-formed unknown one a 404. */
function checkId(value: unknown, field: string): string {
	if (typeof value !== 'string' || !uuidRe.test(value)) throw new AppError(400, 'validation.invalid', undefined, field);
	return value;
}

export const DEVICE_TOKEN_PREFIX = 'tvs_';
/** Codes one address may ask for, and codes one person may try, per ten minutes. */
export const PAIRINGS_PER_IP = 60;
export const PAIR_ATTEMPTS = 30;
const DEVICE_TOKEN_RE = /^tvs_[a-km-np-z2-9]{40}$/;

type DisplayRow = NonNullable<Awaited<ReturnType<typeof repo.findDisplay>>>;
type SlideRow = Awaited<ReturnType<typeof repo.listSlides>>[number];

function celebrationsOf(row: { celebrations: unknown }): DisplayCelebrations {
	const parsed = displayCelebrationsSchema.safeParse(row.celebrations ?? {});
	return parsed.success ? parsed.data : DEFAULT_CELEBRATIONS;
}

function toSlide(row: SlideRow): TvSlide {
	const parsedSchedule = row.schedule ? slideScheduleSchema.safeParse(row.schedule) : null;
	return {
		id: row.id,
		type: row.type as SlideType,
		settings: (row.settings ?? {}) as Record<string, unknown>,
		durationS: row.duration_s,
		schedule: parsedSchedule?.success ? parsedSchedule.data : null
	};
}

// ---- access ----

async function manageable(db: Db, actor: Actor) {
	if (actor.role === 'rep') throw forbidden();
	const access = await accessOf(db, actor);
	return (teamId: string | null) => access.isAdmin || (actor.role === 'leader' && (teamId === null || access.canManageTeam(teamId)));
}

/** The display, if the actor may manage it: another organization's is a 404, one of a team they do not lead a 403. */
async function managedDisplay(db: Db, actor: Actor, displayId: unknown): Promise<DisplayRow> {
	const may = await manageable(db, actor);
	const row = await repo.findDisplay(db, actor.organizationId, checkId(displayId, 'displayId'));
	if (!row) throw notFoundField('displayId');
	if (!may(row.team_id)) throw forbidden();
	return row;
}

async function checkTeam(db: Db, actor: Actor, teamId: string | null | undefined) {
	if (!teamId) return null;
	const teams = await listTeams(db, actor.organizationId);
	if (!teams.some((t) => t.id === teamId)) throw notFoundField('team');
	const may = await manageable(db, actor);
	if (!may(teamId)) throw new AppError(403, 'displays.errors.notYourTeam', undefined, 'team');
	return teamId;
}

// ---- displays ----

export interface DisplayView {
	id: string;
	name: string;
	teamId: string | null;
	topN: number;
	celebrations: DisplayCelebrations;
	pinnedSlideId: string | null;
	blackout: boolean;
	slides: TvSlide[];
	screens: { id: string; userAgent: string | null; resolution: string | null; currentSlide: string | null; lastSeenAt: string | null; pairedAt: string }[];
}

/** The displays the actor manages (all of the organization's for an admin). */
export async function displaysFor(deps: DisplayDeps, actor: Actor): Promise<DisplayView[]> {
	const may = await manageable(deps.db, actor);
	const [displays, slides, screens] = await Promise.all([
		repo.listDisplays(deps.db, actor.organizationId),
		repo.listSlidesOfOrg(deps.db, actor.organizationId),
		repo.listScreens(deps.db, actor.organizationId)
	]);
	return displays
		.filter((d) => may(d.team_id))
		.map((d) => ({
			id: d.id,
			name: d.name,
			teamId: d.team_id,
			topN: d.top_n,
			celebrations: celebrationsOf(d),
			pinnedSlideId: d.pinned_slide_id,
			blackout: d.blackout,
			slides: slides.filter((s) => s.display_id === d.id).map(toSlide),
			screens: screens
				.filter((s) => s.display_id === d.id)
				.map((s) => ({
					id: s.id,
					userAgent: s.user_agent,
					resolution: s.resolution,
					currentSlide: s.current_slide,
					lastSeenAt: s.last_seen_at?.toISOString() ?? null,
					pairedAt: s.created_at.toISOString()
				}))
		}));
}

export async function displayOf(deps: DisplayDeps, actor: Actor, displayId: unknown): Promise<DisplayView> {
	const row = await managedDisplay(deps.db, actor, displayId);
	const found = (await displaysFor(deps, actor)).find((d) => d.id === row.id);
	if (!found) throw notFoundField('displayId');
	return found;
}

export async function createDisplay(deps: DisplayDeps, actor: Actor, input: unknown): Promise<{ id: string }> {
	await manageable(deps.db, actor);
	const data = parseInput(displayInputSchema, input);
	const teamId = await checkTeam(deps.db, actor, data.team);
	const { id } = await deps.db.transaction().execute(async (trx) => {
		const row = await repo.insertDisplay(trx, {
			organization_id: actor.organizationId,
			name: data.name,
			team_id: teamId,
			top_n: data.topN,
			celebrations: data.celebrations ?? DEFAULT_CELEBRATIONS,
			created_by: actor.userId
		});
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'display.created', targetType: 'display', targetId: row.id, data: { name: data.name } });
		return row;
	});
	return { id };
}

export async function editDisplay(deps: DisplayDeps, actor: Actor, displayId: unknown, input: unknown) {
	const row = await managedDisplay(deps.db, actor, displayId);
	const data = parseInput(displayEditSchema, input);
	const teamId = data.team === undefined ? undefined : await checkTeam(deps.db, actor, data.team);
	await repo.updateDisplay(deps.db, actor.organizationId, row.id, { name: data.name, team_id: teamId, top_n: data.topN, celebrations: data.celebrations });
	changed(deps, actor.organizationId, row.id);
}

export async function removeDisplay(deps: DisplayDeps, actor: Actor, displayId: unknown) {
	const row = await managedDisplay(deps.db, actor, displayId);
	const screens = (await repo.listScreens(deps.db, actor.organizationId)).filter((s) => s.display_id === row.id);
	await deps.db.transaction().execute(async (trx) => {
		await repo.deleteDisplay(trx, actor.organizationId, row.id);
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'display.deleted', targetType: 'display', targetId: row.id });
	});
	for (const s of screens) deps.events.emit('screen.revoked', { organizationId: actor.organizationId, screenId: s.id });
}

function changed(deps: DisplayDeps, organizationId: string, displayId: string) {
	deps.events.emit('display.changed', { organizationId, displayId });
}

// ---- slides ----

function parseSlide(input: unknown) {
	const data = parseInput(slideInputSchema, input);
	const settings = parseInput(SLIDE_TYPES[data.type], data.settings);
	return { ...data, settings };
}

export async function addSlide(deps: DisplayDeps, actor: Actor, displayId: unknown, input: unknown): Promise<{ id: string }> {
	const row = await managedDisplay(deps.db, actor, displayId);
	const slide = parseSlide(input);
	await checkSettings(deps.db, actor.organizationId, slide.type, slide.settings);
	const { id } = await repo.insertSlide(deps.db, {
		organization_id: actor.organizationId,
		display_id: row.id,
		type: slide.type,
		settings: slide.settings,
		duration_s: slide.duration,
		schedule: slide.schedule ?? null
	});
	changed(deps, actor.organizationId, row.id);
	return { id };
}

/** What a slide's settings name must exist in the organization: its board, contest, measures. */
async function checkSettings(db: Db, organizationId: string, type: SlideType, settings: Record<string, unknown>) {
	if (type === 'leaderboard') return checkBoard(db, organizationId, settings as { board: string; scope: string; window: string });
	if ((type === 'contest' || type === 'bracket' || type === 'challenge') && typeof settings.contest === 'string') {
		const found = await findContest(db, organizationId, settings.contest);
		if (!found || found.hidden) throw notFoundField('contest');
		const formats = SLIDE_CONTEST_FORMATS[type];
		if (type !== 'contest' && formats && !formats.includes(found.format)) throw new AppError(400, 'displays.errors.contestFormat', undefined, 'contest');
	}
	const measures = type === 'goals' && typeof settings.measure === 'string' ? [settings.measure] : type === 'kpis' && Array.isArray(settings.metrics) ? (settings.metrics as string[]) : [];
	if (measures.length) {
		const keys = new Set((await allMetrics(db, organizationId)).filter((m) => m.status === 'active' && !m.system).map((m) => m.key));
		if (measures.some((k) => k !== 'points' && !keys.has(k))) throw new AppError(400, 'validation.choice', undefined, type === 'goals' ? 'measure' : 'metrics');
	}
}

async function checkBoard(db: Db, organizationId: string, s: { board: string; scope: string; window: string }) {
	const found = await catalog.resolve(db, organizationId, s.board);
	if (!found.info.scopes.includes(s.scope as never)) throw new AppError(400, 'validation.choice', undefined, 'scope');
	if (!found.info.windows.includes(s.window)) throw new AppError(400, 'validation.choice', undefined, 'window');
}

async function managedSlide(deps: DisplayDeps, actor: Actor, slideId: unknown) {
	const slide = await repo.findSlide(deps.db, actor.organizationId, checkId(slideId, 'slideId'));
	if (!slide) throw notFoundField('slideId');
	const display = await managedDisplay(deps.db, actor, slide.display_id);
	return { slide, display };
}

export async function editSlide(deps: DisplayDeps, actor: Actor, slideId: unknown, input: unknown) {
	const { slide, display } = await managedSlide(deps, actor, slideId);
	const parsed = parseSlide({ ...(input as object), type: slide.type });
	await checkSettings(deps.db, actor.organizationId, parsed.type, parsed.settings);
	await repo.updateSlide(deps.db, actor.organizationId, slide.id, { settings: parsed.settings, duration_s: parsed.duration, schedule: parsed.schedule ?? null });
	changed(deps, actor.organizationId, display.id);
}

export async function removeSlide(deps: DisplayDeps, actor: Actor, slideId: unknown) {
	const { slide, display } = await managedSlide(deps, actor, slideId);
	await repo.deleteSlide(deps.db, actor.organizationId, slide.id);
	if (display.pinned_slide_id === slide.id) await repo.updateDisplay(deps.db, actor.organizationId, display.id, { pinned_slide_id: null });
	changed(deps, actor.organizationId, display.id);
}

export async function moveSlide(deps: DisplayDeps, actor: Actor, slideId: unknown, direction: unknown) {
	if (direction !== 'up' && direction !== 'down') throw new AppError(400, 'validation.choice', undefined, 'direction');
	const { slide, display } = await managedSlide(deps, actor, slideId);
	const ids = (await repo.listSlides(deps.db, actor.organizationId, display.id)).map((s) => s.id);
	const i = ids.indexOf(slide.id);
	const j = direction === 'up' ? i - 1 : i + 1;
	if (j < 0 || j >= ids.length) return;
	[ids[i], ids[j]] = [ids[j], ids[i]];
	await deps.db.transaction().execute((trx) => repo.setSlideOrder(trx, actor.organizationId, display.id, ids));
	changed(deps, actor.organizationId, display.id);
}

// ---- pairing ----

function pairingCode(): string {
	const bytes = new Uint8Array(PAIRING_CODE_LENGTH);
	let out = '';
	while (out.length < PAIRING_CODE_LENGTH) {
		crypto.getRandomValues(bytes);
		// Rejection sampling keeps every character equally likely (31 symbols, bytes below 248).
		for (const b of bytes) if (b < 248 && out.length < PAIRING_CODE_LENGTH) out += PAIRING_ALPHABET[b % PAIRING_ALPHABET.length];
	}
	return out;
}

/**
 * A new pairing code for a TV, with nobody signed in. The secret is the TV's: it proves on the pairing
 * socket that it asked for this code, and once a leader claims the code it is the screen's device token.
 */
export async function createPairing(deps: Pick<DisplayDeps, 'db' | 'live' | 'now'>, ip: string): Promise<{ code: string; expiresAt: string; secret: string }> {
	const now = nowOf(deps);
	if ((await deps.live.hit(`tv-pairing:${ip}`, PAIRING_TTL_MS)) > PAIRINGS_PER_IP) throw new AppError(429, 'displays.errors.tooMany');
	for (let attempt = 0; attempt < 5; attempt++) {
		const code = pairingCode();
		if (await repo.liveCodeExists(deps.db, code, now)) continue;
		const secret = `${DEVICE_TOKEN_PREFIX}${generateSecureRandomString(40)}`;
		const row = await repo.insertPairing(deps.db, { code, secret_hash: hashSecret(secret), expires_at: new Date(now.getTime() + PAIRING_TTL_MS) });
		if (Math.random() < 0.05) await repo.deleteOldPairings(deps.db, new Date(now.getTime() - 86_400_000));
		return { code: row.code, expiresAt: row.expires_at.toISOString(), secret };
	}
	throw new AppError(409, 'displays.errors.busy');
}

/** A leader (or a displays:write token) claims a TV's code for a display: single use, before it expires. */
export async function pairScreen(deps: DisplayDeps, actor: Actor, displayId: unknown, input: unknown): Promise<{ screenId: string }> {
	const display = await managedDisplay(deps.db, actor, displayId);
	const { code } = parseInput(pairInputSchema, input);
	// Codes are short: guessing them is throttled per person.
	if ((await deps.live.hit(`tv-pair:${actor.userId}`, PAIRING_TTL_MS)) > PAIR_ATTEMPTS) throw new AppError(429, 'displays.errors.tooMany', undefined, 'code');
	const now = nowOf(deps);
	const result = await deps.db.transaction().execute(async (trx) => {
		const pairing = await repo.claimPairing(trx, code, now);
		if (!pairing) return null;
		const screen = await repo.insertScreen(trx, { organization_id: actor.organizationId, display_id: display.id, token_hash: new Uint8Array(pairing.secret_hash), paired_by: actor.userId });
		await repo.setPairingScreen(trx, pairing.id, screen.id);
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'display.screen_paired', targetType: 'display', targetId: display.id, data: { screenId: screen.id } });
		return { pairingId: pairing.id, screenId: screen.id };
	});
	if (!result) throw new AppError(404, 'displays.errors.codeUnknown', undefined, 'code');
	deps.events.emit('display.paired', { pairingId: result.pairingId, organizationId: actor.organizationId, displayId: display.id, screenId: result.screenId });
	return { screenId: result.screenId };
}

export type PairingStatus = { status: 'waiting'; pairingId: string; expiresAt: string } | { status: 'paired'; token: string } | { status: 'expired' };

/** Where a TV's code stands, for the TV that holds its secret (anyone else learns nothing). */
export async function pairingStatus(deps: Pick<DisplayDeps, 'db' | 'now'>, code: unknown, secret: unknown): Promise<PairingStatus | null> {
	if (typeof code !== 'string' || typeof secret !== 'string' || !DEVICE_TOKEN_RE.test(secret)) return null;
	const row = await repo.findPairingByCode(deps.db, code.toUpperCase());
	if (!row || !secretMatches(secret, row.secret_hash)) return null;
	if (row.screen_id) {
		const screen = await repo.findScreenByTokenHash(deps.db, hashSecret(secret));
		return screen ? { status: 'paired', token: secret } : { status: 'expired' };
	}
	if (row.used_at || row.expires_at.getTime() <= nowOf(deps).getTime()) return { status: 'expired' };
	return { status: 'waiting', pairingId: row.id, expiresAt: row.expires_at.toISOString() };
}

export interface ScreenIdentity {
	screenId: string;
	displayId: string;
	organizationId: string;
}

/** The screen a device token belongs to, if it is live. */
export async function authenticateScreen(db: Db, token: unknown): Promise<ScreenIdentity | null> {
	if (typeof token !== 'string' || !DEVICE_TOKEN_RE.test(token)) return null;
	const row = await repo.findScreenByTokenHash(db, hashSecret(token));
	if (!row || !secretMatches(token, row.token_hash)) return null;
	return { screenId: row.id, displayId: row.display_id, organizationId: row.organization_id };
}

export async function revokeScreen(deps: DisplayDeps, actor: Actor, screenId: unknown) {
	const screen = await repo.findScreen(deps.db, actor.organizationId, checkId(screenId, 'screenId'));
	if (!screen || screen.revoked_at) throw notFoundField('screenId');
	await managedDisplay(deps.db, actor, screen.display_id);
	await repo.revokeScreen(deps.db, actor.organizationId, screen.id, nowOf(deps));
	await recordAudit(deps.db, { organizationId: actor.organizationId, actorId: actor.userId, action: 'display.screen_revoked', targetType: 'display', targetId: screen.display_id, data: { screenId: screen.id } });
	// Every process disconnects the screen's sockets.
	deps.events.emit('screen.revoked', { organizationId: actor.organizationId, screenId: screen.id });
}

/** What a screen reports: its browser, its resolution, the slide it shows (kept for the displays page). */
export async function screenSeen(db: Db, screen: ScreenIdentity, report: { userAgent?: unknown; resolution?: unknown; slide?: unknown }, now = new Date()) {
	const clip = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max).replace(/[\u0000-\u001f]/g, '') : undefined);
	await repo.touchScreen(db, screen.screenId, {
		...(report.userAgent !== undefined ? { user_agent: clip(report.userAgent, 300) ?? null } : {}),
		...(report.resolution !== undefined ? { resolution: clip(report.resolution, 20) ?? null } : {}),
		...(report.slide !== undefined ? { current_slide: report.slide === null ? null : (clip(report.slide, 80) ?? null) } : {}),
		last_seen_at: now
	});
}

// ---- what the TV reads ----

export async function tvState(deps: Pick<DisplayDeps, 'db' | 'now'>, screen: ScreenIdentity): Promise<TvState> {
	const [display, slides, org, sounds] = await Promise.all([
		repo.findDisplay(deps.db, screen.organizationId, screen.displayId),
		repo.listSlides(deps.db, screen.organizationId, screen.displayId),
		findOrganizationById(deps.db, screen.organizationId),
		soundVersions(deps.db, screen.organizationId)
	]);
	if (!display || !org) throw notFoundField('displayId');
	return {
		screenId: screen.screenId,
		display: {
			id: display.id,
			name: display.name,
			topN: display.top_n,
			celebrations: celebrationsOf(display),
			timeZone: org.time_zone,
			locale: isLocale(org.locale) ? org.locale : 'en',
			organization: org.name
		},
		slides: slides.filter((s) => isSlideType(s.type)).map(toSlide),
		epochAt: display.epoch_at.getTime(),
		pinnedSlideId: display.pinned_slide_id,
		blackout: display.blackout,
		serverNow: nowOf(deps).getTime(),
		sounds
	};
}

/** The board a leaderboard slide reads, limited to the display's team and top N. */
export async function slideBoardQuery(db: Db, screen: ScreenIdentity, slideId: unknown) {
	const slide = await repo.findSlide(db, screen.organizationId, checkId(slideId, 'slideId'));
	if (!slide || slide.display_id !== screen.displayId) throw notFoundField('slideId');
	const display = await repo.findDisplay(db, screen.organizationId, screen.displayId);
	if (!display) throw notFoundField('displayId');
	return { slide, display };
}

/**
 * Board rows without the members who hide from displays, ranked again among those shown (ties share a
 * rank), so a screen shows no gap where someone left.
 */
function showable<R extends { id: string; rank: number; score: number | null }>(rows: R[], hidden: ReadonlySet<string>): R[] {
	if (hidden.size === 0) return rows;
	const shown = rows.filter((r) => !hidden.has(r.id));
	let rank = 0;
	return shown.map((r, i) => {
		if (i === 0 || r.score !== shown[i - 1].score) rank = i + 1;
		return { ...r, rank };
	});
}

/** A slide's live data, as the display shows it (names as members chose to appear on displays). */
export async function slideData(deps: SlideDeps, screen: ScreenIdentity, slideId: unknown, locale: Locale): Promise<TvSlideData> {
	const { slide, display } = await slideBoardQuery(deps.db, screen, slideId);
	if (slide.type === 'leaderboard') {
		const s = SLIDE_TYPES.leaderboard.parse(slide.settings);
		const team = s.scope === 'users' ? (display.team_id ?? undefined) : undefined;
		// Members who hide from displays are left out (read enough rows to fill the top N without them).
		const hidden = s.scope === 'users' ? await hiddenFromDisplays(deps.db, screen.organizationId) : new Set<string>();
		const read = await readBoard(deps, screen.organizationId, { board: s.board, scope: s.scope, window: s.window, limit: Math.min(1000, display.top_n + hidden.size), team, around: undefined });
		const snapshot = { ...read, entries: showable(read.entries, hidden) };
		const found = await catalog.resolve(deps.db, screen.organizationId, s.board);
		const metric = (await allMetrics(deps.db, screen.organizationId)).find((m) => m.key === s.board);
		const boardName = 'key' in found.info.name ? translate(locale, found.info.name.key as never) : localize(found.info.name, locale);
		const people = s.scope === 'users' ? new Map((await repo.displayNamesOf(deps.db, screen.organizationId, snapshot.entries.map((e) => e.id))).map((m) => [m.id, displayName(m)])) : new Map();
		return {
			type: 'leaderboard',
			board: s.board,
			boardName,
			scope: s.scope,
			window: s.window,
			unit: metric ? metric.unit : 'points',
			currency: metric?.currency ?? null,
			rows: snapshot.entries.slice(0, display.top_n).map((e) => {
				const shown = people.get(e.id) ?? displayName({ name: e.name });
				return { rank: e.rank, id: e.id, name: shown.name, initials: shown.initials, team: e.team?.name ?? null, score: e.score ?? 0 };
			})
		};
	}
	if (slide.type === 'kudos') {
		const [all, hidden] = await Promise.all([listFeed(deps.db, screen.organizationId, null), hiddenFromDisplays(deps.db, screen.organizationId)]);
		// A kudos from someone who hides is left out, and so are recipients who hide (and a kudos left with none).
		const feed = {
			items: all.items
				.filter((k) => !hidden.has(k.from.id))
				.map((k) => ({ ...k, to: k.to.filter((p) => !hidden.has(p.id)) }))
				.filter((k) => k.to.length > 0)
		};
		const ids = [...new Set(feed.items.flatMap((k) => [k.from.id, ...k.to.map((p) => p.id)]))];
		const people = new Map((await repo.displayNamesOf(deps.db, screen.organizationId, ids)).map((m) => [m.id, displayName(m).name]));
		return {
			type: 'kudos',
			items: feed.items.slice(0, 6).map((k) => ({
				id: k.id,
				from: people.get(k.from.id) ?? k.from.name,
				to: k.to.map((p) => people.get(p.id) ?? p.name),
				message: k.message,
				value: k.value ? localize(k.value.name, locale) : null,
				spotlight: k.spotlight,
				at: k.createdAt
			}))
		};
	}
	if (slide.type === 'badges') {
		const s = SLIDE_TYPES.badges.parse(slide.settings);
		const [recent, hidden] = await Promise.all([recentRecognition(deps.db, screen.organizationId, new Date(Date.now() - s.days * 86_400_000), 8 + 8), hiddenFromDisplays(deps.db, screen.organizationId)]);
		const awards = recent.awards.filter((a) => !hidden.has(a.user_id)).slice(0, 8);
		const people = new Map((await repo.displayNamesOf(deps.db, screen.organizationId, [...new Set(awards.map((a) => a.user_id))])).map((m) => [m.id, displayName(m)]));
		return {
			type: 'badges',
			items: awards.map((a) => {
				const shown = people.get(a.user_id) ?? displayName({ name: a.user_name });
				const tier = a.tier === 'bronze' || a.tier === 'silver' || a.tier === 'gold' ? a.tier : null;
				return { id: a.id, name: shown.name, initials: shown.initials, badge: localize(a.badge_name, locale), icon: a.icon, tier, at: a.awarded_at.toISOString() };
			})
		};
	}
	const scope = { organizationId: screen.organizationId, teamId: display.team_id, topN: display.top_n };
	const type = slide.type as SlideType;
	if (type === 'contest' || type === 'bracket' || type === 'challenge') return contestSlide(deps, scope, type, slide.settings, locale);
	if (type === 'goals') return goalsSlide(deps, scope, slide.settings, locale);
	if (type === 'kpis') return kpisSlide(deps, scope, slide.settings, locale);
	return { type: 'none' };
}

// ---- the presenter's remote ----

export async function remote(deps: DisplayDeps, actor: Actor, displayId: unknown, input: unknown) {
	const display = await managedDisplay(deps.db, actor, displayId);
	const data = parseInput(remoteInputSchema, input);
	const now = nowOf(deps);
	if (data.command === 'celebrate') {
		const org = await findOrganizationById(deps.db, actor.organizationId);
		const celebration: TvCelebration = {
			id: crypto.randomUUID(),
			kind: 'manual',
			name: data.message ?? translate(org && isLocale(org.locale) ? org.locale : 'en', 'displays.celebrate.manual'),
			initials: '★',
			headline: '',
			detail: display.name,
			at: now.toISOString()
		};
		deps.events.emit('display.celebrate', { organizationId: actor.organizationId, displayId: display.id, celebration });
		return;
	}
	if (data.command === 'next' || data.command === 'previous') {
		const [slides, org] = await Promise.all([repo.listSlides(deps.db, actor.organizationId, display.id), findOrganizationById(deps.db, actor.organizationId)]);
		const epoch = epochForStep(slides.map(toSlide), display.epoch_at.getTime(), now.getTime(), org?.time_zone ?? 'UTC', data.command === 'next' ? 1 : -1);
		await repo.updateDisplay(deps.db, actor.organizationId, display.id, { epoch_at: new Date(epoch), pinned_slide_id: null });
	} else if (data.command === 'pin') {
		if (!data.slideId) throw new AppError(400, 'validation.required', undefined, 'slideId');
		const slide = await repo.findSlide(deps.db, actor.organizationId, data.slideId);
		if (!slide || slide.display_id !== display.id) throw notFoundField('slideId');
		await repo.updateDisplay(deps.db, actor.organizationId, display.id, { pinned_slide_id: slide.id });
	} else if (data.command === 'unpin') {
		await repo.updateDisplay(deps.db, actor.organizationId, display.id, { pinned_slide_id: null });
	} else {
		await repo.updateDisplay(deps.db, actor.organizationId, display.id, { blackout: data.command === 'blackout' });
	}
	changed(deps, actor.organizationId, display.id);
}

// ---- how a member appears on displays ----

export async function myDisplayName(db: Db, actor: Actor) {
	const row = await repo.findDisplayAs(db, actor.organizationId, actor.userId);
	return { displayAs: row?.display_as ?? 'name', alias: row?.display_alias ?? null };
}

export async function setMyDisplayName(db: Db, actor: Actor, input: unknown) {
	const i = (input ?? {}) as Record<string, unknown>;
	const displayAs = i.displayAs;
	if (displayAs !== 'name' && displayAs !== 'initials' && displayAs !== 'alias') throw new AppError(400, 'validation.choice', undefined, 'displayAs');
	const alias = typeof i.alias === 'string' ? i.alias.trim() : '';
	if (displayAs === 'alias' && (alias.length < 1 || alias.length > 40 || /[\u0000-\u001f]/.test(alias))) throw new AppError(400, 'displays.errors.alias', undefined, 'alias');
	await repo.setDisplayAs(db, actor.organizationId, actor.userId, displayAs, displayAs === 'alias' ? alias : null);
}

/** Names as members chose to appear on displays, for celebrations. */
export async function displayNames(db: Db, organizationId: string, userIds: string[]) {
	const rows = await repo.displayNamesOf(db, organizationId, userIds);
	return new Map(rows.map((r) => [r.id, displayName(r)]));
}

/** The organization's displays' deal celebration settings (for the realtime layer's filter). */
export async function celebrationSettingsOf(db: Db, organizationId: string) {
	return (await repo.listDisplays(db, organizationId)).map((d) => ({ id: d.id, ...celebrationsOf(d) }));
}
