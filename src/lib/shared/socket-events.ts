// The Socket.IO protocol, imported by both the server and the browser. Events are "domain:verb".
// Mutations never travel here: sockets push and subscribe; changes go through HTTP.
export type Ack<T> = { data: T } | { error: string };

export interface ServerToClientEvents {
	/** Something about the organization changed (teams, members, settings): refetch what you show. */
	'org:changed': (payload: { what: 'teams' | 'members' | 'settings'; at: string }) => void;
}

export interface ClientToServerEvents {
	/** Who the server thinks this socket is, and which rooms it joined. */
	'session:whoami': (ack: (response: Ack<{ userId: string; organizationId: string; rooms: string[] }>) => void) => void;
}

export interface InterServerEvents {
	ping: () => void;
}

export interface SocketData {
	userId: string;
	organizationId: string;
	role: 'admin' | 'leader' | 'rep';
}

export const rooms = {
	org: (organizationId: string) => `org:${organizationId}`,
	user: (userId: string) => `user:${userId}`
};
