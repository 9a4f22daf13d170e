import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { LocalizedText } from '../../shared/localized';

export type Role = 'admin' | 'leader' | 'rep';
export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export interface OrganizationsTable {
	id: Generated<string>;
	name: string;
	slug: string;
	time_zone: Generated<string>;
	locale: Generated<string>;
	week_start: Generated<number>;
	/** What reps see of the boards: the whole board, or the top N and their neighbourhood (see transparency/). */
	board_view: Generated<'full' | 'top'>;
	board_top_n: Generated<number>;
	board_neighbours: Generated<number>;
	/** Whether reps see everyone's values or only ranks (their own value always). */
	board_values: Generated<'all' | 'ranks'>;
	/** Whether reps may hide from public displays (TVs). */
	display_hiding: Generated<boolean>;
	created_at: CreatedAt;
}

export interface UsersTable {
	id: Generated<string>;
	email: string;
	name: string;
	password_hash: string;
	locale: string | null;
	created_at: CreatedAt;
}

export interface MembershipsTable {
	organization_id: string;
	user_id: string;
	role: Role;
	status: Generated<'active' | 'deactivated'>;
	external_id: string | null;
	/** On the reps' boards (carries a quota): reps by default, leaders and admins once an admin says so. */
	competes: Generated<boolean>;
	/** How the member appears on office displays (TVs): name, initials, or their alias. */
	display_as: Generated<'name' | 'initials' | 'alias'>;
	display_alias: string | null;
	/** The member asked to be left off public displays (honoured while the org allows hiding). */
	display_hidden: Generated<boolean>;
	created_at: CreatedAt;
}

export interface TeamsTable {
	id: Generated<string>;
	organization_id: string;
	name: string;
	parent_id: string | null;
	archived_at: Date | null;
	created_at: CreatedAt;
}

export interface TeamLeadersTable {
	team_id: string;
	user_id: string;
	organization_id: string;
}

export interface TeamMembersTable {
	organization_id: string;
	user_id: string;
	team_id: string;
	joined_at: CreatedAt;
}

export interface SessionsTable {
	id: string;
	user_id: string;
	organization_id: string;
	secret_hash: Uint8Array;
	created_at: CreatedAt;
	last_verified_at: Timestamp;
	/** The absolute end, however active the session is (SESSION_MAX_DAYS after sign-in). */
	expires_at: Timestamp;
	user_agent: string | null;
}

export interface PasswordResetsTable {
	id: Generated<string>;
	organization_id: string;
	user_id: string;
	token_hash: Uint8Array;
	created_by: string | null;
	created_at: CreatedAt;
	expires_at: Timestamp;
	used_at: Date | null;
}

export interface InvitationsTable {
	id: Generated<string>;
	organization_id: string;
	email: string;
	role: Role;
	team_id: string | null;
	token_hash: Uint8Array;
	invited_by: string | null;
	created_at: CreatedAt;
	expires_at: Timestamp;
	accepted_at: Date | null;
	accepted_by: string | null;
	revoked_at: Date | null;
}

export interface AuditLogTable {
	id: Generated<number>;
	organization_id: string;
	actor_id: string | null;
	action: string;
	target_type: string | null;
	target_id: string | null;
	data: ColumnType<Record<string, unknown>, string | undefined, string>;
	created_at: CreatedAt;
}

export type JobStatus = 'pending' | 'running' | 'done' | 'failed';

export interface JobsTable {
	id: Generated<number>;
	kind: string;
	payload: ColumnType<unknown, string, string>;
	organization_id: string | null;
	run_at: Timestamp;
	attempts: Generated<number>;
	max_attempts: Generated<number>;
	status: Generated<JobStatus>;
	last_error: string | null;
	locked_by: string | null;
	locked_until: Date | null;
	every_ms: number | null;
	dedupe_key: string | null;
	created_at: CreatedAt;
	updated_at: Timestamp;
}

export type MetricUnit = 'count' | 'currency' | 'minutes';
export type EventSource = 'manual' | 'api' | 'import' | 'correction' | 'training' | 'kudos' | 'demo' | 'contest' | 'badge' | 'idea' | 'integration';

