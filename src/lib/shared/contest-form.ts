// The contest builder's form, as posted, turned into the contest input (contestInputSchema checks it),
// and a contest turned back into the form's values for editing. Times are typed as wall-clock times
// in the organization's time zone (datetime-local), and become instants here, in that zone.
import type { ContestFormat, ContestInput, ContestView } from './contests';
import { CONTEST_LIMITS, TEAM_FORMATS } from './contests';
import { zonedParts, zonedTimeToInstant } from './time-windows';

export type Who = 'all' | 'teams' | 'members' | 'adhoc';
export type MetricsMode = 'points' | 'one' | 'mix';

/** The builder's state: what the form shows and posts. */
export interface BuilderValues {
	nameEn: string;
	nameZh: string;
	descriptionEn: string;
	descriptionZh: string;
	format: ContestFormat;
	startsAt: string;
	endsAt: string;
	graceMinutes: number;
	repeat: 'none' | 'day' | 'week';
	repeatDays: number[];
	places: number;
	prizes: { text: string; points: number }[];
	who: Who;
	teams: string[];
	members: string[];
	adhoc: { name: string; members: string[] }[];
	metricsMode: MetricsMode;
	metric: string;
	mix: { metric: string; weight: number }[];
	by: ContestInput['scoring']['by'];
	/** Number inputs give numbers, or null when emptied. */
	target: string | number | null;
	targets: Record<string, string | number | null>;
	roundMinutes: number;
	seeding: 'points' | 'manual';
	eliminationEvery: number;
	opponent: string;
	duelHours: number;
	hidden: boolean;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An instant as a datetime-local value in `timeZone` ("2026-12-01T09:00"). */
export function toLocalInput(iso: string | null | undefined, timeZone: string): string {
	if (!iso) return '';
	const p = zonedParts(new Date(iso), timeZone);
	return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** A datetime-local value read in `timeZone`, as an ISO instant; what does not parse is passed on as typed. */
export function fromLocalInput(value: string, timeZone: string): string {
	const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
	if (!m) return value.trim();
	try {
		return zonedTimeToInstant({ year: +m[1], month: +m[2], day: +m[3], hour: +m[4], minute: +m[5], second: m[6] ? +m[6] : 0 }, timeZone).toISOString();
	} catch {
		return value.trim();
	}
}

export function defaultBuilderValues(now: number, timeZone: string): BuilderValues {
	// The next full hour, for a day.
	const start = Math.ceil((now + 5 * 60_000) / 3600_000) * 3600_000;
	return {
		nameEn: '',
		nameZh: '',
		descriptionEn: '',
		descriptionZh: '',
		format: 'race',
		startsAt: toLocalInput(new Date(start).toISOString(), timeZone),
		endsAt: toLocalInput(new Date(start + 24 * 3600_000).toISOString(), timeZone),
		graceMinutes: CONTEST_LIMITS.graceDefaultMinutes,
		repeat: 'none',
		repeatDays: [],
		places: CONTEST_LIMITS.placesDefault,
		prizes: Array.from({ length: CONTEST_LIMITS.placesMax }, () => ({ text: '', points: 0 })),
		who: 'all',
		teams: [],
		members: [],
		adhoc: [
			{ name: '', members: [] },
			{ name: '', members: [] }
		],
		metricsMode: 'points',
		metric: '',
		mix: [
			{ metric: '', weight: 1 },
			{ metric: '', weight: 1 }
		],
		by: 'total',
		target: '',
		targets: {},
		roundMinutes: 60,
		seeding: 'points',
		eliminationEvery: 60,
		opponent: '',
		duelHours: 24,
		hidden: false
	};
}

/** A contest's values in the builder (editing a draft). */
export function builderValuesOf(view: ContestView, timeZone: string, now: number): BuilderValues {
	const base = defaultBuilderValues(now, timeZone);
	const metrics = view.scoring.metrics;
	const prizes = base.prizes.map((p, i) => {
		const prize = view.prizes.find((x) => x.place === i + 1);
		return prize ? { text: prize.text, points: prize.points } : p;
	});
	return {
		...base,
		nameEn: view.texts.name.en ?? '',
		nameZh: view.texts.name['zh-CN'] ?? '',
		descriptionEn: view.texts.description.en ?? '',
		descriptionZh: view.texts.description['zh-CN'] ?? '',
		format: view.format,
		startsAt: toLocalInput(view.startsAt, timeZone),
		endsAt: toLocalInput(view.endsAt, timeZone),
		graceMinutes: view.graceMinutes,
		places: view.places,
		prizes,
		metricsMode: metrics === 'points' ? 'points' : metrics.length === 1 ? 'one' : 'mix',
		metric: metrics === 'points' ? '' : metrics[0].metric,
		mix: metrics === 'points' || metrics.length === 1 ? base.mix : metrics.map((m) => ({ metric: m.metric, weight: m.weight })),
		by: view.scoring.by,
		target: view.target === null ? '' : String(view.target),
		hidden: view.hidden,
		...rulesValues(view, base)
	};
}

/** What only the rules carry (participants, targets, repetition, format options), when the reader has them. */
function rulesValues(view: ContestView, base: BuilderValues): Partial<BuilderValues> {
	const rules = view.rules;
	if (!rules) return {};
	const out: Partial<BuilderValues> = {
		repeat: rules.repeat.every,
		repeatDays: rules.repeat.every === 'week' ? [...rules.repeat.days] : [],
		targets: Object.fromEntries(Object.entries(rules.targets).map(([id, value]) => [id, String(value)]))
	};
	const who = rules.participants;
	if ('teams' in who) Object.assign(out, { who: 'teams', teams: [...who.teams] });
	else if ('members' in who && view.format !== 'duel') Object.assign(out, { who: 'members', members: [...who.members] });
	else if ('adhoc' in who)
		Object.assign(out, {
			who: 'adhoc',
			adhoc: who.adhoc.map((team) => ({ name: team.name.en ?? team.name['zh-CN'] ?? '', members: [...team.members] }))
		});
	else Object.assign(out, { who: 'all' });
	if (rules.bracket) Object.assign(out, { roundMinutes: rules.bracket.roundMinutes, seeding: rules.bracket.seeding });
	if (rules.elimination) out.eliminationEvery = rules.elimination.everyMinutes;
	if (rules.duel) Object.assign(out, { opponent: rules.duel.opponent, duelHours: rules.duel.hours });
	if (out.adhoc && out.adhoc.length < 2) out.adhoc = [...out.adhoc, ...base.adhoc].slice(0, 2);
	return out;
}

const text = (value: unknown) => (value == null ? '' : String(value).trim());
/** A typed number: undefined when empty, NaN when not a number (the schema then names the field). */
const num = (value: unknown): number | undefined => {
	if (text(value) === '') return undefined;
	const n = typeof value === 'number' ? value : Number(text(value));
	return Number.isFinite(n) ? n : NaN;
};

/**
 * The contest input for the builder's values; what is not valid is passed on as it is, so that the
 * schema names the field. `me` is the one who challenges in a duel.
 */
export function builderInput(v: BuilderValues, timeZone: string, status: 'draft' | 'scheduled', me: string): Record<string, unknown> {
	const isTeamFormat = TEAM_FORMATS.includes(v.format);
	const startsAt = fromLocalInput(v.startsAt, timeZone);
	let endsAt: string | undefined = text(v.endsAt) ? fromLocalInput(v.endsAt, timeZone) : undefined;
	if (v.format === 'duel') {
		const start = Date.parse(startsAt);
		endsAt = Number.isNaN(start) ? endsAt : new Date(start + (num(v.duelHours) ?? 0) * 3600_000).toISOString();
	}
	let participants: Record<string, unknown>;
	if (v.format === 'duel') participants = { members: [me, v.opponent].filter(Boolean) };
	else if (v.who === 'teams') participants = { teams: v.teams };
	else if (v.who === 'members' && !isTeamFormat) participants = { members: v.members };
	else if (v.who === 'adhoc' && isTeamFormat)
		participants = { adhoc: v.adhoc.filter((t) => text(t.name) || t.members.length).map((t) => ({ name: t.name, members: t.members })) };
	else participants = { all: true };
	const metrics =
		v.metricsMode === 'points'
			? 'points'
			: v.metricsMode === 'one'
				? [{ metric: v.metric, weight: 1 }]
				: v.mix.filter((m) => m.metric).map((m) => ({ metric: m.metric, weight: num(m.weight) ?? 1 }));
	const places = num(v.places) ?? CONTEST_LIMITS.placesDefault;
	const prizes = v.prizes
		.slice(0, Number.isInteger(places) ? Math.max(0, Math.min(places, CONTEST_LIMITS.placesMax)) : 0)
		.map((p, i) => ({ place: i + 1, text: p.text, points: num(p.points) ?? 0 }))
		.filter((p) => text(p.text) || p.points);
	const targets =
		v.by === 'percent_of_target'
			? Object.fromEntries(
					Object.entries(v.targets)
						.filter(([, value]) => text(value) !== '')
						.map(([id, value]) => [id, num(value)])
				)
			: undefined;
	const input: Record<string, unknown> = {
		name: { en: v.nameEn, 'zh-CN': v.nameZh },
		description: { en: v.descriptionEn, 'zh-CN': v.descriptionZh },
		format: v.format,
		scoring: { metrics, by: v.by },
		startsAt,
		endsAt,
		graceMinutes: num(v.graceMinutes),
		participants,
		places,
		prizes,
		repeat: v.repeat === 'week' ? { every: 'week', days: v.repeatDays } : { every: v.repeat },
		hidden: v.hidden,
		status
	};
	if (targets && Object.keys(targets).length) input.targets = targets;
	// A shared target belongs to the formats that race toward one.
	if (v.format === 'race_to_target' || v.format === 'team_challenge') input.target = num(v.target);
	if (v.format === 'bracket') input.bracket = { roundMinutes: num(v.roundMinutes), seeding: v.seeding };
	if (v.format === 'elimination') input.elimination = { everyMinutes: num(v.eliminationEvery) };
	return input;
}
