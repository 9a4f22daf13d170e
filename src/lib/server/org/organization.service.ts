import { organizationSettingsSchema, profileSchema } from '$lib/shared/schemas';
import type { Db } from '../db';
import { forbidden, notFound } from '../platform/errors';
import type { DomainEventBus } from '../platform/events';
import { listAudit, recordAudit } from './audit.repository';
import { listUserOrganizations } from './membership.repository';
import { findOrganizationById, updateOrganization } from './organization.repository';
import { updateUserProfile } from '../auth/user.repository';
import { parseInput } from '../platform/validation';
import type { Actor } from './actor';

export async function getOrganization(db: Db, actor: Actor) {
	const org = await findOrganizationById(db, actor.organizationId);
	if (!org) throw notFound();
	return {
		id: org.id,
		name: org.name,
		slug: org.slug,
		timeZone: org.time_zone,
		locale: org.locale,
		weekStart: org.week_start
	};
}

export async function updateOrganizationSettings(deps: { db: Db; events: DomainEventBus }, actor: Actor, input: unknown) {
	if (actor.role !== 'admin') throw forbidden();
	const data = parseInput(organizationSettingsSchema, input);
	await deps.db.transaction().execute(async (trx) => {
		await updateOrganization(trx, actor.organizationId, {
			name: data.name,
			time_zone: data.timeZone,
			locale: data.locale,
			week_start: data.weekStart
		});
		await recordAudit(trx, {
			organizationId: actor.organizationId,
			actorId: actor.userId,
			action: 'organization.updated',
			targetType: 'organization',
			targetId: actor.organizationId,
			data
		});
	});
	deps.events.emit('org.changed', { organizationId: actor.organizationId, what: 'settings' });
	return data;
}

export async function auditTrail(db: Db, actor: Actor, limit = 100) {
	if (actor.role !== 'admin') throw forbidden();
	return listAudit(db, actor.organizationId, limit);
}

export async function updateProfile(db: Db, actor: Actor, input: unknown) {
	const data = parseInput(profileSchema, input);
	await updateUserProfile(db, actor.userId, { name: data.name, locale: data.locale });
	return data;
}

export async function organizationsOf(db: Db, userId: string) {
	return (await listUserOrganizations(db, userId)).filter((o) => o.status === 'active');
}
