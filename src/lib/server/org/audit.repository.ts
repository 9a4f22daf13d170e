import type { Db } from '../db';

export interface AuditEntry {
	organizationId: string;
	actorId: string | null;
	action: string;
	targetType?: string;
	targetId?: string;
	data?: Record<string, unknown>;
}

export function recordAudit(db: Db, entry: AuditEntry) {
	return db
		.insertInto('audit_log')
		.values({
			organization_id: entry.organizationId,
			actor_id: entry.actorId,
			action: entry.action,
			target_type: entry.targetType ?? null,
			target_id: entry.targetId ?? null,
			data: JSON.stringify(entry.data ?? {})
		})
		.execute();
}

export function listAudit(db: Db, organizationId: string, limit = 100) {
	return db
		.selectFrom('audit_log as a')
		.leftJoin('users as u', 'u.id', 'a.actor_id')
		.select(['a.id', 'a.action', 'a.target_type', 'a.target_id', 'a.data', 'a.created_at', 'u.name as actor_name'])
		.where('a.organization_id', '=', organizationId)
		.orderBy('a.id', 'desc')
		.limit(limit)
		.execute();
}