export interface MetricsTable {
	id: Generated<string>;
	organization_id: string;
	key: string;
	/** { en?, "zh-CN"? } with at least one non-blank language (a check constraint); written as JSON text. */
	name: ColumnType<LocalizedText, string, string>;
	unit: MetricUnit;
	currency: string | null;
	step: Generated<number>;
	points_per_step: Generated<number>;
	daily_cap: number | null;
	/** The largest value one event may carry, in the unit (items, minutes, minor currency units). */
	max_value: number;
	self_report: Generated<boolean>;
	status: Generated<'active' | 'archived'>;
	/** Kept by the product for its own events (a contest's prize points): not shown to admins, not theirs to change. */
	system: Generated<boolean>;
	created_at: CreatedAt;
}

export interface ScoreEventsTable {
	id: Generated<number>;
	organization_id: string;
	metric_id: string;
	user_id: string;
	team_id: string | null;
	value: number;
	points: number;
	occurred_at: Timestamp;
	recorded_at: CreatedAt;
	source: EventSource;
	actor_id: string | null;
	note: string | null;
	idempotency_key: string;
	content_hash: string;
	voids_event_id: number | null;
	void_reason: string | null;
	/** The event's number within its organization (1, 2, 3, …): the index of its applied mark in the live store. */
	org_seq: number;
	/** Why a leader should look at this event (an unusual self-report), or null. It never changes what the event counts. */
	flag: Generated<EventFlag | null>;
}

export type EventFlag = 'near_max' | 'above_usual';

export interface ApiTokensTable {
	id: Generated<string>;
	organization_id: string;
	name: string;
	token_hash: Uint8Array;
	scopes: string[];
	created_by: string | null;
	created_at: CreatedAt;
	last_used_at: Date | null;
	revoked_at: Date | null;
}

type Json<T> = ColumnType<T, string, string>;

export type ContestStatusColumn = 'draft' | 'scheduled' | 'live' | 'ended' | 'final' | 'cancelled';

export interface ContestsTable {
	id: Generated<string>;
	organization_id: string;
	name: Json<Record<string, string>>;
	description: ColumnType<Record<string, string>, string | undefined, string>;
	format: 'race' | 'race_to_target' | 'team_vs_team' | 'duel' | 'bracket' | 'elimination' | 'team_challenge';
	/** "points", or [{ metric, weight }]. */
	scoring: Json<'points' | { metric: string; weight: number }[]>;
	rank_by: 'total' | 'percent_of_target' | 'average_per_member';
	starts_at: Timestamp;
	ends_at: Timestamp | null;
	/** When it actually ended, if before ends_at (a race to target whose places are all taken). */
	ended_at: Timestamp | null;
	grace_minutes: Generated<number>;
	status: Generated<ContestStatusColumn>;
	hidden: Generated<boolean>;
	target: number | null;
	places: Generated<number>;
	prizes: ColumnType<{ place: number; text: Record<string, string>; points: number }[], string | undefined, string>;
	repeat: ColumnType<{ every: 'none' } | { every: 'day' } | { every: 'week'; days: number[] }, string | undefined, string>;
	options: ColumnType<Record<string, unknown>, string | undefined, string>;
	/** The participants as the builder chose them (all reps, teams, members, ad-hoc teams). */
	participants_spec: ColumnType<Record<string, unknown>, string | undefined, string>;
	created_by: string | null;
	team_id: string | null;
	series_id: string | null;
	created_at: CreatedAt;
	updated_at: Timestamp;
	frozen_at: Timestamp | null;
}

export interface ContestTeamsTable {
	id: Generated<string>;
	contest_id: string;
	organization_id: string;
	name: Json<Record<string, string>>;
	position: Generated<number>;
}

export interface ContestTeamMembersTable {
	contest_team_id: string;
	contest_id: string;
	user_id: string;
}

export interface ContestParticipantsTable {
	id: Generated<number>;
	contest_id: string;
	organization_id: string;
	user_id: string | null;
	team_id: string | null;
	contest_team_id: string | null;
	whole_org: Generated<boolean>;
	target: number | null;
	seed: number | null;
	eliminated_at: Timestamp | null;
	joined_at: CreatedAt;
}

export interface ContestResultsTable {
	contest_id: string;
	organization_id: string;
	participant_id: string;
	rank: number;
	place: number | null;
	score: number;
	value: number;
	tie: number;
	prize_text: string | null;
	prize_points: Generated<number>;
}

