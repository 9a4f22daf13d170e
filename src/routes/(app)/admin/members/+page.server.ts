import { translate } from '$lib/i18n';
import { requireRole, attempt } from '$lib/server/platform/http';
import {
	changeRole,
	inviteMember,
	listInvitations,
	listOrganizationMembers,
	moveMember,
	revokeInvitation,
	setMemberActive,
	setMemberCompetes
} from '$lib/server/org/member.service';
import { issuePasswordReset } from '$lib/server/auth/auth.service';
import { accessOf } from '$lib/server/org/access';
import { listTeamTree } from '$lib/server/org/team.service';
import { formToObject } from '$lib/server/platform/validation';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireRole(event, 'admin', 'leader');
	const db = event.locals.runtime.db;
	const [members, teams, invitations, access] = await Promise.all([
		listOrganizationMembers(db, actor),
		listTeamTree(db, actor.organizationId),
		listInvitations(db, actor),
		accessOf(db, actor)
	]);
	const scope = access.managedTeamIds();
	return {
		members,
		teams: teams
			.filter((team) => !team.archived)
			.map((team) => ({ id: team.id, name: team.name, depth: team.depth, leaderIds: team.leaders.map((l) => l.id) })),
		invitations,
		manageable: scope === 'all' ? 'all' : [...scope]
	};
};

async function act(event: RequestEvent, formName: string, work: (input: Record<string, unknown>) => Promise<string>) {
	const input = formToObject(await event.request.formData());
	const target = String(input.userId ?? input.invitationId ?? '');
	const result = await attempt(event, () => work(input), { ...input, form: `${formName}:${target}` });
	if (!result.ok) return result.failure;
	return { done: result.value };
}

export const actions: Actions = {
	invite: async (event) => {
		const actor = requireRole(event, 'admin', 'leader');
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => inviteMember(event.locals.runtime, actor, input), { ...input, form: 'invite' });
		if (!result.ok) return result.failure;
		const origin = event.locals.runtime.config.origin ?? event.url.origin;
		return {
			invitation: { email: result.value.email, link: `${origin}/invite/${result.value.token}`, expiresAt: result.value.expiresAt.toISOString() },
			done: translate(event.locals.locale, 'admin.members.inviteCreated', { email: result.value.email })
		};
	},
	resetPassword: async (event) => {
		const actor = requireRole(event, 'admin', 'leader');
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => issuePasswordReset(event.locals.runtime, actor, input), { ...input, form: 'resetPassword' });
		if (!result.ok) return result.failure;
		const origin = event.locals.runtime.config.origin ?? event.url.origin;
		return {
			passwordReset: {
				name: result.value.name,
				link: `${origin}/reset/${result.value.token}`,
				expiresAt: result.value.expiresAt.toISOString(),
				message: translate(event.locals.locale, 'admin.members.resetCreated', { name: result.value.name })
			}
		};
	},
	revoke: async (event) => {
		const actor = requireRole(event, 'admin', 'leader');
		return act(event, 'revoke', async (input) => {
			await revokeInvitation(event.locals.runtime, actor, input);
			return translate(event.locals.locale, 'admin.members.revoked');
		});
	},
	role: async (event) => {
		const actor = requireRole(event, 'admin', 'leader');
		return act(event, 'role', async (input) => {
			const r = await changeRole(event.locals.runtime, actor, input);
			return translate(event.locals.locale, 'admin.members.roleChanged', {
				name: r.name,
				role: translate(event.locals.locale, `roles.${r.role}`)
			});
		});
	},
	move: async (event) => {
		const actor = requireRole(event, 'admin', 'leader');
		return act(event, 'move', async (input) => {
			const r = await moveMember(event.locals.runtime, actor, input);
			return translate(event.locals.locale, 'admin.members.moved', { name: r.name });
		});
	},
	deactivate: async (event) => {
		const actor = requireRole(event, 'admin', 'leader');
		return act(event, 'deactivate', async (input) => {
			const r = await setMemberActive(event.locals.runtime, actor, input, false);
			return translate(event.locals.locale, 'admin.members.deactivated', { name: r.name });
		});
	},
	competes: async (event) => {
		const actor = requireRole(event, 'admin', 'leader');
		return act(event, 'competes', async (input) => {
			const r = await setMemberCompetes(event.locals.runtime, actor, input);
			return translate(event.locals.locale, r.competes ? 'admin.members.competesOn' : 'admin.members.competesOff', { name: r.name });
		});
	},
	reactivate: async (event) => {
		const actor = requireRole(event, 'admin', 'leader');
		return act(event, 'reactivate', async (input) => {
			const r = await setMemberActive(event.locals.runtime, actor, input, true);
			return translate(event.locals.locale, 'admin.members.reactivated', { name: r.name });
		});
	}
};
