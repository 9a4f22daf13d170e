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
import type { TvCelebration } from '../../../src/lib/shared/displays/displays';
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

	async function celebrateDeals(organizationId: string, events: { id: number; metricKey: string; userId: string; value: number; voidsEventId?: number | null }[]) {
		const hasTvs = io.of('/').adapter.rooms.has(rooms.tvs(organizationId));
		const settings = await settingsOf(organizationId);
		const wanted = settings.filter((s) => s.enabled && s.kinds.includes('deal'));
		// Members who hide from public displays are never celebrated on them.
		const hidden = await hiddenFromDisplays(rt.db, organizationId);
		const big = events.filter(
			(e) => !e.voidsEventId && e.value > 0 && !hidden.has(e.userId) && wanted.some((s) => s.metric === e.metricKey && e.value >= s.threshold)
		);
		if (!big.length || (!hasTvs && !rt.config.redisUrl)) return;
		const [names, metrics, org] = await Promise.all([displayNames(rt.db, organizationId, [...new Set(big.map((e) => e.userId))]), allMetrics(rt.db, organizationId), findOrganizationById(rt.db, organizationId)]);
		const locale = org && isLocale(org.locale) ? org.locale : 'en';
		for (const e of big) {
			const metric = metrics.find((m) => m.key === e.metricKey);
			const who = names.get(e.userId) ?? { name: '—', initials: '?' };
			const amount =
				metric?.unit === 'currency' && metric.currency
					? new Intl.NumberFormat(locale, { style: 'currency', currency: metric.currency, maximumFractionDigits: 0 }).format(e.value / 100)
					: new Intl.NumberFormat(locale).format(e.value);
			const celebration: TvCelebration = {
				id: `deal:${e.id}`,
				kind: 'deal',
				name: who.name,
				initials: who.initials,
				headline: translate(locale, 'displays.celebrate.deal', { metric: metric ? localize(metric.name as never, locale) : e.metricKey }),
				detail: amount,
				metric: e.metricKey,
				value: e.value,
				at: new Date().toISOString()
			};
			io.to(rooms.tvs(organizationId)).emit('tv:celebrate', celebration);
		}
	}

	const stops = [
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
