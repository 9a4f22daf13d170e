// One sentence per recognition moment, for toasts and the activity feed: who did what, or (a kudos for
// the reader) who gave it.
import { currentLocale, t } from '$lib/i18n/t.svelte';
import { localize } from '$lib/shared/localized';
import type { RecognitionMoment } from '$lib/shared/recognition';

/** The badge-set icon of a moment that is not a badge or a level (shown without a tier). */
export const MOMENT_ICONS = { reward_approved: 'gem', idea_adopted: 'lightbulb', kudos_spotlight: 'star', kudos_received: 'heart', goal_reached: 'bullseye' } as const;

/** A moment's localized name (a badge, a level, a reward) in the reader's language; '' when absent. */
export const named = (text: { en?: string; 'zh-CN'?: string } | null | undefined) => (text ? localize(text, currentLocale()) : '');

export function momentText(m: RecognitionMoment, mine: boolean): string {
	const name = m.user.name;
	switch (m.type) {
		case 'level_up':
			return t('celebrate.toastLevel', { name, level: named(m.level?.name) });
		case 'reward_approved':
			return t('celebrate.toastReward', { name, reward: named(m.reward?.name) });
		case 'idea_adopted':
			return t('celebrate.toastIdea', { name, idea: m.idea?.title ?? '' });
		case 'kudos_spotlight':
			return t('celebrate.toastSpotlight', { name, from: m.kudos?.from.name ?? '' });
		case 'goal_reached':
			return mine ? t('celebrate.toastGoalMine', { goal: named(m.goal?.measure) }) : t('celebrate.toastGoal', { name, goal: named(m.goal?.measure) });
		case 'kudos_received':
			return mine ? t('celebrate.toastKudosMine', { from: m.kudos?.from.name ?? '' }) : t('celebrate.toastKudos', { name, from: m.kudos?.from.name ?? '' });
		default:
			return t('celebrate.toastBadge', { name, badge: named(m.badge?.name) });
	}
}
