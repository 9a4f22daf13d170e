import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

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
	user_agent: string | null;
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

export type MetricUnit = 'count' | 'currency' | 'minutes';
export type EventSource = 'manual' | 'api' | 'import' | 'correction' | 'training' | 'kudos' | 'demo';

export interface MetricsTable {
	id: Generated<string>;
	organization_id: string;
	key: string;
	name_en: string;
	name_zh: string;
	unit: MetricUnit;
	currency: string | null;
	step: Generated<number>;
	points_per_step: Generated<number>;
	daily_cap: number | null;
	self_report: Generated<boolean>;
	status: Generated<'active' | 'archived'>;
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
}

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

export interface Database {
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
	audit_log: AuditLogTable;
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
