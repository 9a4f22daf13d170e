// Displays' pushes: a display's changes and "celebrate now" go to its TVs (through the adapter); a
// claimed pairing code tells the waiting TV in this process; a revoked screen's sockets end in every
// process; deals at or above a display's threshold become celebrations for the organization's TVs
// (each TV applies its own display's threshold and kinds).
import { celebrationSettingsOf, displayNames } from '../../../src/lib/server/displays/display.service';
import { hiddenFromDisplays } from '../../../src/lib/server/transparency/transparency.service';
import { findOrganizationById } from '../../../src/lib/server/org/organization.repository';
import { allMetrics } from '../../../src/lib/server/scoring/metric.repository';
import { cacheNow, processMap } from '../../../src/lib/server/platform/process-cache';
import { log } from '../../../src/lib/server/platform/log';
import { localize } from '../../../src/lib/shared/localized';
import { translate, isLocale } from '../../../src/lib/i18n';
import { rooms } from '../../../src/lib/shared/socket-events';
import { displayName, triggersOf, type CelebrationTrigger, type TvCelebration } from '../../../src/lib/shared/displays/displays';
import type { RecognitionMoment } from '../../../src/lib/shared/recognition';
import type { ContestMoment } from '../../../src/lib/shared/contests';
import type { ScoredEvent } from '../../../src/lib/shared/scoring';
import { encodeBoardKey } from '../../../src/lib/shared/boards/identity';
import { periodOf } from '../../../src/lib/shared/time-windows';
import { orgClock } from '../../../src/lib/server/scoring/live.service';
import type { RealtimeContext } from '../domain';

const SETTINGS_MS = 5_000;
type Settings = Awaited<ReturnType<typeof celebrationSettingsOf>>;
const settingsCache = processMap<string, { at: number; settings: Promise<Settings> }>('display-celebrations');

