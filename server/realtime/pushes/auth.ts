// Revocations: every way credentials end (a session signed out, sign-out everywhere, a password change
// or reset, a deactivation or role change, a revoked API token) disconnects the sockets that used them.
// These events reach every process (platform/events.ts), and each process ends its own sockets.
import { rooms } from '../../../src/lib/shared/socket-events';
import type { RealtimeContext } from '../domain';

export function authPushes({ rt, revoke }: RealtimeContext) {
	const offs = [
		rt.events.on('user.sessions_revoked', ({ userId, organizationId }) =>
			revoke(rooms.user(userId), (d) => d.userId === userId && (organizationId === null || d.organizationId === organizationId))
		),
		rt.events.on('session.revoked', ({ sessionId, userId }) => revoke(rooms.user(userId), (d) => d.sessionId === sessionId)),
		rt.events.on('member.access_changed', ({ userId, organizationId }) =>
			revoke(rooms.user(userId), (d) => d.userId === userId && d.organizationId === organizationId)
		),
		rt.events.on('token.revoked', ({ tokenId, organizationId }) => revoke(rooms.org(organizationId), (d) => d.tokenId === tokenId))
	];
	return () => offs.forEach((off) => off());
}