export interface ContestNotesTable {
	id: Generated<number>;
	contest_id: string;
	organization_id: string;
	event_id: number;
	data: Json<Record<string, unknown>>;
	created_at: CreatedAt;
}

export interface CoinSettingsTable {
	organization_id: string;
	per_contest_win: Generated<number>;
	per_contest_place: Generated<number>;
	per_badge: Generated<number>;
	per_kudos: Generated<number>;
	per_100_points: Generated<number>;
	idea_points: Generated<number>;
	updated_at: Generated<Date>;
}

export interface CoinBalancesTable {
	organization_id: string;
	user_id: string;
	balance: Generated<number>;
}

export type CoinReason = 'points' | 'contest' | 'badge' | 'kudos' | 'redemption' | 'refund' | 'adjustment' | 'demo';

export interface CoinLedgerTable {
	id: Generated<number>;
	organization_id: string;
	user_id: string;
	amount: number;
	reason: CoinReason;
	ref: string;
	note: string | null;
	created_at: CreatedAt;
}

export interface RewardsTable {
	id: Generated<string>;
	organization_id: string;
	name: Json<LocalizedText>;
	description: ColumnType<LocalizedText, string | undefined, string>;
	image: string;
	cost: number;
	stock: number | null;
	per_person_limit: number | null;
	active: Generated<boolean>;
	created_at: CreatedAt;
	updated_at: Timestamp;
}

export type RedemptionStatusColumn = 'pending' | 'approved' | 'fulfilled' | 'declined' | 'cancelled';

export interface RewardRedemptionsTable {
	id: Generated<string>;
	organization_id: string;
	reward_id: string;
	user_id: string;
	cost: number;
	status: Generated<RedemptionStatusColumn>;
	note: string | null;
	decided_by: string | null;
	created_at: CreatedAt;
	updated_at: Timestamp;
}

export type IdeaStatusColumn = 'new' | 'trying' | 'adopted' | 'declined';

export interface IdeasTable {
	id: Generated<string>;
	organization_id: string;
	author_id: string;
	title: string;
	body: string;
	status: Generated<IdeaStatusColumn>;
	note: string | null;
	decided_by: string | null;
	created_at: CreatedAt;
	updated_at: Timestamp;
}

export interface IdeaVotesTable {
	idea_id: string;
	user_id: string;
	created_at: CreatedAt;
}

export interface IdeaCommentsTable {
	id: Generated<number>;
	idea_id: string;
	organization_id: string;
	user_id: string;
	body: string;
	created_at: CreatedAt;
}

export interface CompanyValuesTable {
	id: Generated<string>;
	organization_id: string;
	name: ColumnType<LocalizedText, string, string>;
	description: ColumnType<LocalizedText, string | undefined, string>;
	emoji: string | null;
	color: string | null;
	position: Generated<number>;
	archived_at: Timestamp | null;
	created_at: CreatedAt;
}

export interface KudosAllowancesTable {
	organization_id: string;
	role: Role;
	points: number;
}

export interface KudosTable {
	id: Generated<string>;
	organization_id: string;
	giver_id: string;
	value_id: string;
	message: string;
	/** Points each recipient receives. */
	points: Generated<number>;
	/** Points taken from the giver's allowance: points × recipients. */
	spent: Generated<number>;
	request_id: string | null;
	source: Generated<'app' | 'api' | 'demo'>;
	created_at: ColumnType<Date, Date | string | undefined, never>;
	hidden_at: Timestamp | null;
	hidden_by: string | null;
	hidden_reason: string | null;
	spotlight_at: Timestamp | null;
}

export interface KudosRecipientsTable {
	kudos_id: string;
	organization_id: string;
	user_id: string;
}

export interface KudosReactionsTable {
	kudos_id: string;
	organization_id: string;
	user_id: string;
	emoji: string;
	created_at: CreatedAt;
}

export interface KudosReportsTable {
	kudos_id: string;
	organization_id: string;
	user_id: string;
	reason: string | null;
	created_at: CreatedAt;
}