export function displayPushes({ rt, io, revoke }: RealtimeContext) {
	function settingsOf(organizationId: string) {
		const cached = settingsCache.get(organizationId);
		if (cached && cacheNow() - cached.at < SETTINGS_MS) return cached.settings;
		const settings = celebrationSettingsOf(rt.db, organizationId);
		settingsCache.set(organizationId, { at: cacheNow(), settings });
		settings.catch(() => settingsCache.delete(organizationId));
		return settings;
	}

	async function celebrateDeals(organizationId: string, events: ScoredEvent[]) {
		const hasTvs = io.of('/').adapter.rooms.has(rooms.tvs(organizationId));
		if (!hasTvs && !rt.config.redisUrl) return;
		const settings = await settingsOf(organizationId);
		const triggers = settings.filter((s) => s.enabled && s.kinds.includes('deal')).flatMap((s) => triggersOf(s));
		if (!triggers.length) return;
		// Members who hide from public displays are never celebrated on them.
		const hidden = await hiddenFromDisplays(rt.db, organizationId);
		const counted = events.filter((e) => !e.voidsEventId && e.value > 0 && !hidden.has(e.userId));
		const byEvent = counted.filter((e) => triggers.some((t) => t.per === 'event' && t.metric === e.metricKey && e.value >= t.threshold));
		const dayTriggers = triggers.filter((t) => t.per === 'day');
		const crossings = dayTriggers.length ? await dayCrossings(organizationId, counted, dayTriggers) : [];
		if (!byEvent.length && !crossings.length) return;
		const users = [...new Set([...byEvent, ...crossings.map((c) => c.event)].map((e) => e.userId))];
		const [names, metrics, org] = await Promise.all([displayNames(rt.db, organizationId, users), allMetrics(rt.db, organizationId), findOrganizationById(rt.db, organizationId)]);
		const locale = org && isLocale(org.locale) ? org.locale : 'en';
		const amountOf = (metricKey: string, value: number) => {
			const metric = metrics.find((m) => m.key === metricKey);
			return metric?.unit === 'currency' && metric.currency
				? new Intl.NumberFormat(locale, { style: 'currency', currency: metric.currency, maximumFractionDigits: 0 }).format(value / 100)
				: new Intl.NumberFormat(locale).format(value);
		};
		const metricName = (metricKey: string) => {
			const metric = metrics.find((m) => m.key === metricKey);
			return metric ? localize(metric.name as never, locale) : metricKey;
		};
		const emit = (celebration: TvCelebration) => io.to(rooms.tvs(organizationId)).emit('tv:celebrate', celebration);
		for (const e of byEvent) {
			const who = names.get(e.userId) ?? { name: '—', initials: '?' };
			emit({
				id: `deal:${e.id}`,
				kind: 'deal',
				name: who.name,
				initials: who.initials,
				headline: translate(locale, 'displays.celebrate.deal', { metric: metricName(e.metricKey) }),
				detail: amountOf(e.metricKey, e.value),
				metric: e.metricKey,
				value: e.value,
				per: 'event',
				at: new Date().toISOString()
			});
		}
		for (const { event: e, threshold, total } of crossings) {
			const who = names.get(e.userId) ?? { name: '—', initials: '?' };
			emit({
				id: `day:${e.id}:${e.metricKey}:${threshold}`,
				kind: 'deal',
				name: who.name,
				initials: who.initials,
				headline: translate(locale, 'displays.celebrate.dayTotal', { metric: metricName(e.metricKey) }),
				detail: amountOf(e.metricKey, total),
				metric: e.metricKey,
				value: total,
				per: 'day',
				threshold,
				at: new Date().toISOString()
			});
		}
	}

	/** Reps whose day total of a metric has just crossed a day trigger (read after the events were applied). */
	async function dayCrossings(organizationId: string, events: ScoredEvent[], triggers: CelebrationTrigger[]) {
		const relevant = events.filter((e) => triggers.some((t) => t.metric === e.metricKey));
		if (!relevant.length) return [];
		const clock = await orgClock(rt.db, organizationId);
		const out: { event: ScoredEvent; threshold: number; total: number }[] = [];
		// The events of one rep, metric and day, in order: each crossing belongs to the event that made it.
		const groups = new Map<string, ScoredEvent[]>();
		for (const e of relevant) {
			const key = `${e.userId}|${e.metricKey}|${periodOf('day', e.occurredAt, clock).key}`;
			groups.set(key, [...(groups.get(key) ?? []), e]);
		}
		for (const [key, list] of groups) {
			const [userId, metricKey, period] = key.split('|');
			const [entry] = await rt.live.entries(organizationId, encodeBoardKey({ board: metricKey, scope: 'users', window: 'day', period }), [userId]);
			let total = entry?.score ?? 0;
			const sorted = [...list].sort((a, b) => b.id - a.id);
			for (const e of sorted) {
				const before = total - e.value;
				for (const t of triggers) if (t.metric === metricKey && before < t.threshold && total >= t.threshold) out.push({ event: e, threshold: t.threshold, total });
				total = before;
			}
		}
		return out;
	}

	/** The organization's locale, for the words of a celebration. */
	async function localeOf(organizationId: string) {
		const org = await findOrganizationById(rt.db, organizationId);
		return org && isLocale(org.locale) ? org.locale : 'en';
	}

	// Recognition and contest moments reach the TVs as celebrations worded here, with people named as
	// they chose to appear on displays (the moments themselves carry their names).
	async function celebrateRecognition(organizationId: string, m: RecognitionMoment) {
		const kinds: Partial<Record<RecognitionMoment['type'], [TvCelebration['kind'], Parameters<typeof translate>[1]]>> = {
			badge_awarded: ['badge', 'displays.celebrate.badge'],
			level_up: ['badge', 'displays.celebrate.level'],
			goal_reached: ['goal', 'displays.celebrate.goal'],
			kudos_spotlight: ['kudos', 'displays.celebrate.kudos']
		};
		const found = kinds[m.type];
		if (!found || (!io.of('/').adapter.rooms.has(rooms.tvs(organizationId)) && !rt.config.redisUrl)) return;
		// Members who hide from public displays are never celebrated on them.
		if ((await hiddenFromDisplays(rt.db, organizationId)).has(m.user.id)) return;
		const [locale, names] = await Promise.all([localeOf(organizationId), displayNames(rt.db, organizationId, [m.user.id])]);
		const who = names.get(m.user.id) ?? { name: m.user.name, initials: '?' };
		const detail = m.badge ? localize(m.badge.name, locale) : m.level ? localize(m.level.name, locale) : m.goal ? localize(m.goal.measure, locale) : (m.kudos?.message ?? '');
		io.to(rooms.tvs(organizationId)).emit('tv:celebrate', { id: `r:${m.id}`, kind: found[0], name: who.name, initials: who.initials, headline: translate(locale, found[1]), detail, at: m.at });
	}

	async function celebrateContest(organizationId: string, m: ContestMoment) {
		if ((m.type !== 'new_leader' && m.type !== 'ended') || (!io.of('/').adapter.rooms.has(rooms.tvs(organizationId)) && !rt.config.redisUrl)) return;
		const about = m.type === 'ended' ? m.podium?.[0] : m.participant;
		if (!about || (await hiddenFromDisplays(rt.db, organizationId)).has(about.id)) return;
		const [locale, names] = await Promise.all([localeOf(organizationId), displayNames(rt.db, organizationId, [about.id])]);
		const who = names.get(about.id) ?? displayName({ name: about.name });
		io.to(rooms.tvs(organizationId)).emit('tv:celebrate', {
			id: `c:${m.contestId}:${m.type}:${m.at}`,
			kind: 'contest',
			name: who.name,
			initials: who.initials,
			headline: translate(locale, m.type === 'ended' ? 'displays.celebrate.ended' : 'displays.celebrate.leader'),
			detail: m.contestName,
			at: m.at
		});
	}

	const stops = [
		rt.events.on('recognition.moment', ({ organizationId, moment }) => {
			celebrateRecognition(organizationId, moment).catch((error) => log.warn('realtime: display celebration failed', error));
		}),
		rt.events.on('contest.moment', ({ organizationId, hidden, moment }) => {
			if (!hidden) celebrateContest(organizationId, moment).catch((error) => log.warn('realtime: display celebration failed', error));
		}),
		rt.events.on('display.changed', ({ organizationId, displayId }) => {
			settingsCache.delete(organizationId);
			io.to(rooms.display(organizationId, displayId)).emit('tv:changed', { at: Date.now() });
		}),
		// Who hides from displays, or whether they may, changed (cluster-wide): this process's TVs read their slides again.
		rt.events.on('transparency.changed', ({ organizationId }) => {
			io.local.to(rooms.tvs(organizationId)).emit('tv:changed', { at: Date.now() });
		}),
		rt.events.on('display.celebrate', ({ organizationId, displayId, celebration }) => {
			io.to(rooms.display(organizationId, displayId)).emit('tv:celebrate', celebration);
		}),
		rt.events.on('display.paired', ({ pairingId }) => {
			// Only this process's sockets: each process tells its own waiting TV, which it alone holds the secret of.
			const ids = io.of('/').adapter.rooms.get(rooms.pairing(pairingId));
			for (const id of ids ? [...ids] : []) {
				const socket = io.of('/').sockets.get(id);
				if (socket?.data.pairingSecret) socket.emit('tv:paired', { token: socket.data.pairingSecret });
			}
		}),
		rt.events.on('screen.revoked', ({ organizationId, screenId }) => revoke(rooms.org(organizationId), (d) => d.screenId === screenId)),
		rt.events.on('scores.changed', ({ organizationId, events }) => {
			celebrateDeals(organizationId, events).catch((error) => log.warn('realtime: display celebrations failed', error));
		})
	];
	return () => stops.forEach((stop) => stop());
}
