// What the displays pages need beyond the service: the editor's choices (teams the actor may pick,
// boards) and previews of slides' data as the TV would show them.
import type { Db } from '../db';
import type { LiveStore } from '../live/store';
import type { Actor } from '../org/actor';
import { accessOf } from '../org/access';
import { listTeams } from '../org/team.repository';
import { catalog } from '../scoring/boards/catalog';
import { allMetrics } from '../scoring/metric.repository';
import { listContestRows } from '../contests/contest.repository';
import { localize } from '../../shared/localized';
import { translate, type Locale } from '../../i18n';
import { SLIDE_TYPES, slideScheduleSchema, type SlideType } from '../../shared/displays/slides';
import type { TvSlideData } from '../../shared/displays/displays';
import { slideData, type DisplayView } from './display.service';

export async function editorChoices(db: Db, actor: Actor, locale: Locale) {
	const [teams, access, boards, contests, metrics] = await Promise.all([
		listTeams(db, actor.organizationId),
		accessOf(db, actor),
		catalog.boardsOf(db, actor.organizationId),
		listContestRows(db, actor.organizationId, ['draft', 'scheduled', 'live', 'ended', 'final']),
		allMetrics(db, actor.organizationId)
	]);
	return {
		contests: contests
			.filter((c) => !c.hidden)
			.sort((a, b) => b.starts_at.getTime() - a.starts_at.getTime())
			.slice(0, 50)
			.map((c) => ({ id: c.id, name: localize(c.name, locale), format: c.format, status: c.status })),
		measures: [
			{ key: 'points', name: translate(locale, 'tv.kpis.points') },
			...metrics.filter((m) => m.status === 'active' && !m.system).map((m) => ({ key: m.key, name: localize(m.name, locale) }))
		],
		teams: teams.filter((t) => !t.archived_at && (access.isAdmin || access.canManageTeam(t.id))).map((t) => ({ id: t.id, name: t.name })),
		boards: boards
			.filter((b) => b.listed)
			.map((b) => ({ board: b.board, name: 'key' in b.name ? translate(locale, b.name.key as never) : localize(b.name, locale), scopes: [...b.scopes], windows: [...b.windows] }))
	};
}

/** Each slide's data for the editor's preview (what the TV would show now). */
export async function previews(deps: { db: Db; live: LiveStore }, organizationId: string, displays: DisplayView[], locale: Locale) {
	const out: Record<string, TvSlideData> = {};
	for (const d of displays) {
		for (const s of d.slides) {
			if (s.type === 'announcement' || s.type === 'countdown') continue;
			try {
				out[s.id] = await slideData(deps, { organizationId, displayId: d.id, screenId: '' }, s.id, locale);
			} catch {
				// A slide whose board went away previews empty.
			}
		}
	}
	return out;
}

/** A slide form's flat fields (settings.<name>, schedule fields) into the service's input. */
export function slideFromForm(input: Record<string, unknown>, days: string[]) {
	const type = String(input.type ?? '') as SlideType;
	const settings: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(input)) if (key.startsWith('settings.')) settings[key.slice(9)] = value;
	if (type === 'countdown' && typeof settings.at === 'string' && settings.at && !/[zZ]|[+-]\d\d:\d\d$/.test(settings.at)) {
		// A datetime-local value carries the browser's offset in `tz` (minutes, as Date#getTimezoneOffset).
		const offset = Number(input.tz ?? 0);
		const local = Date.parse(`${settings.at}Z`);
		if (Number.isFinite(local)) settings.at = new Date(local + offset * 60_000).toISOString();
	}
	const schedule: Record<string, unknown> = {};
	if (input.from) schedule.from = String(input.from);
	if (input.to) schedule.to = String(input.to);
	if (days.length) schedule.days = days.map(Number);
	if (input.hoursFrom !== undefined && input.hoursFrom !== '' && input.hoursTo !== undefined && input.hoursTo !== '') schedule.hours = { from: Number(input.hoursFrom), to: Number(input.hoursTo) };
	return { type, settings, duration: input.duration === '' ? undefined : input.duration, schedule: Object.keys(schedule).length ? schedule : null };
}

export const slideTypes = Object.keys(SLIDE_TYPES) as SlideType[];
export { slideScheduleSchema };