export interface BadgesTable {
	id: Generated<string>;
	organization_id: string;
	name: ColumnType<LocalizedText, string, string>;
	description: ColumnType<LocalizedText, string | undefined, string>;
	icon: string;
	/** The rule (shared/badges.ts BadgeRule). */
	rule: Json<Record<string, unknown>>;
	/** [{ tier, threshold }]: tiers in rising order, or one step with tier null. */
	steps: Json<{ tier: 'bronze' | 'silver' | 'gold' | null; threshold: number }[]>;
	status: Generated<'active' | 'archived'>;
	created_by: string | null;
	created_at: CreatedAt;
}

export interface BadgeAwardsTable {
	id: Generated<string>;
	organization_id: string;
	badge_id: string;
	/** '' for a badge without tiers. */
	tier: '' | 'bronze' | 'silver' | 'gold';
	user_id: string;
	period_key: string;
	awarded_at: Timestamp;
	awarded_by: string | null;
	reason: string | null;
}

export interface AchievementSignalsTable {
	id: Generated<string>;
	organization_id: string;
	user_id: string;
	kind: string;
	ref: string;
	value: number | string | null;
	at: Timestamp;
}

export interface OrgHolidaysTable {
	organization_id: string;
	day: string;
	name: Generated<string>;
}

export interface LevelsTable {
	organization_id: string;
	number: number;
	name: ColumnType<LocalizedText, string, string>;
	threshold: ColumnType<string | number, number, number>;
}

export interface LevelsReachedTable {
	organization_id: string;
	user_id: string;
	number: number;
	reached_at: Timestamp;
}

export type GoalOwnerKind = 'org' | 'team' | 'member';
export type GoalWindow = 'month' | 'quarter' | 'year' | 'custom';
export type GoalStatus = 'proposed' | 'active' | 'declined';

export interface GoalsTable {
	id: Generated<string>;
	organization_id: string;
	owner_kind: GoalOwnerKind;
	team_id: string | null;
	user_id: string | null;
	/** null: the goal counts points. */
	metric_id: string | null;
	target: number;
	window: GoalWindow;
	period_key: string;
	starts_at: Date;
	ends_at: Date;
	pace_mode: Generated<'linear' | 'working_days'>;
	parent_id: string | null;
	description: ColumnType<Record<string, string> | null, string | null | undefined, string | null>;
	status: Generated<GoalStatus>;
	created_by: string | null;
	decided_by: string | null;
	decided_at: Date | null;
	decline_reason: string | null;
	final_actual: number | null;
	finalized_at: Date | null;
	created_at: Generated<Date>;
	updated_at: Generated<Date>;
}

export type TrainingCourseStatus = 'draft' | 'published' | 'archived';

export interface TrainingCoursesTable {
	id: Generated<string>;
	organization_id: string;
	title: ColumnType<LocalizedText, string, string>;
	description: ColumnType<LocalizedText, string | undefined, string>;
	status: Generated<TrainingCourseStatus>;
	/** Points for completing the course (and passing its quizzes), paid once per member. */
	points: Generated<number>;
	created_by: string | null;
	created_at: CreatedAt;
	updated_at: Generated<Date>;
	published_at: Date | null;
}

export interface TrainingModulesTable {
	id: Generated<string>;
	organization_id: string;
	course_id: string;
	position: Generated<number>;
	title: ColumnType<LocalizedText, string, string>;
	/** Markdown, per language; rendered sanitized (shared/training/markdown.ts). */
	body: ColumnType<LocalizedText, string | undefined, string>;
	video_url: string | null;
	/** The quiz (shared/training/quiz.ts: questions, pass mark, attempts), or null. */
	quiz: ColumnType<unknown, string | null | undefined, string | null>;
	created_at: CreatedAt;
	updated_at: Generated<Date>;
}

export interface TrainingAssignmentsTable {
	id: Generated<string>;
	organization_id: string;
	course_id: string;
	user_id: string;
	assigned_by: string | null;
	/** The local day (organization's time zone) it is due, YYYY-MM-DD. */
	due_on: ColumnType<string, string, string>;
	note: string | null;
	/** Assigned from the member's profile as a personal development plan. */
	plan: Generated<boolean>;
	/** The due day the reminder was sent for. */
	reminded_on: ColumnType<string | null, string | null | undefined, string | null>;
	created_at: CreatedAt;
	updated_at: Generated<Date>;
}

