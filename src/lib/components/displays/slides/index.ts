// The slide types' components, one per type of SLIDE_TYPES (shared/displays/slides.ts).
import type { Component } from 'svelte';
import type { Locale } from '$lib/i18n';
import type { SlideType } from '$lib/shared/displays/slides';
import type { TvSlideData } from '$lib/shared/displays/displays';
import LeaderboardSlide from './LeaderboardSlide.svelte';
import AnnouncementSlide from './AnnouncementSlide.svelte';
import CountdownSlide from './CountdownSlide.svelte';
import KudosSlide from './KudosSlide.svelte';
import BadgesSlide from './BadgesSlide.svelte';
import ContestSlide from './ContestSlide.svelte';
import BracketSlide from './BracketSlide.svelte';
import ChallengeSlide from './ChallengeSlide.svelte';
import GoalsSlide from './GoalsSlide.svelte';
import KpisSlide from './KpisSlide.svelte';

export interface SlideProps {
	settings: Record<string, unknown>;
	data: TvSlideData | undefined;
	locale: Locale;
	/** Server time (ms). */
	now: number;
}

export const SLIDE_COMPONENTS: Record<SlideType, Component<SlideProps>> = {
	leaderboard: LeaderboardSlide,
	contest: ContestSlide,
	bracket: BracketSlide,
	challenge: ChallengeSlide,
	goals: GoalsSlide,
	kpis: KpisSlide,
	announcement: AnnouncementSlide,
	countdown: CountdownSlide,
	kudos: KudosSlide,
	badges: BadgesSlide
};
