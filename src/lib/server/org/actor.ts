import type { Role } from '../db/schema';

/** Who is acting: every service call is authorized against this, never against the UI. */
export interface Actor {
	userId: string;
	organizationId: string;
	role: Role;
}