export interface TrainingProgressTable {
	module_id: string;
	user_id: string;
	organization_id: string;
	course_id: string;
	started_at: CreatedAt;
	completed_at: Date | null;
}

export interface TrainingQuizAttemptsTable {
	id: Generated<string>;
	organization_id: string;
	course_id: string;
	module_id: string;
	user_id: string;
	attempt: number;
	answers: ColumnType<unknown, string, never>;
	correct: number;
	total: number;
	score: number;
	passed: boolean;
	created_at: CreatedAt;
}

export interface TrainingCompletionsTable {
	id: Generated<string>;
	organization_id: string;
	course_id: string;
	user_id: string;
	source: 'internal' | 'external' | 'demo';
	external_id: string | null;
	points: Generated<number>;
	completed_at: Date;
	recorded_by: string | null;
	created_at: CreatedAt;
}

export interface DisplaysTable {
	id: Generated<string>;
	organization_id: string;
	team_id: string | null;
	name: string;
	top_n: Generated<number>;
	/** DisplayCelebrations (shared/displays/displays.ts), validated by its schema. */
	celebrations: ColumnType<unknown, string | undefined, string>;
	epoch_at: Generated<Date>;
	pinned_slide_id: string | null;
	blackout: Generated<boolean>;
	created_by: string | null;
	created_at: CreatedAt;
	updated_at: Generated<Date>;
}

export interface DisplaySlidesTable {
	id: Generated<string>;
	organization_id: string;
	display_id: string;
	position: Generated<number>;
	type: string;
	/** Validated by the slide type's schema (shared/displays/slides.ts). */
	settings: ColumnType<unknown, string | undefined, string>;
	duration_s: Generated<number>;
	schedule: ColumnType<unknown, string | null | undefined, string | null>;
	created_at: CreatedAt;
	updated_at: Generated<Date>;
}

export interface DisplayScreensTable {
	id: Generated<string>;
	organization_id: string;
	display_id: string;
	token_hash: Uint8Array;
	paired_by: string | null;
	user_agent: string | null;
	resolution: string | null;
	current_slide: string | null;
	last_seen_at: Date | null;
	created_at: CreatedAt;
	revoked_at: Date | null;
}

export interface DisplaySoundsTable {
	organization_id: string;
	kind: string;
	name: string;
	mime: string;
	data: Uint8Array;
	uploaded_by: string | null;
	updated_at: Generated<Date>;
}

export interface DisplayPairingsTable {
	id: Generated<string>;
	code: string;
	secret_hash: Uint8Array;
	expires_at: Date;
	used_at: Date | null;
	screen_id: string | null;
	created_at: CreatedAt;
}

export type ConnectionKind = 'generic' | 'hubspot' | 'salesforce' | 'pipedrive' | 'zoho' | 'fxiaoke';
export interface IntegrationConnectionsTable {
	id: Generated<string>;
	organization_id: string;
	kind: ConnectionKind;
	name: string;
	/** AES-256-GCM of a JSON list of secrets (the newest first), with the key from PODIUM_SECRET_KEY. */
	secret_enc: string;
	settings: ColumnType<Record<string, string>, string | undefined, string>;
	rules: ColumnType<unknown[], string | undefined, string>;
	active: Generated<boolean>;
	created_by: string | null;
	created_at: Generated<Date>;
	updated_at: Generated<Date>;
}
export interface IntegrationWebhookIdsTable {
	connection_id: string;
	webhook_id: string;
	received_at: Generated<Date>;
}
export type DeliveryVerdict = 'accepted' | 'duplicate' | 'rejected' | 'unmapped';
export interface IntegrationDeliveriesTable {
	id: Generated<number>;
	organization_id: string;
	connection_id: string;
	verdict: DeliveryVerdict;
	reason: string | null;
	body: string;
	events: ColumnType<unknown[], string | undefined, string>;
	replay_of: number | null;
	received_at: Generated<Date>;
}
export type ChannelKind = 'slack' | 'teams' | 'wecom' | 'dingtalk' | 'feishu' | 'webhook';
export interface NotificationChannelsTable {
	id: Generated<string>;
	organization_id: string;
	kind: ChannelKind;
	name: string;
	url_enc: string;
	secret_enc: string | null;
	/** The signing secret before the last rotation (signed webhooks), still signing until previous_secret_until. */
	previous_secret_enc: string | null;
	previous_secret_until: Date | null;
	keyword: string | null;
	moments: ColumnType<string[], string | undefined, string>;
	big_deal_minor: ColumnType<string | number | null, number | null | undefined, number | null>;
	digest: 'daily' | 'weekly' | null;
	/** HH:MM, the organization's local time. */
	digest_at: string | null;
	allow_private: Generated<boolean>;
	paused: Generated<boolean>;
	failures: Generated<number>;
	last_error: string | null;
	last_sent_at: Date | null;
	created_by: string | null;
	created_at: Generated<Date>;
}
export interface NotificationOutboxTable {
	id: Generated<number>;
	organization_id: string;
	channel_id: string;
	dedupe_key: string;
	moment: string;
	message: ColumnType<Record<string, unknown>, string, string>;
	status: Generated<'pending' | 'sent' | 'failed'>;
	attempts: Generated<number>;
	next_attempt_at: Generated<Date>;
	claimed_until: Date | null;
	sent_at: Date | null;
	last_error: string | null;
	created_at: Generated<Date>;
}

