// What admins may see of the scheduler: their organization's jobs and the system's, read-only.
import type { Db } from '../db';
import { forbidden } from './errors';
import type { Actor } from '../org/actor';
import { listJobsForOrganization } from './job.repository';

export type JobDisplayStatus = 'pending' | 'running' | 'done' | 'failed' | 'retrying';

export interface AdminJob {
	id: number;
	kind: string;
	scope: 'organization' | 'system';
	/** "retrying": waiting again after a failed attempt. */
	status: JobDisplayStatus;
	attempts: number;
	maxAttempts: number;
	/** When it is due: the next run or retry (pending, retrying), or the run under way (running); null once finished. */
	nextRunAt: string | null;
	lastError: string | null;
	everyMs: number | null;
	updatedAt: string;
}

export async function jobsForAdmin(db: Db, actor: Actor, limit = 200): Promise<AdminJob[]> {
	if (actor.role !== 'admin') throw forbidden();
	const rows = await listJobsForOrganization(db, actor.organizationId, limit);
	return rows.map((row) => ({
		id: row.id,
		kind: row.kind,
		scope: row.organization_id ? 'organization' : 'system',
		status: row.status === 'pending' && row.last_error ? 'retrying' : row.status,
		attempts: row.attempts,
		maxAttempts: row.max_attempts,
		nextRunAt: row.status === 'pending' || row.status === 'running' ? row.run_at.toISOString() : null,
		lastError: row.last_error,
		everyMs: row.every_ms,
		updatedAt: row.updated_at.toISOString()
	}));
}