export type AppealKind = 'not_mine' | 'duplicate' | 'wrong_value' | 'other';
export type AppealStatus = 'open' | 'voided' | 'recredited' | 'rejected';
export interface AppealsTable {
	id: Generated<string>;
	organization_id: string;
	event_id: number;
	appellant_id: string;
	kind: AppealKind;
	reason: string;
	suggested_user_id: string | null;
	status: Generated<AppealStatus>;
	resolver_id: string | null;
	resolution_reason: string | null;
	recredit_user_id: string | null;
	created_at: CreatedAt;
	updated_at: Timestamp;
	resolved_at: Timestamp | null;
}
export interface AppealMessagesTable {
	id: Generated<number>;
	organization_id: string;
	appeal_id: string;
	author_id: string;
	body: string;
	created_at: CreatedAt;
}

export type FlagKind = 'self_report_spike' | 'bunching' | 'voids' | 'duplicate_notes';
export interface CoachingFlagsTable {
	id: Generated<string>;
	organization_id: string;
	user_id: string;
	kind: FlagKind;
	/** The window the flag is about (a local day, a month, a contest): with rep and kind, unique. */
	window_key: string;
	window_start: Timestamp;
	window_end: Timestamp;
	score: number;
	details: ColumnType<Record<string, unknown>, string, string>;
	/** The events that raised it (their receipt lines). */
	event_ids: ColumnType<string[], number[], number[]>;
	status: Generated<'open' | 'dismissed'>;
	dismissed_by: string | null;
	dismissed_at: Timestamp | null;
	dismiss_reason: string | null;
	detected_at: CreatedAt;
}

export type ReviewWindow = 'month' | 'quarter';
export type ReviewStatus = 'draft' | 'shared';
export interface ReviewsTable {
	id: Generated<string>;
	organization_id: string;
	subject_id: string;
	author_id: string;
	period_window: ReviewWindow;
	period_key: string;
	period_start: Timestamp;
	period_end: Timestamp;
	scorecard: ColumnType<unknown, string, string>;
	strengths: Generated<string>;
	improvements: Generated<string>;
	feedback: Generated<string>;
	status: Generated<ReviewStatus>;
	version: Generated<number>;
	plan_goal: string | null;
	plan_opened_at: Timestamp | null;
	shared_at: Timestamp | null;
	acknowledged_at: Timestamp | null;
	created_at: CreatedAt;
	updated_at: Timestamp;
}
export interface ReviewRevisionsTable {
	id: Generated<number>;
	organization_id: string;
	review_id: string;
	version: number;
	editor_id: string;
	strengths: string;
	improvements: string;
	feedback: string;
	created_at: CreatedAt;
}
export interface ReviewCommentsTable {
	id: Generated<number>;
	organization_id: string;
	review_id: string;
	author_id: string;
	body: string;
	created_at: CreatedAt;
}
export interface ReviewActionsTable {
	id: Generated<string>;
	organization_id: string;
	review_id: string;
	text: string;
	owner: 'rep' | 'leader';
	due_on: string;
	done_at: Timestamp | null;
	done_by: string | null;
	reminded_on: string | null;
	created_at: CreatedAt;
}
export interface ReviewCheckinsTable {
	id: Generated<string>;
	organization_id: string;
	review_id: string;
	on_day: string;
	note: Generated<string>;
	reminded_on: string | null;
	created_at: CreatedAt;
}
export interface CoachingNotesTable {
	id: Generated<string>;
	organization_id: string;
	subject_id: string;
	author_id: string;
	on_day: string;
	body: string;
	shared: Generated<boolean>;
	created_at: CreatedAt;
	updated_at: Timestamp;
}
export interface CoachingNoteItemsTable {
	id: Generated<string>;
	organization_id: string;
	note_id: string;
	position: Generated<number>;
	text: string;
	done_at: Timestamp | null;
	done_by: string | null;
	created_at: CreatedAt;
}

export interface Database {
	coaching_flags: CoachingFlagsTable;
	displays: DisplaysTable;
	display_slides: DisplaySlidesTable;
	display_screens: DisplayScreensTable;
	display_sounds: DisplaySoundsTable;
	display_pairings: DisplayPairingsTable;
	integration_connections: IntegrationConnectionsTable;
	integration_webhook_ids: IntegrationWebhookIdsTable;
	integration_deliveries: IntegrationDeliveriesTable;
	notification_channels: NotificationChannelsTable;
	notification_outbox: NotificationOutboxTable;
	appeals: AppealsTable;
	appeal_messages: AppealMessagesTable;
	reviews: ReviewsTable;
	review_revisions: ReviewRevisionsTable;
	review_comments: ReviewCommentsTable;
	review_actions: ReviewActionsTable;
	review_checkins: ReviewCheckinsTable;
	coaching_notes: CoachingNotesTable;
	coaching_note_items: CoachingNoteItemsTable;
	goals: GoalsTable;
	badges: BadgesTable;
	badge_awards: BadgeAwardsTable;
	achievement_signals: AchievementSignalsTable;
	org_holidays: OrgHolidaysTable;
	levels: LevelsTable;
	levels_reached: LevelsReachedTable;
	coin_settings: CoinSettingsTable;
	coin_balances: CoinBalancesTable;
	coin_ledger: CoinLedgerTable;
	rewards: RewardsTable;
	reward_redemptions: RewardRedemptionsTable;
	ideas: IdeasTable;
	idea_votes: IdeaVotesTable;
	idea_comments: IdeaCommentsTable;
	contests: ContestsTable;
	contest_teams: ContestTeamsTable;
	contest_team_members: ContestTeamMembersTable;
	contest_participants: ContestParticipantsTable;
	contest_results: ContestResultsTable;
	contest_notes: ContestNotesTable;
	metrics: MetricsTable;
	score_events: ScoreEventsTable;
	api_tokens: ApiTokensTable;
	organizations: OrganizationsTable;
	users: UsersTable;
	memberships: MembershipsTable;
	teams: TeamsTable;
	team_leaders: TeamLeadersTable;
	team_members: TeamMembersTable;
	sessions: SessionsTable;
	invitations: InvitationsTable;
	password_resets: PasswordResetsTable;
	audit_log: AuditLogTable;
	jobs: JobsTable;
	company_values: CompanyValuesTable;
	kudos_allowances: KudosAllowancesTable;
	kudos: KudosTable;
	kudos_recipients: KudosRecipientsTable;
	kudos_reactions: KudosReactionsTable;
	kudos_reports: KudosReportsTable;
	training_courses: TrainingCoursesTable;
	training_modules: TrainingModulesTable;
	training_assignments: TrainingAssignmentsTable;
	training_progress: TrainingProgressTable;
	training_quiz_attempts: TrainingQuizAttemptsTable;
	training_completions: TrainingCompletionsTable;
}

export type Organization = Selectable<OrganizationsTable>;
export type NewOrganization = Insertable<OrganizationsTable>;
export type OrganizationUpdate = Updateable<OrganizationsTable>;
export type User = Selectable<UsersTable>;
export type Team = Selectable<TeamsTable>;
export type Session = Selectable<SessionsTable>;
export type Invitation = Selectable<InvitationsTable>;
export type Metric = Selectable<MetricsTable>;
export type ScoreEvent = Selectable<ScoreEventsTable>;
